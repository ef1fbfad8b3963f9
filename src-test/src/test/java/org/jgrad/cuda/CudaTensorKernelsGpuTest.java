package org.jgrad.cuda;

import org.jgrad.backend.Backends;
import org.jgrad.backend.Distribution;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Tensor;
import org.jgrad.tensor.ValuesIndices;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.jgrad.cuda.GpuSupport.assertClose;
import static org.jgrad.cuda.GpuSupport.onGpu;
import static org.jgrad.cuda.GpuSupport.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * argmax/max, softmax/logSoftmax, gather, scatterAdd and the device Philox generator on a real
 * GPU at realistic sizes, against the CPU backend (and, for the generator, the independent Java
 * Philox4x32-10 in {@link Philox}). Tolerances allow for the hardware's approximate ex2, lg2,
 * sin and cos and for the order of float atomics.
 */
@Tag("gpu")
class CudaTensorKernelsGpuTest {
    private final Random rng = new Random(17);

    @Test
    void softmaxAndLogSoftmaxMatchTheCpu() {
        GpuSupport.cuda();
        int[][] shapes = {{256, 10}, {16, 1000, 33}, {8, 21, 64, 64}, {3, 4099}};
        int[] dims = {1, 1, 1, 1};
        for (int s = 0; s < shapes.length; s++) {
            int[] shape = shapes[s];
            float[] x = random(rng, Arrays.stream(shape).reduce(1, (a, b) -> a * b));
            for (int i = 0; i < x.length; i++) x[i] *= 12;
            Tensor c = Tensor.fromArray(x, shape), g = onGpu(x, shape);
            String w = Arrays.toString(shape) + " dim " + dims[s];
            assertClose(c.softmax(dims[s]).toFloatArray(), g.softmax(dims[s]).toFloatArray(), 2e-5, "softmax " + w);
            assertClose(c.logSoftmax(dims[s]).toFloatArray(), g.logSoftmax(dims[s]).toFloatArray(), 2e-5, "logSoftmax " + w);
            // the last dim and a transposed view too
            int last = shape.length - 1;
            assertClose(c.softmax(last).toFloatArray(), g.softmax(last).toFloatArray(), 2e-5, "softmax last dim " + w);
            assertClose(c.transpose(0, last).logSoftmax(0).toFloatArray(), g.transpose(0, last).logSoftmax(0).toFloatArray(), 2e-5,
                    "logSoftmax of a transposed view " + w);
        }
        // special rows: all -inf and NaN give NaN, huge logits stay finite
        float ninf = Float.NEGATIVE_INFINITY;
        float[] s = {1000, 1001, 999, ninf, ninf, ninf, Float.NaN, 1, 2, ninf, 0, 3};
        assertClose(Tensor.fromArray(s, 4, 3).softmax(1).toFloatArray(), onGpu(s, 4, 3).softmax(1).toFloatArray(), 2e-5, "special rows");
    }

    @Test
    void argmaxAndMaxMatchTheCpu() {
        GpuSupport.cuda();
        int[] shape = {16, 10, 128, 128};
        float[] x = random(rng, 16 * 10 * 128 * 128);
        Tensor c = Tensor.fromArray(x, shape), g = onGpu(x, shape);
        assertArrayEquals(c.argmax(1).toLongArray(), g.argmax(1).toLongArray(), "argmax dim 1 of [16,10,128,128]");
        try (ValuesIndices vc = c.max(3, true); ValuesIndices vg = g.max(3, true)) {
            assertArrayEquals(vc.values().toFloatArray(), vg.values().toFloatArray(), "max values dim 3");
            assertArrayEquals(vc.indices().toLongArray(), vg.indices().toLongArray(), "max indices dim 3");
        }
        // ties (small integers) and NaN, rows longer than a block, min as well
        float[] t = new float[64 * 3001];
        for (int i = 0; i < t.length; i++) t[i] = rng.nextInt(5);
        for (int i = 0; i < 40; i++) t[rng.nextInt(t.length)] = Float.NaN;
        Tensor tc = Tensor.fromArray(t, 64, 3001), tg = onGpu(t, 64, 3001);
        assertArrayEquals(tc.argmax(1).toLongArray(), tg.argmax(1).toLongArray(), "argmax with ties and NaN");
        CudaBackend be = GpuSupport.backend();
        Tensor vals = Tensor.empty(DType.FLOAT32, GpuSupport.cuda(), 1, 3001), idx = Tensor.empty(DType.INT64, GpuSupport.cuda(), 1, 3001);
        be.argReduce(false, tg.raw(), 0, vals.raw(), idx.raw());
        Tensor vc = Tensor.empty(DType.FLOAT32, Device.cpu(), 1, 3001), ic = Tensor.empty(DType.INT64, Device.cpu(), 1, 3001);
        Backends.of(Device.cpu()).argReduce(false, tc.raw(), 0, vc.raw(), ic.raw());
        assertArrayEquals(ic.toLongArray(), idx.toLongArray(), "argmin dim 0");
        assertArrayEquals(vc.toFloatArray(), vals.toFloatArray(), "min dim 0");
    }

