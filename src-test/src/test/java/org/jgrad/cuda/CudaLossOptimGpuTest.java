package org.jgrad.cuda;

import org.jgrad.backend.Backends;
import org.jgrad.backend.Backend;
import org.jgrad.backend.FusedOptim.AdamHyper;
import org.jgrad.backend.FusedOptim.SgdHyper;
import org.jgrad.nn.loss.Losses;
import org.jgrad.nn.loss.Reduction;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Tensor;
import org.jgrad.tensor.View;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.jgrad.cuda.GpuSupport.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fused cross-entropy (loss.ptx) and optimizer steps (optim.ptx) on a real GPU against the
 * CPU backend at training sizes: classification [256, 10] and [64, 1000], segmentation
 * [16, 21, 128, 128]; SGD and AdamW-amsgrad over the small CNN's parameter shapes for 100
 * steps. The hardware's ex2/lg2 are approximate, so the loss is compared within float32
 * tolerances; the optimizer's operations are all IEEE-rounded in the CPU's order, so its first
 * step must be bit-identical and 100 steps stay within rounding.
 */
@Tag("gpu")
class CudaLossOptimGpuTest {
    private final org.jgrad.backend.CpuBackend cpu = org.jgrad.backend.CpuBackend.INSTANCE; // the concrete type: the fused families are not on Backend
    private final Random rng = new Random(11261);

    private float[] random(int n, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (rng.nextFloat() * 2 - 1) * scale;
        return v;
    }

    private long[] targets(int count, int c, long ignoreIndex, double ignoreShare) {
        long[] t = new long[count];
        for (int i = 0; i < count; i++) t[i] = rng.nextDouble() < ignoreShare ? ignoreIndex : rng.nextInt(c);
        return t;
    }

    private void crossEntropyMatches(int n, int c, int s, boolean weighted, long ignoreIndex, double ignoreShare, float scale) {
        Device cuda = GpuSupport.cuda();
        CudaBackend gpu = GpuSupport.backend();
        String what = "[" + n + "," + c + "," + s + "]" + (weighted ? " weighted" : "");
        float[] x = random(n * c * s, scale);
        long[] t = targets(n * s, c, ignoreIndex, ignoreShare);
        float[] w = null;
        if (weighted) {
            w = random(c, 1f);
            for (int k = 0; k < c; k++) w[k] = Math.abs(w[k]) + 0.1f;
        }
        float[] gt = random(3 * n * s, 1f);

        Tensor cx = Tensor.fromArray(x, n, c, s), ct = Tensor.fromArray(t, n, s), cw = w == null ? null : Tensor.fromArray(w, c);
        Tensor clp = Tensor.empty(DType.FLOAT32, Device.cpu(), n, c, s), cterms = Tensor.empty(DType.FLOAT32, Device.cpu(), 3, n, s);
        Tensor cgl = Tensor.empty(DType.FLOAT32, Device.cpu(), n, c, s);
        cpu.softmaxCrossEntropyForward(cx.raw(), ct.raw(), Tensor.rawOrNull(cw), ignoreIndex, clp.raw(), cterms.raw());
        cpu.softmaxCrossEntropyBackward(Tensor.fromArray(gt, 3, n, s).raw(), clp.raw(), ct.raw(), Tensor.rawOrNull(cw), ignoreIndex, cgl.raw());

        Tensor gx = cx.to(cuda), gtg = ct.to(cuda), gw = cw == null ? null : cw.to(cuda), ggt = Tensor.fromArray(gt, 3, n, s).to(cuda);
        Tensor glp = Tensor.empty(DType.FLOAT32, cuda, n, c, s), gterms = Tensor.empty(DType.FLOAT32, cuda, 3, n, s);
        Tensor ggl = Tensor.empty(DType.FLOAT32, cuda, n, c, s);
        long copies = gpu.deviceToHostCopies();
        gpu.softmaxCrossEntropyForward(gx.raw(), gtg.raw(), Tensor.rawOrNull(gw), ignoreIndex, glp.raw(), gterms.raw());
        gpu.softmaxCrossEntropyBackward(ggt.raw(), glp.raw(), gtg.raw(), Tensor.rawOrNull(gw), ignoreIndex, ggl.raw());
        assertEquals(copies, gpu.deviceToHostCopies(), what + ": no device-to-host copy");
        assertClose(clp.toFloatArray(), glp.toFloatArray(), 1e-5, what + " logProbs");
        assertClose(cterms.toFloatArray(), gterms.toFloatArray(), 2e-5, what + " terms");
        assertClose(cgl.toFloatArray(), ggl.toFloatArray(), 2e-5, what + " gradLogits");
        for (Tensor tt : new Tensor[]{gx, gtg, gw, ggt, glp, gterms, ggl}) if (tt != null) tt.close();
    }

