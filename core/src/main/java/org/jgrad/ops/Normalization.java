package org.jgrad.ops;

import org.jgrad.backend.Backends;
import org.jgrad.backend.FusedNn;
import org.jgrad.ops.composed.ComposedBatchNorm;
import org.jgrad.autograd.Autograd;
import org.jgrad.tensor.Tensor;

import java.util.Arrays;

/** Batch normalisation ({@code torch.nn.functional.batch_norm}) with one fused backward. */
public final class Normalization {
    private Normalization() {}

    /**
     * Normalises {@code x} of shape [N, C] or [N, C, d1, ...] per channel (dimension 1).
     *
     * <p>Training: batch mean and biased variance normalise; when running statistics are given
     * they are updated in place with PyTorch's momentum convention
     * ({@code running = (1 - momentum) * running + momentum * stat}, unbiased variance).
     * Eval: the running statistics normalise (they are required).
     *
     * @param runningMean [C] or null   @param runningVar [C] or null (both or neither)
     * @param weight [C] or null          @param bias [C] or null
     */
    public static Tensor batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                   boolean training, double momentum, double eps) {
        x.checkOpen();
        if (x.dim() < 2) {
            throw new IllegalArgumentException("batch_norm: expected input of shape [N, C] or [N, C, ...], got " + Arrays.toString(x.shape()));
        }
        if (!x.dtype().isFloatingPoint()) throw new IllegalArgumentException("batch_norm: input must be floating point, got " + x.dtype());
        int n = x.size(0), c = x.size(1);
        checkChannelVector("running_mean", runningMean, x, c);
        checkChannelVector("running_var", runningVar, x, c);
        checkChannelVector("weight", weight, x, c);
        checkChannelVector("bias", bias, x, c);
        if ((runningMean == null) != (runningVar == null)) {
            throw new IllegalArgumentException("batch_norm: running_mean and running_var must both be given or both be null");
        }
        if (!training && runningMean == null) {
            throw new IllegalArgumentException("batch_norm: running_mean and running_var are required in eval mode (training=false)");
        }
        if (!(eps > 0)) throw new IllegalArgumentException("batch_norm: eps must be > 0, got " + eps);
        if (!(momentum >= 0 && momentum <= 1)) throw new IllegalArgumentException("batch_norm: momentum must be in [0, 1], got " + momentum);
        int s = c == 0 ? 0 : x.numel() / Math.max(1, n * c);
        if (training && (long) n * s <= 1) {
            throw new IllegalArgumentException("batch_norm: expected more than 1 value per channel when training, got input of shape "
                    + Arrays.toString(x.shape()));
        }
        var fused = Backends.of(x.device()).capability(FusedNn.class);
        if (fused.isEmpty()) return ComposedBatchNorm.batchNorm(x, runningMean, runningVar, weight, bias, training, momentum, eps);
        FusedNn nn = fused.get();
        int[] xs = x.shape();
        Tensor x3 = x.contiguous().view(n, c, s);
        Tensor out = Tensor.empty(x.dtype(), x.device(), n, c, s);
        Tensor saveMean = Tensor.empty(x.dtype(), x.device(), c);
        Tensor saveInvStd = Tensor.empty(x.dtype(), x.device(), c);
        Tensor w = weight == null ? null : sameType(weight, x), b = bias == null ? null : sameType(bias, x);
        if (training && runningMean != null) { // updated in place below: count the writes
            runningMean.checkInPlace();
            runningVar.checkInPlace();
        }
        nn.batchNormForward(x3.raw(), Tensor.rawOrNull(runningMean), Tensor.rawOrNull(runningVar), Tensor.rawOrNull(w), Tensor.rawOrNull(b), training, momentum, eps, out.raw(), saveMean.raw(), saveInvStd.raw());
        Tensor result = out.view(xs);
        return Autograd.record(result, "batch_norm", new Tensor[]{x, weight, bias}, g -> {
            Tensor g3 = g.contiguous().view(n, c, s);
            Tensor gx = x.requiresGrad() ? Tensor.empty(x.dtype(), x.device(), n, c, s) : null;
            Tensor gw = weight != null && weight.requiresGrad() ? Tensor.empty(x.dtype(), x.device(), c) : null;
            Tensor gb = bias != null && bias.requiresGrad() ? Tensor.empty(x.dtype(), x.device(), c) : null;
            nn.batchNormBackward(g3.raw(), x3.raw(), Tensor.rawOrNull(w), saveMean.raw(), saveInvStd.raw(), training, Tensor.rawOrNull(gx), Tensor.rawOrNull(gw), Tensor.rawOrNull(gb));
            return new Tensor[]{gx == null ? null : gx.view(xs),
                    gw == null ? null : gw.to(weight.dtype()), gb == null ? null : gb.to(bias.dtype())};
        });
    }

    private static Tensor sameType(Tensor t, Tensor x) { return t.dtype() == x.dtype() ? t : t.detach().to(x.dtype()); }

    private static void checkChannelVector(String name, Tensor t, Tensor x, int c) {
        if (t == null) return;
        t.checkOpen();
        if (t.dim() != 1 || t.size(0) != c) {
            throw new IllegalArgumentException("batch_norm: " + name + " must have shape [" + c + "] for input of shape "
                    + Arrays.toString(x.shape()) + ", got " + Arrays.toString(t.shape()));
        }
        if (!t.device().equals(x.device())) {
            throw new IllegalArgumentException("batch_norm: " + name + " is on " + t.device() + " but the input is on " + x.device());
        }
        if (!t.dtype().isFloatingPoint()) throw new IllegalArgumentException("batch_norm: " + name + " must be floating point, got " + t.dtype());
    }
}
