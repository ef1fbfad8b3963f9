package org.jgrad.cuda;

import org.jgrad.backend.Backend;
import org.jgrad.backend.BinaryOp;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.View;

import java.util.Arrays;

/**
 * The CUDA backend's matmul (cuBLAS, through {@link GemmMapping}) and convolutions (cuDNN) and
 * the conv bias add: operands a library cannot address as they are get dense copies, outputs it
 * cannot write go through a temporary copied back.
 */
final class CudaMatmulConv {
    private final DeviceMemory memory;
    private final DeviceCopies copies;
    private final Kernels kernels;
    private final DeviceRuntime rt;
    private volatile boolean allowTf32 = Boolean.getBoolean("jgrad.cuda.tf32");

    CudaMatmulConv(DeviceMemory memory, DeviceCopies copies, Kernels kernels, DeviceRuntime rt) {
        this.memory = memory;
        this.copies = copies;
        this.kernels = kernels;
        this.rt = rt;
    }

    /** Whether matmul and convolutions may use TF32 tensor cores (off by default: FP32 results match the CPU's closely). */
    boolean allowTf32() { return allowTf32; }

    void setAllowTf32(boolean allow) { this.allowTf32 = allow; }

    // ------------------------------------------------------------------ matmul

    void matmul(View a, View b, View out) {
        memory.require("a", a);
        memory.require("b", b);
        memory.require("out", out);
        memory.awaitStaged(a, b, out);
        requireF32("matmul", a);
        requireF32("matmul", b);
        requireF32("matmul", out);
        if (a.rank() != 3 || b.rank() != 3 || out.rank() != 3) {
            throw new IllegalArgumentException("matmul: expected a [B,M,K], b [B,K,N], out [B,M,N], got " + Arrays.toString(a.shape())
                    + ", " + Arrays.toString(b.shape()) + ", " + Arrays.toString(out.shape()));
        }
        int batch = a.size(0), m = a.size(1), k = a.size(2), n = b.size(2);
        if (b.size(0) != batch || b.size(1) != k || out.size(0) != batch || out.size(1) != m || out.size(2) != n) {
            throw new IllegalArgumentException("matmul: shapes a " + Arrays.toString(a.shape()) + ", b " + Arrays.toString(b.shape())
                    + ", out " + Arrays.toString(out.shape()) + " do not agree");
        }
        if (out.numel() == 0) return;
        if (k == 0) { copies.fill(out, 0); return; }
        View a2 = GemmMapping.mappable(m, k, a.strides()[1], a.strides()[2]) && a.strides()[0] >= 0 ? a : copies.dense(a);
        View b2 = GemmMapping.mappable(k, n, b.strides()[1], b.strides()[2]) && b.strides()[0] >= 0 ? b : copies.dense(b);
        boolean outOk = GemmMapping.outputMappable(m, n, out.strides()[1], out.strides()[2])
                && (batch == 1 || out.strides()[0] >= (long) (m - 1) * Math.max(out.strides()[1], n) + n);
        View c = outOk ? out : memory.temporary(DType.FLOAT32, out.shape());
        try {
            int[] sa = a2.strides(), sb = b2.strides(), sc = c.strides();
            GemmMapping.Call call = GemmMapping.map(batch, m, n, k, batch == 1 ? 0 : sa[0], sa[1], sa[2],
                    batch == 1 ? 0 : sb[0], sb[1], sb[2], batch == 1 ? 0 : sc[0], sc[1], sc[2]);
            // cuBLAS's first operand is B's buffer, its second A's: C^T = B^T A^T
            rt.gemm(call, memory.address(b2), memory.address(a2), memory.address(c), allowTf32);
            if (c != out) copies.copy(c, out);
        } finally {
            if (a2 != a) memory.release(a2);
            if (b2 != b) memory.release(b2);
            if (c != out) memory.release(c);
        }
    }

    // ------------------------------------------------------------------ convolution (cuDNN)

    /** out = conv2d(x, w) (cross-correlation, as in PyTorch); x [N,C,H,W], w [K,C/groups,R,S], out [N,K,P,Q]. */
    void conv2dForward(View x, View w, View out, int[] stride, int[] pad, int[] dilation, int groups) {
        ConvGeometry g = convArgs("conv2dForward", x, w, stride, pad, dilation, groups);
        expectShape("conv2dForward", "out", out, g.outputShape());
        runConv(g, Cudnn.Pass.FORWARD, x, w, out);
    }

