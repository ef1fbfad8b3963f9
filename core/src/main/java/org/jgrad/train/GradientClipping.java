package org.jgrad.train;

import org.jgrad.tensor.Scope;
import org.jgrad.tensor.Tensor;

/**
 * {@code torch.nn.utils.clip_grad_norm_}: scales all gradients by {@code maxNorm / (norm + 1e-6)}
 * when their global L2 norm exceeds {@code maxNorm}. Costs one copy of the norm to the host per step.
 */
public final class GradientClipping implements Callback {
    private final double maxNorm;
    private double lastNorm = Double.NaN;

    public GradientClipping(double maxNorm) {
        if (!(maxNorm > 0)) throw new IllegalArgumentException("maxNorm must be > 0, got " + maxNorm);
        this.maxNorm = maxNorm;
    }

    @Override
    public void onAfterBackward(FitState state) {
        try (Scope s = Scope.open()) {
            Tensor sq = null;
            for (Tensor p : state.model().parameters()) {
                Tensor g = p.grad();
                if (g == null) continue;
                Tensor part = g.mul(g).sum();
                sq = sq == null ? part : sq.add(part);
            }
            if (sq == null) return;
            lastNorm = Math.sqrt(sq.item());
            if (lastNorm > maxNorm) {
                double scale = maxNorm / (lastNorm + 1e-6);
                for (Tensor p : state.model().parameters()) if (p.grad() != null) p.grad().mul_(scale);
            }
        }
    }

    /** The norm before clipping at the last step. */
    public double lastNorm() { return lastNorm; }
}
