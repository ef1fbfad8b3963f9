package org.jgrad.backend;

import org.jgrad.backend.FusedOptim.AdamHyper;
import org.jgrad.backend.FusedOptim.SgdHyper;

/**
 * Fused per-element loops of the optimizer steps, in float for FLOAT32 and double for FLOAT64.
 * Each loop reads every input once and writes every output once. Scalars are computed in double
 * and cast to the element type, and the operations run in the order of PyTorch 1.13's
 * single-tensor code (e.g. {@code add_(x, alpha=a)} is {@code y + a * x}), so results differ from
 * PyTorch's only where its vectorised loops contract a multiply-add.
 */
final class CpuOptimKernels {
    /** Elements per parallel chunk: an update is a few flops per element, so chunks must be long. */
    private static final int GRAIN = 1 << 15;

    private CpuOptimKernels() {}

    // ------------------------------------------------------------------ SGD

    static void sgd(float[] p, int po, float[] g, int go, float[] b, int bo, int n, boolean first, SgdHyper h) {
        final boolean maximize = h.maximize(), nesterov = h.nesterov();
        final boolean decay = h.weightDecay() != 0, momentum = h.momentum() != 0;
        final float wd = (float) h.weightDecay(), mom = (float) h.momentum(), keep = (float) (1 - h.dampening());
        final float negLr = (float) -h.lr();
        Parallel.forRange(n, GRAIN, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                float pv = p[po + i];
                float d = maximize ? -g[go + i] : g[go + i];
                if (decay) d = d + wd * pv;
                if (momentum) {
                    float bv = first ? d : b[bo + i] * mom + keep * d;
                    b[bo + i] = bv;
                    d = nesterov ? d + mom * bv : bv;
                }
                p[po + i] = pv + negLr * d;
            }
        });
    }

    static void sgd(double[] p, int po, double[] g, int go, double[] b, int bo, int n, boolean first, SgdHyper h) {
        final boolean maximize = h.maximize(), nesterov = h.nesterov();
        final boolean decay = h.weightDecay() != 0, momentum = h.momentum() != 0;
        final double wd = h.weightDecay(), mom = h.momentum(), keep = 1 - h.dampening();
        final double negLr = -h.lr();
        Parallel.forRange(n, GRAIN, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                double pv = p[po + i];
                double d = maximize ? -g[go + i] : g[go + i];
                if (decay) d = d + wd * pv;
                if (momentum) {
                    double bv = first ? d : b[bo + i] * mom + keep * d;
                    b[bo + i] = bv;
                    d = nesterov ? d + mom * bv : bv;
                }
                p[po + i] = pv + negLr * d;
            }
        });
    }

    // ------------------------------------------------------------------ Adam / AdamW

    /** The per-tensor scalars of one Adam step, computed in double as PyTorch does in Python. */
    record AdamScalars(double negStepSize, double biasCorrection2Sqrt, double decayFactor) {
        static AdamScalars of(AdamHyper h, long step) {
            double bc1 = 1 - Math.pow(h.beta1(), step);
            double bc2 = 1 - Math.pow(h.beta2(), step);
            return new AdamScalars(-(h.lr() / bc1), Math.sqrt(bc2), 1 - h.lr() * h.weightDecay());
        }
    }

    /** off: offsets of p, g, m, v, vmax. */
    static void adam(float[] p, float[] g, float[] m, float[] v, float[] vm, int[] off, int n, AdamScalars s, AdamHyper h) {
        final int po = off[0], go = off[1], mo = off[2], vo = off[3], xo = off[4];
        final boolean maximize = h.maximize(), decoupled = h.decoupledWeightDecay(), amsgrad = h.amsgrad();
        final boolean l2 = !decoupled && h.weightDecay() != 0;
        final float wd = (float) h.weightDecay(), decay = (float) s.decayFactor();
        final float b1 = (float) h.beta1(), b2 = (float) h.beta2(), c1 = (float) (1 - h.beta1()), c2 = (float) (1 - h.beta2());
        final float bc2 = (float) s.biasCorrection2Sqrt(), eps = (float) h.eps(), negStep = (float) s.negStepSize();
        Parallel.forRange(n, GRAIN, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                float pv = p[po + i];
                float gv = maximize ? -g[go + i] : g[go + i];
                if (decoupled) pv = pv * decay;
                else if (l2) gv = gv + wd * pv;
                float mv = m[mo + i] * b1 + c1 * gv;
                float vv = v[vo + i] * b2 + c2 * gv * gv;
                m[mo + i] = mv;
                v[vo + i] = vv;
                if (amsgrad) {
                    vv = Math.max(vm[xo + i], vv);
                    vm[xo + i] = vv;
                }
                float denom = (float) Math.sqrt(vv) / bc2 + eps;
                p[po + i] = pv + negStep * mv / denom;
            }
        });
    }

    static void adam(double[] p, double[] g, double[] m, double[] v, double[] vm, int[] off, int n, AdamScalars s, AdamHyper h) {
        final int po = off[0], go = off[1], mo = off[2], vo = off[3], xo = off[4];
        final boolean maximize = h.maximize(), decoupled = h.decoupledWeightDecay(), amsgrad = h.amsgrad();
        final boolean l2 = !decoupled && h.weightDecay() != 0;
        final double wd = h.weightDecay(), decay = s.decayFactor();
        final double b1 = h.beta1(), b2 = h.beta2(), c1 = 1 - h.beta1(), c2 = 1 - h.beta2();
        final double bc2 = s.biasCorrection2Sqrt(), eps = h.eps(), negStep = s.negStepSize();
        Parallel.forRange(n, GRAIN, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                double pv = p[po + i];
                double gv = maximize ? -g[go + i] : g[go + i];
                if (decoupled) pv = pv * decay;
                else if (l2) gv = gv + wd * pv;
                double mv = m[mo + i] * b1 + c1 * gv;
                double vv = v[vo + i] * b2 + c2 * gv * gv;
                m[mo + i] = mv;
                v[vo + i] = vv;
                if (amsgrad) {
                    vv = Math.max(vm[xo + i], vv);
                    vm[xo + i] = vv;
                }
                double denom = Math.sqrt(vv) / bc2 + eps;
                p[po + i] = pv + negStep * mv / denom;
            }
        });
    }
}
