package org.jgrad.examples;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressTest {
    private static String render(Options.ProgressMode mode, int total) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (Progress p = new Progress(mode, "epoch 2/5", total, ps, 150)) { // a wide terminal: everything fits
            for (int i = 0; i < total; i++) {
                double loss = p.willShow(i) ? 1.0 / (i + 1) : Double.NaN;
                p.step(i, 8, loss, 0.05);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void plainPrintsAboutEveryTenthAndTheLastBatch() {
        String out = render(Options.ProgressMode.PLAIN, 25); // every ceil(25/10) = 3 batches, and batch 25
        String[] lines = out.split("\n");
        assertEquals(9, lines.length, out); // 3, 6, ..., 24, then 25
        assertTrue(lines[0].matches("epoch 2/5  batch 3/25  loss 0\\.3333  lr 0\\.0500  \\d+ img/s  ETA \\d+:\\d\\d"), lines[0]);
        assertTrue(lines[8].matches("epoch 2/5  batch 25/25  loss 0\\.0400  lr 0\\.0500  \\d+ img/s  ETA 0:00"), lines[8]);
    }

    @Test
    void noneIsSilent() {
        assertEquals("", render(Options.ProgressMode.NONE, 7));
    }

    @Test
    void barShowsIndexTotalLossAndLr() {
        String out = render(Options.ProgressMode.BAR, 12);
        assertTrue(out.contains("epoch 2/5"), out);
        assertTrue(out.contains("12/12"), out);
        assertTrue(out.contains("lr 0.0500") && out.contains("img/s") && out.contains("loss"), out);
        assertFalse(out.contains("NaN"), out);
    }

    @Test
    void barDrawnAt80ColumnsStaysOnOneLine() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (Progress p = new Progress(Options.ProgressMode.BAR, "epoch 12/120", 937, ps, 80)) {
            for (int i = 0; i < 937; i++) p.step(i, 64, i % 50 == 0 || i == 936 ? 2.302585 / (i + 1) : Double.NaN, 0.0123456);
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        String body = out.endsWith("\n") ? out.substring(0, out.length() - 1) : out;
        assertFalse(body.contains("\n"), "one line, redrawn with carriage returns:\n" + out);
        for (String redraw : body.split("\r")) assertTrue(redraw.length() < 80, redraw.length() + " columns: " + redraw);
        assertTrue(out.contains("937/937"), out);
    }

    @Test
    void terminalWidthFromColumnsElseEighty() {
        assertEquals(120, Progress.terminalColumns("120"));
        int fallback = Progress.terminalColumns("wide");
        assertTrue(fallback > 0, "a probe or 80: " + fallback);
    }

    @Test
    void clockFormat() {
        assertEquals("0:00", Progress.clock(0.4));
        assertEquals("1:05", Progress.clock(65));
        assertEquals("1:01:01", Progress.clock(3661));
    }
}
