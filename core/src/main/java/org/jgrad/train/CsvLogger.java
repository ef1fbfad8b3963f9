package org.jgrad.train;

import org.jgrad.tensor.Tensor;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Logs a fit as CSV, the format every spreadsheet and {@code pandas.read_csv} reads: one line per
 * {@code everySteps} optimizer steps in the steps file ({@code step,epoch,batch,loss,lr}), one
 * line per epoch in the epochs file (the history row flattened: {@code epoch,lr,train_loss,...,
 * val_accuracy,...}). Steps count from 1 over the whole run ({@code epoch * batches + batch + 1}),
 * so a resumed run continues the numbering; both files are appended to, their header written
 * once. The step loss is copied from the device only on logged steps (unless the trainer's NaN
 * check copied it already). Flushed after each epoch.
 */
public final class CsvLogger implements Callback, AutoCloseable {
    private final BufferedWriter steps, epochs;
    private final int everySteps;
    private final Path stepsFile, epochsFile;
    private final boolean epochsHadHeader;
    private List<String> epochColumns;

    public CsvLogger(Path stepsFile, Path epochsFile, int everySteps) throws IOException {
        if (everySteps < 1) throw new IllegalArgumentException("everySteps must be >= 1, got " + everySteps);
        this.everySteps = everySteps;
        this.stepsFile = stepsFile;
        this.epochsFile = epochsFile;
        boolean stepsHadHeader = Files.size(touch(stepsFile)) > 0;
        this.epochsHadHeader = Files.size(touch(epochsFile)) > 0;
        this.steps = Files.newBufferedWriter(stepsFile, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        this.epochs = Files.newBufferedWriter(epochsFile, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        if (epochsHadHeader) epochColumns = List.of(Files.readAllLines(epochsFile, StandardCharsets.UTF_8).get(0).split(",", -1));
        if (!stepsHadHeader) {
            steps.write("step,epoch,batch,loss,lr\n");
            steps.flush();
        }
    }

    /**
     * A resumed fit starts after its checkpoint's epochs; rows a crashed run wrote for later
     * epochs (the steps past the last checkpoint) are dropped, since the resumed run repeats
     * those steps and would log them twice.
     */
    @Override
    public void onFitStart(FitState s) {
        int done = s.history().size();
        try {
            steps.flush();
            epochs.flush();
            dropRowsAfterEpoch(stepsFile, 1, done);
            dropRowsAfterEpoch(epochsFile, epochColumns == null ? -1 : epochColumns.indexOf("epoch"), done);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Keeps the header and the rows whose (1-based) epoch column is at most {@code done}. */
    private static void dropRowsAfterEpoch(Path file, int column, int done) throws IOException {
        if (column < 0) return;
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String[] cells = lines.get(i).split(",", -1);
            if (i == 0 || cells.length <= column || Double.parseDouble(cells[column]) <= done) kept.add(lines.get(i));
        }
        // the writers append (O_APPEND): after this rewrite they continue at the new end
        if (kept.size() < lines.size()) Files.write(file, kept, StandardCharsets.UTF_8);
    }

    private static Path touch(Path f) throws IOException {
        if (f.getParent() != null) Files.createDirectories(f.getParent());
        if (!Files.exists(f)) Files.createFile(f);
        return f;
    }

    /** The run-wide step number of the current batch, counted from 1. */
    static long step(FitState s) { return (long) s.epoch() * s.numBatches() + s.batchIndex() + 1; }

    @Override
    public void onBatchEnd(FitState s, Tensor loss, double value, int batchSize) {
        long step = step(s);
        if (step % everySteps != 0) return;
        double v = Double.isNaN(value) ? loss.item() : value;
        write(steps, String.format(Locale.ROOT, "%d,%d,%d,%s,%s%n", step, s.epoch() + 1, s.batchIndex(), number(v),
                number(s.optimizer().paramGroups().get(0).lr())));
    }

    @Override
    public void onEpochEnd(FitState s, Map<String, Object> row) {
        Map<String, Double> flat = flatten(row);
        if (epochColumns == null) {
            epochColumns = new ArrayList<>(flat.keySet());
            write(epochs, String.join(",", epochColumns) + "\n");
        }
        StringBuilder line = new StringBuilder();
        for (String c : epochColumns) {
            if (!line.isEmpty()) line.append(',');
            Double v = flat.get(c);
            if (v != null) line.append(number(v));
        }
        write(epochs, line.append('\n').toString());
        try {
            steps.flush();
            epochs.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the CSV logs: " + e.getMessage(), e);
        }
    }

    /** A history row's numbers, scores spelled {@code train_accuracy}, {@code val_dice}, ... */
    static Map<String, Double> flatten(Map<String, Object> row) {
        Map<String, Double> m = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, Object> e : row.entrySet()) {
            if (e.getValue() instanceof Number n) m.put(e.getKey(), n.doubleValue());
            if (e.getValue() instanceof Map<?, ?> scores) {
                for (Map.Entry<?, ?> sc : scores.entrySet()) {
                    if (sc.getValue() instanceof Number n) m.put(e.getKey() + "_" + sc.getKey(), n.doubleValue());
                }
            }
        }
        return m;
    }

    /** Shortest text that reads back as the same double; integers without ".0"; nan/inf as pandas reads them. */
    static String number(double v) {
        if (Double.isNaN(v)) return "nan";
        if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        return Double.toString(v);
    }

    private static void write(BufferedWriter w, String s) {
        try {
            w.write(s);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the CSV logs: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException {
        try (steps; epochs) {
            steps.flush();
            epochs.flush();
        }
    }
}
