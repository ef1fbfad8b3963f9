package org.jgrad.examples;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The progress of one epoch: batch index / total, loss, lr, images per second and ETA. On a
 * terminal it is a progress bar (me.tongfei progressbar) redrawn in place; when stdout is a file
 * or a pipe (CI logs) it is a plain line about every tenth of the epoch, so logs stay readable.
 */
final class Progress implements AutoCloseable {
    private final String name;
    private final int total;
    private final PrintStream out;
    private final ProgressBar bar;     // null in plain / none mode
    private final boolean plain;
    private final long start = System.nanoTime();
    private final int every;
    private long images;
    private long lastShown;

    Progress(Options.ProgressMode mode, String name, int total, PrintStream out) {
        this(mode, name, total, out, terminalColumns(System.getenv("COLUMNS")));
    }

    /** {@code columns}: the terminal's width; the bar is drawn one column narrower so it never wraps. */
    Progress(Options.ProgressMode mode, String name, int total, PrintStream out, int columns) {
        this.name = name;
        this.total = total;
        this.out = out;
        Options.ProgressMode m = mode == Options.ProgressMode.AUTO ? (isTerminal() ? Options.ProgressMode.BAR : Options.ProgressMode.PLAIN) : mode;
        this.plain = m == Options.ProgressMode.PLAIN;
        this.every = Math.max(1, (total + 9) / 10);
        this.bar = m == Options.ProgressMode.BAR
                ? new ProgressBarBuilder().setTaskName(name).setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
                        .setUpdateIntervalMillis(250).setConsumer(new ConsoleProgressBarConsumer(out, Math.max(20, columns - 1))).build()
                : null;
    }

    /**
     * The terminal's width: {@code COLUMNS} when it is a number (shells set it, users may), else
     * what {@code stty size} reports for the controlling terminal, else 80.
     */
    static int terminalColumns(String columnsEnv) {
        if (columnsEnv != null) {
            try {
                int c = Integer.parseInt(columnsEnv.trim());
                if (c > 0) return c;
            } catch (NumberFormatException ignored) {
                // not a number: probe instead
            }
        }
        int probed = probeColumns();
        return probed > 0 ? probed : 80;
    }

    private static int probeColumns() {
        java.io.File tty = new java.io.File("/dev/tty");
        if (!tty.exists()) return -1;
        try {
            Process p = new ProcessBuilder("stty", "size").redirectInput(tty).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(1, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroy();
                return -1;
            }
            String[] rowsCols = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).trim().split("\\s+");
            return rowsCols.length == 2 ? Integer.parseInt(rowsCols[1]) : -1;
        } catch (java.io.IOException | NumberFormatException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** stdout is an interactive terminal (Java 22+: a Console exists even when redirected, so ask it). */
    static boolean isTerminal() {
        java.io.Console c = System.console();
        return c != null && c.isTerminal();
    }

    /** Whether step(index, ...) will display its loss (so the caller copies it from the device only then). */
    boolean willShow(int index) {
        int done = index + 1;
        if (bar != null) return done == total || System.nanoTime() - lastShown >= 200_000_000L; // the bar redraws ~4 times a second
        return plain && (done % every == 0 || done == total);
    }

    /** Batch {@code index} (0-based) of {@code batchImages} images finished with this loss at this lr. */
    void step(int index, int batchImages, double loss, double lr) {
        images += batchImages;
        double secs = (System.nanoTime() - start) / 1e9;
        double ips = secs > 0 ? images / secs : 0;
        int done = index + 1;
        if (bar != null) {
            bar.stepTo(done);
            if (!Double.isNaN(loss)) {
                lastShown = System.nanoTime();
                bar.setExtraMessage(String.format(Locale.ROOT, " loss %.4f lr %.3g %.0f img/s", loss, lr, ips));
            }
        } else if (plain && (done % every == 0 || done == total)) {
            double eta = done > 0 ? secs / done * (total - done) : 0;
            out.printf(Locale.ROOT, "%s  batch %d/%d  loss %.4f  lr %.3g  %.0f img/s  ETA %s%n",
                    name, done, total, loss, lr, ips, clock(eta));
            out.flush();
        }
    }

    double seconds() { return (System.nanoTime() - start) / 1e9; }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    @Override
    public void close() {
        if (bar != null) bar.close();
    }
}
