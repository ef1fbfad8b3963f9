package org.jgrad.metrics;

import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The declared states of Auroc, AveragePrecision (exact: CAT scores and targets; binned: a SUM
 * table) and TopKAccuracy (a SUM tp/fp/fn table): accumulators fed parts of the data and merged,
 * or synced across simulated ranks (one rank without a batch: every shape is declared), compute
 * exactly what one metric fed all the data computes — scores, curves and counts. Also which
 * metrics may merge and share a compute group: the counting configuration, not the average.
 */
class RankingStatesTest {
    private static final int C = 4, BATCHES = 6, ROWS = 37;
    private static final long IGNORE = -1;

    /** One task's batches: scores with ties (tenths), targets with some ignored. */
    private record Data(String name, List<Tensor[]> batches) {}

    private static Data multiclass, multilabel, binary;

    @BeforeAll
    static void makeData() {
        Random r = new Random(2026);
        multiclass = data("multiclass", r, RankingTask.MULTICLASS);
        multilabel = data("multilabel", r, RankingTask.MULTILABEL);
        binary = data("binary", r, RankingTask.BINARY);
    }

    @AfterAll
    static void freeData() {
        for (Data d : List.of(multiclass, multilabel, binary)) for (Tensor[] b : d.batches()) { b[0].close(); b[1].close(); }
    }

    private static Data data(String name, Random r, RankingTask task) {
        List<Tensor[]> out = new ArrayList<>();
        int c = task == RankingTask.BINARY ? 1 : C;
        for (int b = 0; b < BATCHES; b++) {
            float[] p = new float[ROWS * c];
            for (int i = 0; i < p.length; i++) p[i] = r.nextInt(11) / 10f;
            long[] y = new long[task == RankingTask.MULTICLASS ? ROWS : ROWS * c];
            for (int i = 0; i < y.length; i++) {
                y[i] = r.nextInt(12) == 0 ? IGNORE : task == RankingTask.MULTICLASS ? r.nextInt(c) : r.nextInt(2);
                if (task != RankingTask.MULTICLASS && y[i] == 1) p[i] = Math.min(1f, p[i] + 0.2f); // some signal
            }
            Tensor pt = task == RankingTask.BINARY ? Tensor.fromArray(p, ROWS) : Tensor.fromArray(p, ROWS, c);
            Tensor yt = task == RankingTask.MULTILABEL ? Tensor.fromArray(y, ROWS, c) : Tensor.fromArray(y, ROWS);
            out.add(new Tensor[]{pt, yt});
        }
        return new Data(name, out);
    }

    private record Case(String name, Data data, Supplier<Metric<RankingScore>> make) {}

    private static List<Case> cases() {
        List<Case> out = new ArrayList<>();
        RankingSpec[] specs = {
                RankingSpec.multiclass(C).withIgnoreIndex(IGNORE).withAverage(RankingAverage.WEIGHTED),
                RankingSpec.multilabel(C).withIgnoreIndex(IGNORE).withAverage(RankingAverage.MICRO),
                RankingSpec.multilabel(C).withIgnoreIndex(IGNORE).withAverage(RankingAverage.NONE),
                RankingSpec.binary().withIgnoreIndex(IGNORE)};
        for (RankingSpec exact : specs) {
            Data d = switch (exact.task()) {
                case MULTICLASS -> multiclass;
                case MULTILABEL -> multilabel;
                case BINARY -> binary;
            };
            for (RankingSpec spec : new RankingSpec[]{exact, exact.withThresholds(7)}) {
                out.add(new Case("Auroc " + spec, d, () -> new Auroc(spec)));
                out.add(new Case("AveragePrecision " + spec, d, () -> new AveragePrecision(spec)));
            }
        }
        for (int k = 1; k <= 3; k++) {
            final int top = k;
            out.add(new Case("TopKAccuracy k " + k, multiclass, () -> new TopKAccuracy(C, top, RankingAverage.MACRO, IGNORE)));
        }
        return out;
    }

    /** What a metric computes and exposes, as one comparable string: score, every curve, the counts. */
    private static String everything(Metric<RankingScore> m) {
        StringBuilder s = new StringBuilder(m.compute().toString());
        if (m instanceof RankingMetric r) {
            int classes = r.spec().numClasses();
            for (int c = 0; c < classes; c++) {
                RocCurve roc = r.rocCurve(c);
                PrecisionRecallCurve pr = r.precisionRecallCurve(c);
                s.append("\nroc ").append(java.util.Arrays.toString(roc.fpr())).append(java.util.Arrays.toString(roc.tpr()))
                        .append("\npr ").append(java.util.Arrays.toString(pr.precision())).append(java.util.Arrays.toString(pr.recall()));
            }
        }
        if (m instanceof TopKAccuracy t) s.append("\ncounts ").append(java.util.Arrays.deepToString(t.counts()));
        return s.toString();
    }

