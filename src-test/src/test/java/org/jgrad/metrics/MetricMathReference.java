package org.jgrad.metrics;

import org.jgrad.metrics.BinaryScoreSpec.Reduction;
import org.jgrad.metrics.BinaryScoreSpec.Style;
import org.jgrad.metrics.ConfusionScoreSpec.Absent;
import org.jgrad.metrics.ConfusionScoreSpec.Average;

/**
 * The score formulas as plain host loops over long counts, as the library computed them before
 * scores became tensor ops in {@code org.jgrad.metrics}: the reference the tensor formulas must
 * equal bit for bit on the CPU (and to 1e-12 on a device whose reductions add in another order).
 */
public final class MetricMathReference {
    private MetricMathReference() {}

    // ------------------------------------------------------------------ binary

    /** Scores of one (tp, fp, fn, tn); NaN for 0/0 in SMP style (replaced by the caller). */
    public static double binaryScore(BinaryScoreSpec.Metric m, Style style, double eps, double beta,
                                     double tp, double fp, double fn, double tn) {
        double e = style == Style.LEGACY ? eps : 0;
        double b2 = beta * beta;
        return switch (m) {
            case IOU -> (tp + e) / (tp + fp + fn + e);
            case FSCORE -> ((1 + b2) * tp + e) / ((1 + b2) * tp + b2 * fn + fp + e);
            case ACCURACY -> (tp + tn) / (tp + fp + fn + tn);
            case PRECISION -> (tp + e) / (tp + fp + e);
            case RECALL -> (tp + e) / (tp + fn + e);
            case SPECIFICITY -> (tn + e) / (tn + fp + e);
            case BALANCED_ACCURACY -> ((tp + e) / (tp + fn + e) + (tn + e) / (tn + fp + e)) / 2;
            case PREVALENCE -> (tp + fn) / (tp + fp + fn + tn);
            case PREDICTED_RATE -> (tp + fp) / (tp + fp + fn + tn);
        };
    }

    private static double scored(BinaryScoreSpec s, BinaryScoreSpec.Metric m, double tp, double fp, double fn, double tn) {
        return scored(s, m, true, tp, fp, fn, tn);
    }

    /** smp 0.3.2+: every reduction but MICRO replaces a 0/0 by zeroDivision. */
    private static double scored(BinaryScoreSpec s, BinaryScoreSpec.Metric m, boolean substitute, double tp, double fp, double fn, double tn) {
        double v = binaryScore(m, s.style(), s.eps(), s.beta(), tp, fp, fn, tn);
        return substitute && s.style() == Style.SMP && Double.isNaN(v) ? s.zeroDivision() : v;
    }

    /** {@code counts} holds rows x 4 longs (tp, fp, fn, tn); returns {@code spec.outputLength()} doubles. */
    public static double[] binaryScores(long[] counts, BinaryScoreSpec spec) {
        int rows = spec.rows(), n = spec.images(), c = spec.classes();
        if (counts.length != rows * 4) {
            throw new IllegalArgumentException("counts has " + counts.length + " values, expected " + rows + " x 4");
        }
        double[] w = spec.classWeights();
        double wsum = 0;
        if (w != null) for (double x : w) wsum += x;
        double[] out = new double[spec.outputLength()];
        int k = 0;
        for (BinaryScoreSpec.Metric m : spec.metrics()) {
            Reduction r = spec.reduction();
            switch (r) {
                case MICRO -> {
                    double[] s = sumRows(counts, 0, rows, 1);
                    out[k++] = scored(spec, m, spec.microZeroDivision(), s[0], s[1], s[2], s[3]);
                }
                case MACRO, WEIGHTED -> {
                    double acc = 0;
                    for (int j = 0; j < c; j++) {
                        double[] s = sumRows(counts, j, n, c);
                        double v = scored(spec, m, s[0], s[1], s[2], s[3]);
                        acc += w != null ? v * (w[j] / wsum) : v;
                    }
                    out[k++] = r == Reduction.WEIGHTED ? acc : acc / c;
                }
                case MICRO_IMAGEWISE -> {
                    double acc = 0;
                    for (int i = 0; i < n; i++) {
                        double[] s = sumRows(counts, i * c, c, 1);
                        acc += scored(spec, m, s[0], s[1], s[2], s[3]);
                    }
                    out[k++] = acc / n;
                }
                case MACRO_IMAGEWISE, WEIGHTED_IMAGEWISE -> {
                    double acc = 0;
                    for (int j = 0; j < c; j++) {
                        double per = 0;
                        for (int i = 0; i < n; i++) {
                            int o = (i * c + j) * 4;
                            per += scored(spec, m, counts[o], counts[o + 1], counts[o + 2], counts[o + 3]);
                        }
                        per /= n;
                        acc += w != null ? per * (w[j] / wsum) : per;
                    }
                    out[k++] = acc / c;
                }
                case NONE -> {
                    for (int g = 0; g < rows; g++) {
                        int o = g * 4;
                        out[k++] = scored(spec, m, counts[o], counts[o + 1], counts[o + 2], counts[o + 3]);
                    }
                }
            }
        }
        return out;
    }

