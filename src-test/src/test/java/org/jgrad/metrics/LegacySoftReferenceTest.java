package org.jgrad.metrics;

import org.jgrad.backend.BinaryStatsSpec.Activation;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * smp's legacy scores with threshold=None (soft, on probabilities) against the float64
 * re-implementation of smp's utils/functional.py in refs/metrics/legacy_soft_refs.py.
 */
class LegacySoftReferenceTest {

    @Test
    @SuppressWarnings("unchecked")
    void softScoresMatchSmpFormulas() {
        List<Map<String, Object>> cases = (List<Map<String, Object>>) Refs.load("legacy_soft").get("cases");
        int checked = 0;
        for (Map<String, Object> c : cases) {
            int[] shape = Refs.ints(c.get("shape"));
            Activation act = Activation.valueOf((String) c.get("activation"));
            int[] ignore = Refs.ints(c.get("ignoreChannels"));
            // float32 sigmoid may differ from PyTorch's by an ulp per element; sums of probabilities are otherwise exact to ~1e-15
            double tol = act == Activation.SIGMOID ? 1e-6 : 1e-12;
            try (Tensor p = Tensor.fromArray(Refs.floats(c.get("preds")), shape); Tensor t = Tensor.fromArray(Refs.floats(c.get("targets")), shape)) {
                for (Map<String, Object> s : (List<Map<String, Object>>) c.get("scores")) {
                    double eps = Refs.num(s.get("eps")), beta = Refs.num(s.get("beta"));
                    Map<String, Object> want = (Map<String, Object>) s.get("values");
                    String what = c.get("name") + " eps=" + eps + " beta=" + beta;
                    assertClose(Refs.num(want.get("IOU")), LegacyMetrics.softIou(p, t, act, eps, ignore), tol, what + " iou");
                    assertClose(Refs.num(want.get("FSCORE")), LegacyMetrics.softFscore(p, t, act, beta, eps, ignore), tol, what + " fscore");
                    assertClose(Refs.num(want.get("PRECISION")), LegacyMetrics.softPrecision(p, t, act, eps, ignore), tol, what + " precision");
                    assertClose(Refs.num(want.get("RECALL")), LegacyMetrics.softRecall(p, t, act, eps, ignore), tol, what + " recall");
                    assertClose(Refs.num(want.get("ACCURACY")), LegacyMetrics.softAccuracy(p, t, act, ignore), tol, what + " accuracy");
                    checked++;
                }
            }
        }
        assertEquals(5 * 9, checked);
    }

    private static void assertClose(double want, double got, double tol, String what) {
        if (Double.isNaN(want)) assertTrue(Double.isNaN(got), what + ": expected NaN, got " + got);
        else assertEquals(want, got, tol, what);
    }

    @Test
    void handWorked() {
        // pr = [0.5, 1, 0], gt = [1, 1, 0]: tp = 1.5, fp = 0, fn = 0.5; IoU = 1.5 / 2, Dice = 3 / 3.5, accuracy = 2/3 (exact matches)
        try (Tensor p = Tensor.fromArray(new float[]{0.5f, 1f, 0f}, 1, 3); Tensor t = Tensor.fromArray(new float[]{1f, 1f, 0f}, 1, 3)) {
            assertEquals(0.75, LegacyMetrics.softIou(p, t, Activation.NONE, 0), 1e-15);
            assertEquals(3 / 3.5, LegacyMetrics.softFscore(p, t, Activation.NONE, 1, 0), 1e-15);
            assertEquals(1.0, LegacyMetrics.softPrecision(p, t, Activation.NONE, 0), 1e-15);
            assertEquals(0.75, LegacyMetrics.softRecall(p, t, Activation.NONE, 0), 1e-15);
            assertEquals(2.0 / 3, LegacyMetrics.softAccuracy(p, t, Activation.NONE), 1e-15);
        }
    }
}
