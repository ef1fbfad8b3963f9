package org.jgrad.train;

import org.jgrad.tensor.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Logs a fit to TensorBoard: {@code train/loss_step} every {@code everySteps} optimizer steps,
 * counted from 1 over the whole run ({@code epoch * batches + batch + 1}; the
 * loss is copied from the device only then, unless the trainer's NaN check copied it already),
 * and per epoch {@code epoch/train_loss}, {@code epoch/val_loss}, {@code epoch/lr} and every score
 * ({@code epoch/val_accuracy}, ...), at the epoch number as step. Flushed after each epoch.
 */
public final class TensorBoardLogger implements Callback, AutoCloseable {
    private final TensorBoardWriter writer;
    private final int everySteps;

    public TensorBoardLogger(Path dir, int everySteps) throws IOException {
        if (everySteps < 1) throw new IllegalArgumentException("everySteps must be >= 1, got " + everySteps);
        this.writer = new TensorBoardWriter(dir);
        this.everySteps = everySteps;
    }

    public Path file() { return writer.file(); }

    @Override
    public void onBatchEnd(FitState s, Tensor loss, double value, int batchSize) {
        long step = CsvLogger.step(s); // run-wide, so a resumed run continues the curve instead of restarting at 0
        if (step % everySteps != 0) return;
        double v = Double.isNaN(value) ? loss.item() : value;
        write("train/loss_step", v, step);
    }

    @Override
    public void onEpochEnd(FitState s, Map<String, Object> row) {
        long step = s.epoch() + 1;
        for (Map.Entry<String, Object> e : row.entrySet()) {
            if (e.getKey().equals("epoch")) continue;
            if (e.getValue() instanceof Number n) write("epoch/" + e.getKey(), n.doubleValue(), step);
            if (e.getValue() instanceof Map<?, ?> scores) {
                for (Map.Entry<?, ?> sc : scores.entrySet()) {
                    if (sc.getValue() instanceof Number n) write("epoch/" + e.getKey() + "_" + sc.getKey(), n.doubleValue(), step);
                }
            }
        }
        try {
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void write(String tag, double v, long step) {
        try {
            writer.addScalar(tag, v, step);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the TensorBoard log " + writer.file() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException { writer.close(); }
}
