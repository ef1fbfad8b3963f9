package org.jgrad.metrics;

import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The scores as tensor ops ({@link BinaryScoring}, {@link ConfusionScoring}) equal the host
 * loops the library used before ({@link MetricMathReference}) bit for bit on the CPU: every
 * binary score under every style and reduction, every confusion score under every average and
 * absent rule, kappa included, on random counts up to 2^34, all-zero counts and absent classes.
 */
class ScoreTensorsMatchHostReferenceTest {

    @Test
    void binaryScoresEqualTheHostLoopsBitForBit() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int trial = 0; trial < 8; trial++) {
            int images = 1 + rnd.nextInt(4), classes = 1 + rnd.nextInt(5), rows = images * classes;
            long[] counts = new long[rows * 4];
            for (int i = 0; i < counts.length; i++) counts[i] = rnd.nextInt(4) == 0 ? 0 : rnd.nextLong(1L << 33);
            if (trial == 0) java.util.Arrays.fill(counts, 0); // every score 0/0
            for (BinaryScoreSpec.Style style : BinaryScoreSpec.Style.values()) {
                for (BinaryScoreSpec.Reduction red : BinaryScoreSpec.Reduction.values()) {
                    boolean weighted = red == BinaryScoreSpec.Reduction.WEIGHTED || red == BinaryScoreSpec.Reduction.WEIGHTED_IMAGEWISE;
                    double[] w = null;
                    if (weighted) { w = new double[classes]; for (int j = 0; j < classes; j++) w[j] = 0.1 + rnd.nextDouble(); }
                    BinaryScoreSpec spec = new BinaryScoreSpec(List.of(BinaryScoreSpec.Metric.values()), style, red, images, classes,
                            style == BinaryScoreSpec.Style.LEGACY ? 1e-7 : 0, 0.5, 0.5 + rnd.nextInt(3), w);
                    try (Tensor ct = Tensor.fromArray(counts, rows, 4)) {
                        assertArrayEquals(MetricMathReference.binaryScores(counts, spec), BinaryStats.scores(ct, spec), 0.0, spec.toString());
                    }
                }
            }
        }
    }

    @Test
    void confusionScoresEqualTheHostLoopsBitForBit() {
        SplittableRandom rnd = new SplittableRandom(8);
        for (int c : new int[]{1, 2, 3, 21, 150}) {
            for (boolean empty : new boolean[]{false, true}) {
                long[] hist = new long[c * c];
                if (!empty) for (int i = 0; i < hist.length; i++) hist[i] = rnd.nextInt(3) == 0 ? 0 : rnd.nextLong(1L << 34);
                if (c > 2) for (int j = 0; j < c; j++) { hist[c + j] = 0; hist[j * c + 1] = 0; } // class 1 absent everywhere
                for (ConfusionScoreSpec.Average avg : ConfusionScoreSpec.Average.values()) {
                    for (ConfusionScoreSpec.Absent absent : ConfusionScoreSpec.Absent.values()) {
                        ConfusionScoreSpec spec = new ConfusionScoreSpec(List.of(ConfusionScoreSpec.Metric.values()), avg,
                                rnd.nextBoolean() ? 0 : 1, absent, 0.5 + rnd.nextInt(2));
                        try (Tensor ht = Tensor.fromArray(hist, c, c)) {
                            assertArrayEquals(MetricMathReference.confusionScores(hist, c, spec), Confusion.scores(ht, spec), 0.0,
                                    "C=" + c + " " + spec);
                        }
                    }
                }
            }
        }
    }
}
