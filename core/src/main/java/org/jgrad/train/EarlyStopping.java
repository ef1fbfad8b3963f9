package org.jgrad.train;

import java.util.Locale;
import java.util.Map;

/**
 * Stops the fit when a monitored value ("val_loss", "val.accuracy", ...) has not improved by more
 * than {@code minDelta} for {@code patience} epochs, as Lightning's EarlyStopping.
 */
public final class EarlyStopping implements Callback {
    private final String monitor;
    private final boolean maximize;
    private final int patience;
    private final double minDelta;
    private double best = Double.NaN;
    private int bad;

    public EarlyStopping(String monitor, boolean maximize, int patience, double minDelta) {
        if (patience < 1) throw new IllegalArgumentException("patience must be >= 1, got " + patience);
        this.monitor = monitor;
        this.maximize = maximize;
        this.patience = patience;
        this.minDelta = minDelta;
    }

    /** The monitored value's direction by its name: losses fall, scores rise. */
    public static EarlyStopping on(String monitor, int patience) {
        return new EarlyStopping(monitor, !monitor.contains("loss"), patience, 0);
    }

    /**
     * A resumed fit starts with the history of its checkpoint: replay it, so the patience counts
     * the epochs before the interruption as the uninterrupted fit would (and a run that had
     * already stopped stays stopped).
     */
    @Override
    public void onFitStart(FitState state) {
        best = Double.NaN;
        bad = 0;
        for (Map<String, Object> row : state.history().epochs) onEpochEnd(state, row);
    }

    @Override
    public void onEpochEnd(FitState state, Map<String, Object> row) {
        double v = History.value(row, monitor);
        if (Double.isNaN(v)) throw new IllegalStateException("early stopping monitors '" + monitor + "', which the epoch did not record");
        if (Double.isNaN(best) || (maximize ? v > best + minDelta : v < best - minDelta)) {
            best = v;
            bad = 0;
        } else if (++bad >= patience) {
            state.requestStop(String.format(Locale.ROOT, "early stopping: %s did not improve on %.6g for %d epoch(s)", monitor, best, patience));
        }
    }

    public double best() { return best; }
}
