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
                case RELU -> { for (int i = lo; i < hi; i++) { float v = x[xo + i]; y[yo + i] = v > 0 || v != v ? v : 0f; } }
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
}
