package org.jgrad.metrics;

import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ranking scores against refs/metrics/ranking_metrics_refs.py: scikit-learn 1.2 where it agrees
 * with torchmetrics, and that script's float64 re-implementation of torchmetrics 1.9's rules where
 * they differ (absent classes, binned mode, top-k macro).
 */
class RankingMetricsReferenceTest {
    private static final double TOL = 1e-12;

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> cases(String group) { return (List<Map<String, Object>>) Refs.load("ranking_metrics").get(group); }

    private static Long ignore(Map<String, Object> c) { return c.get("ignoreIndex") == null ? null : ((Number) c.get("ignoreIndex")).longValue(); }

    private static RankingSpec spec(RankingTask task, Map<String, Object> c) {
        RankingSpec s = switch (task) {
            case BINARY -> RankingSpec.binary();
            case MULTICLASS -> RankingSpec.multiclass(((Number) c.get("numClasses")).intValue());
            case MULTILABEL -> RankingSpec.multilabel(((Number) c.get("numClasses")).intValue());
        };
        Long ig = ignore(c);
        return ig == null ? s : s.withIgnoreIndex(ig);
    }

    private static void close(Tensor... ts) { for (Tensor t : ts) t.close(); }

    @Test
    void binaryExactMatchesScikitLearn() {
        for (Map<String, Object> c : cases("binary")) {
            String name = (String) c.get("name");
            float[] s = Refs.floats(c.get("scores"));
            Tensor st = Tensor.fromArray(s, s.length), yt = Tensor.fromArray(Refs.longs(c.get("targets")), s.length);
            try {
                assertEquals(Refs.num(c.get("auroc")), Ranking.auroc(st, yt), TOL, name + " auroc");
                assertEquals(Refs.num(c.get("sklearnAuroc")), Ranking.auroc(st, yt), TOL, name + " auroc = sklearn");
                assertEquals(Refs.num(c.get("ap")), Ranking.averagePrecision(st, yt), TOL, name + " ap");
                assertEquals(Refs.num(c.get("sklearnAp")), Ranking.averagePrecision(st, yt), TOL, name + " ap = sklearn");
                RocCurve roc = Ranking.rocCurve(st, yt);
                assertArrayEquals(Refs.doubles(c.get("fpr")), roc.fpr(), TOL, name + " fpr");
                assertArrayEquals(Refs.doubles(c.get("tpr")), roc.tpr(), TOL, name + " tpr");
                double[] thr = roc.thresholds();
                assertEquals(Double.POSITIVE_INFINITY, thr[0], name);
                assertArrayEquals(Refs.doubles(c.get("rocThresholdsAfterFirst")), java.util.Arrays.copyOfRange(thr, 1, thr.length), 0, name + " roc thresholds");
                PrecisionRecallCurve pr = Ranking.precisionRecallCurve(st, yt);
                assertArrayEquals(Refs.doubles(c.get("precision")), pr.precision(), TOL, name + " precision");
                assertArrayEquals(Refs.doubles(c.get("recall")), pr.recall(), TOL, name + " recall");
                assertArrayEquals(Refs.doubles(c.get("prThresholds")), pr.thresholds(), 0, name + " pr thresholds");
            } finally {
                close(st, yt);
            }
        }
    }

    @Test
    void multiclassOneVsRestExact() {
        for (Map<String, Object> c : cases("multiclass")) checkMulti(c, RankingTask.MULTICLASS);
    }

    @Test
    void multilabelExact() {
        for (Map<String, Object> c : cases("multilabel")) checkMulti(c, RankingTask.MULTILABEL);
    }

    private void checkMulti(Map<String, Object> c, RankingTask task) {
        String name = task + " " + c.get("name");
        int k = ((Number) c.get("numClasses")).intValue();
        float[] p = Refs.floats(c.get("preds"));
        long[] y = Refs.longs(c.get("targets"));
        int n = p.length / k;
        Tensor pt = Tensor.fromArray(p, n, k), yt = task == RankingTask.MULTICLASS ? Tensor.fromArray(y, n) : Tensor.fromArray(y, n, k);
        try {
            RankingSpec base = spec(task, c);
            assertArrayEquals(Refs.doubles(c.get("aurocNone")), Ranking.auroc(pt, yt, base.withAverage(RankingAverage.NONE)).perClass(), TOL, name + " auroc none");
            assertArrayEquals(Refs.doubles(c.get("apNone")), Ranking.averagePrecision(pt, yt, base.withAverage(RankingAverage.NONE)).perClass(), TOL, name + " ap none");
            for (RankingAverage a : task == RankingTask.MULTILABEL ? RankingAverage.values() : new RankingAverage[]{RankingAverage.MACRO, RankingAverage.WEIGHTED}) {
                if (a == RankingAverage.NONE) continue;
                String key = a.name().toLowerCase();
                assertEquals(Refs.num(c.get("auroc_" + key)), Ranking.auroc(pt, yt, base.withAverage(a)).value(), TOL, name + " auroc " + key);
                assertEquals(Refs.num(c.get("ap_" + key)), Ranking.averagePrecision(pt, yt, base.withAverage(a)).value(), TOL, name + " ap " + key);
            }
            if (c.containsKey("sklearn_auroc_macro")) {
                assertEquals(Refs.num(c.get("sklearn_auroc_macro")), Ranking.auroc(pt, yt, base).value(), TOL, name + " = roc_auc_score ovr macro");
                assertEquals(Refs.num(c.get("sklearn_auroc_weighted")), Ranking.auroc(pt, yt, base.withAverage(RankingAverage.WEIGHTED)).value(), TOL, name + " ovr weighted");
                assertArrayEquals(Refs.doubles(c.get("sklearn_ap_none")), Ranking.averagePrecision(pt, yt, base.withAverage(RankingAverage.NONE)).perClass(), TOL, name);
            }
        } finally {
            close(pt, yt);
        }
    }

