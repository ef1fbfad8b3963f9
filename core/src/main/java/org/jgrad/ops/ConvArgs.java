package org.jgrad.ops;

import org.jgrad.tensor.Tensor;

import java.util.Arrays;

/** Argument checks and output-size rules shared by convolution, pooling and upsampling. */
final class ConvArgs {
    private ConvArgs() {}

    /** A {height, width} pair from one value (used twice) or two; each checked against {@code min}. */
    static int[] pair(String op, String name, int[] v, int min) {
        if (v == null || (v.length != 1 && v.length != 2)) {
            throw new IllegalArgumentException(op + ": " + name + " must have 1 or 2 values, got "
                    + (v == null ? "null" : Arrays.toString(v)));
        }
        int[] p = v.length == 1 ? new int[]{v[0], v[0]} : v.clone();
        for (int x : p) {
            if (x < min) {
                throw new IllegalArgumentException(op + ": " + name + " must be " + (min == 0 ? "non-negative" : ">= " + min)
                        + ", got " + Arrays.toString(v));
            }
        }
        return p;
    }

    static void rank4(String op, String name, Tensor t) {
        t.checkOpen();
        if (t.dim() != 4) {
            throw new IllegalArgumentException(op + ": expected " + name + " of rank 4 [N, C, H, W], got shape " + Arrays.toString(t.shape()));
        }
    }

    static void floating(String op, String name, Tensor t) {
        if (!t.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(op + ": expected a floating-point " + name + ", got " + t.dtype());
        }
    }

    /** Same dtype and device as the input x. */
    static void like(String op, String name, Tensor x, Tensor t) {
        t.checkOpen();
        if (t.dtype() != x.dtype()) {
            throw new IllegalArgumentException(op + ": " + name + " has dtype " + t.dtype() + " but input has " + x.dtype());
        }
        if (!t.device().equals(x.device())) {
            throw new IllegalArgumentException(op + ": " + name + " is on " + t.device() + " but input is on " + x.device());
        }
    }

    /**
     * Output length of a sliding window: floor (or ceil) of (in + 2 pad - dil (k - 1) - 1) / stride + 1;
     * in ceil mode a last window that would start inside the right padding is dropped, as in PyTorch.
     */
    static int outSize(int in, int k, int stride, int pad, int dil, boolean ceil) {
        long span = (long) in + 2L * pad - (long) dil * (k - 1) - 1;
        if (span < 0) return 0;
        long out = (ceil ? (span + stride - 1) / stride : span / stride) + 1;
        if (ceil && (out - 1) * stride >= in + pad) out--;
        return (int) out;
    }

    /** Throws when the dilated kernel does not fit the padded input (an empty output). */
    static void fits(String op, int[] inHW, int[] k, int[] pad, int[] dil) {
        for (int i = 0; i < 2; i++) {
            long eff = (long) dil[i] * (k[i] - 1) + 1;
            if (eff > inHW[i] + 2L * pad[i]) {
                throw new IllegalArgumentException(op + ": kernel size " + Arrays.toString(k) + " (dilated " + eff + " along "
                        + (i == 0 ? "height" : "width") + ") is larger than the padded input "
                        + (inHW[0] + 2 * pad[0]) + "x" + (inHW[1] + 2 * pad[1]));
            }
        }
    }
}
