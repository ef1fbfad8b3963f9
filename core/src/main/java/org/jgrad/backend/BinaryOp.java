package org.jgrad.backend;

/** Elementwise binary primitives over broadcast operands. Comparisons write 1 or 0. */
public enum BinaryOp {
    ADD, SUB, MUL, DIV, POW, MAXIMUM, MINIMUM, EQ, NE, LT, LE, GT, GE;

    public boolean isComparison() { return ordinal() >= EQ.ordinal(); }
}
