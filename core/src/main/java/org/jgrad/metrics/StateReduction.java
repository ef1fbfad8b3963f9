package org.jgrad.metrics;

/**
 * How one declared metric state combines across accumulators (another worker's metric, another
 * rank): element-wise sum, minimum or maximum, or concatenation along dimension 0 — torchmetrics'
 * {@code dist_reduce_fx} values "sum", "min", "max" and "cat".
 */
public enum StateReduction { SUM, MIN, MAX, CAT }