    private static String fedAll(Case c) {
        try (Metric<RankingScore> m = c.make().get()) {
            for (Tensor[] b : c.data().batches()) m.update(b[0], b[1]);
            return everything(m);
        }
    }

    @Test
    void mergedPartsEqualOneMetricFedAll() {
        for (Case c : cases()) {
            String want = fedAll(c);
            try (Metric<RankingScore> a = c.make().get(); Metric<RankingScore> b = c.make().get(); Metric<RankingScore> empty = c.make().get()) {
                List<Tensor[]> bs = c.data().batches();
                for (int i = 0; i < BATCHES; i++) (i < 2 ? a : b).update(bs.get(i)[0], bs.get(i)[1]);
                a.merge(empty); // an accumulator without state adds nothing
                a.merge(b);
                b.reset();      // the merged state is a copy
                assertEquals(want, everything(a), c.name());
                empty.merge(a); // creates the state from the merged one
                assertEquals(want, everything(empty), c.name() + " merged into an empty metric");
            }
        }
    }

    @Test
    void syncedRanksEqualOneMetricFedAll() {
        for (int ranks = 2; ranks <= 3; ranks++) {
            for (Case c : cases()) {
                String want = fedAll(c);
                SimulatedRanks group = new SimulatedRanks(ranks);
                String[] got = new String[ranks];
                final int n = ranks;
                group.run(rank -> {
                    try (Metric<RankingScore> m = c.make().get()) {
                        // 2 ranks: batches 0-2 and 3-5; 3 ranks: 0-2, none, 3-5 (rank 1 joins with empty states)
                        int from = rank == 0 ? 0 : rank == n - 1 ? 3 : BATCHES, to = rank == 0 ? 3 : BATCHES;
                        for (int i = from; i < to; i++) m.update(c.data().batches().get(i)[0], c.data().batches().get(i)[1]);
                        m.sync(group.reducer(rank));
                        got[rank] = everything(m);
                    }
                });
                for (int r = 0; r < ranks; r++) assertEquals(want, got[r], c.name() + " rank " + r + " of " + ranks);
                for (int r = 1; r < ranks; r++) assertEquals(callKinds(group, 0), callKinds(group, r), "every rank makes the same calls");
            }
        }
    }

    /** A rank's collective calls with the gathered row counts (which differ between ranks) left out. */
    private static List<String> callKinds(SimulatedRanks group, int rank) {
        return group.calls.get(rank).stream().map(c -> c.replaceAll("allGatherCat \\[\\d+", "allGatherCat [*")).toList();
    }

    @Test
    void declaredStatesFollowTheSpec() {
        try (Auroc exact = new Auroc(RankingSpec.multiclass(C)); Auroc multilabel = new Auroc(RankingSpec.multilabel(C));
             Auroc binned = new Auroc(RankingSpec.multilabel(C).withThresholds(5)); TopKAccuracy top = new TopKAccuracy(C, 2)) {
            assertEquals("[scores: FLOAT32 [*, 4] CAT, targets: INT64 [*] CAT]", exact.stateDeclarations().toString());
            assertEquals("[scores: FLOAT32 [*, 4] CAT, targets: INT64 [*, 4] CAT]", multilabel.stateDeclarations().toString());
            assertEquals("[table: INT64 [5, 4, 2, 2] SUM from 0.0]", binned.stateDeclarations().toString());
            assertEquals("[tp_fp_fn: INT64 [3, 4] SUM from 0.0]", top.stateDeclarations().toString());
        }
    }

    @Test
    void syncWithoutAnyBatchOnAnyRankIsNoSamples() {
        SimulatedRanks group = new SimulatedRanks(2);
        group.run(rank -> {
            try (Auroc m = new Auroc(RankingSpec.multiclass(C))) {
                m.sync(group.reducer(rank));
                var e = assertThrows(IllegalStateException.class, m::compute);
                assertTrue(e.getMessage().contains("no samples"), e.getMessage());
            }
        });
    }

