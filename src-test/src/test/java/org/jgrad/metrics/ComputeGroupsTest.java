package org.jgrad.metrics;

import org.jgrad.backend.BinaryStatsSpec;
import org.jgrad.backend.CountingCallsBackend;
import org.jgrad.metrics.BinaryScoreSpec.Reduction;
import org.jgrad.metrics.ConfusionScoreSpec.Absent;
import org.jgrad.metrics.ConfusionScoreSpec.Average;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Generator;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * MetricCollection's compute groups: metrics that count the same statistics share one counting
 * pass per update — counted by a test backend whose fused counting kernels count their calls —
 * and every member computes exactly what the same metric updated on its own computes.
 */
class ComputeGroupsTest {
    private static final int C = 5;

    private static ConfusionScoreSpec spec(Average average, ConfusionScoreSpec.Metric... metrics) {
        return new ConfusionScoreSpec(List.of(metrics), average, 0, Absent.EXCLUDE, 1.0);
    }

    private static BinaryScore binary(BinaryScoreSpec.Metric m) { return new BinaryScore(m); }

    /** Insertion-ordered names and makers: the same metrics for the collection and for the separate updates. */
    private static Map<String, Supplier<Metric<?>>> metrics() {
        Map<String, Supplier<Metric<?>>> m = new LinkedHashMap<>();
        m.put("dice", () -> binary(BinaryScoreSpec.Metric.FSCORE));
        m.put("iou", () -> binary(BinaryScoreSpec.Metric.IOU));
        m.put("accuracy", () -> new ConfusionScore(C, spec(Average.NONE, ConfusionScoreSpec.Metric.ACCURACY)));
        m.put("precision", () -> binary(BinaryScoreSpec.Metric.PRECISION));
        m.put("recall", () -> binary(BinaryScoreSpec.Metric.RECALL));
        m.put("pixelAccuracy", () -> binary(BinaryScoreSpec.Metric.ACCURACY));
        m.put("segmentation", SegmentationMetrics::new);
        m.put("diceMacroLegacy", () -> new BinaryScore(BinaryStatsSpec.logits().withRule(BinaryStatsSpec.Rule.GREATER_EQUAL),
                new BinaryScoreSpec(List.of(BinaryScoreSpec.Metric.FSCORE), BinaryScoreSpec.Style.LEGACY, Reduction.MACRO, 1, 1, 1e-7, 0, 1, null)));
        m.put("mcc", () -> new ConfusionScore(C, spec(Average.NONE, ConfusionScoreSpec.Metric.MCC, ConfusionScoreSpec.Metric.KAPPA)));
        m.put("f1Macro", () -> new ConfusionScore(C, spec(Average.MACRO, ConfusionScoreSpec.Metric.FSCORE, ConfusionScoreSpec.Metric.IOU)));
        m.put("confusion", () -> new ConfusionMatrix(C));
        m.put("confusionIgnoring0", () -> new ConfusionMatrix(C).ignoreIndex(0));   // other counts: its own group
        m.put("diceAbove07", () -> new BinaryScore(BinaryStatsSpec.logits().withThreshold(0.7),
                Scores.smp(1, 1, Reduction.MICRO, BinaryScoreSpec.Metric.FSCORE)));        // another threshold: its own group
        return m;
    }

    /**
     * One input for both kinds of statistics: logits [N, C, H, W] with labels [N, H, W] feed the
     * confusion metrics; the binary ones see the class-0 logit plane against "label is 0".
     */
    private record Batch(Tensor logits, Tensor labels, Tensor plane, Tensor mask) {}

    private static List<Batch> batches() {
        Generator g = new Generator(2026);
        List<Batch> out = new ArrayList<>();
        for (int b = 0; b < 3; b++) {
            Tensor logits = Tensor.randn(g, 2, C, 6, 6);
            Tensor labels;
            try (Tensor r = Tensor.rand(g, 2, 6, 6); Tensor s = r.mul((double) C)) {
                labels = s.to(DType.INT64);
            }
            Tensor plane = logits.narrow(1, 0, 1).contiguous();
            Tensor mask;
            try (Tensor l = labels.view(2, 1, 6, 6)) {
                mask = l.eq(0);
            }
            out.add(new Batch(logits, labels, plane, mask));
        }
        return out;
    }

    private static boolean countsConfusion(Metric<?> m) { return m instanceof ConfusionCountingMetric<?>; }

