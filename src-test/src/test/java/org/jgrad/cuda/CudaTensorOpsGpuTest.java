package org.jgrad.cuda;

import org.jgrad.backend.Backends;
import org.jgrad.backend.BinaryOp;
import org.jgrad.backend.UnaryOp;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.jgrad.cuda.GpuSupport.assertClose;
import static org.jgrad.cuda.GpuSupport.onGpu;
import static org.jgrad.cuda.GpuSupport.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Copies, casts, fills, elementwise kernels and sums on the GPU against the CPU backend. */
@Tag("gpu")
class CudaTensorOpsGpuTest {
    private final Random rng = new Random(3);

    @Test
    void everyDtypeRoundTripsAndTransfersAreCounted() {
        Device gpu = GpuSupport.cuda();
        CudaBackend be = GpuSupport.backend();
        long bytes0 = be.deviceToHostBytes(), copies0 = be.deviceToHostCopies();
        float[] f = random(rng, 1001);
        assertArrayEquals(f, Tensor.fromArray(f, 1001).to(gpu).toFloatArray());
        double[] d = {1e300, -0.0, Double.MIN_VALUE, 3.5};
        assertArrayEquals(d, Tensor.fromArray(d, 4).to(gpu).toDoubleArray());
        int[] i = {Integer.MIN_VALUE, -1, 0, 7, Integer.MAX_VALUE};
        assertArrayEquals(i, Tensor.fromArray(i, 5).to(gpu).toIntArray());
        long[] l = {Long.MIN_VALUE, -1, 1L << 53 | 1, Long.MAX_VALUE};
        assertArrayEquals(l, Tensor.fromArray(l, 4).to(gpu).toLongArray());
        byte[] b = {0, 1, (byte) 255, (byte) 128, 7};
        assertArrayEquals(b, Tensor.fromArray(b, 5).to(gpu).toByteArray());
        assertEquals(1001 * 4 + 4 * 8 + 5 * 4 + 4 * 8 + 5, be.deviceToHostBytes() - bytes0);
        assertEquals(5, be.deviceToHostCopies() - copies0);
        // empty tensors
        assertEquals(0, Tensor.fromArray(new float[0], 0, 3).to(gpu).toFloatArray().length);
        // large enough to need several staging chunks
        float[] big = random(rng, (int) (HostTransfers.STAGING_BYTES / 4) * 2 + 17);
        assertArrayEquals(big, Tensor.fromArray(big, big.length).to(gpu).toFloatArray());
    }

    @Test
    void stridedCopiesAndCastsMatchTheCpu() {
        Device gpu = GpuSupport.cuda();
        float[] f = random(rng, 2 * 3 * 5 * 7);
        for (int i = 0; i < f.length; i++) f[i] *= 300;
        Tensor cpu = Tensor.fromArray(f, 2, 3, 5, 7).permute(3, 1, 0, 2).slice(0, 1, 7, 2);
        Tensor g = Tensor.fromArray(f, 2, 3, 5, 7).to(gpu).permute(3, 1, 0, 2).slice(0, 1, 7, 2);
        assertArrayEquals(cpu.contiguous().toFloatArray(), g.contiguous().toFloatArray());
        for (DType to : DType.values()) {
            Tensor ec = cpu.to(to), eg = g.to(to);
            assertArrayEquals(ec.toDoubleArray(), eg.toDoubleArray(), "cast float32 -> " + to);
            assertArrayEquals(ec.to(DType.FLOAT32).toFloatArray(), eg.to(DType.FLOAT32).toFloatArray(), "cast " + to + " -> float32");
        }
    }

    @Test
    void fillsEveryDtypeAndStridedViews() {
        Device gpu = GpuSupport.cuda();
        CudaBackend be = GpuSupport.backend();
        for (DType dt : DType.values()) {
            Tensor t = Tensor.empty(dt, gpu, 3, 4);
            be.fill(t.raw(), 7);
            be.fill(t.slice(1, 1, 4, 2).raw(), 2);
            Tensor c = Tensor.empty(dt, Device.cpu(), 3, 4);
            Backends.of(c.device()).fill(c.raw(), 7);
            Backends.of(c.device()).fill(c.slice(1, 1, 4, 2).raw(), 2);
            assertArrayEquals(c.toDoubleArray(), t.toDoubleArray(), "fill " + dt);
        }
    }

