package org.jgrad.metrics;

/** How a confusion matrix is normalised for display, as scikit-learn's {@code normalize=}. */
public enum Normalize {
    /** Raw counts. */
    NONE,
    /** Each row (true class) sums to 1: the diagonal is per-class recall. */
    TRUE,
    /** Each column (predicted class) sums to 1: the diagonal is per-class precision. */
    PRED,
    /** The whole matrix sums to 1. */
    ALL
}
