package org.jgrad.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One row per finished epoch: {@code epoch} (1-based), {@code lr}, {@code train_loss},
 * {@code train} (scores), {@code train_seconds}, {@code train_images_per_second},
 * {@code val_loss}, {@code val} (scores), {@code seconds}. Kept in checkpoints so a resumed run's
 * logs and plots cover every epoch.
 */
public final class History {
    public final List<Map<String, Object>> epochs = new ArrayList<>();

    public void add(Map<String, Object> row) { epochs.add(row); }

    public int size() { return epochs.size(); }

    public Map<String, Object> last() { return epochs.isEmpty() ? null : epochs.get(epochs.size() - 1); }

    /** A top-level number per epoch, e.g. "train_loss". */
    public List<Double> series(String key) {
        List<Double> r = new ArrayList<>();
        for (Map<String, Object> e : epochs) r.add(value(e, key));
        return r;
    }

    /**
     * A monitored value of a row: a top-level key ("val_loss") or a score as "val.accuracy" /
     * "train.dice"; NaN when absent.
     */
    public static double value(Map<String, Object> row, String key) {
        Object v = row.get(key);
        int dot = key.indexOf('.');
        if (v == null && dot > 0 && row.get(key.substring(0, dot)) instanceof Map<?, ?> m) v = m.get(key.substring(dot + 1));
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }
}
