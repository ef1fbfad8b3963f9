package org.jgrad.metrics;

import org.jgrad.metrics.ConfusionScoreSpec;
import org.jgrad.metrics.ConfusionScoreSpec.Absent;
import org.jgrad.metrics.ConfusionScoreSpec.Average;
import org.jgrad.metrics.ConfusionScoreSpec.Metric;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The confusion matrix and its scores against scikit-learn 1.2 (refs/metrics/make_refs.py). */
class ConfusionReferenceTest {

    private static ConfusionMatrix filled(Map<String, Object> ref, DType targetType) {
        int c = ((Number) ref.get("classes")).intValue();
        ConfusionMatrix cm = new ConfusionMatrix(c);
        if (ref.get("ignoreIndex") != null) cm.ignoreIndex(((Number) ref.get("ignoreIndex")).longValue());
        if (ref.get("kind").equals("logits")) {
            try (Tensor lg = Tensor.fromArray(Refs.floats(ref.get("logits")), Refs.ints(ref.get("shape")));
                 Tensor t64 = Tensor.fromArray(Refs.longs(ref.get("targets")), Refs.ints(ref.get("targetShape")));
                 Tensor t = t64.to(targetType)) {
                cm.update(lg, t);
            }
        } else {
            int[] shape = Refs.ints(ref.get("shape"));
            try (Tensor p = Tensor.fromArray(Refs.longs(ref.get("preds")), shape);
                 Tensor t64 = Tensor.fromArray(Refs.longs(ref.get("targets")), shape);
                 Tensor t = t64.to(targetType)) {
                cm.update(p, t);
            }
        }
        return cm;
    }

    private static long[] flat(long[][] m) {
        return java.util.Arrays.stream(m).flatMapToLong(java.util.Arrays::stream).toArray();
    }

    private static double[] flat(double[][] m) {
        return java.util.Arrays.stream(m).flatMapToDouble(java.util.Arrays::stream).toArray();
    }

    @ParameterizedTest
    @ValueSource(strings = {"confusion_seg_absent", "confusion_ties_nan", "confusion_labels"})
    void matrixAndNormalisationsMatchScikitLearn(String name) {
        Map<String, Object> ref = Refs.load(name);
        for (DType dt : new DType[]{DType.INT64, DType.INT32, DType.UINT8}) {
            try (ConfusionMatrix cm = filled(ref, dt)) {
                assertArrayEquals(Refs.longs(ref.get("matrix")), flat(cm.matrix()), name + " " + dt);
                assertArrayEquals(Refs.doubles(ref.get("matrix_true")), flat(cm.normalized(Normalize.TRUE)), 1e-15);
                assertArrayEquals(Refs.doubles(ref.get("matrix_pred")), flat(cm.normalized(Normalize.PRED)), 1e-15);
                assertArrayEquals(Refs.doubles(ref.get("matrix_all")), flat(cm.normalized(Normalize.ALL)), 1e-15);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"confusion_seg_absent", "confusion_ties_nan", "confusion_labels"})
    void scoresMatchScikitLearn(String name) {
        Map<String, Object> ref = Refs.load(name);
        try (ConfusionMatrix cm = filled(ref, DType.INT64)) {
            ConfusionResult r = cm.compute();
            assertEquals(Refs.num(ref.get("accuracy")), r.accuracy(), 1e-12);
            assertEquals(Refs.num(ref.get("balanced_accuracy")), r.balancedAccuracy(), 1e-12);
            assertEquals(Refs.num(ref.get("kappa")), r.kappa(), 1e-12);
            for (int zd = 0; zd <= 1; zd++) {
                for (Average avg : Average.values()) {
                    String key = avg.name().toLowerCase() + "_zd" + zd;
                    ConfusionScoreSpec spec = new ConfusionScoreSpec(List.of(Metric.PRECISION, Metric.RECALL, Metric.FSCORE, Metric.IOU),
                            avg, zd, Absent.ZERO_DIVISION, 1.0);
                    double[] got = cm.scores(spec);
                    int w = avg == Average.NONE ? cm.numClasses() : 1;
                    assertArrayEquals(Refs.doubles(ref.get("precision_" + key)), java.util.Arrays.copyOfRange(got, 0, w), 1e-12, name + " precision " + key);
                    assertArrayEquals(Refs.doubles(ref.get("recall_" + key)), java.util.Arrays.copyOfRange(got, w, 2 * w), 1e-12, name + " recall " + key);
                    assertArrayEquals(Refs.doubles(ref.get("f1_" + key)), java.util.Arrays.copyOfRange(got, 2 * w, 3 * w), 1e-12, name + " f1 " + key);
                    assertArrayEquals(Refs.doubles(ref.get("iou_" + key)), java.util.Arrays.copyOfRange(got, 3 * w, 4 * w), 1e-12, name + " iou " + key);
                    double[] f2 = cm.scores(new ConfusionScoreSpec(List.of(Metric.FSCORE), avg, zd, Absent.ZERO_DIVISION, 2.0));
                    assertArrayEquals(Refs.doubles(ref.get("f2_" + key)), f2, 1e-12, name + " f2 " + key);
                }
                // absent classes left out of the macro mean = scikit-learn without labels=
                double[] present = cm.scores(new ConfusionScoreSpec(List.of(Metric.PRECISION, Metric.RECALL, Metric.FSCORE, Metric.IOU),
                        Average.MACRO, zd, Absent.EXCLUDE, 1.0));
                assertEquals(Refs.num(ref.get("precision_present_zd" + zd)), present[0], 1e-12, name + " precision present");
                assertEquals(Refs.num(ref.get("recall_present_zd" + zd)), present[1], 1e-12, name + " recall present");
                assertEquals(Refs.num(ref.get("f1_present_zd" + zd)), present[2], 1e-12, name + " f1 present");
                assertEquals(Refs.num(ref.get("iou_present_zd" + zd)), present[3], 1e-12, name + " iou present");
            }
            // compute()'s defaults: zero_division 0, absent classes excluded
            assertEquals(Refs.num(ref.get("iou_present_zd0")), r.meanIoU(), 1e-12);
            assertEquals(Refs.num(ref.get("f1_present_zd0")), r.macroF1(), 1e-12);
            assertArrayEquals(Refs.doubles(ref.get("iou_none_zd0")), r.iou(), 1e-12);
            assertArrayEquals(Refs.doubles(ref.get("precision_none_zd0")), r.precision(), 1e-12);
        }
    }
}
