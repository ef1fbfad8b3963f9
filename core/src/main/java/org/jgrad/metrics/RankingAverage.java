package org.jgrad.metrics;

/**
 * How per-class ranking scores (AUROC, average precision) reduce to one value, torchmetrics'
 * {@code average} argument: MACRO is the plain mean over the classes whose score is not NaN,
 * WEIGHTED weighs each class by its number of positive targets (over the classes whose score is
 * not NaN; 0 when those weights sum to 0), NONE keeps the per-class scores, MICRO (multilabel and
 * binary only) scores every (sample, label) pair as one binary problem.
 */
public enum RankingAverage { MICRO, MACRO, WEIGHTED, NONE }
