package org.jgrad.examples;

import org.jgrad.data.FashionMnist;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The final report as the user reads it, from an ASYMMETRIC confusion: 3 T-shirts predicted as
 * trousers, 1 trouser as a T-shirt, 2 pullovers right. Rows are the true classes, columns the
 * predicted ones; a transposed print, or supports summed over the wrong axis, fail here.
 */
class FinalReportTest {
    private static final int[][] TRUE_PREDICTED = {{0, 1}, {0, 1}, {0, 1}, {1, 0}, {2, 2}, {2, 2}};

    private static String printed(Map<String, Object>[] fin) {
        int n = TRUE_PREDICTED.length;
        float[] logits = new float[n * 10];
        long[] targets = new long[n];
        for (int i = 0; i < n; i++) {
            targets[i] = TRUE_PREDICTED[i][0];
            logits[i * 10 + TRUE_PREDICTED[i][1]] = 5f; // argmax = the predicted class
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (EpochMeter meter = new EpochMeter(Options.Task.CLASSIFY);
             Tensor out = Tensor.fromArray(logits, n, 10); Tensor y = Tensor.fromArray(targets, n); Tensor loss = Tensor.scalar(0.5)) {
            meter.update(loss, out, y, n);
            fin[0] = Reports.finalReport(new PrintStream(bytes, true, StandardCharsets.UTF_8), meter);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** The numbers after a row's label (labels may hold spaces: "Ankle boot"). */
    private static List<String> row(String text, String label, int from) {
        String[] lines = text.split("\n");
        for (int i = from; i < lines.length; i++) {
            String l = lines[i].strip(); // the report right-aligns its labels
            if (l.startsWith(label + " ")) return Arrays.asList(l.substring(label.length()).trim().split("\\s+"));
        }
        return null;
    }

    private static int lineOf(String text, String startsWith) {
        String[] lines = text.split("\n");
        for (int i = 0; i < lines.length; i++) if (lines[i].startsWith(startsWith)) return i;
        throw new AssertionError("no line starting with '" + startsWith + "' in\n" + text);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theConfusionMatrixPrintsTrueClassesAsRows() {
        Map<String, Object>[] fin = new Map[1];
        String text = printed(fin);
        int matrixAt = lineOf(text, "Confusion matrix");
        assertEquals("Predicted", text.split("\n")[matrixAt + 1].trim(), text);
        long[][] want = new long[10][10];
        for (int[] tp : TRUE_PREDICTED) want[tp[0]][tp[1]]++;
        for (int c = 0; c < 10; c++) {
            List<String> r = row(text, FashionMnist.CLASSES[c], matrixAt + 2);
            assertNotNull(r, FashionMnist.CLASSES[c] + " row in\n" + text);
            long[] got = r.stream().mapToLong(Long::parseLong).toArray();
            assertArrayEquals(want[c], got, "row " + FashionMnist.CLASSES[c] + " (true) across the predicted columns\n" + text);
        }
        // the classification report: support is the row sum (true samples), precision the column's share
        int reportAt = lineOf(text, "              precision");
        List<String> tshirt = row(text, FashionMnist.CLASSES[0], reportAt);
        List<String> trouser = row(text, FashionMnist.CLASSES[1], reportAt);
        List<String> pullover = row(text, FashionMnist.CLASSES[2], reportAt);
        assertEquals(List.of("0.0000", "0.0000", "0.0000", "3"), tshirt, text);
        assertEquals(List.of("0.0000", "0.0000", "0.0000", "1"), trouser, text);
        assertEquals(List.of("1.0000", "1.0000", "1.0000", "2"), pullover, text);
        List<String> acc = row(text, "accuracy", reportAt);
        assertEquals(List.of(String.format(java.util.Locale.ROOT, "%.4f", 2.0 / 6), "6"), acc, text);
        // metrics.json holds the same orientation
        List<Object> rows = (List<Object>) fin[0].get("confusion_matrix");
        assertArrayEquals(want[0], (long[]) rows.get(0));
        assertArrayEquals(want[1], (long[]) rows.get(1));
        List<Object> perClass = (List<Object>) fin[0].get("per_class");
        assertEquals(3L, ((Map<String, Object>) perClass.get(0)).get("support"));
        assertEquals(1L, ((Map<String, Object>) perClass.get(1)).get("support"));
        assertEquals(2.0 / 6, (Double) fin[0].get("accuracy"), 1e-12);
    }
}
