package org.jgrad.backend;

import org.jgrad.tensor.DType;
import org.jgrad.tensor.View;

import java.util.List;

/** The CPU's {@link FusedOptim} family, mixed into {@link CpuBackend}: one fused pass per tensor. */
interface CpuOptim extends FusedOptim {

    @Override
    default void sgdStep(List<View> params, List<View> grads, List<View> momentumBuffers, boolean[] firstStep, SgdHyper h) {
        for (int i = 0; i < params.size(); i++) {
            View p = params.get(i), g = grads.get(i), b = momentumBuffers == null ? null : momentumBuffers.get(i);
            boolean first = firstStep != null && firstStep[i];
            if (p.dtype() == DType.FLOAT32) {
                CpuOptimKernels.sgd(f32(p), p.offset(), f32(g), g.offset(), b == null ? null : f32(b), b == null ? 0 : b.offset(),
                        p.numel(), first, h);
            } else {
                CpuOptimKernels.sgd(f64(p), p.offset(), f64(g), g.offset(), b == null ? null : f64(b), b == null ? 0 : b.offset(),
                        p.numel(), first, h);
            }
        }
    }

    @Override
    default void adamStep(List<View> params, List<View> grads, List<View> expAvgs, List<View> expAvgSqs,
                          List<View> maxExpAvgSqs, long[] steps, AdamHyper h) {
        for (int i = 0; i < params.size(); i++) {
            View p = params.get(i), g = grads.get(i), m = expAvgs.get(i), v = expAvgSqs.get(i);
            View vm = maxExpAvgSqs == null ? null : maxExpAvgSqs.get(i);
            CpuOptimKernels.AdamScalars s = CpuOptimKernels.AdamScalars.of(h, steps[i]);
            int[] off = {p.offset(), g.offset(), m.offset(), v.offset(), vm == null ? 0 : vm.offset()};
            if (p.dtype() == DType.FLOAT32) {
                CpuOptimKernels.adam(f32(p), f32(g), f32(m), f32(v), vm == null ? null : f32(vm), off, p.numel(), s, h);
            } else {
                CpuOptimKernels.adam(f64(p), f64(g), f64(m), f64(v), vm == null ? null : f64(vm), off, p.numel(), s, h);
            }
        }
    }

    private static float[] f32(View t) { return CpuBackend.st(t).f32(); }

    private static double[] f64(View t) { return CpuBackend.st(t).f64(); }
}
