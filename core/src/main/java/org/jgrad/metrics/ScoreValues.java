package org.jgrad.metrics;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores by name: what {@link BinaryStats#score}, {@link Confusion#score},
 * {@link ConfusionMatrix#score}, {@link BinaryScore} and {@link ConfusionScore} return instead of
 * positional arrays. Each score holds one value, or one per row (a {@code NONE} reduction: per
 * class, or per image and class). Host doubles only.
 *
 * @param values each requested score's values, in the order requested
 * @param <M>    the score enum ({@link BinaryScoreSpec.Metric} or {@link ConfusionScoreSpec.Metric})
 */
public record ScoreValues<M extends Enum<M>>(Map<M, double[]> values) {

    public ScoreValues {
        MetricChecks.notNull(values, "values");
        Map<M, double[]> copy = new LinkedHashMap<>();
        values.forEach((k, v) -> copy.put(k, v.clone()));
        values = Collections.unmodifiableMap(copy);
    }

    /** Splits {@code flat} (metric after metric, {@code widths[k]} values each) into named scores. */
    static <M extends Enum<M>> ScoreValues<M> of(List<M> metrics, int[] widths, double[] flat) {
        Map<M, double[]> m = new LinkedHashMap<>();
        int at = 0;
        for (int k = 0; k < metrics.size(); k++) {
            if (m.containsKey(metrics.get(k))) {
                throw new IllegalArgumentException("named scores need distinct metrics, got " + metrics.get(k) + " twice in " + metrics);
            }
            m.put(metrics.get(k), Arrays.copyOfRange(flat, at, at + widths[k]));
            at += widths[k];
        }
        if (at != flat.length) throw new IllegalStateException("expected " + at + " values, got " + flat.length);
        return new ScoreValues<>(m);
    }

    /** The single value of {@code metric} (an averaged or reduced score). */
    public double get(M metric) {
        double[] v = lookup(metric);
        if (v.length != 1) {
            throw new IllegalArgumentException(metric + " has " + v.length + " values (a NONE reduction); use perRow(" + metric + ")");
        }
        return v[0];
    }

    /** Every value of {@code metric}: one per class (or per image and class) for a NONE reduction, else one. */
    public double[] perRow(M metric) { return lookup(metric).clone(); }

    /** The scores present, in the order requested. */
    public List<M> metrics() { return List.copyOf(values.keySet()); }

    @Override
    public Map<M, double[]> values() {
        Map<M, double[]> copy = new LinkedHashMap<>();
        values.forEach((k, v) -> copy.put(k, v.clone()));
        return copy;
    }

    private double[] lookup(M metric) {
        MetricChecks.notNull(metric, "metric");
        double[] v = values.get(metric);
        if (v == null) throw new IllegalArgumentException("no score " + metric + " here; have " + values.keySet());
        return v;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ScoreValues<?> s) || !s.values.keySet().equals(values.keySet())) return false;
        for (var e : values.entrySet()) if (!Arrays.equals(e.getValue(), s.values.get(e.getKey()))) return false;
        return true;
    }

    @Override
    public int hashCode() {
        int h = 0;
        for (var e : values.entrySet()) h = h * 31 + e.getKey().hashCode() * 17 + Arrays.hashCode(e.getValue());
        return h;
    }

    /** e.g. {@code ScoreValues[FSCORE=0.8, IOU=0.6667]}, per-row scores as lists. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ScoreValues[");
        boolean first = true;
        for (var e : values.entrySet()) {
            if (!first) sb.append(", ");
            first = false;
            double[] v = e.getValue();
            sb.append(e.getKey()).append('=').append(v.length == 1 ? Double.toString(v[0]) : Arrays.toString(v));
        }
        return sb.append(']').toString();
    }
}
