package org.jgrad.backend;

/** Elementwise unary primitives. {@code a}, {@code b} are the op's scalar parameters where it has any. */
public enum UnaryOp {
    NEG, EXP, LOG, SQRT, ABS, RELU, SIGMOID, TANH, SIGN,
    /** x^a */
    POW_SCALAR,
    /** min(max(x, a), b) */
    CLAMP,
    /** x + a */
    ADD_SCALAR,
    /** x * a */
    MUL_SCALAR,
    /** a / x */
    RDIV_SCALAR,
    /** 1 where x > a else 0 (used for relu backward and thresholds) */
    GT_SCALAR,
    /** 1 where x < a */
    LT_SCALAR,
    /** 1 where x >= a */
    GE_SCALAR,
    /** 1 where x <= a */
    LE_SCALAR,
    /** 1 where x == a */
    EQ_SCALAR,
    /** 1 where x != a */
    NE_SCALAR
}
