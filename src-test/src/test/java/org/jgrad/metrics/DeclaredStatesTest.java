package org.jgrad.metrics;

import org.jgrad.backend.BinaryStatsSpec;
import org.jgrad.backend.BinaryStatsSpec.Grouping;
import org.jgrad.metrics.BinaryScoreSpec.Reduction;
import org.jgrad.metrics.ConfusionScoreSpec.Absent;
import org.jgrad.metrics.ConfusionScoreSpec.Average;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Generator;
import org.jgrad.tensor.Scope;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * reset, merge and sync derived from the declared states, for every metric class: accumulators
 * fed parts of the data and then merged (or synced across simulated ranks) must compute exactly
 * what one accumulator fed all of it computes — the reference is that single accumulator, whose
 * own scores are checked against scikit-learn, smp and hand-worked values elsewhere. Results are
 * compared by their full text (Double.toString round-trips, so equal text is equal doubles).
 */
class DeclaredStatesTest {
    private static final int C = 4;
    private static final List<Tensor> OWNED = new ArrayList<>();

    private static Tensor keep(Tensor t) {
        OWNED.add(Scope.escape(t));
        return t;
    }

    @AfterAll
    static void free() {
        OWNED.forEach(Tensor::close);
        OWNED.clear();
    }

    /** A metric and the batches it is fed: {preds, targets} per batch. */
    record Case(String name, Supplier<Metric<?>> make, List<Tensor[]> batches) {
        @Override public String toString() { return name; }
    }

    private static List<Tensor[]> binaryBatches(int channels) {
        Generator g = new Generator(31 + channels);
        List<Tensor[]> out = new ArrayList<>();
        for (int b = 0; b < 6; b++) {
            Tensor p = keep(Tensor.randn(g, 2, channels, 5, 5));
            Tensor t;
            try (Tensor r = Tensor.rand(g, 2, channels, 5, 5)) {
                t = keep(r.gt(0.6));
            }
            out.add(new Tensor[]{p, t});
        }
        return out;
    }

    private static List<Tensor[]> confusionBatches(boolean logits) {
        Generator g = new Generator(logits ? 7 : 8);
        List<Tensor[]> out = new ArrayList<>();
        for (int b = 0; b < 6; b++) {
            long[] t = new long[2 * 9];
            long[] p = new long[t.length];
            try (Tensor r = Tensor.rand(g, t.length); Tensor s = Tensor.rand(g, t.length)) {
                float[] rv = r.toFloatArray(), sv = s.toFloatArray();
                for (int i = 0; i < t.length; i++) {
                    t[i] = rv[i] < 0.1 ? 255 : (long) (rv[i] * C) % C; // some ignored pixels
                    p[i] = sv[i] < 0.5 ? t[i] % C : (long) (sv[i] * C) % C;
                }
            }
            Tensor targets = keep(Tensor.fromArray(t, 2, 3, 3));
            Tensor preds = logits ? keep(Tensor.randn(g, 2, C, 3, 3)) : keep(Tensor.fromArray(p, 2, 3, 3));
            out.add(new Tensor[]{preds, targets});
        }
        return out;
    }

    private static ConfusionScoreSpec scoring() {
        return new ConfusionScoreSpec(List.of(ConfusionScoreSpec.Metric.ACCURACY, ConfusionScoreSpec.Metric.MCC,
                ConfusionScoreSpec.Metric.KAPPA_QUADRATIC, ConfusionScoreSpec.Metric.FSCORE), Average.NONE, 0, Absent.EXCLUDE, 2.0);
    }

    private static BinaryStatsSpec perChannel() {
        return BinaryStatsSpec.logits().withGrouping(Grouping.PER_CHANNEL);
    }

