package org.jgrad.metrics;

import org.jgrad.metrics.ConfusionScoreSpec.Absent;
import org.jgrad.metrics.ConfusionScoreSpec.Average;
import org.jgrad.metrics.ConfusionScoreSpec.Metric;
import org.jgrad.ops.Concat;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Scope;
import org.jgrad.tensor.Tensor;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * scikit-learn 1.2's {@code classification_report} of a confusion matrix: per-class precision,
 * recall, F1 and support, then the micro (printed as "accuracy" when every listed class occurs),
 * macro and weighted averages. {@link Absent#ZERO_DIVISION} lists every class 0..C-1 (sklearn with
 * {@code labels=range(C)}); {@link Absent#EXCLUDE} lists only the classes seen in targets or
 * predictions (sklearn without {@code labels}). A 0/0 precision or recall is {@code zeroDivision}
 * (sklearn's {@code zero_division}; its default "warn" acts as 0). The scores come from
 * {@link ConfusionScoring} on the matrix's device in one copy; only formatting happens here.
 *
 * @param names     the listed classes' names, in class order
 * @param precision per listed class, likewise recall, f1 and support
 * @param average   "accuracy" or "micro avg", then "macro avg" and "weighted avg", each an {@link Averages}
 * @param total     the number of samples (the averages' support)
 */
public record ClassificationReport(List<String> names, double[] precision, double[] recall, double[] f1, long[] support,
                                   Map<String, Averages> average, long total) {

    /** One averaged row of the report, by name. */
    public record Averages(double precision, double recall, double f1) {}

    /** From an INT64 {@code [C, C]} matrix (rows = true class), as {@link ConfusionMatrix#classificationReport}. */
    static ClassificationReport of(Tensor hist, String[] classNames, double zeroDivision, Absent absent) {
        int c = hist.size(0);
        double[] v;
        try (Scope scope = Scope.open()) {
            List<Metric> prf = List.of(Metric.PRECISION, Metric.RECALL, Metric.FSCORE);
            Tensor h = hist.contiguous();
            List<Tensor> parts = new ArrayList<>();
            parts.add(ConfusionScoring.scores(h, new ConfusionScoreSpec(prf, Average.NONE, zeroDivision, absent, 1)));
            for (Average a : new Average[]{Average.MICRO, Average.MACRO, Average.WEIGHTED}) {
                parts.add(ConfusionScoring.scores(h, new ConfusionScoreSpec(prf, a, zeroDivision, absent, 1)));
            }
            parts.add(h.sum(1, false).to(DType.FLOAT64)); // support (exact below 2^53)
            parts.add(h.sum(0, false).to(DType.FLOAT64)); // predicted
            v = Concat.cat(parts, 0).toDoubleArray();
        }
        int avg = 3 * c, sup = avg + 9, prd = sup + c;
        List<String> names = new ArrayList<>();
        List<Integer> listed = new ArrayList<>();
        boolean allPresent = true;
        long total = 0;
        for (int k = 0; k < c; k++) {
            boolean present = v[sup + k] + v[prd + k] > 0;
            allPresent &= present;
            total += (long) v[sup + k];
            if (present || absent == Absent.ZERO_DIVISION) {
                listed.add(k);
                names.add(classNames == null ? String.valueOf(k) : classNames[k]);
            }
        }
        int n = listed.size();
        double[] p = new double[n], r = new double[n], f = new double[n];
        long[] s = new long[n];
        for (int i = 0; i < n; i++) {
            int k = listed.get(i);
            p[i] = v[k];
            r[i] = v[c + k];
            f[i] = v[2 * c + k];
            s[i] = (long) v[sup + k];
        }
        Map<String, Averages> a = new LinkedHashMap<>();
        // sklearn prints the micro average as "accuracy" unless labels name a class that never occurs
        a.put(allPresent || absent == Absent.EXCLUDE ? "accuracy" : "micro avg", new Averages(v[avg], v[avg + 1], v[avg + 2]));
        a.put("macro avg", new Averages(v[avg + 3], v[avg + 4], v[avg + 5]));
        a.put("weighted avg", new Averages(v[avg + 6], v[avg + 7], v[avg + 8]));
        return new ClassificationReport(names, p, r, f, s, a, total);
    }

    public ClassificationReport {
        names = List.copyOf(names);
        precision = precision.clone();
        recall = recall.clone();
        f1 = f1.clone();
        support = support.clone();
        average = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(average));
    }

    @Override public double[] precision() { return precision.clone(); }
    @Override public double[] recall() { return recall.clone(); }
    @Override public double[] f1() { return f1.clone(); }
    @Override public long[] support() { return support.clone(); }

    /** sklearn's text with 2 digits. */
    public String text() { return text(2); }

    /** sklearn's text, character for character: {@code classification_report(..., digits=digits)}. */
    public String text(int digits) {
        if (digits < 0) throw new IllegalArgumentException("digits must be >= 0, got " + digits);
        int width = Math.max("weighted avg".length(), digits);
        for (String s : names) width = Math.max(width, s.length());
        StringBuilder sb = new StringBuilder();
        sb.append(right("", width)).append(' ');
        for (String h : new String[]{"precision", "recall", "f1-score", "support"}) sb.append(' ').append(right(h, 9));
        sb.append("\n\n");
        for (int i = 0; i < names.size(); i++) row(sb, names.get(i), new double[]{precision[i], recall[i], f1[i]}, support[i], width, digits);
        sb.append('\n');
        for (Map.Entry<String, Averages> e : average.entrySet()) {
            if (e.getKey().equals("accuracy")) {
                sb.append(right("accuracy", width)).append(' ').append(' ').append(right("", 9)).append(' ').append(right("", 9))
                        .append(' ').append(right(fixed(e.getValue().f1(), digits), 9)).append(' ').append(right(Long.toString(total), 9)).append('\n');
            } else {
                Averages x = e.getValue();
                row(sb, e.getKey(), new double[]{x.precision(), x.recall(), x.f1()}, total, width, digits);
            }
        }
        return sb.toString();
    }

    /**
     * sklearn's {@code output_dict=True}: class name (or average name) to {precision, recall,
     * f1-score, support}, and "accuracy" to a single Double when the micro average is accuracy.
     */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) m.put(names.get(i), entry(precision[i], recall[i], f1[i], support[i]));
        for (Map.Entry<String, Averages> e : average.entrySet()) {
            Averages x = e.getValue();
            m.put(e.getKey(), e.getKey().equals("accuracy") ? (Object) x.precision() : entry(x.precision(), x.recall(), x.f1(), total));
        }
        return m;
    }

    @Override
    public String toString() { return text(); }

    private static Map<String, Object> entry(double p, double r, double f, long s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("precision", p);
        m.put("recall", r);
        m.put("f1-score", f);
        m.put("support", s);
        return m;
    }

    private static void row(StringBuilder sb, String name, double[] prf, long support, int width, int digits) {
        sb.append(right(name, width)).append(' ');
        for (double x : prf) sb.append(' ').append(right(fixed(x, digits), 9));
        sb.append(' ').append(right(Long.toString(support), 9)).append('\n');
    }

    /** Python's {@code format(x, '.{digits}f')}: the exact binary value rounded half to even. */
    static String fixed(double x, int digits) {
        if (Double.isNaN(x)) return "nan";
        if (Double.isInfinite(x)) return x > 0 ? "inf" : "-inf";
        String s = new BigDecimal(x).setScale(digits, RoundingMode.HALF_EVEN).toPlainString();
        return x < 0 || (x == 0 && 1 / x < 0) ? (s.startsWith("-") ? s : "-" + s) : s;
    }

    private static String right(String s, int width) {
        return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
    }
}