    /** dx = gradient of conv2d with respect to its input, from dy [N,K,P,Q] and w. */
    void conv2dBackwardData(View dy, View w, View dx, int[] stride, int[] pad, int[] dilation, int groups) {
        ConvGeometry g = convArgs("conv2dBackwardData", dx, w, stride, pad, dilation, groups);
        expectShape("conv2dBackwardData", "dy", dy, g.outputShape());
        runConv(g, Cudnn.Pass.BACKWARD_DATA, w, dy, dx);
    }

    /** dw = gradient of conv2d with respect to its weight, from x and dy. */
    void conv2dBackwardFilter(View x, View dy, View dw, int[] stride, int[] pad, int[] dilation, int groups) {
        ConvGeometry g = convArgs("conv2dBackwardFilter", x, dw, stride, pad, dilation, groups);
        expectShape("conv2dBackwardFilter", "dy", dy, g.outputShape());
        runConv(g, Cudnn.Pass.BACKWARD_FILTER, x, dy, dw);
    }

    /**
     * out[n,k,h,w] += bias[k], in place: the elementwise add kernel over a stride-0 [1,K,1,1]
     * view of the bias (one pass, as cudnnAddTensor would make, and no cuDNN call to order).
     */
    void conv2dBiasAdd(View out, View bias) {
        memory.require("out", out);
        memory.require("bias", bias);
        memory.awaitStaged(out, bias);
        requireF32("conv2dBiasAdd", out);
        requireF32("conv2dBiasAdd", bias);
        if (out.rank() != 4 || bias.numel() != out.size(1)) {
            throw new IllegalArgumentException("conv2dBiasAdd: bias of " + bias.numel() + " elements does not match out " + Arrays.toString(out.shape()));
        }
        if (!out.isContiguous()) throw new IllegalArgumentException("conv2dBiasAdd: out must be contiguous");
        View b = copies.dense(bias);
        try {
            StridedMeta meta = StridedMeta.of(out.shape(), out.strides(), out.strides(), new int[] {0, 1, 0, 0});
            kernels.binary(PtxOps.binary(BinaryOp.ADD), meta, memory.address(out), 0, memory.address(out), memory.address(b));
        } finally {
            if (b != bias) memory.release(b);
        }
    }

    private ConvGeometry convArgs(String what, View x, View w, int[] stride, int[] pad, int[] dilation, int groups) {
        memory.require("x", x);
        memory.require("w", w);
        requireF32(what, x);
        requireF32(what, w);
        ConvGeometry g = ConvGeometry.of(x.shape(), w.shape(), stride, pad, dilation, groups);
        return g;
    }

    private static void expectShape(String what, String name, View t, int[] shape) {
        if (!Arrays.equals(t.shape(), shape)) {
            throw new IllegalArgumentException(what + ": " + name + " must have shape " + Arrays.toString(shape) + ", got " + Arrays.toString(t.shape()));
        }
    }

    /** Runs one pass with dense operands (copies made for strided views). */
    private void runConv(ConvGeometry g, Cudnn.Pass pass, View in0, View in1, View out) {
        memory.require("out", out);
        memory.awaitStaged(in0, in1, out);
        requireF32("conv2d", in0);
        requireF32("conv2d", in1);
        requireF32("conv2d", out);
        if (g.n() == 0) return;
        View a = copies.dense(in0), b = copies.dense(in1);
        View o = out.isContiguous() ? out : memory.temporary(DType.FLOAT32, out.shape());
        try {
            rt.conv(g, pass, memory.address(a), memory.address(b), memory.address(o), allowTf32);
            if (o != out) copies.copy(o, out);
        } finally {
            if (a != in0) memory.release(a);
            if (b != in1) memory.release(b);
            if (o != out) memory.release(o);
        }
    }

    // ------------------------------------------------------------------ checks

    private void requireF32(String what, View t) {
        if (t.dtype() != DType.FLOAT32) throw Backend.unsupported(what + " on " + t.dtype() + " (CUDA arithmetic is float32 for now)", memory);
    }
}