    static List<Case> cases() {
        List<Tensor[]> bin1 = binaryBatches(1), bin3 = binaryBatches(3), logits = confusionBatches(true), labels = confusionBatches(false);
        return List.of(
                new Case("ConfusionMatrix from logits", () -> new ConfusionMatrix(C).ignoreIndex(255), logits),
                new Case("ConfusionMatrix from labels", () -> new ConfusionMatrix(C).ignoreIndex(255).absentClasses(Absent.ZERO_DIVISION), labels),
                new Case("ConfusionScore", () -> new ConfusionScore(C, scoring()).ignoreIndex(255), logits),
                new Case("SegmentationMetrics WHOLE", SegmentationMetrics::new, bin1),
                new Case("SegmentationMetrics PER_CHANNEL MACRO", () -> new SegmentationMetrics(perChannel()).reduction(Reduction.MACRO), bin3),
                new Case("BinaryScore PER_CHANNEL NONE", () -> new BinaryScore(perChannel(),
                        Scores.smp(1, 3, Reduction.NONE, BinaryScoreSpec.Metric.FSCORE, BinaryScoreSpec.Metric.IOU)), bin3),
                new Case("BinaryScore MICRO", () -> new BinaryScore(BinaryScoreSpec.Metric.FSCORE, BinaryScoreSpec.Metric.RECALL), bin1),
                new Case("MetricCollection", () -> new MetricCollection()
                        .add("dice", new BinaryScore(BinaryScoreSpec.Metric.FSCORE))
                        .add("seg", new SegmentationMetrics())
                        .add("extremes", new ExtremesMetric()), bin1),
                new Case("ExtremesMetric (MIN, MAX, SUM, CAT)", ExtremesMetric::new, bin1));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static String fedAll(Case c) {
        try (Metric m = c.make().get()) {
            for (Tensor[] b : c.batches()) m.update(b[0], b[1]);
            return String.valueOf(m.compute());
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    @Test
    void mergedPartsEqualOneAccumulatorFedEverything() {
        for (Case c : cases()) {
            String want = fedAll(c);
            List<Metric> parts = new ArrayList<>();
            for (int k = 0; k < 3; k++) parts.add(c.make().get());
            for (int i = 0; i < c.batches().size(); i++) parts.get(i / 2).update(c.batches().get(i)[0], c.batches().get(i)[1]);
            try (Metric merged = c.make().get(); Metric intoUpdated = c.make().get(); Metric fresh = c.make().get()) {
                for (Metric p : parts) merged.merge(p);
                assertEquals(want, String.valueOf(merged.compute()), c.name());
                // into an accumulator that has its own batches (the first part's)
                for (int i = 0; i < 2; i++) intoUpdated.update(c.batches().get(i)[0], c.batches().get(i)[1]);
                intoUpdated.merge(parts.get(1));
                intoUpdated.merge(parts.get(2));
                assertEquals(want, String.valueOf(intoUpdated.compute()), c.name() + ", merged into an updated one");
                // merging leaves the source unchanged, and merging an empty accumulator changes nothing
                String part0 = String.valueOf(parts.get(0).compute());
                merged.merge(fresh);
                assertEquals(want, String.valueOf(merged.compute()), c.name() + ", after merging an empty one");
                assertEquals(part0, String.valueOf(parts.get(0).compute()), c.name());
            } finally {
                parts.forEach(Metric::close);
            }
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    @Test
    void syncedRanksEachComputeTheGlobalResult() {
        for (int ranks = 2; ranks <= 3; ranks++) {
            for (Case c : cases()) {
                String want = fedAll(c);
                SimulatedRanks group = new SimulatedRanks(ranks);
                String[] got = new String[ranks];
                final int n = ranks;
                group.run(rank -> {
                    try (Metric m = c.make().get()) {
                        for (int i = rank; i < c.batches().size(); i += n) m.update(c.batches().get(i)[0], c.batches().get(i)[1]);
                        m.sync(group.reducer(rank));
                        got[rank] = String.valueOf(m.compute());
                        assertEquals(got[rank], String.valueOf(m.compute()), "compute() after sync is repeatable");
                    }
                });
                for (int r = 0; r < ranks; r++) {
                    // batches interleaved across ranks: CAT order differs, so compare sorted values for it
                    String g = got[r];
                    if (c.name().contains("Extremes") || c.name().equals("MetricCollection")) {
                        assertEquals(normalise(want), normalise(g), c.name() + " rank " + r + " of " + ranks);
                    } else {
                        assertEquals(want, g, c.name() + " rank " + r + " of " + ranks);
                    }
                }
                for (int r = 1; r < ranks; r++) assertEquals(group.calls.get(0), group.calls.get(r), "every rank makes the same calls");
            }
        }
    }

    /** The CAT values of an ExtremesMetric result sorted, so rank order does not matter. */
    private static String normalise(String s) {
        int a = s.indexOf("values=[");
        if (a < 0) return s;
        int b = s.indexOf(']', a);
        String[] v = s.substring(a + 8, b).split(", ");
        java.util.Arrays.sort(v);
        return s.substring(0, a) + String.join(",", v) + normalise(s.substring(b));
    }

    @Test
    void aRankWithoutBatchesJoinsWhenTheShapesAreDeclared() {
        List<Tensor[]> batches = confusionBatches(true);
        ConfusionMatrix all = new ConfusionMatrix(C).ignoreIndex(255);
        for (Tensor[] b : batches) all.update(b[0], b[1]);
        String want = all.compute().toString();
        SimulatedRanks group = new SimulatedRanks(3);
        String[] got = new String[3];
        group.run(rank -> {
            try (ConfusionMatrix m = new ConfusionMatrix(C).ignoreIndex(255)) {
                if (rank != 1) for (int i = rank == 0 ? 0 : 3; i < (rank == 0 ? 3 : 6); i++) m.update(batches.get(i)[0], batches.get(i)[1]);
                m.sync(group.reducer(rank));
                got[rank] = m.compute().toString();
            }
        });
        for (String g : got) assertEquals(want, g);
    }

    @Test
    void syncBeforeTheFirstUpdateNeedsDeclaredShapes() {
        try (SegmentationMetrics m = new SegmentationMetrics()) {
            var e = assertThrows(IllegalStateException.class, () -> m.sync(new SimulatedRanks(1).reducer(0)));
            assertTrue(e.getMessage().contains("tp_fp_fn_tn") && e.getMessage().contains("first update"), e.getMessage());
        }
    }

    @Test
    void afterSyncUpdatesAreRefusedUntilReset() {
        List<Tensor[]> batches = binaryBatches(1);
        try (SegmentationMetrics m = new SegmentationMetrics(); SegmentationMetrics other = new SegmentationMetrics()) {
            m.update(batches.get(0)[0], batches.get(0)[1]);
            other.update(batches.get(1)[0], batches.get(1)[1]);
            m.sync(new SimulatedRanks(1).reducer(0));
            assertTrue(m.isSynced());
            var e = assertThrows(IllegalStateException.class, () -> m.update(batches.get(1)[0], batches.get(1)[1]));
            assertTrue(e.getMessage().contains("sync") && e.getMessage().contains("reset"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> m.sync(new SimulatedRanks(1).reducer(0)));
            assertThrows(IllegalStateException.class, () -> m.merge(other));
            m.reset();
            m.update(batches.get(1)[0], batches.get(1)[1]);
            assertEquals(other.compute(), m.compute());
        }
    }

    @Test
    void resetReturnsToTheDeclaredInitialValues() {
        for (Case c : cases()) {
            String empty;
            try (Metric<?> m = c.make().get()) {
                empty = String.valueOf(m.compute());
            }
            try (Metric<?> m = c.make().get()) {
                for (Tensor[] b : c.batches()) m.update(b[0], b[1]);
                m.reset();
                assertEquals(empty, String.valueOf(m.compute()), c.name());
            }
        }
    }

    @Test
    void everyMetricDeclaresItsStates() {
        assertEquals("[confmat: INT64 [4, 4] SUM from 0.0, bad_labels: INT64 [1] SUM from 0.0]",
                new ConfusionMatrix(4).stateDeclarations().toString());
        assertEquals(new ConfusionMatrix(4).stateDeclarations(), new ConfusionScore(4, scoring()).stateDeclarations());
        assertEquals("[tp_fp_fn_tn: INT64 [-1, 4] SUM from 0.0]", new SegmentationMetrics().stateDeclarations().toString());
        assertEquals(new SegmentationMetrics().stateDeclarations(), new BinaryScore(BinaryScoreSpec.Metric.IOU).stateDeclarations());
        assertEquals("[min: FLOAT32 [1] MIN from Infinity, max: FLOAT32 [1] MAX from -Infinity, count: INT64 [1] SUM from 0.0, values: FLOAT32 [*] CAT]",
                new ExtremesMetric().stateDeclarations().toString());
    }

    /** The planted bug the suite must catch: a MIN state declared as SUM merges and syncs wrongly. */
    @Test
    void aMinStateDeclaredAsSumGivesADifferentResult() {
        List<Tensor[]> batches = binaryBatches(1);
        try (ExtremesMetric right = new ExtremesMetric(); ExtremesMetric wrong = new ExtremesMetric(StateReduction.SUM)) {
            for (ExtremesMetric m : List.of(right, wrong)) {
                for (int k = 0; k < 2; k++) {
                    try (ExtremesMetric part = new ExtremesMetric(m.stateDeclarations().get(0).reduction())) {
                        part.update(batches.get(k)[0], batches.get(k)[1]);
                        m.merge(part);
                    }
                }
            }
            assertNotEquals(right.compute().min(), wrong.compute().min());
        }
    }

    @Test
    void mergeRefusesStatesThatCountSomethingElse() {
        try (ConfusionMatrix a = new ConfusionMatrix(3); ConfusionMatrix b = new ConfusionMatrix(4);
             ConfusionMatrix c = new ConfusionMatrix(3).ignoreIndex(255); SegmentationMetrics s = new SegmentationMetrics();
             SegmentationMetrics p = new SegmentationMetrics(perChannel()); ConfusionScore sc = new ConfusionScore(3, scoring())) {
            var e = assertThrows(IllegalArgumentException.class, () -> a.merge(b));
            assertTrue(e.getMessage().contains("4 classes") && e.getMessage().contains("3 classes"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> a.merge(c));
            assertThrows(IllegalArgumentException.class, () -> s.merge(p));
            assertThrows(IllegalArgumentException.class, () -> a.merge(a));
            // a ConfusionScore counts the same histogram as a ConfusionMatrix of its classes: merging is allowed
            List<Tensor[]> batches = confusionBatches(false);
            try (ConfusionMatrix x = new ConfusionMatrix(C).ignoreIndex(255); ConfusionScore y = new ConfusionScore(C, scoring()).ignoreIndex(255);
                 ConfusionMatrix z = new ConfusionMatrix(C).ignoreIndex(255)) {
                for (Tensor[] bt : batches) {
                    y.update(bt[0], bt[1]);
                    z.update(bt[0], bt[1]);
                }
                @SuppressWarnings({"unchecked", "rawtypes"}) Metric<ConfusionResult> yy = (Metric) y;
                x.merge(yy);
                assertEquals(z.compute().toString(), x.compute().toString());
            }
        }
    }
}
