package org.jgrad.ops;

import org.jgrad.tensor.Tensor;
import org.jgrad.testing.GradCheck;
import org.junit.jupiter.api.Test;

import static org.jgrad.testing.GradCheck.randomLeaf;

/** Finite-difference gradient checks (FLOAT64) of the convolution, pooling and upsampling ops. */
class ConvGradCheckTest {

    private static int[] a(int... v) { return v; }

    @Test
    void conv2dPlainWithBias() {
        GradCheck.check("conv2d 3x3 pad 1", in -> Convolution.conv2d(in[0], in[1], in[2], a(1), a(1), a(1), 1),
                randomLeaf(1, 2, 3, 5, 5), randomLeaf(2, 4, 3, 3, 3), randomLeaf(3, 4));
    }

    @Test
    void conv2dStridePaddingDilationGroups() {
        GradCheck.check("conv2d stride/pad/dil/groups", in -> Convolution.conv2d(in[0], in[1], in[2], a(2, 1), a(1, 2), a(2, 1), 2),
                randomLeaf(4, 2, 4, 7, 6), randomLeaf(5, 6, 2, 2, 3), randomLeaf(6, 6));
    }

    @Test
    void conv2dNoBiasRectangularKernelStride3() {
        GradCheck.check("conv2d 2x4 stride 3", in -> Convolution.conv2d(in[0], in[1], null, a(3), a(0, 1), a(1), 1),
                randomLeaf(7, 1, 2, 8, 9), randomLeaf(8, 3, 2, 2, 4));
    }

    @Test
    void conv2dPointwiseGroups() {
        GradCheck.check("conv2d 1x1 groups 3", in -> Convolution.conv2d(in[0], in[1], in[2], a(1), a(0), a(1), 3),
                randomLeaf(9, 2, 6, 3, 4), randomLeaf(10, 3, 2, 1, 1), randomLeaf(11, 3));
    }

    @Test
    void conv2dNonContiguousInputAndWeight() {
        // x is a permuted view of an NHWC tensor, w a transposed view: the kernels must honour strides
        GradCheck.check("conv2d non-contiguous", in -> Convolution.conv2d(in[0].permute(0, 3, 1, 2), in[1].transpose(0, 1), in[2],
                        a(1), a(1), a(1), 1),
                randomLeaf(12, 2, 5, 4, 3), randomLeaf(13, 3, 4, 2, 2), randomLeaf(14, 4));
    }

    @Test
    void convTranspose2dOutputPadding() {
        GradCheck.check("conv_transpose2d stride 2 output_padding 1",
                in -> Convolution.convTranspose2d(in[0], in[1], in[2], a(2), a(1), a(1), a(1), 1),
                randomLeaf(15, 2, 3, 3, 4), randomLeaf(16, 3, 2, 3, 3), randomLeaf(17, 2));
    }

    @Test
    void convTranspose2dGroupsDilation() {
        GradCheck.check("conv_transpose2d groups dilation",
                in -> Convolution.convTranspose2d(in[0], in[1], null, a(1, 2), a(0, 1), a(0, 1), a(2, 1), 2),
                randomLeaf(18, 1, 4, 3, 4), randomLeaf(19, 4, 2, 2, 3));
    }

    /** Distinct, well-separated values: finite differences of a max are only valid away from ties. */
    private static Tensor distinct(long seed, int... shape) {
        int n = 1;
        for (int s : shape) n *= s;
        java.util.List<Integer> perm = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) perm.add(i);
        java.util.Collections.shuffle(perm, new java.util.Random(seed));
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = perm.get(i) * 0.01;
        return Tensor.fromArray(v, shape).requiresGrad(true);
    }

    @Test
    void maxPool2d() {
        GradCheck.check("max_pool2d 2x2", in -> Pooling.maxPool2d(in[0], a(2), null, a(0), a(1), false), distinct(20, 2, 2, 6, 5));
        GradCheck.check("max_pool2d k3 s2 p1 ceil", in -> Pooling.maxPool2d(in[0], a(3), a(2), a(1), a(1), true), distinct(21, 1, 2, 7, 8));
        GradCheck.check("max_pool2d overlapping dilated", in -> Pooling.maxPool2d(in[0], a(3, 2), a(1), a(1, 0), a(2, 1), false),
                distinct(22, 1, 1, 7, 6));
    }

    @Test
    void avgPool2d() {
        GradCheck.check("avg_pool2d ceil include pad", in -> Pooling.avgPool2d(in[0], a(3), a(2), a(1), true, true), randomLeaf(23, 1, 2, 7, 6));
        GradCheck.check("avg_pool2d ceil exclude pad", in -> Pooling.avgPool2d(in[0], a(3), a(2), a(1), true, false), randomLeaf(24, 1, 2, 6, 7));
        GradCheck.check("avg_pool2d rectangular", in -> Pooling.avgPool2d(in[0], a(2, 3), a(1, 2), a(0, 1), false, true), randomLeaf(25, 2, 1, 5, 6));
    }

    @Test
    void upsampleNearest() {
        GradCheck.check("upsample to size", in -> Upsample.nearest2d(in[0], 7, 5), randomLeaf(26, 1, 2, 3, 4));
        GradCheck.check("upsample x2", in -> Upsample.nearest2d(in[0], 2.0, 2.0), randomLeaf(27, 2, 1, 3, 3));
        GradCheck.check("downsample by size", in -> Upsample.nearest2d(in[0], 2, 3), randomLeaf(28, 1, 1, 5, 7));
    }
}