    @Test
    void mergeNeedsTheSameCountingConfigurationNotTheSameAverage() {
        RankingSpec spec = RankingSpec.multiclass(C).withIgnoreIndex(IGNORE);
        Tensor[] b = multiclass.batches().get(0);
        try (Auroc macro = new Auroc(spec); Auroc weighted = new Auroc(spec.withAverage(RankingAverage.WEIGHTED));
             AveragePrecision ap = new AveragePrecision(spec); Auroc whole = new Auroc(spec.withAverage(RankingAverage.WEIGHTED));
             Auroc binned = new Auroc(spec.withThresholds(5)); Auroc otherThresholds = new Auroc(spec.withThresholds(6));
             Auroc noIgnore = new Auroc(RankingSpec.multiclass(C));
             TopKAccuracy k1 = new TopKAccuracy(C, 1); TopKAccuracy k2 = new TopKAccuracy(C, 2);
             TopKAccuracy k1Micro = new TopKAccuracy(C, 1, RankingAverage.MICRO, null)) {
            macro.update(b[0], b[1]);
            ap.update(multiclass.batches().get(1)[0], multiclass.batches().get(1)[1]);
            weighted.merge(macro); // the average only changes scoring
            weighted.merge(ap);    // an AveragePrecision of the spec holds the same states
            whole.update(b[0], b[1]);
            whole.update(multiclass.batches().get(1)[0], multiclass.batches().get(1)[1]);
            assertEquals(whole.compute(), weighted.compute());
            assertThrows(IllegalArgumentException.class, () -> binned.merge(macro), "exact into binned");
            binned.update(b[0], b[1]);
            otherThresholds.update(b[0], b[1]);
            assertThrows(IllegalArgumentException.class, () -> otherThresholds.merge(binned), "other thresholds");
            var e = assertThrows(IllegalArgumentException.class, () -> noIgnore.merge(macro), "other ignoreIndex");
            assertTrue(e.getMessage().contains("ignoreIndex"), e.getMessage());
            try (Tensor labels = Tensor.fromArray(new long[]{0, 1, 2, 3, 0, 1, 2, 3, 0, 1}, 10)) {
                k1.update(b[0].narrow(0, 0, 10), labels);
            }
            assertThrows(IllegalArgumentException.class, () -> k2.merge(k1), "other k");
            k1Micro.merge(k1);
            assertArrayEquals(k1.counts()[0], k1Micro.counts()[0]);
        }
    }

    @Test
    void aurocAndAveragePrecisionOfOneSpecShareOneComputeGroup() {
        RankingSpec spec = RankingSpec.multilabel(C).withIgnoreIndex(IGNORE).withThresholds(9);
        RankingSpec exact = spec.exact().withAverage(RankingAverage.WEIGHTED);
        Map<String, Supplier<Metric<?>>> ranking = new java.util.LinkedHashMap<>();
        ranking.put("auroc", () -> new Auroc(spec));
        ranking.put("ap", () -> new AveragePrecision(spec.withAverage(RankingAverage.NONE)));
        ranking.put("aurocExact", () -> new Auroc(exact));
        ranking.put("apExact", () -> new AveragePrecision(exact.withAverage(RankingAverage.MICRO)));
        ranking.put("aurocOtherThresholds", () -> new Auroc(spec.withThresholds(5)));
        checkGroups(ranking, multilabel, List.of(List.of("auroc", "ap"), List.of("aurocExact", "apExact"), List.of("aurocOtherThresholds")));
        Map<String, Supplier<Metric<?>>> topK = new java.util.LinkedHashMap<>();
        topK.put("top1", () -> new TopKAccuracy(C, 1, RankingAverage.MACRO, IGNORE));
        topK.put("top1Micro", () -> new TopKAccuracy(C, 1, RankingAverage.MICRO, IGNORE));
        topK.put("top2", () -> new TopKAccuracy(C, 2, RankingAverage.MACRO, IGNORE));
        checkGroups(topK, multiclass, List.of(List.of("top1", "top1Micro"), List.of("top2")));
    }

    /** The collection forms {@code groups}, each group's members share one state, and each computes what it computes alone. */
    private static void checkGroups(Map<String, Supplier<Metric<?>>> makers, Data data, List<List<String>> groups) {
        MetricCollection all = new MetricCollection();
        makers.forEach((name, make) -> all.add(name, make.get()));
        try (all) {
            for (Tensor[] b : data.batches()) all.update(b[0], b[1]);
            assertEquals(groups, all.computeGroups());
            for (List<String> g : groups) {
                for (String name : g) {
                    assertTrue(((StatefulMetric<?>) all.get(name)).states == ((StatefulMetric<?>) all.get(g.get(0))).states, name + " shares " + g.get(0) + "'s state");
                }
            }
            Map<String, Object> got = all.compute();
            for (var e : makers.entrySet()) {
                try (Metric<?> m = e.getValue().get()) {
                    for (Tensor[] b : data.batches()) m.update(b[0], b[1]);
                    assertEquals(String.valueOf(m.compute()), String.valueOf(got.get(e.getKey())), e.getKey());
                }
            }
        }
    }
}
