package org.jgrad.examples;

import org.jgrad.train.History;
import org.jgrad.nn.Module;
import org.jgrad.optim.Optimizer;
import org.jgrad.tensor.Tensor;
import org.jgrad.io.Checkpoint;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The output folder of a run: {@code checkpoints/epoch-NNNN} (through {@link Checkpoint}: atomic
 * folders and a {@code latest} pointer), {@code metrics.json} and the PNG plots (each written to
 * a temporary file and renamed). Also the checks that turn a bad folder or a foreign checkpoint
 * into one {@link AppException} line.
 */
final class RunFolder {
    static final String FORMAT = "jgrad-train-1";
    final Path root;

    RunFolder(Path root) { this.root = root; }

    Path checkpoints() { return root.resolve("checkpoints"); }

    Path file(String name) { return root.resolve(name); }

    /**
     * Fails early, before any data is read or anything is created, when the output folder cannot
     * be made or written: it exists as a file, or its nearest existing ancestor is not a writable folder.
     */
    void checkWritable() {
        Path p = root.toAbsolutePath().normalize();
        if (Files.exists(p)) {
            if (!Files.isDirectory(p)) throw new AppException("output folder " + root + " is a file, not a folder");
            if (!Files.isWritable(p)) throw new AppException("output folder " + root + " is not writable");
            return;
        }
        Path q = p.getParent();
        while (q != null && !Files.exists(q)) q = q.getParent();
        if (q == null) throw new AppException("output folder " + root + " cannot be created: no existing parent");
        if (!Files.isDirectory(q)) throw new AppException("output folder " + root + " cannot be created: " + q + " is a file, not a folder");
        if (!Files.isWritable(q)) throw new AppException("output folder " + root + " cannot be created: " + q + " is not writable");
    }

    /** A new run in a folder that holds an old one: the old checkpoints go, so --resume never mixes the two. */
    void startFresh(PrintStream out) throws IOException {
        Path cp = checkpoints();
        if (Files.exists(cp.resolve(Checkpoint.LATEST))) {
            out.println("note: " + root + " held checkpoints of an earlier run; starting afresh replaces them (use --resume to continue instead)");
        }
        if (Files.exists(cp)) deleteTree(cp);
    }

    void saveCheckpoint(int epochsDone, Options o, Module model, Optimizer opt, Schedule schedule, History history) throws IOException {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("format", FORMAT);
        state.put("config", config(o));
        state.put("epoch", epochsDone);
        state.put("optimizer", opt.stateDict());
        state.put("scheduler", schedule.stateDict());
        // The data order of epoch e is a function of (seed, e) alone and no module draws random
        // numbers while training, so the seed and the next epoch are the whole RNG/loader state.
        Map<String, Object> rng = new LinkedHashMap<>();
        rng.put("seed", o.seed);
        rng.put("next_epoch", epochsDone);
        state.put("rng", rng);
        state.put("history", history.epochs);
        Checkpoint.save(checkpoints(), epochsDone, model.stateDict(), state);
        if (o.keepLast > 0) pruneCheckpoints(o.keepLast);
    }

    /** Deletes all but the newest {@code keep} epoch folders; latest always names a kept one (the newest). */
    void pruneCheckpoints(int keep) throws IOException {
        List<Path> folders;
        try (Stream<Path> s = Files.list(checkpoints())) {
            folders = s.filter(p -> Files.isDirectory(p) && p.getFileName().toString().matches("epoch-\\d{4,}"))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
        }
        for (int i = 0; i < folders.size() - keep; i++) deleteTree(folders.get(i));
    }

