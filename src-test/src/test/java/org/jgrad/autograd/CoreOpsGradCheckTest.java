package org.jgrad.autograd;

import org.jgrad.tensor.DType;
import org.jgrad.tensor.Tensor;
import org.jgrad.testing.GradCheck;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.jgrad.testing.GradCheck.check;
import static org.jgrad.testing.GradCheck.randomLeaf;

/**
 * Every differentiable core op against central finite differences in FLOAT64, on shapes that
 * broadcast and on non-contiguous inputs (the function transposes or slices its leaf first,
 * so the op itself sees a strided view).
 */
class CoreOpsGradCheckTest {
    /** A FLOAT64 leaf with values in [lo, hi). */
    static Tensor leaf(long seed, double lo, double hi, int... shape) {
        Random r = new Random(seed);
        int n = 1;
        for (int s : shape) n *= s;
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = lo + (hi - lo) * r.nextDouble();
        return Tensor.fromArray(v, shape).requiresGrad(true);
    }

    /** A FLOAT64 leaf whose values are at least {@code gap} away from 0 (for kinks at 0). */
    static Tensor awayFromZero(long seed, int... shape) {
        Tensor t = randomLeaf(seed, shape);
        double[] v = t.toDoubleArray();
        for (int i = 0; i < v.length; i++) v[i] = v[i] >= 0 ? v[i] + 0.05 : v[i] - 0.05;
        return Tensor.fromArray(v, shape).requiresGrad(true);
    }

    // ------------------------------------------------------------ binary, broadcasting

    @Test
    void addSubMulDivBroadcast() {
        check("add", x -> x[0].add(x[1]), randomLeaf(1, 3, 1, 4), randomLeaf(2, 2, 4));
        check("sub", x -> x[0].sub(x[1]), randomLeaf(3, 2, 4), randomLeaf(4, 3, 1, 4));
        check("mul", x -> x[0].mul(x[1]), randomLeaf(5, 3, 1, 4), randomLeaf(6, 1, 2, 1));
        check("div", x -> x[0].div(x[1]), randomLeaf(7, 3, 2, 4), leaf(8, 0.5, 2, 2, 1));
        check("scalar ops", x -> x[0].add(2.0).sub(0.5).mul(3.0).div(4.0), randomLeaf(9, 2, 3));
    }

    @Test
    void binaryOnNonContiguousViews() {
        // a.t() is [4,3] with strides (1,4); b is sliced with step 2
        check("add transposed", x -> x[0].t().add(x[1].slice(0, 0, 8, 2)), randomLeaf(10, 3, 4), randomLeaf(11, 8, 3));
        check("mul transposed", x -> x[0].t().mul(x[1]), randomLeaf(12, 3, 4), randomLeaf(13, 4, 1));
        check("div sliced", x -> x[0].slice(1, 1, 5, 2).div(x[1].t()), randomLeaf(14, 2, 6), leaf(15, 0.5, 2, 2, 2));
    }

    @Test
    void negAndScalarOneInputOps() {
        check("neg", x -> x[0].neg(), randomLeaf(20, 3, 4));
        check("exp", x -> x[0].exp(), randomLeaf(21, 3, 4));
        check("exp transposed", x -> x[0].t().exp(), randomLeaf(22, 3, 4));
        check("log", x -> x[0].log(), leaf(23, 0.3, 2, 3, 4));
        check("sqrt", x -> x[0].sqrt(), leaf(24, 0.3, 2, 3, 4));
        check("abs", x -> x[0].abs(), awayFromZero(25, 3, 4));
        check("clamp", x -> x[0].clamp(-0.5, 0.4), randomLeaf(26, 4, 5));
        check("relu", x -> x[0].relu(), awayFromZero(27, 4, 5));
        check("sigmoid", x -> x[0].mul(3.0).sigmoid(), randomLeaf(28, 4, 5));
        check("tanh", x -> x[0].mul(2.0).tanh(), randomLeaf(29, 4, 5));
        check("relu sliced", x -> x[0].slice(0, 1, 4).relu(), awayFromZero(30, 5, 3));
    }

