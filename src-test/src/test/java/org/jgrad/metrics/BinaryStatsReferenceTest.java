package org.jgrad.metrics;

import org.jgrad.metrics.BinaryScoreSpec;
import org.jgrad.metrics.BinaryScoreSpec.Reduction;
import org.jgrad.backend.BinaryStatsSpec;
import org.jgrad.backend.BinaryStatsSpec.Activation;
import org.jgrad.backend.BinaryStatsSpec.Grouping;
import org.jgrad.backend.BinaryStatsSpec.Rule;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * tp/fp/fn/tn and every smp score against refs/metrics/make_refs.py: counts from PyTorch
 * (float64 sigmoid; {@code >} and {@code >=} the threshold; at the threshold itself decided in
 * 60-digit decimals), scores from smp 0.3.2+'s published formulas re-implemented in PyTorch
 * (smp's {@code get_stats} rule {@code >=} for its metrics, {@code >} for the legacy ones). Each
 * case runs with every target dtype.
 */
class BinaryStatsReferenceTest {

    private static Tensor targets(long[] t, int[] shape, DType dtype) {
        Tensor i64 = Tensor.fromArray(t, shape);
        if (dtype == DType.INT64) return i64;
        Tensor out = i64.to(dtype);
        i64.close();
        return out;
    }

    private static final String[] CASES = {"binary_logits", "binary_probs_ignore", "binary_empty_full",
            "binary_at_threshold_probs", "binary_at_threshold_logit_half", "binary_at_threshold_logit_07"};

    private static BinaryStatsSpec spec(Map<String, Object> ref, Grouping g, Rule rule) {
        BinaryStatsSpec s = new BinaryStatsSpec(Activation.valueOf((String) ref.get("activation")), Refs.num(ref.get("threshold")), rule, g,
                false, 0, Refs.ints(ref.get("ignoreChannels")));
        return ref.get("ignoreValue") == null ? s : s.withIgnoreValue(((Number) ref.get("ignoreValue")).longValue());
    }

    static String[] cases() { return CASES; }

    @ParameterizedTest
    @MethodSource("cases")
    @SuppressWarnings("unchecked")
    void countsMatchPyTorchForEveryGroupingRuleAndTargetDtype(String name) {
        Map<String, Object> ref = Refs.load(name);
        int[] shape = Refs.ints(ref.get("shape"));
        try (Tensor preds = Tensor.fromArray(Refs.floats(ref.get("preds")), shape)) {
            for (DType dt : new DType[]{DType.UINT8, DType.INT32, DType.INT64, DType.FLOAT32}) {
                try (Tensor t = targets(Refs.longs(ref.get("targets")), shape, dt)) {
                    for (Rule rule : Rule.values()) {
                        Map<String, Object> counts = (Map<String, Object>) ref.get(rule == Rule.GREATER ? "counts" : "countsGe");
                        for (Grouping g : Grouping.values()) {
                            try (Tensor c = BinaryStats.stats(preds, t, spec(ref, g, rule))) {
                                assertArrayEquals(Refs.rows(counts.get(g.name())), c.toLongArray(), name + " " + dt + " " + g + " " + rule);
                            }
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    @SuppressWarnings("unchecked")
    void smpScoresMatchEveryReduction(String name) {
        Map<String, Object> ref = Refs.load(name);
        int[] shape = Refs.ints(ref.get("shape"));
        int images = ((Number) ref.get("images")).intValue(), classes = ((Number) ref.get("classes")).intValue();
        int checked = 0;
        try (Tensor preds = Tensor.fromArray(Refs.floats(ref.get("preds")), shape);
             Tensor t = targets(Refs.longs(ref.get("targets")), shape, DType.UINT8);
             Tensor counts = BinaryStats.stats(preds, t, spec(ref, Grouping.PER_IMAGE_CHANNEL, Rule.GREATER_EQUAL))) {
            for (Map<String, Object> s : (List<Map<String, Object>>) ref.get("smp")) {
                Reduction r = Reduction.valueOf((String) s.get("reduction"));
                double[] w = s.get("classWeights") == null ? null : Refs.doubles(s.get("classWeights"));
                BinaryScoreSpec spec = Scores.smp(images, classes, r, Refs.num(s.get("zeroDivision")), Refs.num(s.get("beta")), w,
                        BinaryScoreSpec.Metric.valueOf((String) s.get("metric")));
                double[] want = Refs.doubles(s.get("values"));
                double[] got = BinaryStats.scores(counts, spec);
                assertArrayEquals(want, got, 1e-12, name + " " + s.get("metric") + " " + r + " zd=" + s.get("zeroDivision") + " beta=" + s.get("beta"));
                checked++;
            }
        }
        assertEquals(3 * 8 * 9, checked); // zero_division 1/0/NaN, 7 scores (F at beta 1 and 2), 9 reduction/weight pairs
    }

    @ParameterizedTest
    @MethodSource("cases")
    @SuppressWarnings("unchecked")
    void legacyScoresMatchSmpUtils(String name) {
        Map<String, Object> ref = Refs.load(name);
        int[] shape = Refs.ints(ref.get("shape"));
        try (Tensor preds = Tensor.fromArray(Refs.floats(ref.get("preds")), shape);
             Tensor t = targets(Refs.longs(ref.get("targets")), shape, DType.FLOAT32)) {
            BinaryStatsSpec spec = spec(ref, Grouping.WHOLE, Rule.GREATER);
            for (Map<String, Object> s : (List<Map<String, Object>>) ref.get("legacy")) {
                double eps = Refs.num(s.get("eps")), beta = Refs.num(s.get("beta")), want = Refs.num(s.get("value"));
                double got = switch ((String) s.get("metric")) {
                    case "IOU" -> LegacyMetrics.iou(preds, t, spec, eps);
                    case "FSCORE" -> LegacyMetrics.fscore(preds, t, spec, beta, eps);
                    case "ACCURACY" -> LegacyMetrics.accuracy(preds, t, spec);
                    case "PRECISION" -> LegacyMetrics.precision(preds, t, spec, eps);
                    default -> LegacyMetrics.recall(preds, t, spec, eps);
                };
                assertEquals(want, got, 1e-12, name + " legacy " + s.get("metric") + " eps=" + eps + " beta=" + beta);
            }
        }
    }
}
