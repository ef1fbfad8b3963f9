package org.jgrad.tensor;

import java.util.Arrays;

/** Shape arithmetic shared by ops and backends. */
public final class Shapes {
    private Shapes() {}

    /** The element count, in exact arithmetic: a product that overflows a long is refused, not wrapped to a wrong count. */
    public static long numel(int[] shape) {
        long n = 1;
        for (int s : shape) n = multiply(n, s, shape);
        return n;
    }

    /** a * b, refusing overflow with the shape it was computed for. */
    public static long multiply(long a, long b, int[] shape) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " is too large: its element count overflows", e);
        }
    }

    /** Rejects negative sizes and element counts beyond 2^31-1 (the most one tensor holds). */
    public static void check(int[] shape) {
        for (int s : shape) {
            if (s < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
        }
        long n = numel(shape);
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has " + n
                    + " elements, more than the 2^31-1 a tensor can hold");
        }
    }

    public static int[] contiguousStrides(int[] shape) {
        int[] st = new int[shape.length];
        long s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (s > Integer.MAX_VALUE) { // only a shape with a zero dimension gets here with a fitting element count
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " is too large: its strides overflow 2^31-1");
            }
            st[i] = (int) s;
            s = multiply(s, Math.max(shape[i], 1), shape);
        }
        return st;
    }

    public static boolean isContiguous(int[] shape, int[] strides) {
        for (int d : shape) if (d == 0) return true; // an empty tensor has no layout to break
        int s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && strides[i] != s) return false;
            s *= shape[i];
        }
        return true;
    }

    /** Normalises a possibly negative dim against rank {@code rank}. */
    public static int dim(int dim, int rank) {
        int d = dim < 0 ? dim + rank : dim;
        if (d < 0 || d >= Math.max(rank, 1) || (rank == 0 && d != 0)) {
            throw new IllegalArgumentException("dimension " + dim + " out of range for a tensor of rank " + rank);
        }
        return d;
    }

    public static int[] allDims(int rank) {
        int[] d = new int[rank];
        for (int i = 0; i < rank; i++) d[i] = i;
        return d;
    }

    /** NumPy broadcasting of two shapes; throws naming both when incompatible. */
    public static int[] broadcast(int[] a, int[] b) {
        int n = Math.max(a.length, b.length);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int da = i - (n - a.length) >= 0 ? a[i - (n - a.length)] : 1;
            int db = i - (n - b.length) >= 0 ? b[i - (n - b.length)] : 1;
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException("shapes " + Arrays.toString(a) + " and " + Arrays.toString(b)
                        + " cannot be broadcast together (dimension " + i + ": " + da + " vs " + db + ")");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** Shape with {@code dims} reduced to 1 (keepdim) or removed. */
    public static int[] reduced(int[] shape, int[] dims, boolean keepdim) {
        boolean[] red = new boolean[shape.length];
        for (int d : dims) red[d] = true;
        int[] out = new int[keepdim ? shape.length : shape.length - dims.length];
        int j = 0;
        for (int i = 0; i < shape.length; i++) {
            if (red[i]) {
                if (keepdim) out[j++] = 1;
            } else {
                out[j++] = shape[i];
            }
        }
        return out;
    }

    /** Normalised, sorted, distinct dims; throws on repeats. */
    public static int[] normalizeDims(int[] dims, int rank) {
        int[] d = new int[dims.length];
        for (int i = 0; i < dims.length; i++) d[i] = dim(dims[i], rank);
        Arrays.sort(d);
        for (int i = 1; i < d.length; i++) {
            if (d[i] == d[i - 1]) throw new IllegalArgumentException("dimension " + d[i] + " repeated in " + Arrays.toString(dims));
        }
        return d;
    }

    static String format(double[] v, int[] shape, boolean floating) {
        StringBuilder sb = new StringBuilder();
        formatRec(sb, v, shape, 0, 0, floating);
        return sb.toString();
    }

    private static int formatRec(StringBuilder sb, double[] v, int[] shape, int d, int pos, boolean floating) {
        if (d == shape.length) {
            double x = v[pos];
            sb.append(floating ? String.format("%.4f", x) : String.valueOf((long) x));
            return pos + 1;
        }
        sb.append('[');
        for (int i = 0; i < shape[d]; i++) {
            if (i > 0) sb.append(", ");
            pos = formatRec(sb, v, shape, d + 1, pos, floating);
        }
        return sb.append(']').length() >= 0 ? pos : pos;
    }
}