    @Test
    void powScalarAndTensor() {
        check("pow 2.5", x -> x[0].pow(2.5), leaf(31, 0.3, 2, 3, 4));
        check("pow 3 negative base", x -> x[0].pow(3.0), randomLeaf(32, 3, 4));
        check("pow -1", x -> x[0].pow(-1.0), leaf(33, 0.5, 2, 5));
        check("pow 0", x -> x[0].pow(0.0), randomLeaf(34, 5));
        check("pow tensor broadcast", x -> x[0].pow(x[1]), leaf(35, 0.3, 2, 3, 4), randomLeaf(36, 4));
        check("pow tensor transposed", x -> x[0].t().pow(x[1]), leaf(37, 0.3, 2, 2, 3), randomLeaf(38, 3, 1));
    }

    @Test
    void maximumMinimumWhere() {
        check("maximum", x -> x[0].maximum(x[1]), randomLeaf(40, 3, 4), randomLeaf(41, 4));
        check("minimum", x -> x[0].minimum(x[1]), randomLeaf(42, 3, 1), randomLeaf(43, 2, 3, 4));
        check("maximum transposed", x -> x[0].t().maximum(x[1]), randomLeaf(44, 4, 3), randomLeaf(45, 3, 4));
        Tensor cond = Tensor.fromArray(new byte[]{1, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 1}, 3, 4);
        check("where", x -> Tensor.where(cond, x[0], x[1]), randomLeaf(46, 3, 4), randomLeaf(47, 4));
        Tensor condRow = Tensor.fromArray(new byte[]{1, 0, 1}, 3, 1);
        check("where broadcast cond", x -> Tensor.where(condRow, x[0].t(), x[1]), randomLeaf(48, 4, 3), randomLeaf(49, 1, 4));
    }

    // ------------------------------------------------------------ matmul

    @Test
    void matmulAllForms() {
        check("mm", x -> x[0].matmul(x[1]), randomLeaf(50, 3, 4), randomLeaf(51, 4, 5));
        check("mm transposed", x -> x[0].t().matmul(x[1].t()), randomLeaf(52, 4, 3), randomLeaf(53, 5, 4));
        check("bmm", x -> x[0].matmul(x[1]), randomLeaf(54, 2, 3, 4), randomLeaf(55, 2, 4, 5));
        check("batch broadcast", x -> x[0].matmul(x[1]), randomLeaf(56, 2, 1, 3, 4), randomLeaf(57, 3, 4, 2));
        check("matrix @ batch", x -> x[0].matmul(x[1]), randomLeaf(58, 3, 4), randomLeaf(59, 2, 4, 2));
        check("vec @ mat", x -> x[0].matmul(x[1]), randomLeaf(60, 4), randomLeaf(61, 4, 3));
        check("mat @ vec", x -> x[0].matmul(x[1]), randomLeaf(62, 3, 4), randomLeaf(63, 4));
        check("vec @ vec", x -> x[0].matmul(x[1]), randomLeaf(64, 5), randomLeaf(65, 5));
        check("batch @ vec", x -> x[0].matmul(x[1]), randomLeaf(66, 2, 3, 4), randomLeaf(67, 4));
        check("sliced batch", x -> x[0].slice(0, 0, 4, 2).matmul(x[1]), randomLeaf(68, 4, 3, 2), randomLeaf(69, 2, 3));
    }

    // ------------------------------------------------------------ reductions

    @Test
    void sumMeanAlongDims() {
        check("sum all", x -> x[0].sum(), randomLeaf(70, 3, 4));
        check("sum dim 1", x -> x[0].sum(1, false), randomLeaf(71, 2, 3, 4));
        check("sum dims keepdim", x -> x[0].sum(new int[]{0, 2}, true), randomLeaf(72, 2, 3, 4));
        check("sum negative dim transposed", x -> x[0].transpose(0, 2).sum(-1, false), randomLeaf(73, 2, 3, 4));
        check("mean all", x -> x[0].mean(), randomLeaf(74, 3, 4));
        check("mean dim keepdim", x -> x[0].mean(1, true), randomLeaf(75, 2, 3, 4));
        check("mean dims", x -> x[0].slice(2, 0, 4, 2).mean(new int[]{0, 2}, false), randomLeaf(76, 2, 3, 4));
    }

