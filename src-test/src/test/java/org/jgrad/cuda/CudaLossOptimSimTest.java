package org.jgrad.cuda;

import org.jgrad.backend.FusedOptim.AdamHyper;
import org.jgrad.backend.FusedOptim.SgdHyper;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Tensor;
import org.jgrad.tensor.View;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CUDA backend's fused softmax cross-entropy (loss.ptx) and optimizer steps (optim.ptx) on
 * a simulated device, against the CPU backend (the reference): awkward class counts (1, odd,
 * more than a block's lanes), S = 1 and S > 1, weights, ignore_index, the label-smoothing row,
 * a -inf logit; SGD in every flag combination and Adam / AdamW / amsgrad over parameter lists of
 * sizes 1, 7, 0, more than one chunk, for several steps, with per-parameter first steps and
 * step counts. The optimizer kernels follow the CPU's float32 operation order with every
 * operation rounded on its own, so their results must be bit-identical.
 */
class CudaLossOptimSimTest extends SimulatedBackendTest {
    CudaLossOptimSimTest() {
        super(20261126, 16 << 20);
    }

    private Tensor emptySim(int... shape) { return emptySim(DType.FLOAT32, shape); }

    private float[] download(Tensor t) {
        float[] out = new float[t.numel()];
        gpu.toHost(t.raw(), out);
        return out;
    }

    private float[] random(int n, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (rng.nextFloat() * 2 - 1) * scale;
        return v;
    }

    private static void assertClose(float[] expected, float[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i], a = actual[i];
            if (Double.isNaN(e) && Double.isNaN(a)) continue;
            if (e == a) continue; // also equal infinities
            if (!(Math.abs(e - a) <= tol * (1 + Math.abs(e)))) {
                throw new AssertionError(what + ": element " + i + " expected " + e + " got " + a + " (tolerance " + tol + ")");
            }
        }
    }

    // ------------------------------------------------------------------ cross-entropy

    /** Forward and backward on both backends from the same logits, targets, weights and term gradients. */
    private void crossEntropyMatches(int n, int c, int s, boolean weighted, long ignoreIndex, long[] targets, float scale) {
        String what = "[" + n + "," + c + "," + s + "]" + (weighted ? " weighted" : "") + " ignore " + ignoreIndex;
        float[] x = random(n * c * s, scale);
        if (c > 2 && n * s > 0) x[1 * s] = Float.NEGATIVE_INFINITY; // class 1 of column 0: contributes exp = 0
        if (c > 1 && n * s > 1) x[(n - 1) * c * s + (c - 1) * s + s - 1] = Float.NaN; // the last column is all NaN, as on the CPU
        float[] w = weighted ? random(c, 1f) : null;
        if (w != null) for (int k = 0; k < c; k++) w[k] = Math.abs(w[k]) + 0.1f;
        float[] gt = random(3 * n * s, 1f);

        Tensor cx = Tensor.fromArray(x, n, c, s), ct = Tensor.fromArray(targets, n, s);
        Tensor cw = w == null ? null : Tensor.fromArray(w, c);
        Tensor clp = Tensor.empty(DType.FLOAT32, Device.cpu(), n, c, s), cterms = Tensor.empty(DType.FLOAT32, Device.cpu(), 3, n, s);
        cpu.softmaxCrossEntropyForward(cx.raw(), ct.raw(), Tensor.rawOrNull(cw), ignoreIndex, clp.raw(), cterms.raw());
        Tensor cgl = Tensor.empty(DType.FLOAT32, Device.cpu(), n, c, s);
        cpu.softmaxCrossEntropyBackward(Tensor.fromArray(gt, 3, n, s).raw(), clp.raw(), ct.raw(), Tensor.rawOrNull(cw), ignoreIndex, cgl.raw());

        Tensor gx = onSim(x, n, c, s), gtg = onSim(targets, n, s), gw = w == null ? null : onSim(w, c);
        Tensor glp = emptySim(n, c, s), gterms = emptySim(3, n, s), ggl = emptySim(n, c, s);
        long copies = gpu.deviceToHostCopies();
        gpu.softmaxCrossEntropyForward(gx.raw(), gtg.raw(), Tensor.rawOrNull(gw), ignoreIndex, glp.raw(), gterms.raw());
        gpu.softmaxCrossEntropyBackward(onSim(gt, 3, n, s).raw(), glp.raw(), gtg.raw(), Tensor.rawOrNull(gw), ignoreIndex, ggl.raw());
        assertEquals(copies, gpu.deviceToHostCopies(), what + ": the loss primitives copy nothing to the host");

        // the CPU works in double; the kernel in float32 (the simulator's ex2/lg2 are exact)
        assertClose(clp.toFloatArray(), download(glp), 2e-6, what + " logProbs");
        assertClose(cterms.toFloatArray(), download(gterms), 1e-5, what + " terms");
        assertClose(cgl.toFloatArray(), download(ggl), 1e-5, what + " gradLogits");
    }

    private long[] targets(int count, int c, long ignoreIndex, double ignoreShare) {
        long[] t = new long[count];
        for (int i = 0; i < count; i++) t[i] = rng.nextDouble() < ignoreShare ? ignoreIndex : rng.nextInt(c);
        return t;
    }

    @Test
    void crossEntropyClassificationShapes() {
        crossEntropyMatches(5, 3, 1, false, -100, targets(5, 3, -100, 0), 3f);          // lanes 4
        crossEntropyMatches(6, 7, 1, true, -100, targets(6, 7, -100, 0.3), 5f);         // odd C, weights, ignored rows
        crossEntropyMatches(3, 1, 1, false, -100, targets(3, 1, -100, 0), 2f);          // C = 1: logp is 0
        crossEntropyMatches(2, 301, 1, true, 7, targets(2, 301, 7, 0), 8f);             // C odd, > 32 lanes: 10 classes a lane
    }

    @Test
    void crossEntropySegmentationShapes() {
        crossEntropyMatches(2, 3, 37, false, -100, targets(2 * 37, 3, -100, 0.2), 4f);    // one lane per column
        crossEntropyMatches(3, 5, 6, true, 255, targets(3 * 6, 5, 255, 0.25), 4f);        // S < 32: lanes share a column
        crossEntropyMatches(1, 21, 33, true, 0, targets(33, 21, 0, 0), 2f);              // ignore_index is a class (0)
        crossEntropyMatches(2, 1, 40, false, -100, targets(80, 1, -100, 0.5), 1f);
    }

    @Test
    void crossEntropyEmptyBatchLaunchesNothing() {
        long launches = rt.launches;
        gpu.softmaxCrossEntropyForward(emptySim(0, 4, 3).raw(), onSim(new long[0], 0, 3).raw(), null, -100, emptySim(0, 4, 3).raw(), emptySim(3, 0, 3).raw());
        assertEquals(launches, rt.launches);
    }

    @Test
    void badTargetIsReportedAtTheNextSynchronisingCallNamingTheValue() {
        float[] x = random(4 * 5, 1f);
        Tensor lp = emptySim(4, 5, 1), terms = emptySim(3, 4, 1);
        // -100 is ignore_index: fine; 9 is not a class of 5
        gpu.softmaxCrossEntropyForward(onSim(x, 4, 5, 1).raw(), onSim(new long[]{0, -100, 9, 4}, 4, 1).raw(), null, -100, lp.raw(), terms.raw());
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> download(terms));
        assertTrue(e.getMessage().contains("target 9 is out of bounds for 5 classes"), e.getMessage());
        // the same through synchronize(), with a negative target
        gpu.softmaxCrossEntropyForward(onSim(x, 4, 5, 1).raw(), onSim(new long[]{0, -3, 1, 4}, 4, 1).raw(), null, -100, lp.raw(), terms.raw());
        e = assertThrows(IndexOutOfBoundsException.class, gpu::synchronize);
        assertTrue(e.getMessage().contains("target -3 is out of bounds for 5 classes"), e.getMessage());
        // and backward finds it too
        gpu.softmaxCrossEntropyBackward(emptySim(3, 4, 1).raw(), lp.raw(), onSim(new long[]{5, 0, 0, 0}, 4, 1).raw(), null, -100, emptySim(4, 5, 1).raw());
        e = assertThrows(IndexOutOfBoundsException.class, gpu::synchronize);
        assertTrue(e.getMessage().contains("target 5 is out of bounds for 5 classes"), e.getMessage());
        gpu.synchronize(); // reported once
    }

    @Test
    void crossEntropyArgumentsAreChecked() {
        Tensor x = emptySim(2, 3, 1), lp = emptySim(2, 3, 1), terms = emptySim(3, 2, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> gpu.softmaxCrossEntropyForward(x.raw(), onSim(new long[]{0, 1, 2}, 3, 1).raw(), null, -100, lp.raw(), terms.raw()));
        assertTrue(e.getMessage().contains("target must have shape [2, 1]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> gpu.softmaxCrossEntropyForward(x.raw(), onSim(new long[]{0, 1}, 2, 1).raw(), onSim(new float[2], 2).raw(), -100, lp.raw(), terms.raw()));
        assertTrue(e.getMessage().contains("weight must have shape [3]"), e.getMessage());
        Tensor x64 = new Tensor(gpu.allocate(DType.FLOAT64, 6), 2, 3, 1);
        UnsupportedOperationException u = assertThrows(UnsupportedOperationException.class,
                () -> gpu.softmaxCrossEntropyForward(x64.raw(), onSim(new long[]{0, 1}, 2, 1).raw(), null, -100, lp.raw(), terms.raw()));
        assertTrue(u.getMessage().contains("FLOAT64"), u.getMessage());
    }

    @Test
    void laneSharingFollowsTheLayout() {
        assertEquals(0, CudaLoss.laneShift(21, 16384)); // segmentation: one lane per column, coalesced
        assertEquals(0, CudaLoss.laneShift(1000, 32));
        assertEquals(5, CudaLoss.laneShift(1000, 1));   // a warp per row
        assertEquals(4, CudaLoss.laneShift(10, 1));
        assertEquals(0, CudaLoss.laneShift(1, 1));
    }

    // ------------------------------------------------------------------ optimizer steps

    /** Sizes 1, 7, empty, more than one 4096-element chunk, odd. */
    private static final int[][] SHAPES = {{1}, {7}, {0}, {4099}, {3, 11}};

    private final class Params {
        final List<Tensor> cpuT = new ArrayList<>(), simT = new ArrayList<>();

        Params(float scale) {
            for (int[] sh : SHAPES) add(random(numel(sh), scale), sh);
        }

        Params(boolean zeros) {
            for (int[] sh : SHAPES) add(new float[numel(sh)], sh);
        }

        private void add(float[] v, int[] sh) {
            cpuT.add(Tensor.fromArray(v, sh));
            simT.add(onSim(v, sh));
        }

        void assertSame(String what) {
            for (int i = 0; i < cpuT.size(); i++) {
                assertArrayEquals(cpuT.get(i).toFloatArray(), download(simT.get(i)), what + " tensor " + i + " " + Arrays.toString(SHAPES[i]));
            }
        }
    }

    @Test
    void sgdEqualsTheCpuBitForBitInEveryFlagCombination() {
        for (double momentum : new double[]{0, 0.9}) {
            for (double dampening : new double[]{0, 0.3}) {
                for (double wd : new double[]{0, 1e-2}) {
                    for (boolean nesterov : new boolean[]{false, true}) {
                        for (boolean maximize : new boolean[]{false, true}) {
                            if (momentum == 0 && (dampening != 0 || nesterov)) continue; // the flags act through momentum only
                            SgdHyper h = new SgdHyper(0.05, momentum, dampening, wd, nesterov, maximize);
                            sgdRun(h, 3);
                        }
                    }
                }
            }
        }
    }

    private void sgdRun(SgdHyper h, int steps) {
        Params p = new Params(1f);
        Params buf = h.momentum() != 0 ? new Params(true) : null;
        for (int step = 0; step < steps; step++) {
            Params g = new Params(2f); // fresh gradients, as after zeroGrad
            // parameter 1's first step comes one step late (its gradient was None before)
            boolean[] first = new boolean[SHAPES.length];
            for (int i = 0; i < first.length; i++) first[i] = i == 1 ? step == 1 : step == 0;
            cpu.sgdStep(views(p.cpuT), views(g.cpuT), buf == null ? null : views(buf.cpuT), first, h);
            long copies = gpu.deviceToHostCopies();
            gpu.sgdStep(views(p.simT), views(g.simT), buf == null ? null : views(buf.simT), first, h);
            assertEquals(copies, gpu.deviceToHostCopies(), "sgdStep copies nothing to the host");
            p.assertSame(h + " step " + step + " params");
            if (buf != null) buf.assertSame(h + " step " + step + " momentum");
        }
    }

    @Test
    void adamAndAdamWEqualTheCpuBitForBit() {
        for (boolean decoupled : new boolean[]{false, true}) {
            for (boolean amsgrad : new boolean[]{false, true}) {
                for (boolean maximize : new boolean[]{false, true}) {
                    for (double wd : new double[]{0, 0.1}) {
                        adamRun(new AdamHyper(1e-2, 0.9, 0.999, 1e-8, wd, decoupled, amsgrad, maximize), 3);
                    }
                }
            }
        }
    }

    private void adamRun(AdamHyper h, int steps) {
        Params p = new Params(1f), m = new Params(true), v = new Params(true);
        Params vmax = h.amsgrad() ? new Params(true) : null;
        long[] count = {0, 3, 0, 0, 10}; // parameters at different step counts: per-parameter bias corrections
        for (int step = 0; step < steps; step++) {
            Params g = new Params(1f);
            long[] t = new long[count.length];
            for (int i = 0; i < t.length; i++) t[i] = ++count[i];
            cpu.adamStep(views(p.cpuT), views(g.cpuT), views(m.cpuT), views(v.cpuT), vmax == null ? null : views(vmax.cpuT), t, h);
            gpu.adamStep(views(p.simT), views(g.simT), views(m.simT), views(v.simT), vmax == null ? null : views(vmax.simT), t.clone(), h);
            String what = h + " step " + step;
            p.assertSame(what + " params");
            m.assertSame(what + " exp_avg");
            v.assertSame(what + " exp_avg_sq");
            if (vmax != null) vmax.assertSame(what + " max_exp_avg_sq");
        }
    }

    @Test
    void oneLaunchPerStepAndTheStagingRingIsReusedWithoutWaiting() {
        SgdHyper h = new SgdHyper(0.1, 0.9, 0, 0, false, false);
        Params p = new Params(1f), buf = new Params(true);
        CudaOptim optim = gpu.optim();
        for (int step = 0; step < 3 * OptimTable.SLOTS; step++) {
            Params g = new Params(1f);
            boolean[] first = new boolean[SHAPES.length];
            Arrays.fill(first, step == 0);
            cpu.sgdStep(views(p.cpuT), views(g.cpuT), views(buf.cpuT), first, h);
            long launches = rt.launches;
            gpu.sgdStep(views(p.simT), views(g.simT), views(buf.simT), first, h);
            assertEquals(launches + 1, rt.launches, "one fused launch for the whole list");
            // the kernel stamped its sequence number: the slot's copy is known complete
            assertEquals(step + 1, optim.table().completed());
        }
        p.assertSame("after " + 3 * OptimTable.SLOTS + " steps");
        assertEquals(0, optim.table().waits(), "the simulator runs copies at once, so the ring never fills");
    }

    @Test
    void aStagingSlotIsReusedOnlyOnceTheKernelOfItsLastUseHasStarted() {
        OptimTable table = new OptimTable(rt);
        // no kernel runs here, so the mapped "started" word stays 0: the ring fills after SLOTS tables
        List<Long> slots = new ArrayList<>();
        for (int i = 0; i < OptimTable.SLOTS; i++) slots.add(table.next(3).host().address());
        assertEquals(OptimTable.SLOTS, slots.stream().distinct().count(), "consecutive tables use distinct slots");
        assertEquals(0, table.waits());
        OptimTable.Staged again = table.next(3);
        assertEquals(slots.get(0), again.host().address(), "slot 0 comes round again after " + OptimTable.SLOTS + " calls");
        assertEquals(1, table.waits(), "its previous copy was not known complete: the host waited for the stream");
        // a kernel reporting sequence 2 as started frees the slot of sequence 2 for sequence 2 + SLOTS
        rt.sim.view(table.doneAddress(), 8).putLong(0, 2);
        table.next(3);
        assertEquals(1, table.waits());
        table.next(3); // sequence 3's kernel has not started
        assertEquals(2, table.waits());
        // a larger table moves to a fresh ring: nothing pending there
        table.next(1000);
        assertEquals(2, table.waits());
    }

    @Test
    void aListOfOnlyEmptyParametersLaunchesNothing() {
        long launches = rt.launches;
        gpu.sgdStep(List.of(emptySim(0).raw()), List.of(emptySim(0).raw()), null, null, new SgdHyper(0.1, 0, 0, 0, false, false));
        gpu.sgdStep(List.of(), List.of(), null, null, new SgdHyper(0.1, 0, 0, 0, false, false));
        assertEquals(launches, rt.launches);
    }

    @Test
    void optimizerArgumentsAreChecked() {
        SgdHyper h = new SgdHyper(0.1, 0.9, 0, 0, false, false);
        Tensor p = emptySim(3), g = emptySim(3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> gpu.sgdStep(List.of(p.raw()), List.of(), null, null, h));
        assertTrue(e.getMessage().contains("grads has 0 tensors for 1 parameters"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> gpu.sgdStep(List.of(p.raw()), List.of(g.raw()), null, new boolean[]{true}, h));
        assertTrue(e.getMessage().contains("momentumBuffers must be given"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> gpu.sgdStep(List.of(p.raw()), List.of(emptySim(4).raw()), List.of(emptySim(3).raw()), null, h));
        assertTrue(e.getMessage().contains("grads[0] has shape [4]"), e.getMessage());
        AdamHyper a = new AdamHyper(1e-3, 0.9, 0.999, 1e-8, 0, false, false, false);
        e = assertThrows(IllegalArgumentException.class,
                () -> gpu.adamStep(List.of(p.raw()), List.of(g.raw()), List.of(emptySim(3).raw()), List.of(emptySim(3).raw()), null, new long[]{0}, a));
        assertTrue(e.getMessage().contains("steps[0] must be >= 1"), e.getMessage());
        Tensor p64 = new Tensor(gpu.allocate(DType.FLOAT64, 3), 3);
        UnsupportedOperationException u = assertThrows(UnsupportedOperationException.class,
                () -> gpu.sgdStep(List.of(p64.raw()), List.of(p64.raw()), null, null, new SgdHyper(0.1, 0, 0, 0, false, false)));
        assertTrue(u.getMessage().contains("FLOAT64") && u.getMessage().contains("float32"), u.getMessage());
    }

    /** The views the optimizer primitives take; null for an absent list. */
    private static List<View> views(List<Tensor> tensors) {
        return tensors == null ? null : tensors.stream().map(Tensor::raw).toList();
    }
}
