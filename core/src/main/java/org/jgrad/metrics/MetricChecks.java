package org.jgrad.metrics;

import org.jgrad.tensor.DType;
import org.jgrad.tensor.Tensor;

import java.util.Arrays;

/** Argument checks shared by the metrics entry points; messages name the argument and its value. */
final class MetricChecks {
    private MetricChecks() {}

    static void notNull(Object o, String name) {
        if (o == null) throw new IllegalArgumentException(name + " must not be null");
    }

    static void open(Tensor t, String name) {
        notNull(t, name);
        if (t.isClosed()) throw new IllegalArgumentException(name + " was closed before use");
    }

    static void sameDevice(Tensor a, String an, Tensor b, String bn) {
        if (!a.device().equals(b.device())) {
            throw new IllegalArgumentException(an + " is on " + a.device() + " but " + bn + " is on " + b.device() + "; move both to one device");
        }
    }

    static void sameShape(Tensor a, String an, Tensor b, String bn) {
        if (!Arrays.equals(a.shape(), b.shape())) {
            throw new IllegalArgumentException(an + " shape " + Arrays.toString(a.shape()) + " != " + bn + " shape " + Arrays.toString(b.shape()));
        }
    }

    static boolean isInteger(DType d) { return d == DType.UINT8 || d == DType.INT32 || d == DType.INT64; }

    static void integerLabels(Tensor t, String name) {
        if (!isInteger(t.dtype())) {
            throw new IllegalArgumentException(name + " must hold integer class labels (UINT8, INT32 or INT64), got " + t.dtype());
        }
    }

    static void classes(int c) {
        if (c < 1) throw new IllegalArgumentException("numClasses must be >= 1, got " + c);
    }

    static void zeroDivision(double zd) {
        if (Double.isNaN(zd)) throw new IllegalArgumentException("zeroDivision must be a number, got NaN");
    }
}
