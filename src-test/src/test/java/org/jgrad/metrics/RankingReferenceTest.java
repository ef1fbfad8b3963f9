package org.jgrad.metrics;

import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Exact binary AUROC and AP against scikit-learn 1.2 (= torchmetrics' exact mode), from refs/metrics/ranking_refs.py. */
class RankingReferenceTest {

    @Test
    @SuppressWarnings("unchecked")
    void matchesScikitLearnWithTies() {
        for (Map<String, Object> c : (List<Map<String, Object>>) Refs.load("ranking").get("cases")) {
            float[] s = Refs.floats(c.get("scores"));
            try (Tensor st = Tensor.fromArray(s, s.length); Tensor yt = Tensor.fromArray(Refs.longs(c.get("targets")), s.length)) {
                assertEquals(Refs.num(c.get("auroc")), Ranking.auroc(st, yt), 1e-12, c.get("name") + " auroc");
                assertEquals(Refs.num(c.get("ap")), Ranking.averagePrecision(st, yt), 1e-12, c.get("name") + " ap");
            }
        }
    }

    @Test
    void tiesAndOneClassByHand() {
        // scores 0.9(+) 0.5(+) 0.5(-) 0.1(-): pairs (+,-): 0.9>0.5, 0.9>0.1, 0.5=0.5 (half), 0.5>0.1 -> 3.5 / 4
        // AP: thresholds 0.9 (P 1, R 1/2), 0.5 (P 2/3, R 1): 1/2 * 1 + 1/2 * 2/3
        try (Tensor s = Tensor.fromArray(new float[]{0.9f, 0.5f, 0.5f, 0.1f}, 4); Tensor y = Tensor.fromArray(new long[]{1, 1, 0, 0}, 4)) {
            assertEquals(3.5 / 4, Ranking.auroc(s, y), 0);
            assertEquals(0.5 + 1.0 / 3, Ranking.averagePrecision(s, y), 1e-15);
        }
        // one class only: torchmetrics' AUROC 0; AP 0 without positives (since torchmetrics 1.4, pull
        // request 2507: recall is set to 1, so the step sum is the precision at the top threshold, 0), 1 with only positives
        try (Tensor s = Tensor.fromArray(new float[]{0.2f, 0.7f}, 2); Tensor none = Tensor.fromArray(new long[]{0, 0}, 2);
             Tensor all = Tensor.fromArray(new long[]{1, 1}, 2)) {
            assertEquals(0.0, Ranking.auroc(s, none), 0);
            assertEquals(0.0, Ranking.auroc(s, all), 0);
            assertEquals(0.0, Ranking.averagePrecision(s, none), 0);
            assertEquals(1.0, Ranking.averagePrecision(s, all), 0);
        }
    }
}
