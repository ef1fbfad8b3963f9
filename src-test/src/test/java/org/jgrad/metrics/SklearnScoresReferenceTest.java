package org.jgrad.metrics;

import org.jgrad.metrics.ConfusionScoreSpec.Absent;
import org.jgrad.metrics.ConfusionScoreSpec.Average;
import org.jgrad.metrics.ConfusionScoreSpec.Metric;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Adjusted balanced accuracy, weighted kappa, MCC, F-beta at beta 0.5 and 3, specificity and
 * classification_report against scikit-learn 1.2 (specificity: imbalanced-learn's formula over
 * sklearn's multilabel_confusion_matrix), from refs/metrics/make_refs.py.
 */
class SklearnScoresReferenceTest {

    private static Tensor hist(Map<String, Object> ref) {
        int c = ((Number) ref.get("classes")).intValue();
        return Tensor.fromArray(Refs.longs(ref.get("matrix")), c, c);
    }

    @ParameterizedTest
    @ValueSource(strings = {"confusion_seg_absent", "confusion_ties_nan", "confusion_labels"})
    void singleNumberScores(String name) {
        Map<String, Object> ref = Refs.load(name);
        try (Tensor h = hist(ref)) {
            double[] got = Confusion.scores(h, new ConfusionScoreSpec(List.of(Metric.BALANCED_ACCURACY_ADJUSTED, Metric.MCC,
                    Metric.KAPPA_LINEAR, Metric.KAPPA_QUADRATIC), Average.NONE, 0, Absent.ZERO_DIVISION, 1));
            assertEquals(Refs.num(ref.get("balanced_accuracy_adjusted")), got[0], 1e-12, name + " adjusted balanced accuracy");
            assertEquals(Refs.num(ref.get("mcc")), got[1], 1e-12, name + " mcc");
            assertEquals(Refs.num(ref.get("kappa_linear")), got[2], 1e-12, name + " linear kappa");
            assertEquals(Refs.num(ref.get("kappa_quadratic")), got[3], 1e-12, name + " quadratic kappa");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"confusion_seg_absent", "confusion_ties_nan", "confusion_labels"})
    void fbetaAndSpecificityPerClassAndAveraged(String name) {
        Map<String, Object> ref = Refs.load(name);
        try (Tensor h = hist(ref)) {
            for (int zd = 0; zd <= 1; zd++) {
                for (Average avg : Average.values()) {
                    String key = avg.name().toLowerCase() + "_zd" + zd;
                    assertArrayEquals(Refs.doubles(ref.get("f05_" + key)),
                            Confusion.scores(h, new ConfusionScoreSpec(List.of(Metric.FSCORE), avg, zd, Absent.ZERO_DIVISION, 0.5)), 1e-12, name + " f0.5 " + key);
                    assertArrayEquals(Refs.doubles(ref.get("f3_" + key)),
                            Confusion.scores(h, new ConfusionScoreSpec(List.of(Metric.FSCORE), avg, zd, Absent.ZERO_DIVISION, 3)), 1e-12, name + " f3 " + key);
                    assertArrayEquals(Refs.doubles(ref.get("specificity_" + key)),
                            Confusion.scores(h, new ConfusionScoreSpec(List.of(Metric.SPECIFICITY), avg, zd, Absent.ZERO_DIVISION, 1)), 1e-12, name + " specificity " + key);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"confusion_seg_absent", "confusion_ties_nan", "confusion_labels"})
    @SuppressWarnings("unchecked")
    void classificationReportTextAndMapAreScikitLearns(String name) {
        Map<String, Object> ref = Refs.load(name);
        int c = ((Number) ref.get("classes")).intValue();
        try (Tensor h = hist(ref)) {
            for (int zd = 0; zd <= 1; zd++) {
                ClassificationReport all = ClassificationReport.of(h, null, zd, Absent.ZERO_DIVISION);
                assertEquals(ref.get("report_text_zd" + zd), all.text(), name + " labels=range(C) zd=" + zd);
                assertEquals(ref.get("report_text_present_zd" + zd), ClassificationReport.of(h, null, zd, Absent.EXCLUDE).text(),
                        name + " labels=None zd=" + zd);
                Map<String, Object> want = (Map<String, Object>) ref.get("report_dict_zd" + zd);
                Map<String, Object> got = all.asMap();
                assertEquals(want.keySet(), got.keySet());
                for (String k : want.keySet()) {
                    if (want.get(k) instanceof Map<?, ?> wm) {
                        Map<String, Object> gm = (Map<String, Object>) got.get(k);
                        for (String f : List.of("precision", "recall", "f1-score")) {
                            assertEquals(Refs.num(wm.get(f)), (double) gm.get(f), 1e-12, name + " " + k + " " + f);
                        }
                        assertEquals(((Number) wm.get("support")).longValue(), (long) gm.get("support"));
                    } else {
                        assertEquals(Refs.num(want.get(k)), (double) got.get(k), 1e-12, name + " " + k);
                    }
                }
            }
            String[] names = new String[c];
            for (int k = 0; k < c; k++) names[k] = "class " + k;
            assertEquals(ref.get("report_text_digits4_names"), ClassificationReport.of(h, names, 0, Absent.ZERO_DIVISION).text(4));
        }
    }

    @Test
    void formattingRoundsTheBinaryValueHalfToEvenAsPython() {
        assertEquals("0.12", ClassificationReport.fixed(0.125, 2));   // exactly representable: half to even
        assertEquals("0.38", ClassificationReport.fixed(0.375, 2));
        assertEquals("1.00", ClassificationReport.fixed(1.005, 2));   // 1.005 is 1.00499999... in binary
        assertEquals("-0.00", ClassificationReport.fixed(-0.001, 2));
        assertEquals("nan", ClassificationReport.fixed(Double.NaN, 2));
    }

    @Test
    void handWorkedEdgeCases() {
        // all predictions in one class: MCC's denominator is 0, scikit-learn returns 0
        try (Tensor h = Tensor.fromArray(new long[]{3, 0, 2, 0}, 2, 2)) {
            assertEquals(0.0, Confusion.scores(h, new ConfusionScoreSpec(List.of(Metric.MCC), Average.NONE, 0, Absent.EXCLUDE, 1))[0], 0);
        }
        // perfect prediction of classes 0 and 2 (1 absent): MCC 1, kappa 1 for every weighting; adjusted balanced accuracy 1
        try (Tensor h = Tensor.fromArray(new long[]{4, 0, 0, 0, 0, 0, 0, 0, 5}, 3, 3)) {
            double[] v = Confusion.scores(h, new ConfusionScoreSpec(List.of(Metric.MCC, Metric.KAPPA, Metric.KAPPA_LINEAR,
                    Metric.KAPPA_QUADRATIC, Metric.BALANCED_ACCURACY_ADJUSTED), Average.NONE, 0, Absent.EXCLUDE, 1));
            assertArrayEquals(new double[]{1, 1, 1, 1, 1}, v, 1e-15);
            // the absent class 1: specificity 1 (tn 9, fp 0), precision zero_division
            double[] spec = Confusion.scores(h, new ConfusionScoreSpec(List.of(Metric.SPECIFICITY, Metric.PRECISION), Average.NONE, 1, Absent.ZERO_DIVISION, 1));
            assertArrayEquals(new double[]{1, 1, 1, 1, 1, 1}, spec, 0);
        }
        // every prediction wrong between two classes: linear kappa (2 classes) = unweighted kappa = -1
        try (Tensor h = Tensor.fromArray(new long[]{0, 3, 3, 0}, 2, 2)) {
            double[] v = Confusion.scores(h, new ConfusionScoreSpec(List.of(Metric.KAPPA, Metric.KAPPA_LINEAR, Metric.MCC), Average.NONE, 0, Absent.EXCLUDE, 1));
            assertArrayEquals(new double[]{-1, -1, -1}, v, 1e-15);
        }
    }
}