    @Test
    void crossEntropyClassification() {
        crossEntropyMatches(256, 10, 1, false, -100, 0, 4f);
        crossEntropyMatches(255, 10, 1, true, -100, 0.1, 4f);
        crossEntropyMatches(64, 1000, 1, true, -100, 0.05, 10f);
        crossEntropyMatches(33, 1001, 1, false, 3, 0, 10f);
    }

    @Test
    void crossEntropySegmentation() {
        crossEntropyMatches(16, 21, 128 * 128, true, 255, 0.1, 5f);
        crossEntropyMatches(16, 2, 128 * 128, false, -100, 0, 5f);
        crossEntropyMatches(3, 5, 31 * 17, false, -100, 0.2, 5f);
    }

    @Test
    void badTargetSurfacesAtItemNamingTheValue() {
        Device cuda = GpuSupport.cuda();
        long[] t = targets(256, 10, -100, 0);
        t[77] = 12;
        Tensor x = Tensor.fromArray(random(256 * 10, 2f), 256, 10).to(cuda);
        Tensor target = Tensor.fromArray(t, 256).to(cuda);
        Tensor loss = Losses.crossEntropy(x, target, null, -100, Reduction.MEAN, 0);
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, loss::item);
        assertTrue(e.getMessage().contains("target 12 is out of bounds for 10 classes"), e.getMessage());
        t[77] = 3;
        Tensor ok = Losses.crossEntropy(x, Tensor.fromArray(t, 256).to(cuda), null, -100, Reduction.MEAN, 0);
        Tensor ref = Losses.crossEntropy(x.to(Device.cpu()), Tensor.fromArray(t, 256), null, -100, Reduction.MEAN, 0);
        assertEquals(ref.item(), ok.item(), 1e-5 * (1 + Math.abs(ref.item())));
    }

    // ------------------------------------------------------------------ optimizer over the small CNN's shapes

    /** conv1, conv2, fc1, fc2 (weight and bias each) of the small CNN, and an empty tensor. */
    private static final int[][] CNN = {{32, 1, 3, 3}, {32}, {64, 32, 3, 3}, {64}, {128, 64 * 7 * 7}, {128}, {10, 128}, {10}, {0}};

    private static int numel(int[] s) { return Arrays.stream(s).reduce(1, (a, b) -> a * b); }

    private final class Tensors {
        final List<Tensor> cpuT = new ArrayList<>(), gpuT = new ArrayList<>();

        Tensors(float scale, Device cuda) {
            for (int[] sh : CNN) {
                Tensor c = Tensor.fromArray(scale == 0 ? new float[numel(sh)] : random(numel(sh), scale), sh);
                cpuT.add(c);
                gpuT.add(c.to(cuda));
            }
        }

        void assertMatches(String what, boolean exact) {
            for (int i = 0; i < CNN.length; i++) {
                String label = what + " tensor " + i + " " + Arrays.toString(CNN[i]);
                if (exact) assertArrayEquals(cpuT.get(i).toFloatArray(), gpuT.get(i).toFloatArray(), label);
                else assertClose(cpuT.get(i).toFloatArray(), gpuT.get(i).toFloatArray(), 1e-5, label);
            }
        }

        void close() {
            for (Tensor t : cpuT) t.close();
            for (Tensor t : gpuT) t.close();
        }
    }

    @Test
    void sgdNesterovWithWeightDecayOver100Steps() {
        Device cuda = GpuSupport.cuda();
        CudaBackend gpu = GpuSupport.backend();
        SgdHyper h = new SgdHyper(0.05, 0.9, 0, 5e-4, true, false);
        Tensors p = new Tensors(0.1f, cuda), buf = new Tensors(0, cuda);
        long live = -1, waits = gpu.optim().table().waits();
        for (int step = 0; step < 100; step++) {
            Tensors g = new Tensors(1f, cuda);
            boolean[] first = new boolean[CNN.length];
            Arrays.fill(first, step == 0);
            cpu.sgdStep(views(p.cpuT), views(g.cpuT), views(buf.cpuT), first, h);
            long copies = gpu.deviceToHostCopies();
            gpu.sgdStep(views(p.gpuT), views(g.gpuT), views(buf.gpuT), first, h);
            assertEquals(copies, gpu.deviceToHostCopies(), "sgdStep copies nothing to the host");
            g.close();
            if (step == 0) p.assertMatches("SGD step 1", true);
            if (step == 1) live = gpu.allocator().liveBytes();
            if (step > 1) assertEquals(live, gpu.allocator().liveBytes(), "no device memory growth across steps (step " + step + ")");
        }
        p.assertMatches("SGD after 100 steps", false);
        buf.assertMatches("SGD momentum after 100 steps", false);
        // Each step's kernel stores its sequence number into mapped host memory when it starts; the
        // host reuses a staging slot 8 steps later only once it sees that word, else it waits for the
        // stream. This loop's CPU step takes far longer than the GPU's, so the GPU is never 8 steps
        // behind: a wait here means the kernel's store did not reach the host in time.
        assertEquals(waits, gpu.optim().table().waits(), "the host saw every optimizer kernel's start stamp without waiting");
        p.close();
        buf.close();
    }

    @Test
    void adamWAmsgradAndAdamOver100Steps() {
        Device cuda = GpuSupport.cuda();
        CudaBackend gpu = GpuSupport.backend();
        for (AdamHyper h : new AdamHyper[]{
                new AdamHyper(1e-3, 0.9, 0.999, 1e-8, 1e-2, true, true, false),
                new AdamHyper(1e-3, 0.8, 0.99, 1e-6, 1e-4, false, false, true)}) {
            Tensors p = new Tensors(0.1f, cuda), m = new Tensors(0, cuda), v = new Tensors(0, cuda), vmax = new Tensors(0, cuda);
            long[] steps = new long[CNN.length];
            for (int step = 0; step < 100; step++) {
                Tensors g = new Tensors(1f, cuda);
                for (int i = 0; i < steps.length; i++) steps[i] = step + 1 + (i % 3 == 0 ? 5 : 0); // per-parameter counts differ
                cpu.adamStep(views(p.cpuT), views(g.cpuT), views(m.cpuT), views(v.cpuT), h.amsgrad() ? views(vmax.cpuT) : null, steps, h);
                long copies = gpu.deviceToHostCopies();
                gpu.adamStep(views(p.gpuT), views(g.gpuT), views(m.gpuT), views(v.gpuT), h.amsgrad() ? views(vmax.gpuT) : null, steps.clone(), h);
                assertEquals(copies, gpu.deviceToHostCopies(), "adamStep copies nothing to the host");
                g.close();
                if (step == 0) p.assertMatches(h + " step 1", true);
            }
            p.assertMatches(h + " after 100 steps", false);
            m.assertMatches(h + " exp_avg after 100 steps", false);
            v.assertMatches(h + " exp_avg_sq after 100 steps", false);
            for (Tensors s : new Tensors[]{p, m, v, vmax}) s.close();
        }
    }

    /** The views the optimizer primitives take; null for an absent list. */
    private static List<View> views(List<Tensor> tensors) {
        return tensors == null ? null : tensors.stream().map(Tensor::raw).toList();
    }
}