    @Test
    void eachGroupCountsOncePerUpdateAndEveryMemberEqualsItsSeparateTwin() {
        List<Batch> data = batches();
        Map<String, Supplier<Metric<?>>> makers = metrics();
        // two collections on the counting device: one for the confusion statistics, one for the binary ones
        MetricCollection confusion = new MetricCollection(), binary = new MetricCollection();
        makers.forEach((name, make) -> {
            Metric<?> m = make.get();
            (countsConfusion(m) ? confusion : binary).add(name, m);
        });
        assertEquals(List.of(List.of("accuracy", "mcc", "f1Macro", "confusion"), List.of("confusionIgnoring0")), confusion.computeGroups());
        assertEquals(List.of(List.of("dice", "iou", "precision", "recall", "pixelAccuracy", "segmentation", "diceMacroLegacy"),
                List.of("diceAbove07")), binary.computeGroups());

        long logitsBefore = CountingCallsBackend.confusionFromLogitsCalls(), binaryBefore = CountingCallsBackend.binaryStatsCalls();
        for (Batch b : data) {
            try (Tensor logits = b.logits().to(CountingCallsBackend.DEVICE); Tensor labels = b.labels().to(CountingCallsBackend.DEVICE);
                 Tensor plane = b.plane().to(CountingCallsBackend.DEVICE); Tensor mask = b.mask().to(CountingCallsBackend.DEVICE)) {
                confusion.update(logits, labels);
                binary.update(plane, mask);
            }
        }
        // one pass per group per update: 2 confusion groups, 2 binary groups, 3 updates
        assertEquals(2 * data.size(), CountingCallsBackend.confusionFromLogitsCalls() - logitsBefore);
        assertEquals(2 * data.size(), CountingCallsBackend.binaryStatsCalls() - binaryBefore);

        Map<String, Object> together = new LinkedHashMap<>(confusion.compute());
        together.putAll(binary.compute());
        // each metric updated alone, on the CPU
        for (var e : makers.entrySet()) {
            try (Metric<?> alone = e.getValue().get()) {
                for (Batch b : data) {
                    if (countsConfusion(alone)) alone.update(b.logits(), b.labels());
                    else alone.update(b.plane(), b.mask());
                }
                assertEquals(String.valueOf(alone.compute()), String.valueOf(together.get(e.getKey())), e.getKey());
            }
        }
        // the collection's reset empties every group; counting again counts once per group again
        confusion.reset();
        binary.reset();
        try (Tensor logits = data.get(0).logits().to(CountingCallsBackend.DEVICE); Tensor labels = data.get(0).labels().to(CountingCallsBackend.DEVICE)) {
            long before = CountingCallsBackend.confusionFromLogitsCalls();
            confusion.update(logits, labels);
            assertEquals(2, CountingCallsBackend.confusionFromLogitsCalls() - before);
        }
        try (ConfusionMatrix alone = new ConfusionMatrix(C)) {
            alone.update(data.get(0).logits(), data.get(0).labels());
            assertEquals(alone.compute().toString(), confusion.compute().get("confusion").toString());
        }
        confusion.close();
        binary.close();
        for (Batch b : data) for (Tensor t : List.of(b.logits(), b.labels(), b.plane(), b.mask())) t.close();
    }

    @Test
    void aMetricThatAlreadyCountedJoinsNoGroup() {
        List<Batch> data = batches();
        ConfusionMatrix early = new ConfusionMatrix(C);
        early.update(data.get(0).logits(), data.get(0).labels());
        MetricCollection mc = new MetricCollection().add("fresh", new ConfusionMatrix(C)).add("early", early)
                .add("alsoFresh", new ConfusionScore(C, spec(Average.MACRO, ConfusionScoreSpec.Metric.RECALL)));
        assertEquals(List.of(List.of("fresh", "alsoFresh"), List.of("early")), mc.computeGroups());
        mc.update(data.get(1).logits(), data.get(1).labels());
        try (ConfusionMatrix both = new ConfusionMatrix(C); ConfusionMatrix second = new ConfusionMatrix(C)) {
            both.update(data.get(0).logits(), data.get(0).labels());
            both.update(data.get(1).logits(), data.get(1).labels());
            second.update(data.get(1).logits(), data.get(1).labels());
            assertEquals(both.compute().toString(), mc.compute().get("early").toString());
            assertEquals(second.compute().toString(), mc.compute().get("fresh").toString());
        }
        mc.close();
    }

    @Test
    void collectionsMergeAndSyncOncePerGroup() {
        List<Batch> data = batches();
        Supplier<MetricCollection> make = () -> new MetricCollection()
                .add("cm", new ConfusionMatrix(C))
                .add("mcc", new ConfusionScore(C, spec(Average.NONE, ConfusionScoreSpec.Metric.MCC)))
                .add("recall", new ConfusionScore(C, spec(Average.WEIGHTED, ConfusionScoreSpec.Metric.RECALL)));
        MetricCollection all = make.get(), merged = make.get();
        for (Batch b : data) all.update(b.logits(), b.labels());
        for (Batch b : data) {
            MetricCollection part = make.get();
            part.update(b.logits(), b.labels());
            merged.merge(part);
            part.close();
        }
        assertEquals(all.compute().toString(), merged.compute().toString());

        SimulatedRanks group = new SimulatedRanks(3);
        String[] got = new String[3];
        group.run(rank -> {
            MetricCollection mine = make.get();
            mine.update(data.get(rank).logits(), data.get(rank).labels());
            mine.sync(group.reducer(rank));
            got[rank] = mine.compute().toString();
            mine.close();
        });
        for (String g : got) assertEquals(all.compute().toString(), g);
        // one group: the histogram and the bad-label count, reduced once each
        assertEquals(List.of("allReduce SUM [5, 5]", "allReduce SUM [1]"), group.calls.get(0));
        all.close();
        merged.close();
        for (Batch b : data) for (Tensor t : List.of(b.logits(), b.labels(), b.plane(), b.mask())) t.close();
    }
}