    /** Sums {@code count} rows starting at {@code first}, {@code step} rows apart. */
    private static double[] sumRows(long[] counts, int first, int count, int step) {
        long tp = 0, fp = 0, fn = 0, tn = 0;
        for (int i = 0, g = first; i < count; i++, g += step) {
            tp += counts[g * 4];
            fp += counts[g * 4 + 1];
            fn += counts[g * 4 + 2];
            tn += counts[g * 4 + 3];
        }
        return new double[]{tp, fp, fn, tn};
    }

    // ------------------------------------------------------------------ confusion matrix

    /** {@code hist} holds C x C longs (rows = true); returns {@code spec.outputLength(C)} doubles. */
    public static double[] confusionScores(long[] hist, int classes, ConfusionScoreSpec spec) {
        int c = classes;
        if (hist.length != c * c) throw new IllegalArgumentException("hist has " + hist.length + " values, expected " + c + " x " + c);
        double[] tp = new double[c], tru = new double[c], pred = new double[c];
        double total = 0;
        for (int i = 0; i < c; i++) {
            for (int j = 0; j < c; j++) {
                double v = hist[i * c + j];
                tru[i] += v;
                pred[j] += v;
                total += v;
            }
            tp[i] = hist[i * c + i];
        }
        double zd = spec.zeroDivision();
        double[] out = new double[spec.outputLength(c)];
        int k = 0;
        for (ConfusionScoreSpec.Metric m : spec.metrics()) {
            switch (m) {
                case ACCURACY -> {
                    double s = 0;
                    for (double v : tp) s += v;
                    out[k++] = total == 0 ? zd : s / total;
                }
                case BALANCED_ACCURACY -> {
                    double s = 0;
                    int present = 0;
                    for (int i = 0; i < c; i++) {
                        if (tru[i] > 0) {
                            s += tp[i] / tru[i];
                            present++;
                        }
                    }
                    out[k++] = present == 0 ? zd : s / present;
                }
                case KAPPA -> out[k++] = kappa(hist, c, tru, pred, total);
                case KAPPA_LINEAR, KAPPA_QUADRATIC -> {
                    double observed = 0, expected = 0;
                    for (int i = 0; i < c; i++) {
                        for (int j = 0; j < c; j++) {
                            double w = m == ConfusionScoreSpec.Metric.KAPPA_QUADRATIC ? (double) (i - j) * (i - j) : Math.abs(i - j);
                            observed += hist[i * c + j] * w;
                            expected += tru[i] * pred[j] / total * w;
                        }
                    }
                    out[k++] = 1 - observed / expected;
                }
                case MCC -> {
                    double correct = 0, tXp = 0, pp = 0, tt = 0;
                    for (int i = 0; i < c; i++) correct += tp[i];
                    for (int i = 0; i < c; i++) tXp += tru[i] * pred[i];
                    for (int i = 0; i < c; i++) pp += pred[i] * pred[i];
                    for (int i = 0; i < c; i++) tt += tru[i] * tru[i];
                    double covTP = correct * total - tXp, nn = total * total;
                    double den = sqrt64(nn - tt) * sqrt64(nn - pp);
                    out[k++] = den == 0 ? 0 : covTP / den;
                }
                case BALANCED_ACCURACY_ADJUSTED -> {
                    double s = 0;
                    int present = 0;
                    for (int i = 0; i < c; i++) {
                        if (tru[i] > 0) {
                            s += tp[i] / tru[i];
                            present++;
                        }
                    }
                    double b = present == 0 ? zd : s / present;
                    double chance = (present == 0 ? 2.0 : 1.0) / present;
                    out[k++] = (b - chance) / (1 - chance);
                }
                case MEAN_IOU -> out[k++] = averaged(ConfusionScoreSpec.Metric.IOU, Average.MACRO, spec, tp, tru, pred, total);
                default -> {
                    if (spec.average() == Average.NONE) {
                        for (int i = 0; i < c; i++) out[k++] = perClass(m, tp[i], tru[i], pred[i], total, zd, spec.beta());
                    } else {
                        out[k++] = averaged(m, spec.average(), spec, tp, tru, pred, total);
                    }
                }
            }
        }
        return out;
    }