    @Test
    void elementwiseOpsMatchTheCpu() {
        GpuSupport.cuda();
        float[] x = random(rng, 6 * 5 * 4), y = random(rng, 5 * 1);
        for (int i = 0; i < 7; i++) x[i * 3] = 0; // exact zeros for sign/relu/comparisons
        Tensor xc = Tensor.fromArray(x, 6, 5, 4), yc = Tensor.fromArray(y, 5, 1);
        Tensor xg = onGpu(x, 6, 5, 4), yg = onGpu(y, 5, 1);
        for (BinaryOp op : BinaryOp.values()) {
            if (op == BinaryOp.POW) continue; // needs positive bases; checked below
            Tensor e = binary(op, xc, yc), g = binary(op, xg, yg);
            assertArrayEquals(e.to(DType.FLOAT32).toFloatArray(), g.to(DType.FLOAT32).toFloatArray(), 1e-6f, op.name());
        }
        Tensor pc = xc.abs().add(0.5), pg = xg.abs().add(0.5);
        assertClose(pc.pow(yc.mul(3)).toFloatArray(), pg.pow(yg.mul(3)).toFloatArray(), 1e-5, "POW");
        for (UnaryOp op : UnaryOp.values()) {
            Tensor arg = op == UnaryOp.LOG || op == UnaryOp.SQRT || op == UnaryOp.POW_SCALAR ? pc : xc;
            Tensor argG = op == UnaryOp.LOG || op == UnaryOp.SQRT || op == UnaryOp.POW_SCALAR ? pg : xg;
            Tensor e = unary(op, arg), g = unary(op, argG);
            assertClose(e.to(DType.FLOAT32).toFloatArray(), g.to(DType.FLOAT32).toFloatArray(), 2e-6, op.name());
        }
        float[] big = random(rng, 4097);
        for (int i = 0; i < big.length; i++) big[i] *= 40;
        for (UnaryOp op : new UnaryOp[] {UnaryOp.EXP, UnaryOp.SIGMOID, UnaryOp.TANH}) {
            assertClose(unary(op, Tensor.fromArray(big, 4097)).toFloatArray(), unary(op, onGpu(big, 4097)).toFloatArray(), 4e-6, op + " on [-40, 40]");
        }
    }

    private static Tensor binary(BinaryOp op, Tensor x, Tensor y) {
        int[] shape = {6, 5, 4};
        Tensor out = Tensor.empty(op.isComparison() ? DType.UINT8 : DType.FLOAT32, x.device(), shape);
        Backends.of(x.device()).binary(op, x.expand(shape).raw(), y.expand(shape).raw(), out.raw());
        return out;
    }

    private static Tensor unary(UnaryOp op, Tensor x) {
        boolean cmp = PtxOps.isComparison(op);
        Tensor out = Tensor.empty(cmp ? DType.UINT8 : DType.FLOAT32, x.device(), x.shape());
        double a = op == UnaryOp.CLAMP ? -0.25 : op == UnaryOp.POW_SCALAR ? 2.5 : 0.125, b = 0.5;
        Backends.of(x.device()).unary(op, x.raw(), out.raw(), a, b);
        return out;
    }

    @Test
    void whereMatchesTheCpu() {
        GpuSupport.cuda();
        float[] x = random(rng, 60), y = random(rng, 5), c = random(rng, 12);
        Tensor xc = Tensor.fromArray(x, 3, 4, 5), yc = Tensor.fromArray(y, 5), cc = Tensor.fromArray(c, 3, 4, 1).gt(0);
        Tensor xg = onGpu(x, 3, 4, 5), yg = onGpu(y, 5), cg = onGpu(c, 3, 4, 1).gt(0);
        assertArrayEquals(Tensor.where(cc, xc, yc).toFloatArray(), Tensor.where(cg, xg, yg).toFloatArray());
    }

    @Test
    void reluBackwardIsOnePass() {
        CudaBackend be = GpuSupport.backend();
        float[] x = random(rng, 999), g = random(rng, 999);
        Tensor out = Tensor.empty(DType.FLOAT32, GpuSupport.cuda(), 999);
        be.reluBackward(onGpu(x, 999).raw(), onGpu(g, 999).raw(), out.raw());
        float[] got = out.toFloatArray();
        for (int i = 0; i < x.length; i++) assertEquals(x[i] > 0 ? g[i] : 0f, got[i]);
    }

    @Test
    void sumsAlongAnyDimsMatchTheCpu() {
        GpuSupport.cuda();
        int[] shape = {3, 17, 5, 300};
        float[] x = random(rng, 3 * 17 * 5 * 300);
        Tensor c = Tensor.fromArray(x, shape), g = onGpu(x, shape);
        int[][] dimSets = {{0}, {1}, {3}, {0, 2}, {1, 3}, {0, 1, 2, 3}, {0, 2, 3}};
        for (int[] dims : dimSets) {
            assertClose(c.sum(dims, true).toFloatArray(), g.sum(dims, true).toFloatArray(), 2e-5, "sum over " + java.util.Arrays.toString(dims));
        }
        // a transposed input and an empty reduction
        assertClose(c.transpose(1, 3).sum(1, false).toFloatArray(), g.transpose(1, 3).sum(1, false).toFloatArray(), 2e-5, "sum of a transposed view");
        assertArrayEquals(new float[] {0, 0}, onGpu(new float[0], 2, 0).sum(1, false).toFloatArray());
    }
}
