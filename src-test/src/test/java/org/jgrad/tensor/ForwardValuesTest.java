package org.jgrad.tensor;

import org.jgrad.nn.init.Init;
import org.jgrad.ops.Dropout;
import org.jgrad.ops.Reductions;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Forward values against float64 references computed here element by element: gradient checks
 * compare backward with forward, so a wrong forward (a mean over several dims dividing by one
 * dim's size) passes them. Shapes are awkward (odd sizes, a size-1 dim, strided inputs).
 */
class ForwardValuesTest {
    private static final int[] SHAPE = {3, 1, 5, 7};
    private static final double TOL = 2e-6;

    /** FLOAT32 values in [lo, hi), also returned as the doubles the reference uses. */
    private static Tensor input(long seed, double lo, double hi) {
        Random r = new Random(seed);
        float[] v = new float[3 * 5 * 7];
        for (int i = 0; i < v.length; i++) v[i] = (float) (lo + (hi - lo) * r.nextDouble());
        return Tensor.fromArray(v, SHAPE);
    }

    private static double[] doubles(Tensor t) { return t.to(DType.FLOAT64).toDoubleArray(); }

    private static void assertClose(double[] expected, Tensor actual, String what) {
        double[] a = doubles(actual);
        assertEquals(expected.length, a.length, what);
        for (int i = 0; i < a.length; i++) {
            double tol = TOL * Math.max(1, Math.abs(expected[i]));
            assertTrue(Math.abs(a[i] - expected[i]) <= tol || (Double.isNaN(a[i]) && Double.isNaN(expected[i])),
                    what + " at " + i + ": expected " + expected[i] + " got " + a[i]);
        }
    }

    private static void unary(String name, double lo, double hi, Function<Tensor, Tensor> op, DoubleUnaryOperator ref) {
        Tensor x = input(name.hashCode(), lo, hi);
        double[] xd = doubles(x);
        double[] want = new double[xd.length];
        for (int i = 0; i < xd.length; i++) want[i] = ref.applyAsDouble(xd[i]);
        assertClose(want, op.apply(x), name);
        // the same op on a strided (transposed) view, compared in the view's order
        Tensor xt = x.transpose(0, 3);
        double[] xtd = doubles(xt.contiguous());
        double[] wantT = new double[xtd.length];
        for (int i = 0; i < xtd.length; i++) wantT[i] = ref.applyAsDouble(xtd[i]);
        assertClose(wantT, op.apply(xt), name + " (strided)");
    }

    @Test
    void unaryOps() {
        unary("tanh", -4, 4, Tensor::tanh, Math::tanh);
        unary("log", 0.01, 9, Tensor::log, Math::log);
        unary("sqrt", 0, 9, Tensor::sqrt, Math::sqrt);
        unary("exp", -5, 5, Tensor::exp, Math::exp);
        unary("clamp", -3, 3, t -> t.clamp(-0.7, 1.3), v -> Math.min(Math.max(v, -0.7), 1.3));
        unary("pow 3", -2, 2, t -> t.pow(3), v -> v * v * v);
        unary("pow 0.5", 0, 4, t -> t.pow(0.5), Math::sqrt);
        unary("pow -1", 0.5, 4, t -> t.pow(-1), v -> 1 / v);
        unary("abs", -3, 3, Tensor::abs, Math::abs);
        unary("sigmoid", -20, 20, Tensor::sigmoid, v -> 1 / (1 + Math.exp(-v)));
        unary("relu", -3, 3, Tensor::relu, v -> v > 0 ? v : 0);
        unary("neg", -3, 3, Tensor::neg, v -> -v);
        unary("add scalar", -3, 3, t -> t.add(2.5), v -> v + 2.5);
        unary("mul scalar", -3, 3, t -> t.mul(-1.5), v -> v * -1.5);
        unary("div scalar", -3, 3, t -> t.div(4), v -> v / 4);
    }

    private static void binary(String name, Function<Tensor[], Tensor> op, DoubleBinaryOperator ref) {
        Tensor a = input(name.hashCode(), -3, 3);
        Tensor b = input(name.hashCode() + 1, 0.5, 3).slice(3, 2, 3); // [3, 1, 5, 1]: broadcast over the last dim
        double[] ad = doubles(a), bd = doubles(b);
        double[] want = new double[ad.length];
        for (int i = 0; i < ad.length; i++) want[i] = ref.applyAsDouble(ad[i], bd[i / 7]);
        assertClose(want, op.apply(new Tensor[]{a, b}), name);
    }

    @Test
    void binaryOpsAndComparisonsWithBroadcasting() {
        binary("add", t -> t[0].add(t[1]), Double::sum);
        binary("sub", t -> t[0].sub(t[1]), (x, y) -> x - y);
        binary("mul", t -> t[0].mul(t[1]), (x, y) -> x * y);
        binary("div", t -> t[0].div(t[1]), (x, y) -> x / y);
        binary("pow", t -> t[0].abs().pow(t[1]), (x, y) -> Math.pow(Math.abs(x), y));
        binary("maximum", t -> t[0].maximum(t[1]), Math::max);
        binary("minimum", t -> t[0].minimum(t[1]), Math::min);
        binary("eq", t -> t[0].eq(t[1]), (x, y) -> x == y ? 1 : 0);
        binary("lt", t -> t[0].lt(t[1]), (x, y) -> x < y ? 1 : 0);
        binary("le", t -> t[0].le(t[1]), (x, y) -> x <= y ? 1 : 0);
        binary("gt", t -> t[0].gt(t[1]), (x, y) -> x > y ? 1 : 0);
        binary("ge", t -> t[0].ge(t[1]), (x, y) -> x >= y ? 1 : 0);
        binary("ne", t -> t[0].ne(t[1]), (x, y) -> x != y ? 1 : 0);
        binary("where", t -> Tensor.where(t[0].gt(t[1]), t[0], t[1]), Math::max);
    }

    /** Reference reduction over dims of a [3, 1, 5, 7] array: sum, mean, max or min, keeping dims. */
    private static double[] reduce(double[] x, boolean[] red, String kind) {
        int[] s = SHAPE;
        int[] o = new int[4];
        for (int d = 0; d < 4; d++) o[d] = red[d] ? 1 : s[d];
        int n = o[0] * o[1] * o[2] * o[3];
        double[] acc = new double[n];
        int[] count = new int[n];
        java.util.Arrays.fill(acc, kind.equals("max") ? Double.NEGATIVE_INFINITY : kind.equals("min") ? Double.POSITIVE_INFINITY : 0);
        for (int i = 0; i < s[0]; i++) for (int j = 0; j < s[1]; j++) for (int k = 0; k < s[2]; k++) for (int l = 0; l < s[3]; l++) {
            double v = x[((i * s[1] + j) * s[2] + k) * s[3] + l];
            int q = (((red[0] ? 0 : i) * o[1] + (red[1] ? 0 : j)) * o[2] + (red[2] ? 0 : k)) * o[3] + (red[3] ? 0 : l);
            count[q]++;
            acc[q] = switch (kind) {
                case "max" -> Math.max(acc[q], v);
                case "min" -> Math.min(acc[q], v);
                default -> acc[q] + v;
            };
        }
        if (kind.equals("mean")) for (int q = 0; q < n; q++) acc[q] /= count[q];
        return acc;
    }

    @Test
    void reductionsOverSeveralDims() {
        Tensor x = input(7, -3, 3);
        double[] xd = doubles(x);
        int[][] dimSets = {{0}, {3}, {0, 2}, {2, 3}, {0, 1, 3}, {0, 1, 2, 3}, {-1, -4}};
        for (int[] dims : dimSets) {
            boolean[] red = new boolean[4];
            for (int d : dims) red[d < 0 ? d + 4 : d] = true;
            String at = " over " + java.util.Arrays.toString(dims);
            assertClose(reduce(xd, red, "sum"), x.sum(dims, true), "sum keepdim" + at);
            assertClose(reduce(xd, red, "sum"), x.sum(dims, false), "sum" + at);
            assertClose(reduce(xd, red, "mean"), x.mean(dims, true), "mean keepdim" + at);
            assertClose(reduce(xd, red, "mean"), x.mean(dims, false), "mean" + at);
            assertClose(reduce(xd, red, "max"), Reductions.amax(x, dims, true), "amax" + at);
            assertClose(reduce(xd, red, "min"), Reductions.amin(x, dims, false), "amin" + at);
        }
        assertClose(reduce(xd, new boolean[]{true, true, true, true}, "mean"), x.mean(), "mean()");
        assertClose(reduce(xd, new boolean[]{true, true, true, true}, "max"), x.max(), "max()");
        assertClose(reduce(xd, new boolean[]{true, true, true, true}, "min"), x.min(), "min()");
    }

    @Test
    void softmaxAndLogSoftmaxAlongEachDim() {
        Tensor x = input(11, -6, 6);
        double[] xd = doubles(x);
        for (int dim = 0; dim < 4; dim++) {
            boolean[] red = new boolean[4];
            red[dim] = true;
            double[] max = reduce(xd, red, "max");
            double[] e = new double[xd.length];
            int[] s = SHAPE;
            int[] o = {s[0], s[1], s[2], s[3]};
            o[dim] = 1;
            int[] slot = new int[xd.length];
            for (int i = 0; i < s[0]; i++) for (int j = 0; j < s[1]; j++) for (int k = 0; k < s[2]; k++) for (int l = 0; l < s[3]; l++) {
                int p = ((i * s[1] + j) * s[2] + k) * s[3] + l;
                int[] idx = {i, j, k, l};
                idx[dim] = 0;
                slot[p] = ((idx[0] * o[1] + idx[1]) * o[2] + idx[2]) * o[3] + idx[3];
                e[p] = Math.exp(xd[p] - max[slot[p]]);
            }
            double[] sum = new double[max.length];
            for (int p = 0; p < xd.length; p++) sum[slot[p]] += e[p];
            double[] soft = new double[xd.length], logSoft = new double[xd.length];
            for (int p = 0; p < xd.length; p++) {
                soft[p] = e[p] / sum[slot[p]];
                logSoft[p] = xd[p] - max[slot[p]] - Math.log(sum[slot[p]]);
            }
            assertClose(soft, x.softmax(dim), "softmax(" + dim + ")");
            assertClose(logSoft, x.logSoftmax(dim), "logSoftmax(" + dim + ")");
        }
    }

    @Test
    void dropoutScalesSurvivorsByOneOverOneMinusP() {
        Tensor x = Tensor.ones(4000);
        for (double p : new double[]{0.2, 0.7}) {
            float[] y = Dropout.dropout(x, p, true, new Generator(5)).toFloatArray();
            int kept = 0;
            for (float v : y) {
                if (v != 0) {
                    kept++;
                    assertEquals(1 / (1 - p), v, 1e-6, "p = " + p);
                }
            }
            double keptFraction = kept / 4000.0;
            assertEquals(1 - p, keptFraction, 0.03, "p = " + p + ": fraction kept");
        }
        assertArrayEquals(x.toFloatArray(), Dropout.dropout(x, 0.7, false, new Generator(5)).toFloatArray(), "eval is the identity");
    }

    private static void assertWithin(Tensor t, double lo, double hi, String what) {
        float[] v = t.toFloatArray();
        float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY;
        for (float f : v) {
            min = Math.min(min, f);
            max = Math.max(max, f);
        }
        assertTrue(min >= (float) lo && max < (float) hi + 1e-6, what + ": values in [" + min + ", " + max + "], bounds [" + lo + ", " + hi + ")");
        // both ends are reached (within 5% of the range), so a one-sided [0, hi) draw would fail
        double slack = 0.05 * (hi - lo);
        assertTrue(min < lo + slack && max > hi - slack, what + ": values in [" + min + ", " + max + "] do not span [" + lo + ", " + hi + ")");
    }

    @Test
    void initialisersRespectBothBounds() {
        Generator g = new Generator(3);
        assertWithin(Init.uniform_(Tensor.zeros(64, 50), -0.3, 0.8, g), -0.3, 0.8, "uniform_");
        double kaiming = Math.sqrt(3.0) * Init.gain("leaky_relu", Math.sqrt(5)) / Math.sqrt(50);
        assertWithin(Init.kaimingUniform_(Tensor.zeros(64, 50), Math.sqrt(5), "fan_in", "leaky_relu", g), -kaiming, kaiming, "kaiming_uniform_");
        double xavier = 2.0 * Math.sqrt(6.0 / (50 + 64));
        assertWithin(Init.xavierUniform_(Tensor.zeros(64, 50), 2.0, g), -xavier, xavier, "xavier_uniform_");
        Tensor w = Tensor.zeros(64, 50), b = Tensor.zeros(64);
        Init.defaultLayerInit(w, b, g);
        double bias = 1 / Math.sqrt(50);
        assertWithin(b, -bias, bias, "default bias");
        assertWithin(w, -1 / Math.sqrt(50), 1 / Math.sqrt(50), "default weight");
        assertWithin(Tensor.rand(g, 5000), 0, 1, "rand");
        assertWithin(Tensor.uniform(-2, -1, g, DType.FLOAT64, Device.cpu(), 5000), -2, -1, "uniform float64");
    }
}