    /** precision, recall, F-beta, IoU or specificity of one class (or of pooled counts: total = C·N), scikit-learn style. */
    public static double perClass(ConfusionScoreSpec.Metric m, double tp, double tru, double pred, double total, double zd, double beta) {
        return switch (m) {
            case SPECIFICITY -> {
                double fp = pred - tp, tn = total - tru - fp;
                yield tn + fp == 0 ? zd : tn / (tn + fp);
            }
            case PRECISION -> pred == 0 ? zd : tp / pred;
            case RECALL -> tru == 0 ? zd : tp / tru;
            case IOU -> tru + pred - tp == 0 ? zd : tp / (tru + pred - tp);
            case FSCORE -> {
                double p = pred == 0 ? zd : tp / pred;
                double r = tru == 0 ? zd : tp / tru;
                double b2 = beta * beta;
                double denom = b2 * p + r;
                yield denom == 0 ? 0 : (1 + b2) * p * r / denom;
            }
            default -> throw new IllegalArgumentException(m + " is not a per-class score");
        };
    }

    private static double averaged(ConfusionScoreSpec.Metric m, Average avg, ConfusionScoreSpec spec,
                                   double[] tp, double[] tru, double[] pred, double total) {
        int c = tp.length;
        double zd = spec.zeroDivision();
        switch (avg) {
            case MICRO -> {
                double a = 0, b = 0, d = 0;
                for (int i = 0; i < c; i++) {
                    a += tp[i];
                    b += tru[i];
                    d += pred[i];
                }
                return perClass(m, a, b, d, total * c, zd, spec.beta());
            }
            case WEIGHTED -> {
                double s = 0, wsum = 0;
                for (int i = 0; i < c; i++) {
                    s += tru[i] * perClass(m, tp[i], tru[i], pred[i], total, zd, spec.beta());
                    wsum += tru[i];
                }
                return wsum == 0 ? zd : s / wsum;
            }
            default -> { // MACRO
                double s = 0;
                int used = 0;
                for (int i = 0; i < c; i++) {
                    if (spec.absent() == Absent.EXCLUDE && tru[i] == 0 && pred[i] == 0) continue;
                    s += perClass(m, tp[i], tru[i], pred[i], total, zd, spec.beta());
                    used++;
                }
                return used == 0 ? zd : s / used;
            }
        }
    }

    /** ScoreFormulas.sqrt64: float32 seed, two float64 Newton steps, 0 at 0. */
    private static double sqrt64(double a) {
        if (a == 0) return 0;
        double x = (float) Math.sqrt((float) a);
        for (int i = 0; i < 2; i++) x = (x + a / x) * 0.5;
        return x;
    }

    private static double kappa(long[] hist, int c, double[] tru, double[] pred, double total) {
        if (total == 0) return Double.NaN;
        double observed = 0, expected = 0;
        for (int i = 0; i < c; i++) {
            for (int j = 0; j < c; j++) {
                if (i == j) continue;
                observed += hist[i * c + j];
                expected += tru[i] * pred[j] / total;
            }
        }
        return 1 - observed / expected; // 0/0 -> NaN, as scikit-learn
    }
}
