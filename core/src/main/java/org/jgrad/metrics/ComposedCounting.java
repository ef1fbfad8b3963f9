package org.jgrad.metrics;

import org.jgrad.backend.BinaryStatsSpec;
import org.jgrad.ops.Concat;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Scope;
import org.jgrad.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * The counts of {@link org.jgrad.backend.MetricCounting} from ordinary tensor ops (comparisons,
 * casts, sums over dims, argmax, a scatter-add into the histogram), for a backend without the
 * fused kernels. Slower (several passes and temporaries) but exactly equal: counts are integers.
 */
final class ComposedCounting {
    private ComposedCounting() {}

    /** See {@link org.jgrad.backend.MetricCounting#binaryStats}; preds FLOAT32. */
    static void binaryStats(Tensor preds, Tensor targets, BinaryStatsSpec spec, Tensor counts) {
        int[] shape = preds.shape();
        int n = BinaryStatsSpec.images(shape), c = BinaryStatsSpec.channels(shape), s = BinaryStatsSpec.planeSize(shape);
        try (Scope scope = Scope.open()) {
            Tensor t = targets.reshape(n, c, s);
            Tensor p = preds.reshape(n, c, s).ge(spec.cutoff()); // false for NaN x and for a NaN cutoff
            Tensor q = t.ne(0);
            Tensor keep = kept(t, spec);
            if (keep != null) {
                p = p.mul(keep);
                q = q.mul(keep);
            }
            Tensor valid = keep != null ? keep.sum(2, false) : Tensor.full(s, DType.INT64, preds.device(), n, c);
            // per (image, channel): tp, predicted positive, target positive, valid
            Tensor planes = Concat.stack(List.of(p.mul(q).sum(2, false), p.sum(2, false), q.sum(2, false), valid), 2);
            Tensor g = grouped(withoutIgnoredChannels(planes, spec.channelMap(c)), spec.grouping());
            Tensor tp = g.narrow(1, 0, 1), pp = g.narrow(1, 1, 1), tpos = g.narrow(1, 2, 1), v = g.narrow(1, 3, 1);
            counts.add_(Concat.cat(List.of(tp, pp.sub(tp), tpos.sub(tp), v.sub(pp).sub(tpos).add(tp)), 1));
        }
    }

    /** 1 where the target is not the ignore value (compared as the kernels do, in the target's type); null when nothing can be ignored. */
    private static Tensor kept(Tensor t, BinaryStatsSpec spec) {
        if (!spec.hasIgnoreValue()) return null;
        long iv = spec.ignoreValue();
        return switch (t.dtype()) {
            case UINT8 -> iv < 0 || iv > 255 ? null : t.ne(iv);
            case INT32 -> iv < Integer.MIN_VALUE || iv > Integer.MAX_VALUE ? null : t.ne(iv);
            case FLOAT32 -> t.ne((float) iv);
            default -> t.ne(iv);
        };
    }

    private static Tensor withoutIgnoredChannels(Tensor planes, int[] channelMap) {
        List<Tensor> keptChannels = new ArrayList<>();
        for (int j = 0; j < channelMap.length; j++) if (channelMap[j] >= 0) keptChannels.add(planes.narrow(1, j, 1));
        return keptChannels.size() == channelMap.length ? planes : Concat.cat(keptChannels, 1);
    }

    /** [N, C', 4] to the counter rows of the grouping, [groups, 4]. */
    private static Tensor grouped(Tensor planes, BinaryStatsSpec.Grouping grouping) {
        int n = planes.size(0), c = planes.size(1);
        return switch (grouping) {
            case WHOLE -> planes.sum(new int[]{0, 1}, false).view(1, 4);
            case PER_IMAGE -> planes.sum(1, false);
            case PER_CHANNEL -> planes.sum(0, false);
            case PER_IMAGE_CHANNEL -> planes.contiguous().view(n * c, 4);
        };
    }

    /** See {@link org.jgrad.backend.MetricCounting#confusionFromLogits}: argmax over dim 1, then the histogram. */
    static void confusionFromLogits(Tensor logits, Tensor targets, long ignoreIndex, Tensor hist, Tensor bad) {
        try (Scope scope = Scope.open()) {
            histogram(logits.argmax(1), targets, ignoreIndex, hist, bad);
        }
    }

    /** See {@link org.jgrad.backend.MetricCounting#confusionFromLabels}. */
    static void confusionFromLabels(Tensor preds, Tensor targets, long ignoreIndex, Tensor hist, Tensor bad) {
        try (Scope scope = Scope.open()) {
            histogram(preds, targets, ignoreIndex, hist, bad);
        }
    }

    /**
     * A pixel whose target is ignoreIndex is skipped; one with a target or prediction outside
     * [0, C) counts as bad; every other adds one at (target, prediction). The pairs are coded
     * t * C + p, skipped and bad pixels into one spare slot C * C, and scatter-added.
     */
    private static void histogram(Tensor preds, Tensor targets, long ignore, Tensor hist, Tensor bad) {
        int c = hist.size(0);
        Tensor p = preds.flatten().to(DType.INT64), t = targets.flatten().to(DType.INT64);
        Tensor counted = t.ne(ignore);
        Tensor outside = t.lt(0).add(t.ge(c)).add(p.lt(0)).add(p.ge(c)).gt(0);
        bad.add_(outside.mul(counted).sum().view(1));
        Tensor ok = outside.eq(0).mul(counted);
        Tensor code = Tensor.where(ok, t.mul(c).add(p), Tensor.scalar(c * c, DType.INT64, hist.device()));
        Tensor slots = Tensor.zeros(DType.INT64, hist.device(), c * c + 1);
        Counting.backendOf(slots).scatterAdd(slots.raw(), 0, code.raw(), Tensor.ones(DType.INT64, hist.device(), code.size(0)).raw());
        hist.add_(slots.narrow(0, 0, c * c).view(c, c));
    }
}
