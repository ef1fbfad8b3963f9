package org.jgrad.metrics;

import org.jgrad.metrics.ConfusionScoreSpec.Absent;
import org.jgrad.metrics.ConfusionScoreSpec.Average;
import org.jgrad.metrics.ConfusionScoreSpec.Metric;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Edge rules the package documentation states, each checked: scikit-learn 1.2 values from
 * <pre>
 * from sklearn.metrics import balanced_accuracy_score as b
 * b([0,0],[0,1],adjusted=True), b([0,0],[0,0],adjusted=True)   # -inf, nan
 * </pre>
 * and jgrad's own rule for an empty matrix (scikit-learn raises on empty input), worked by hand.
 */
class DocumentedEdgeRulesTest {

    private static ScoreValues<Metric> scores(long[] truth, long[] pred, int classes, double zd, Metric... metrics) {
        try (Tensor t = Tensor.fromArray(truth, truth.length); Tensor p = Tensor.fromArray(pred, pred.length);
             Tensor h = Confusion.fromLabels(p, t, classes, Confusion.NO_IGNORE)) {
            return Confusion.score(h, new ConfusionScoreSpec(List.of(metrics), Average.MACRO, zd, Absent.EXCLUDE, 1));
        }
    }

    @Test
    void adjustedBalancedAccuracyWithOneClassPresentDividesByZeroAsScikitLearn() {
        assertEquals(Double.NEGATIVE_INFINITY, scores(new long[]{0, 0}, new long[]{0, 1}, 2, 0, Metric.BALANCED_ACCURACY_ADJUSTED)
                .get(Metric.BALANCED_ACCURACY_ADJUSTED));
        assertEquals(Double.NaN, scores(new long[]{0, 0}, new long[]{0, 0}, 2, 0, Metric.BALANCED_ACCURACY_ADJUSTED)
                .get(Metric.BALANCED_ACCURACY_ADJUSTED));
    }

    @Test
    void anEmptyMatrixScoresZeroDivisionExceptKappaAndMcc() {
        Metric[] all = {Metric.ACCURACY, Metric.BALANCED_ACCURACY, Metric.PRECISION, Metric.RECALL, Metric.FSCORE, Metric.IOU,
                Metric.MEAN_IOU, Metric.SPECIFICITY, Metric.KAPPA, Metric.KAPPA_LINEAR, Metric.MCC};
        for (double zd : new double[]{0, 1}) {
            ScoreValues<Metric> v = scores(new long[0], new long[0], 3, zd, all);
            for (Metric m : List.of(Metric.ACCURACY, Metric.BALANCED_ACCURACY, Metric.PRECISION, Metric.RECALL, Metric.IOU,
                    Metric.MEAN_IOU, Metric.SPECIFICITY)) {
                assertEquals(zd, v.get(m), m + " zero_division " + zd);
            }
            // F-beta of P = R = zd: (1+b²)PR/(b²P+R) = zd, and 0 where that denominator is 0
            assertEquals(zd, v.get(Metric.FSCORE));
            assertEquals(Double.NaN, v.get(Metric.KAPPA));
            assertEquals(Double.NaN, v.get(Metric.KAPPA_LINEAR));
            assertEquals(0.0, v.get(Metric.MCC));
        }
    }

    @Test
    void namedScoresRefuseWhatIsNotThere() {
        ScoreValues<Metric> v = scores(new long[]{0, 1}, new long[]{0, 1}, 2, 0, Metric.ACCURACY);
        var e = assertThrows(IllegalArgumentException.class, () -> v.get(Metric.MCC));
        assertEquals("no score MCC here; have [ACCURACY]", e.getMessage());
        try (Tensor t = Tensor.fromArray(new long[]{0, 1}, 2); Tensor h = Confusion.fromLabels(t, t, 2, Confusion.NO_IGNORE)) {
            ScoreValues<Metric> perClass = Confusion.score(h, new ConfusionScoreSpec(List.of(Metric.RECALL), Average.NONE, 0, Absent.EXCLUDE, 1));
            assertEquals("[1.0, 1.0]", java.util.Arrays.toString(perClass.perRow(Metric.RECALL)));
            var e2 = assertThrows(IllegalArgumentException.class, () -> perClass.get(Metric.RECALL));
            assertEquals("RECALL has 2 values (a NONE reduction); use perRow(RECALL)", e2.getMessage());
        }
    }
}
