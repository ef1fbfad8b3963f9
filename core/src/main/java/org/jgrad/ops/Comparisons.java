package org.jgrad.ops;

import org.jgrad.backend.BinaryOp;
import org.jgrad.backend.UnaryOp;
import org.jgrad.tensor.Tensor;

/** Elementwise comparisons into UINT8 masks (1 where true), with broadcasting; no gradient. */
public final class Comparisons {
    private Comparisons() {}

    public static Tensor eq(Tensor a, Tensor b) { return Elementwise.compare(BinaryOp.EQ, a, b); }

    public static Tensor ne(Tensor a, Tensor b) { return Elementwise.compare(BinaryOp.NE, a, b); }

    public static Tensor lt(Tensor a, Tensor b) { return Elementwise.compare(BinaryOp.LT, a, b); }

    public static Tensor le(Tensor a, Tensor b) { return Elementwise.compare(BinaryOp.LE, a, b); }

    public static Tensor gt(Tensor a, Tensor b) { return Elementwise.compare(BinaryOp.GT, a, b); }

    public static Tensor ge(Tensor a, Tensor b) { return Elementwise.compare(BinaryOp.GE, a, b); }

    public static Tensor eq(Tensor a, double s) { return Elementwise.compareScalar(UnaryOp.EQ_SCALAR, a, s); }

    public static Tensor ne(Tensor a, double s) { return Elementwise.compareScalar(UnaryOp.NE_SCALAR, a, s); }

    public static Tensor lt(Tensor a, double s) { return Elementwise.compareScalar(UnaryOp.LT_SCALAR, a, s); }

    public static Tensor le(Tensor a, double s) { return Elementwise.compareScalar(UnaryOp.LE_SCALAR, a, s); }

    public static Tensor gt(Tensor a, double s) { return Elementwise.compareScalar(UnaryOp.GT_SCALAR, a, s); }

    public static Tensor ge(Tensor a, double s) { return Elementwise.compareScalar(UnaryOp.GE_SCALAR, a, s); }
}