    @Test
    void amaxAminAndMaxDim() {
        check("amax all", x -> x[0].max(), randomLeaf(80, 3, 4));
        check("amin all", x -> x[0].min(), randomLeaf(81, 3, 4));
        check("max(dim) values", x -> x[0].max(1).values(), randomLeaf(82, 3, 5));
        check("max(dim, keepdim) values", x -> x[0].max(0, true).values(), randomLeaf(83, 3, 5));
        check("min(dim) values", x -> x[0].min(-1).values(), randomLeaf(84, 2, 3, 4));
        check("max(dim) transposed", x -> x[0].t().max(1).values(), randomLeaf(85, 4, 3));
    }

    @Test
    void amaxAminAlongDims() {
        check("amax dims keepdim", x -> org.jgrad.ops.Reductions.amax(x[0], new int[]{0, 2}, true), randomLeaf(86, 2, 3, 4));
        check("amin dim", x -> org.jgrad.ops.Reductions.amin(x[0], new int[]{1}, false), randomLeaf(87, 2, 3, 4));
    }

    @Test
    void softmaxAndLogSoftmax() {
        check("softmax last", x -> x[0].softmax(-1), randomLeaf(90, 3, 5));
        check("softmax dim 1 of 3", x -> x[0].softmax(1), randomLeaf(91, 2, 4, 3));
        check("log_softmax", x -> x[0].logSoftmax(1), randomLeaf(92, 3, 5));
        check("log_softmax dim 0 transposed", x -> x[0].t().logSoftmax(0), randomLeaf(93, 3, 4));
    }

    // ------------------------------------------------------------ views

    @Test
    void viewOps() {
        check("reshape", x -> x[0].reshape(4, 3).exp(), randomLeaf(100, 2, 6));
        check("reshape of transposed (copy)", x -> x[0].t().reshape(-1).mul(x[0].t().reshape(-1)), randomLeaf(101, 3, 4));
        check("view", x -> x[0].view(3, 2, 2), randomLeaf(102, 12));
        check("permute", x -> x[0].permute(2, 0, 1).mul(x[1]), randomLeaf(103, 2, 3, 4), randomLeaf(104, 4, 1, 3));
        check("transpose", x -> x[0].transpose(0, 1), randomLeaf(105, 2, 3));
        check("slice step", x -> x[0].slice(1, 1, 6, 2), randomLeaf(106, 3, 7));
        check("slice negative", x -> x[0].slice(0, -3, -1), randomLeaf(107, 5, 2));
        check("select", x -> x[0].select(1, 2), randomLeaf(108, 3, 4, 2));
        check("select negative", x -> x[0].select(-1, -1), randomLeaf(109, 3, 4));
        check("expand", x -> x[0].expand(4, 3, 5), randomLeaf(110, 3, 1));
        check("squeeze dim", x -> x[0].squeeze(1), randomLeaf(111, 3, 1, 4));
        check("squeeze all", x -> x[0].squeeze(), randomLeaf(112, 1, 3, 1, 2));
        check("unsqueeze", x -> x[0].unsqueeze(1).mul(x[1]), randomLeaf(113, 3, 4), randomLeaf(114, 2, 1));
        check("flatten", x -> x[0].flatten(1, 2), randomLeaf(115, 2, 3, 4));
        check("contiguous", x -> x[0].t().contiguous(), randomLeaf(116, 3, 4));
        check("chain of views", x -> x[0].permute(1, 0, 2).slice(0, 1, 3).select(2, 0).unsqueeze(0).expand(2, 2, 2),
                randomLeaf(117, 2, 4, 3));
    }

    @Test
    void castToFloat32AndBack() {
        // float32 rounding: a larger step and tolerance
        GradCheck.check("to(float32)", x -> x[0].to(DType.FLOAT32).mul(3.0f).to(DType.FLOAT64), 1e-3, 1e-3, 1e-3, randomLeaf(120, 3, 4));
    }

    @Test
    void sharedInputUsedTwice() {
        // gradient accumulation through two paths into one leaf
        check("x*x + exp(x)", x -> x[0].mul(x[0]).add(x[0].exp()), randomLeaf(130, 3, 4));
        check("x @ x.T", x -> x[0].matmul(x[0].t()), randomLeaf(131, 3, 4));
    }
}
