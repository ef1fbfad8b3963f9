package org.jgrad.metrics;

import java.util.Locale;

/**
 * Draws a confusion matrix in the classic printed layout: a "Predicted" banner over the class columns,
 * a "True" header over the row names, counts right-aligned in equal-width columns.
 * <pre>
 *        Predicted
 * True   cat  dog
 * cat      1    1
 * dog      1    1
 * </pre>
 */
final class ConfusionMatrixFormat {
    private ConfusionMatrixFormat() {}

    static double[][] normalize(long[][] m, Normalize how) {
        int c = m.length;
        double[][] out = new double[c][c];
        double total = 0;
        double[] rows = new double[c], cols = new double[c];
        for (int i = 0; i < c; i++) {
            for (int j = 0; j < c; j++) {
                rows[i] += m[i][j];
                cols[j] += m[i][j];
                total += m[i][j];
            }
        }
        for (int i = 0; i < c; i++) {
            for (int j = 0; j < c; j++) {
                double d = switch (how) {
                    case NONE -> 1;
                    case TRUE -> rows[i];
                    case PRED -> cols[j];
                    case ALL -> total;
                };
                out[i][j] = d == 0 ? 0 : m[i][j] / d;
            }
        }
        return out;
    }

    static String format(long[][] m, String[] names, Normalize how) {
        int c = m.length;
        String[][] cells = new String[c][c];
        double[][] nm = how == Normalize.NONE ? null : normalize(m, how);
        int width = 0;
        for (String n : names) width = Math.max(width, n.length());
        for (int i = 0; i < c; i++) {
            for (int j = 0; j < c; j++) {
                cells[i][j] = nm == null ? Long.toString(m[i][j]) : String.format(Locale.ROOT, "%.2f", nm[i][j]);
                width = Math.max(width, cells[i][j].length());
            }
        }
        int rowHead = "True".length();
        for (String n : names) rowHead = Math.max(rowHead, n.length());
        StringBuilder sb = new StringBuilder();
        sb.append(" ".repeat(rowHead + 2)).append("Predicted");
        if (how != Normalize.NONE) sb.append(" (normalised over ").append(how.name().toLowerCase(Locale.ROOT)).append(")");
        sb.append('\n');
        sb.append(pad("True", rowHead, false));
        for (String n : names) sb.append("  ").append(pad(n, width, true));
        sb.append('\n');
        for (int i = 0; i < c; i++) {
            sb.append(pad(names[i], rowHead, false));
            for (int j = 0; j < c; j++) sb.append("  ").append(pad(cells[i][j], width, true));
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String pad(String s, int w, boolean right) {
        String fill = " ".repeat(Math.max(0, w - s.length()));
        return right ? fill + s : s + fill;
    }
}
