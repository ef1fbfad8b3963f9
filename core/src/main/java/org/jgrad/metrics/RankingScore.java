package org.jgrad.metrics;

import java.util.Arrays;

/**
 * A ranking score (AUROC or average precision) as torchmetrics reduces it: {@code value} is the
 * reduction asked for ({@code average}; NaN for {@link RankingAverage#NONE}, whose result is
 * {@code perClass}); {@code perClass} holds the score of every class or label (torchmetrics'
 * {@code average="none"}; one entry for a binary task and for MICRO, where it equals value).
 */
public record RankingScore(RankingAverage average, double value, double[] perClass) {
    public RankingScore {
        MetricChecks.notNull(average, "average");
        MetricChecks.notNull(perClass, "perClass");
        perClass = perClass.clone();
    }

    @Override
    public double[] perClass() { return perClass.clone(); }

    @Override
    public boolean equals(Object o) {
        return o instanceof RankingScore r && r.average == average && Double.compare(r.value, value) == 0 && Arrays.equals(r.perClass, perClass);
    }

    @Override
    public int hashCode() { return average.hashCode() * 31 + Double.hashCode(value) * 17 + Arrays.hashCode(perClass); }

    @Override
    public String toString() { return "RankingScore[" + average + " " + value + ", perClass=" + Arrays.toString(perClass) + "]"; }
}
