package org.jgrad.metrics;

import java.util.Locale;

/**
 * What {@link SegmentationMetrics#compute()} returns: host doubles. {@code foreground} is the
 * fraction of counted pixels whose target is positive, {@code predictedForeground} the fraction
 * predicted positive; they explain the scores when one side is rare, and are NaN when no pixel
 * was counted. {@code decision} says when a pixel was predicted positive ({@code sigmoid(x) >= 0.5},
 * {@code p > 0.3}, ...).
 */
public record SegmentationScores(double dice, double iou, double accuracy, double precision, double recall,
                                 double foreground, double predictedForeground, String decision) {

    /** Foreground (or background) below this share of the pixels makes accuracy misleading. */
    static final double RARE = 0.10;

    /**
     * A few lines for a log: the five scores and, when the foreground (or the background) is rare,
     * why accuracy and Dice disagree.
     */
    public String report() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "pixel accuracy  %.4f%n", accuracy));
        sb.append(String.format(Locale.ROOT, "Dice (F1)       %.4f%n", dice));
        sb.append(String.format(Locale.ROOT, "IoU (Jaccard)   %.4f%n", iou));
        sb.append(String.format(Locale.ROOT, "precision       %.4f%n", precision));
        sb.append(String.format(Locale.ROOT, "recall          %.4f%n", recall));
        if (Double.isNaN(foreground)) {
            sb.append(String.format(Locale.ROOT, "foreground      no pixels counted (positive when %s): the scores above are the zero-division value%n", decision));
            return sb.toString();
        }
        sb.append(String.format(Locale.ROOT, "foreground      %s of pixels (predicted: %s, positive when %s)%n",
                pct(foreground), pct(predictedForeground), decision));
        if (foreground < RARE) {
            sb.append(String.format(Locale.ROOT,
                    "note: accuracy %.2f but Dice %.2f: foreground is %s of pixels, so predicting background everywhere "
                            + "would already score accuracy %.2f. Dice and IoU ignore the true negatives and measure the "
                            + "foreground alone; judge the model by them (and by precision/recall), not by accuracy.%n",
                    accuracy, dice, pct(foreground), 1 - foreground));
        } else if (foreground > 1 - RARE) {
            sb.append(String.format(Locale.ROOT,
                    "note: background is only %s of pixels: Dice and IoU of the foreground are easy to score high "
                            + "(an all-foreground mask gets Dice %.2f); check precision and the background's scores too.%n",
                    pct(1 - foreground), 2 * foreground / (1 + foreground)));
        }
        return sb.toString();
    }

    private static String pct(double f) {
        if (Double.isNaN(f)) return "n/a";
        double p = 100 * f;
        return String.format(Locale.ROOT, p >= 10 || p == 0 ? "%.0f%%" : p >= 1 ? "%.1f%%" : "%.2f%%", p);
    }
}
