package org.jgrad.backend;

/**
 * Tight float32 loops for contiguous operands, split across the shared pool. Each returns
 * false when it has no fast path for the op, and the caller falls back to the generic walk.
 */
final class CpuFloatKernels {
    private static final int GRAIN = 1 << 15;

    private CpuFloatKernels() {}

    static boolean unary(UnaryOp op, float[] x, int xo, float[] y, int yo, int n, float a, float b) {
        switch (op) {
            case NEG, EXP, LOG, SQRT, ABS, RELU, SIGMOID, TANH, ADD_SCALAR, MUL_SCALAR, CLAMP, POW_SCALAR -> { }
            default -> { return false; }
        }
        Parallel.forRange(n, GRAIN, (lo, hi) -> {
            switch (op) {
                case NEG -> { for (int i = lo; i < hi; i++) y[yo + i] = -x[xo + i]; }
                case EXP -> { for (int i = lo; i < hi; i++) y[yo + i] = (float) Math.exp(x[xo + i]); }
                case LOG -> { for (int i = lo; i < hi; i++) y[yo + i] = (float) Math.log(x[xo + i]); }
                case SQRT -> { for (int i = lo; i < hi; i++) y[yo + i] = (float) Math.sqrt(x[xo + i]); }
                case ABS -> { for (int i = lo; i < hi; i++) y[yo + i] = Math.abs(x[xo + i]); }
                // Math.max keeps NaN and maps -0 to +0, exactly the rule above, and compiles to vector
                // max without a branch (the branch mispredicts on half of a random input)
                case RELU -> { for (int i = lo; i < hi; i++) y[yo + i] = Math.max(x[xo + i], 0f); }
                case SIGMOID -> {
                    for (int i = lo; i < hi; i++) {
                        double v = x[xo + i];
                        y[yo + i] = (float) (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v)));
                    }
                }
                case TANH -> { for (int i = lo; i < hi; i++) y[yo + i] = (float) Math.tanh(x[xo + i]); }
                case ADD_SCALAR -> { for (int i = lo; i < hi; i++) y[yo + i] = x[xo + i] + a; }
                case MUL_SCALAR -> { for (int i = lo; i < hi; i++) y[yo + i] = x[xo + i] * a; }
                case CLAMP -> { for (int i = lo; i < hi; i++) { float v = x[xo + i]; y[yo + i] = v != v ? v : Math.min(Math.max(v, a), b); } }
                case POW_SCALAR -> {
                    if (a == 2f) { for (int i = lo; i < hi; i++) y[yo + i] = x[xo + i] * x[xo + i]; }
                    else { for (int i = lo; i < hi; i++) y[yo + i] = (float) Math.pow(x[xo + i], a); }
                }
                default -> throw new AssertionError(op);
            }
        });
        return true;
    }

    static boolean binary(BinaryOp op, float[] x, int xo, float[] y, int yo, float[] z, int zo, int n) {
        switch (op) {
            case ADD, SUB, MUL, DIV -> { }
            default -> { return false; }
        }
        Parallel.forRange(n, GRAIN, (lo, hi) -> {
            switch (op) {
                case ADD -> { for (int i = lo; i < hi; i++) z[zo + i] = x[xo + i] + y[yo + i]; }
                case SUB -> { for (int i = lo; i < hi; i++) z[zo + i] = x[xo + i] - y[yo + i]; }
                case MUL -> { for (int i = lo; i < hi; i++) z[zo + i] = x[xo + i] * y[yo + i]; }
                case DIV -> { for (int i = lo; i < hi; i++) z[zo + i] = x[xo + i] / y[yo + i]; }
                default -> throw new AssertionError(op);
            }
        });
        return true;
    }

    static boolean binaryScalar(BinaryOp op, float[] x, int xo, float s, float[] z, int zo, int n) {
        switch (op) {
            case ADD, SUB, MUL, DIV -> { }
            default -> { return false; }
        }
        Parallel.forRange(n, GRAIN, (lo, hi) -> {
            switch (op) {
                case ADD -> { for (int i = lo; i < hi; i++) z[zo + i] = x[xo + i] + s; }
                case SUB -> { for (int i = lo; i < hi; i++) z[zo + i] = x[xo + i] - s; }
                case MUL -> { for (int i = lo; i < hi; i++) z[zo + i] = x[xo + i] * s; }
                case DIV -> { for (int i = lo; i < hi; i++) z[zo + i] = x[xo + i] / s; }
                default -> throw new AssertionError(op);
            }
        });
        return true;
    }

    /**
     * A float32 compared with a scalar into a 0/1 UINT8 mask (relu's and clamp's backward build
     * these on every step). The comparison is made in double, as in the generic walk, so a scalar
     * that is not a float gives the same mask.
     */
    static boolean compareScalar(UnaryOp op, float[] x, int xo, byte[] y, int yo, int n, double a) {
        switch (op) {
            case GT_SCALAR, LT_SCALAR, GE_SCALAR, LE_SCALAR, EQ_SCALAR, NE_SCALAR -> { }
            default -> { return false; }
        }
        Parallel.forRange(n, GRAIN, (lo, hi) -> {
            switch (op) {
                case GT_SCALAR -> { for (int i = lo; i < hi; i++) y[yo + i] = (double) x[xo + i] > a ? (byte) 1 : 0; }
                case LT_SCALAR -> { for (int i = lo; i < hi; i++) y[yo + i] = (double) x[xo + i] < a ? (byte) 1 : 0; }
                case GE_SCALAR -> { for (int i = lo; i < hi; i++) y[yo + i] = (double) x[xo + i] >= a ? (byte) 1 : 0; }
                case LE_SCALAR -> { for (int i = lo; i < hi; i++) y[yo + i] = (double) x[xo + i] <= a ? (byte) 1 : 0; }
                case EQ_SCALAR -> { for (int i = lo; i < hi; i++) y[yo + i] = (double) x[xo + i] == a ? (byte) 1 : 0; }
                case NE_SCALAR -> { for (int i = lo; i < hi; i++) y[yo + i] = (double) x[xo + i] != a ? (byte) 1 : 0; }
                default -> throw new AssertionError(op);
            }
        });
        return true;
    }

    /** A UINT8 array (read unsigned) converted to float32, e.g. a mask turned into a multiplier. */
    static void u8ToF32(byte[] x, int xo, float[] y, int yo, int n) {
        Parallel.forRange(n, GRAIN, (lo, hi) -> {
            for (int i = lo; i < hi; i++) y[yo + i] = x[xo + i] & 0xFF;
        });
    }

    /** r = o > 0 ? g : g * 0 (a select, not a multiply by a 0/1 mask: one pass instead of three). */
    static void reluBackward(float[] g, int go, float[] o, int oo, float[] r, int ro, int n) {
        jdk.incubator.vector.VectorSpecies<Float> sp = CpuGemm.S;
        Parallel.forRange(n, GRAIN, (lo, hi) -> {
            int i = lo;
            for (int up = lo + sp.loopBound(hi - lo); i < up; i += sp.length()) {
                jdk.incubator.vector.FloatVector gv = jdk.incubator.vector.FloatVector.fromArray(sp, g, go + i);
                jdk.incubator.vector.FloatVector ov = jdk.incubator.vector.FloatVector.fromArray(sp, o, oo + i);
                gv.mul(0f).blend(gv, ov.compare(jdk.incubator.vector.VectorOperators.GT, 0f)).intoArray(r, ro + i);
            }
            for (; i < hi; i++) {
                float gv = g[go + i];
                r[ro + i] = o[oo + i] > 0 ? gv : gv * 0f;
            }
        });
    }
}