    static Map<String, Object> config(Options o) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("task", o.task.name().toLowerCase());
        c.put("model", o.modelName());
        c.put("seed", o.seed);
        c.put("batch_size", o.batchSize);
        c.put("optimizer", o.optimizer.name().toLowerCase());
        c.put("lr", o.effectiveLr());
        c.put("momentum", o.momentum);
        c.put("weight_decay", o.weightDecay);
        c.put("nesterov", o.nesterov);
        c.put("scheduler", o.scheduler.name().toLowerCase());
        c.put("schedule", Schedule.describe(o));
        c.put("epochs", o.effectiveEpochs());
        c.put("train_samples", o.effectiveTrainSamples());
        c.put("val_samples", o.effectiveValSamples());
        c.put("data", o.data == null ? "bundled" : o.data.toString());
        c.put("world_size", o.worldSize);
        return c;
    }

    /** Options that do not change a single number of the run, so a resumed run may set them anew. */
    static final List<String> RESUME_MAY_CHANGE = List.of("--workers", "--prefetch", "--progress", "--device", "--out", "--keep-last");

    private static final Map<String, String> OPTION_OF = Map.ofEntries(Map.entry("seed", "--seed"), Map.entry("batch_size", "--batch-size"),
            Map.entry("lr", "--lr"), Map.entry("optimizer", "--optimizer"), Map.entry("momentum", "--momentum"), Map.entry("weight_decay", "--weight-decay"),
            Map.entry("nesterov", "--nesterov"), Map.entry("scheduler", "--scheduler"), Map.entry("schedule", "the scheduler's options"),
            Map.entry("epochs", "--epochs"), Map.entry("train_samples", "--train-samples"), Map.entry("val_samples", "--val-samples"),
            Map.entry("data", "--data"), Map.entry("world_size", "the number of processes (mpirun -np)"));

    /**
     * The options of this invocation that differ from the recorded run, as "--lr 0.1 (recorded
     * 0.05)"; keys an older checkpoint did not record are not compared.
     */
    static List<String> changedOptions(Map<String, Object> recorded, Map<String, Object> now) {
        List<String> r = new ArrayList<>();
        for (Map.Entry<String, String> e : OPTION_OF.entrySet().stream().sorted(Map.Entry.comparingByKey()).toList()) {
            if (!recorded.containsKey(e.getKey())) continue;
            Object a = recorded.get(e.getKey()), b = now.get(e.getKey());
            boolean same = a instanceof Number x && b instanceof Number y ? x.doubleValue() == y.doubleValue() : String.valueOf(a).equals(String.valueOf(b));
            if (!same) r.add(e.getValue() + " is " + b + " (recorded " + a + ")");
        }
        return r;
    }

    record Resumed(Path folder, int epochsDone, History history, Map<String, Object> config) {}

    /** The checkpoint --resume continues from, or evaluate reads. */
    Path latestOrFail() {
        Path dir;
        try {
            dir = Checkpoint.latest(checkpoints());
        } catch (IOException e) {
            throw new AppException("cannot read the checkpoint pointer in " + checkpoints() + ": " + e.getMessage());
        }
        if (dir == null) throw new AppException("no checkpoint to resume from in " + checkpoints() + " (train without --resume first)");
        return dir;
    }

    /** Loads the latest checkpoint into model, optimizer and schedule after checking it belongs to this run's model. */
    Resumed resume(Options o, Module model, Optimizer opt, Schedule schedule) {
        Path dir = latestOrFail();
        Checkpoint.Loaded l = read(dir);
        Map<String, Object> config = checkModel(dir, l, o.task.name().toLowerCase(), o.modelName(), model);
        List<String> changed = changedOptions(config, config(o));
        if (!changed.isEmpty()) {
            for (Tensor t : l.model().values()) t.close();
            throw new CliException("--resume continues the run recorded in " + dir + " exactly, but " + String.join(", ", changed)
                    + "; only " + String.join(", ", RESUME_MAY_CHANGE) + " may change (pass the original options, or train afresh in another --out)");
        }
        int done = ((Number) l.state().get("epoch")).intValue();
        try {
            model.loadStateDict(l.model(), true);
            @SuppressWarnings("unchecked")
            Map<String, Object> os = (Map<String, Object>) l.state().get("optimizer");
            opt.loadStateDict(os);
            @SuppressWarnings("unchecked")
            Map<String, Object> ss = (Map<String, Object>) l.state().get("scheduler");
            if (ss != null && !ss.isEmpty()) schedule.loadStateDict(ss);
        } catch (RuntimeException e) {
            throw new AppException("checkpoint " + dir + " does not fit this run: " + oneLine(e.getMessage()));
        } finally {
            for (Tensor t : l.model().values()) t.close();
        }
        History h = new History();
        if (l.state().get("history") instanceof List<?> rows) {
            for (Object r : rows) {
                @SuppressWarnings("unchecked")
                Map<String, Object> m = (Map<String, Object>) r;
                h.add(new LinkedHashMap<>(m));
            }
        }
        return new Resumed(dir, done, h, config);
    }

    static Checkpoint.Loaded read(Path dir) {
        try {
            return Checkpoint.load(dir);
        } catch (IOException | RuntimeException e) {
            throw new AppException("checkpoint " + dir + " cannot be read: " + oneLine(e.getMessage()));
        }
    }

    /**
     * Checks a loaded checkpoint holds {@code modelName} for {@code task}, by its recorded config
     * and by the names and shapes of its tensors; returns its config.
     */
    static Map<String, Object> checkModel(Path dir, Checkpoint.Loaded l, String task, String modelName, Module model) {
        if (!FORMAT.equals(l.state().get("format")) || !(l.state().get("config") instanceof Map<?, ?> cfg)) {
            throw new AppException("checkpoint " + dir + " was not written by jgrad train (no '" + FORMAT + "' state)");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> config = (Map<String, Object>) cfg;
        Object t = config.get("task"), m = config.get("model");
        if (!task.equals(t) || !modelName.equals(m)) {
            throw new AppException("checkpoint " + dir + " holds a " + m + " model for task " + t + ", but this run builds a " + modelName
                    + " model for task " + task);
        }
        Map<String, Tensor> mine = model.stateDict();
        for (Map.Entry<String, Tensor> e : mine.entrySet()) {
            Tensor theirs = l.model().get(e.getKey());
            if (theirs == null) throw new AppException("checkpoint " + dir + " lacks the model tensor '" + e.getKey() + "'");
            if (!Arrays.equals(theirs.shape(), e.getValue().shape())) {
                throw new AppException("checkpoint " + dir + ": tensor '" + e.getKey() + "' has shape " + Arrays.toString(theirs.shape())
                        + ", the model expects " + Arrays.toString(e.getValue().shape()));
            }
        }
        List<String> extra = new ArrayList<>(l.model().keySet());
        extra.removeAll(mine.keySet());
        if (!extra.isEmpty()) throw new AppException("checkpoint " + dir + " holds tensors this model lacks: " + extra);
        return config;
    }

    static String oneLine(String s) {
        return s == null ? "(no message)" : s.replace('\n', ' ').replace('\r', ' ');
    }

    static void deleteTree(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
        }
    }
}
