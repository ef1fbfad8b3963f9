package org.jgrad.metrics;

/**
 * The shape of a ranking problem, torchmetrics' {@code task}: BINARY (scores {@code [N, ...]},
 * targets 0/1 of the same shape), MULTICLASS one-vs-rest (scores {@code [N, C, ...]}, targets
 * labels {@code [N, ...]}), MULTILABEL (scores {@code [N, C, ...]}, targets 0/1 of the same shape).
 */
public enum RankingTask { BINARY, MULTICLASS, MULTILABEL }