    @Test
    void gatherAndScatterAddMatchTheCpu() {
        GpuSupport.cuda();
        CudaBackend be = GpuSupport.backend();
        org.jgrad.backend.CpuBackend cpu = org.jgrad.backend.CpuBackend.INSTANCE; // the concrete type: the fused families are not on Backend
        float[] src = random(rng, 64 * 1000);
        long[] ix = new long[64 * 7];
        for (int i = 0; i < ix.length; i++) ix[i] = rng.nextInt(1000);
        Tensor oc = Tensor.empty(DType.FLOAT32, Device.cpu(), 64, 7), og = Tensor.empty(DType.FLOAT32, GpuSupport.cuda(), 64, 7);
        cpu.gather(Tensor.fromArray(src, 64, 1000).raw(), 1, Tensor.fromArray(ix, 64, 7).raw(), oc.raw());
        be.gather(onGpu(src, 64, 1000).raw(), 1, Tensor.fromArray(ix, 64, 7).to(GpuSupport.cuda()).raw(), og.raw());
        assertArrayEquals(oc.toFloatArray(), og.toFloatArray(), "gather [64,1000] dim 1");
        // scatterAdd with many collisions: 64 x 5000 values into 64 x 100 slots
        float[] vals = random(rng, 64 * 5000);
        long[] si = new long[64 * 5000];
        for (int i = 0; i < si.length; i++) si[i] = rng.nextInt(100);
        Tensor dc = Tensor.zeros(DType.FLOAT32, Device.cpu(), 64, 100), dg = Tensor.zeros(DType.FLOAT32, GpuSupport.cuda(), 64, 100);
        cpu.scatterAdd(dc.raw(), 1, Tensor.fromArray(si, 64, 5000).raw(), Tensor.fromArray(vals, 64, 5000).raw());
        be.scatterAdd(dg.raw(), 1, Tensor.fromArray(si, 64, 5000).to(GpuSupport.cuda()).raw(), onGpu(vals, 64, 5000).raw());
        assertClose(dc.toFloatArray(), dg.toFloatArray(), 1e-4, "scatterAdd with collisions");
    }

    @Test
    void aBadIndexIsReportedAtTheNextToHost() {
        GpuSupport.cuda();
        CudaBackend be = GpuSupport.backend();
        Tensor out = Tensor.empty(DType.FLOAT32, GpuSupport.cuda(), 2, 2);
        be.gather(onGpu(random(rng, 6), 2, 3).raw(), 1, Tensor.fromArray(new long[] {0, 1, 2, 3}, 2, 2).to(GpuSupport.cuda()).raw(), out.raw());
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, out::toFloatArray);
        assertTrue(e.getMessage().contains("index 3") && e.getMessage().contains("size 3"), e.getMessage());
        out.toFloatArray(); // reported once
    }

    @Test
    void deviceDrawsFollowPhiloxWithoutHostCopies() {
        Device gpu = GpuSupport.cuda();
        CudaBackend be = GpuSupport.backend();
        long seed = 0x5EEDL << 33 | 12345;
        int n = 1 << 22;
        Tensor u = Tensor.empty(DType.FLOAT32, gpu, n), z = Tensor.empty(DType.FLOAT32, gpu, n), b = Tensor.empty(DType.FLOAT32, gpu, n);
        long copies = be.deviceToHostCopies();
        be.random(u.raw(), Distribution.UNIFORM, -2, 2, seed);
        be.random(z.raw(), Distribution.NORMAL, 1, 3, seed);
        be.random(b.raw(), Distribution.BERNOULLI, 0.1, 0, seed);
        be.synchronize();
        assertEquals(copies, be.deviceToHostCopies(), "random copies nothing to the host");
        float[] uh = u.toFloatArray(), zh = z.toFloatArray(), bh = b.toFloatArray();
        for (int i = 0; i < 4096; i++) {
            assertEquals(Philox.uniform(seed, i, -2f, 2f), uh[i], "uniform element " + i);
            assertEquals(Philox.bernoulli(seed, i, 0.1f), bh[i], "bernoulli element " + i);
            double e = Philox.normal(seed, i, 1, 3);
            assertEquals(e, zh[i], 3e-5 * (1 + Math.abs(e)), "normal element " + i);
        }
        for (int i = n - 5; i < n; i++) assertEquals(Philox.uniform(seed, i, -2f, 2f), uh[i], "uniform element " + i);
        double mu = 0, mz = 0, vz = 0, ones = 0;
        for (int i = 0; i < n; i++) { mu += uh[i]; mz += zh[i]; ones += bh[i]; assertTrue(uh[i] >= -2 && uh[i] < 2); }
        mu /= n;
        mz /= n;
        for (float v : zh) vz += (v - mz) * (v - mz);
        vz /= n - 1;
        assertEquals(0, mu, 5 * Math.sqrt(16.0 / 12 / n));
        assertEquals(1, mz, 5 * 3 / Math.sqrt(n));
        assertEquals(9, vz, 5 * 9 * Math.sqrt(2.0 / n));
        assertEquals(0.1, ones / n, 5 * Math.sqrt(0.09 / n));
        // determinism per seed, and a different seed differs
        Tensor again = Tensor.empty(DType.FLOAT32, gpu, n);
        be.random(again.raw(), Distribution.UNIFORM, -2, 2, seed);
        assertArrayEquals(uh, again.toFloatArray());
        be.random(again.raw(), Distribution.UNIFORM, -2, 2, seed + 1);
        float[] other = again.toFloatArray();
        int same = 0;
        for (int i = 0; i < 10_000; i++) if (other[i] == uh[i]) same++;
        assertTrue(same < 10, same + " equal draws for a different seed");
    }
}
