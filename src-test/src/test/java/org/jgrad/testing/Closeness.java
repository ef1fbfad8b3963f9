package org.jgrad.testing;

import org.jgrad.tensor.DType;
import org.jgrad.tensor.Tensor;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Element-wise comparison of two results with a named tolerance, and seeded random inputs. */
public final class Closeness {
    private Closeness() {}

    /**
     * Fails unless {@code |a - e| <= atol + rtol * |e|} everywhere (NaN only against NaN), naming
     * the worst element; returns the largest relative error seen, for the record.
     */
    public static double assertClose(String what, double[] expected, double[] actual, double rtol, double atol) {
        if (expected.length != actual.length) fail(what + ": " + expected.length + " expected values, got " + actual.length);
        double worstRel = 0;
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i], a = actual[i];
            if (Double.isNaN(e) || Double.isNaN(a)) {
                if (Double.isNaN(e) != Double.isNaN(a)) fail(what + ": at " + i + " expected " + e + " but was " + a);
                continue;
            }
            double err = Math.abs(a - e);
            if (!(err <= atol + rtol * Math.abs(e))) {
                fail(what + ": at " + i + " expected " + e + " but was " + a + " (error " + err + ", allowed " + (atol + rtol * Math.abs(e)) + ")");
            }
            if (e != 0) worstRel = Math.max(worstRel, err / Math.abs(e));
        }
        return worstRel;
    }

    /** {@link #assertClose(String, double[], double[], double, double)} on two tensors' values. */
    public static double assertClose(String what, Tensor expected, Tensor actual, double rtol, double atol) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        return assertClose(what, expected.contiguous().toDoubleArray(), actual.contiguous().toDoubleArray(), rtol, atol);
    }

    /** Fails unless the two tensors hold the same bits (same dtype, shape and values). */
    public static void assertBitEqual(String what, Tensor expected, Tensor actual) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        if (expected.dtype() != actual.dtype()) fail(what + ": dtype " + expected.dtype() + " vs " + actual.dtype());
        if (expected.dtype() == DType.FLOAT32) {
            float[] e = expected.contiguous().toFloatArray(), a = actual.contiguous().toFloatArray();
            for (int i = 0; i < e.length; i++) {
                if (Float.floatToIntBits(e[i]) != Float.floatToIntBits(a[i])) fail(what + ": at " + i + " expected " + e[i] + " but was " + a[i]);
            }
        } else {
            double[] e = expected.contiguous().toDoubleArray(), a = actual.contiguous().toDoubleArray();
            for (int i = 0; i < e.length; i++) {
                if (Double.doubleToLongBits(e[i]) != Double.doubleToLongBits(a[i])) fail(what + ": at " + i + " expected " + e[i] + " but was " + a[i]);
            }
        }
    }

    /** Uniform values in [lo, hi) of the given floating dtype, from {@code seed}. */
    public static Tensor uniform(long seed, DType dtype, double lo, double hi, int... shape) {
        Random r = new Random(seed);
        int n = 1;
        for (int s : shape) n *= s;
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = lo + (hi - lo) * r.nextDouble();
        return Tensor.fromArray(v, shape).to(dtype);
    }
}
