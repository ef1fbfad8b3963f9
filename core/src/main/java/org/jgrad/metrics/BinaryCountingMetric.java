package org.jgrad.metrics;

import org.jgrad.backend.BinaryStatsSpec;
import org.jgrad.backend.BinaryStatsSpec.Grouping;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Tensor;

import java.util.Arrays;

/**
 * The counting half of every tp/fp/fn/tn metric ({@link SegmentationMetrics}, {@link BinaryScore}):
 * one declared SUM state, the INT64 counters {@code [rows, 4]} (columns tp, fp, fn, tn; one row
 * for WHOLE, one per kept channel for PER_CHANNEL, fixed by the first update), filled by
 * {@link BinaryStats#accumulate} on the inputs' device. Metrics with equal {@link BinaryStatsSpec}s
 * count the same statistics, so a {@link MetricCollection} counts them once for all of them.
 */
abstract class BinaryCountingMetric<R> extends StatefulMetric<R> {
    static final String COUNTS = "tp_fp_fn_tn";

    /** What the counters count: equal for metrics that can share them. */
    record BinaryStatistics(BinaryStatsSpec spec) {
        @Override
        public String toString() { return "tp/fp/fn/tn with spec " + spec; }
    }

    final BinaryStatsSpec spec;

    BinaryCountingMetric(BinaryStatsSpec spec, String owner) {
        super(StateDeclaration.sum(COUNTS, DType.INT64, -1, 4));
        MetricChecks.notNull(spec, "spec");
        if (spec.grouping() == Grouping.PER_IMAGE || spec.grouping() == Grouping.PER_IMAGE_CHANNEL) {
            throw new IllegalArgumentException(owner + " accumulates WHOLE or PER_CHANNEL counts across batches, got "
                    + spec.grouping() + "; per-image scores: BinaryStats.stats(...) on the whole set with Scores.smp(...)");
        }
        this.spec = spec;
    }

    public BinaryStatsSpec spec() { return spec; }

    @Override
    protected final Object statisticsKey() { return new BinaryStatistics(spec); }

    @Override
    protected final void count(Tensor preds, Tensor targets) {
        BinaryStats.check(preds, targets, spec);
        int groups = spec.groups(preds.shape());
        boolean fresh = !hasState();
        ensureStates(preds.device(), groups);
        Tensor counts = state(COUNTS);
        if (!fresh && counts.size(0) != groups) {
            throw new IllegalArgumentException("preds have " + BinaryStatsSpec.channels(preds.shape()) + " channels (shape " + Arrays.toString(preds.shape())
                    + "), giving " + groups + " counter rows, but earlier batches gave " + counts.size(0));
        }
        BinaryStats.accumulate(preds, targets, spec, counts);
    }

    /** The counters, or zeros [1, 4] on the CPU before any update; close them when not {@link #isState}. Call with the lock held. */
    final Tensor counters() {
        return hasState() ? state(COUNTS) : Tensor.zeros(DType.INT64, Device.cpu(), 1, 4);
    }

    final boolean isState(Tensor c) { return hasState() && c == state(COUNTS); }
}