    @Test
    void binnedMatchesTorchmetricsRules() {
        for (Map<String, Object> c : cases("binned")) {
            String name = "binned " + c.get("name");
            RankingTask task = RankingTask.valueOf(((String) c.get("task")).toUpperCase());
            float[] p = Refs.floats(c.get("preds")), thr = Refs.floats(c.get("thresholds"));
            long[] y = Refs.longs(c.get("targets"));
            int k = task == RankingTask.BINARY ? 1 : ((Number) c.get("numClasses")).intValue(), n = p.length / k;
            Tensor pt = task == RankingTask.BINARY ? Tensor.fromArray(p, n) : Tensor.fromArray(p, n, k);
            Tensor yt = task == RankingTask.MULTICLASS || task == RankingTask.BINARY ? Tensor.fromArray(y, n) : Tensor.fromArray(y, n, k);
            try {
                RankingSpec base = spec(task, c).withThresholds(thr);
                if (task == RankingTask.BINARY) {
                    assertEquals(Refs.num(c.get("auroc")), Ranking.auroc(pt, yt, base).value(), TOL, name + " auroc");
                    assertEquals(Refs.num(c.get("ap")), Ranking.averagePrecision(pt, yt, base).value(), TOL, name + " ap");
                    RocCurve roc = Ranking.rocCurve(pt, yt, base);
                    assertArrayEquals(Refs.doubles(c.get("rocFpr")), roc.fpr(), TOL, name + " fpr");
                    assertArrayEquals(Refs.doubles(c.get("rocTpr")), roc.tpr(), TOL, name + " tpr");
                    PrecisionRecallCurve pr = Ranking.precisionRecallCurve(pt, yt, base);
                    assertArrayEquals(Refs.doubles(c.get("prPrecision")), pr.precision(), TOL, name + " precision");
                    assertArrayEquals(Refs.doubles(c.get("prRecall")), pr.recall(), TOL, name + " recall");
                    try (Auroc m = new Auroc(base)) {
                        m.update(pt, yt);
                        Tensor table = stateTable(m);
                        long[] flat = table.toLongArray();
                        table.close();
                        long[] want = Refs.longs(c.get("table")); // rows tp, fp, fn, tn
                        for (int j = 0; j < thr.length; j++) {
                            long[] got = {flat[4 * j + 3], flat[4 * j + 1], flat[4 * j + 2], flat[4 * j]};
                            assertArrayEquals(java.util.Arrays.copyOfRange(want, 4 * j, 4 * j + 4), got, name + " table row " + j);
                        }
                    }
                    continue;
                }
                assertArrayEquals(Refs.doubles(c.get("aurocNone")), Ranking.auroc(pt, yt, base.withAverage(RankingAverage.NONE)).perClass(), TOL, name + " auroc none");
                assertArrayEquals(Refs.doubles(c.get("apNone")), Ranking.averagePrecision(pt, yt, base.withAverage(RankingAverage.NONE)).perClass(), TOL, name + " ap none");
                for (RankingAverage a : RankingAverage.values()) {
                    if (a == RankingAverage.NONE || (a == RankingAverage.MICRO && task != RankingTask.MULTILABEL)) continue;
                    String key = a.name().toLowerCase();
                    assertEquals(Refs.num(c.get("auroc_" + key)), Ranking.auroc(pt, yt, base.withAverage(a)).value(), TOL, name + " auroc " + key);
                    assertEquals(Refs.num(c.get("ap_" + key)), Ranking.averagePrecision(pt, yt, base.withAverage(a)).value(), TOL, name + " ap " + key);
                }
            } finally {
                close(pt, yt);
            }
        }
    }

    /** A copy of the declared binned table state. */
    static Tensor stateTable(Auroc m) {
        synchronized (m.stateLock()) {
            return m.state(RankingMetric.TABLE).clone();
        }
    }

    @Test
    void topKAccuracy() {
        for (Map<String, Object> c : cases("topk")) {
            String name = "top-k " + c.get("name");
            int k = ((Number) c.get("numClasses")).intValue(), top = ((Number) c.get("k")).intValue();
            float[] p = Refs.floats(c.get("preds"));
            long[] y = Refs.longs(c.get("targets"));
            int n = p.length / k;
            try (Tensor pt = Tensor.fromArray(p, n, k); Tensor yt = Tensor.fromArray(y, n)) {
                for (RankingAverage a : RankingAverage.values()) {
                    try (TopKAccuracy m = new TopKAccuracy(k, top, a, ignore(c))) {
                        m.update(pt, yt);
                        RankingScore r = m.compute();
                        if (a == RankingAverage.NONE) assertArrayEquals(Refs.doubles(c.get("none")), r.perClass(), TOL, name);
                        else assertEquals(Refs.num(c.get(a.name().toLowerCase())), r.value(), TOL, name + " " + a);
                        if (a == RankingAverage.MICRO && c.containsKey("sklearn_micro")) {
                            assertEquals(Refs.num(c.get("sklearn_micro")), r.value(), TOL, name + " = top_k_accuracy_score");
                        }
                        long[][] counts = m.counts();
                        assertArrayEquals(Refs.longs(c.get("tp")), counts[0], name + " tp");
                        assertArrayEquals(Refs.longs(c.get("fp")), counts[1], name + " fp");
                        assertArrayEquals(Refs.longs(c.get("fn")), counts[2], name + " fn");
                    }
                }
            }
        }
        assertTrue(cases("topk").size() >= 6);
    }
}
