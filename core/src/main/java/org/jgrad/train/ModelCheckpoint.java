package org.jgrad.train;

import org.jgrad.io.Checkpoint;
import org.jgrad.nn.Module;
import org.jgrad.optim.Optimizer;
import org.jgrad.tensor.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Saves a checkpoint after every epoch under {@code root} ({@code epoch-NNNN} folders written
 * atomically, {@code latest} pointing at the newest): model weights, optimizer and schedule state,
 * the epoch and the history, everything {@link #resume} needs to continue bit for bit. Optionally
 * keeps only the last N epochs, and keeps the best epoch by a monitored value under {@code root/best}.
 * A fit stopped by a non-finite loss writes nothing more, so {@code latest} stays at the last good epoch.
 */
public final class ModelCheckpoint implements Callback {
    /** The state entry recording how many processes trained: a resume must use as many (the data order and step depend on it). */
    static final String WORLD_SIZE = "world_size";

    private final Path root;
    private final LrSchedule schedule;
    private int keepLast = 0;
    private String monitor;
    private boolean maximize;
    private double best = Double.NaN;

    public ModelCheckpoint(Path root, LrSchedule schedule) {
        this.root = root;
        this.schedule = schedule;
    }

    /** Keeps the newest {@code n} epoch folders (0: all). */
    public ModelCheckpoint keepLast(int n) {
        if (n < 0) throw new IllegalArgumentException("keepLast must be >= 0, got " + n);
        this.keepLast = n;
        return this;
    }

    /** Also saves the best epoch by {@code monitor} ("val_loss" falls, scores such as "val.accuracy" rise) under root/best. */
    public ModelCheckpoint saveBest(String monitor) {
        this.monitor = monitor;
        this.maximize = !monitor.contains("loss");
        return this;
    }

    public Path root() { return root; }

    /** A resumed fit: the best value so far is the best of the checkpoint's history. */
    @Override
    public void onFitStart(FitState state) {
        best = Double.NaN;
        if (monitor == null) return;
        for (Map<String, Object> row : state.history().epochs) {
            double v = History.value(row, monitor);
            if (!Double.isNaN(v) && (Double.isNaN(best) || (maximize ? v > best : v < best))) best = v;
        }
    }

    @Override
    public void onEpochEnd(FitState state, Map<String, Object> row) {
        int done = state.epoch() + 1;
        try {
            Map<String, Object> st = state(done, state.optimizer(), state.history());
            st.put(WORLD_SIZE, state.worldSize());
            Checkpoint.save(root, done, state.model().stateDict(), st);
            if (monitor != null) {
                double v = History.value(row, monitor);
                if (!Double.isNaN(v) && (Double.isNaN(best) || (maximize ? v > best : v < best))) {
                    best = v;
                    Path b = root.resolve("best");
                    if (Files.exists(b)) deleteTree(b);
                    Checkpoint.save(b, done, state.model().stateDict(), st);
                }
            }
            if (keepLast > 0) prune();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a checkpoint under " + root + ": " + e.getMessage(), e);
        }
    }

    private Map<String, Object> state(int done, Optimizer opt, History history) {
        Map<String, Object> st = new LinkedHashMap<>();
        st.put("epoch", done);
        st.put("optimizer", opt.stateDict());
        st.put("scheduler", new LinkedHashMap<>(schedule.stateDict()));
        st.put("history", history.epochs);
        return st;
    }

    private void prune() throws IOException {
        List<Path> folders;
        try (Stream<Path> s = Files.list(root)) {
            folders = s.filter(p -> Files.isDirectory(p) && p.getFileName().toString().matches("epoch-\\d{4,}"))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
        }
        for (int i = 0; i < folders.size() - keepLast; i++) deleteTree(folders.get(i));
    }

    /** What {@link #resume} restored. */
    public record Resumed(Path folder, int epochsDone, History history) {}

    /**
     * Loads the checkpoint {@code latest} points at under {@code root} into the model, optimizer
     * and schedule; pass its epoch and history to {@link Trainer#fit(Module, org.jgrad.data.DataLoader, org.jgrad.data.DataLoader, int, History)}.
     * Returns null when there is no checkpoint.
     */
    public static Resumed resume(Path root, Module model, Optimizer opt, LrSchedule schedule) throws IOException {
        return resume(root, model, opt, schedule, 1);
    }

    /**
     * {@link #resume(Path, Module, Optimizer, LrSchedule)} for a fit of {@code worldSize}
     * processes: refuses a checkpoint written by a different number of processes, since each
     * step's global batch and each process's shard of the data depend on it.
     */
    @SuppressWarnings("unchecked")
    public static Resumed resume(Path root, Module model, Optimizer opt, LrSchedule schedule, int worldSize) throws IOException {
        Path dir = Checkpoint.latest(root);
        if (dir == null) return null;
        Checkpoint.Loaded l = Checkpoint.load(dir);
        int recorded = l.state().get(WORLD_SIZE) instanceof Number n ? n.intValue() : 1;
        if (recorded != worldSize) {
            for (Tensor t : l.model().values()) t.close();
            throw new IllegalStateException("checkpoint " + dir + " was written by a fit of " + recorded + " process(es) but this fit "
                    + "has " + worldSize + "; resume with the same number of processes (mpirun -np " + recorded
                    + "), since the global batch and each process's share of the data depend on it");
        }
        try {
            model.loadStateDict(l.model(), true);
            opt.loadStateDict((Map<String, Object>) l.state().get("optimizer"));
            Object ss = l.state().get("scheduler");
            if (ss instanceof Map<?, ?> m && !m.isEmpty()) schedule.loadStateDict((Map<String, Object>) m);
        } finally {
            for (Tensor t : l.model().values()) t.close();
        }
        History h = new History();
        if (l.state().get("history") instanceof List<?> rows) for (Object r : rows) h.add(new LinkedHashMap<>((Map<String, Object>) r));
        return new Resumed(dir, ((Number) l.state().get("epoch")).intValue(), h);
    }

    private static void deleteTree(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
        }
    }
}
