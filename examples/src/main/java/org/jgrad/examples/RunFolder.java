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

    /** The folder of numbered runs when --out is not given, relative to the working directory. */
    static final Path RUNS = Path.of("runs");
    static final String LATEST_LINK = "latest";

    /**
     * Makes the next numbered run folder {@code runs/<name>-NNN} (001, 002, ...; more digits past
     * 999) and points the symbolic link {@code runs/latest} at it. Safe against concurrent runs:
     * under a lock on {@code runs/.lock} (between processes) and a monitor (threads of one JVM),
     * each folder is claimed with an atomic create, and the link is replaced by an atomic rename
     * to the newest folder, so it always names the last run started.
     */
    static Path allocate(Path runs, String name) {
        writing("a new run folder", runs, () -> Files.createDirectories(runs));
        synchronized (RunFolder.class) {
            try (java.nio.channels.FileChannel lock = java.nio.channels.FileChannel.open(runs.resolve(".lock"),
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
                 java.nio.channels.FileLock held = lock.lock()) {
                int n = highestNumber(runs, name);
                while (true) {
                    Path dir = runs.resolve(String.format(java.util.Locale.ROOT, "%s-%03d", name, ++n));
                    try {
                        Files.createDirectory(dir);
                    } catch (java.nio.file.FileAlreadyExistsException taken) {
                        continue; // made by something that does not take the lock: the next number
                    }
                    pointLatest(runs, dir.getFileName());
                    return dir;
                }
            } catch (IOException e) {
                throw new AppException("cannot make a new run folder in " + runs + ": " + reason(e));
            }
        }
    }

    /** The highest NNN of {@code runs/<name>-NNN}, 0 when there is none. */
    static int highestNumber(Path runs, String name) throws IOException {
        java.util.regex.Pattern p = java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(name) + "-(\\d{3,9})");
        int max = 0;
        try (Stream<Path> s = Files.list(runs)) {
            for (Path q : s.toList()) {
                java.util.regex.Matcher m = p.matcher(q.getFileName().toString());
                if (m.matches()) max = Math.max(max, Integer.parseInt(m.group(1)));
            }
        }
        return max;
    }

    /**
     * Replaces {@code runs/latest} with a relative link to {@code target} (a sibling), by renaming
     * a fresh link over it. A real folder named latest (from older versions, which wrote there) is
     * left alone, with a note.
     */
    static void pointLatest(Path runs, Path target) throws IOException {
        Path link = runs.resolve(LATEST_LINK);
        if (Files.isDirectory(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            System.err.println("jgrad: note: " + link + " is a folder, not a link; it was left as it is (the new run is " + runs.resolve(target) + ")");
            return;
        }
        Path tmp = runs.resolve(".latest." + ProcessHandle.current().pid() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createSymbolicLink(tmp, target);
        } catch (UnsupportedOperationException | java.nio.file.FileSystemException e) {
            return; // no symbolic links here (some Windows set-ups): the run still has its numbered folder
        }
        org.jgrad.io.AtomicFiles.move(tmp, link);
    }

    /** The run --resume continues when --out is not given: the folder runs/latest points at. */
    static Path latestRun(Path runs) {
        Path link = runs.resolve(LATEST_LINK);
        if (!Files.exists(link)) {
            throw new AppException("no run to resume: " + link + " does not exist (train without --resume first, or name the run with --out)");
        }
        try {
            return runs.resolve(Files.isSymbolicLink(link) ? Files.readSymbolicLink(link) : Path.of(LATEST_LINK)).normalize();
        } catch (IOException e) {
            throw new AppException("cannot read the link " + link + ": " + reason(e));
        }
    }

    /** A new run in a folder that holds an old one: the old checkpoints go, so --resume never mixes the two. */
    void startFresh(PrintStream out) throws IOException {
        Path cp = checkpoints();
        if (Files.exists(cp.resolve(Checkpoint.LATEST))) {
            out.println("note: " + root + " held checkpoints of an earlier run; starting afresh replaces them (use --resume to continue instead)");
        }
        if (Files.exists(cp)) deleteTree(cp);
    }

    /** Something written to the run folder; its IOException becomes one line naming what and where. */
    @FunctionalInterface
    interface Write {
        void run() throws IOException;
    }

    /**
     * Runs {@code write}; a failure (a full disk, a folder made read-only, ...) becomes one
     * {@link AppException} line: "cannot write WHAT to PATH: REASON".
     */
    static void writing(String what, Path where, Write write) {
        try {
            write.run();
        } catch (IOException e) {
            throw new AppException("cannot write " + what + " to " + where + ": " + reason(e));
        }
    }

    /** The operating system's reason (e.g. "No space left on device") without the path it was given, which the caller names. */
    static String reason(IOException e) {
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) return oneLine(f.getReason());
        if (e instanceof java.nio.file.FileAlreadyExistsException) return "a file of that name is in the way";
        if (e instanceof java.nio.file.NoSuchFileException) return "the folder disappeared";
        return oneLine(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }

    /** The epoch's checkpoint (and the best one under --save-best), with the number that makes it the best so far. */
    void saveCheckpoint(int epochsDone, Options o, Module model, Optimizer opt, Schedule schedule, History history) {
        try {
            writing("the checkpoint of epoch " + epochsDone, checkpoints(), () -> saveCheckpointOrThrow(epochsDone, o, model, opt, schedule, history));
        } catch (AppException e) {
            // each checkpoint is written atomically: the pointer names a complete one; say which
            String held;
            try {
                Path latest = Checkpoint.latest(checkpoints());
                held = latest == null ? "; no checkpoint was written" : "; checkpoints/latest holds " + latest.getFileName();
            } catch (IOException | RuntimeException unreadable) {
                held = "";
            }
            throw new AppException(e.getMessage() + held);
        }
    }

    private void saveCheckpointOrThrow(int epochsDone, Options o, Module model, Optimizer opt, Schedule schedule, History history) throws IOException {
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
        Map<String, Tensor> weights = model.stateDict();
        Checkpoint.save(checkpoints(), epochsDone, weights, state);
        if (o.saveBest != null && isBest(history, o.saveBest)) {
            // best/ holds one checkpoint (best/epoch-NNNN and best/latest): written beside, then swapped in
            Path best = checkpoints().resolve(BEST), next = checkpoints().resolve(".best.next");
            if (Files.exists(next)) deleteTree(next);
            Checkpoint.save(next, epochsDone, weights, state);
            if (Files.exists(best)) deleteTree(best);
            Files.move(next, best);
        }
        if (o.keepLast > 0) pruneCheckpoints(o.keepLast);
    }

    static final String BEST = "best";

    /**
     * Whether the last epoch of {@code history} is strictly the best so far by {@code monitor}
     * (a loss falls, a score rises). Read from the history alone, so a resumed run judges exactly
     * as the uninterrupted one would.
     */
    static boolean isBest(History history, String monitor) {
        boolean maximize = !monitor.contains("loss");
        double last = History.value(history.last(), monitor);
        if (Double.isNaN(last)) return false;
        for (int i = 0; i < history.size() - 1; i++) {
            double v = History.value(history.epochs.get(i), monitor);
            if (!Double.isNaN(v) && (maximize ? v >= last : v <= last)) return false;
        }
        return true;
    }

    /**
     * A checkpoint folder given on the command line: an epoch folder itself, or a folder with a
     * {@code latest} pointer (checkpoints/, checkpoints/best/) whose pointed-at epoch it means.
     */
    static Path checkpointFolder(Path dir) {
        if (Files.isRegularFile(dir.resolve(Checkpoint.LATEST))) {
            try {
                Path p = Checkpoint.latest(dir);
                if (p != null) return p;
            } catch (IOException e) {
                throw new AppException("cannot read the checkpoint pointer in " + dir + ": " + oneLine(e.getMessage()));
            }
        }
        return dir;
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
        c.put("warmup_epochs", o.warmupEpochs);
        c.put("early_stopping", o.earlyStopping);
        c.put("save_best", o.saveBest == null ? "none" : o.saveBest);
        // the convolution's filter gradient adds per-thread partial sums in chunk order: bit-exact resume needs the same count
        c.put("threads", org.jgrad.backend.Parallel.threads());
        c.put("world_size", o.worldSize);
        return c;
    }

    /** Options that do not change a single number of the run, so a resumed run may set them anew. */
    static final List<String> RESUME_MAY_CHANGE = List.of("--workers", "--prefetch", "--progress", "--device", "--out", "--keep-last",
            "--log-every");

    private static final Map<String, String> OPTION_OF = Map.ofEntries(Map.entry("seed", "--seed"), Map.entry("batch_size", "--batch-size"),
            Map.entry("lr", "--lr"), Map.entry("optimizer", "--optimizer"), Map.entry("momentum", "--momentum"), Map.entry("weight_decay", "--weight-decay"),
            Map.entry("nesterov", "--nesterov"), Map.entry("scheduler", "--scheduler"), Map.entry("schedule", "the scheduler's options"),
            Map.entry("epochs", "--epochs"), Map.entry("train_samples", "--train-samples"), Map.entry("val_samples", "--val-samples"),
            Map.entry("data", "--data"), Map.entry("warmup_epochs", "--warmup-epochs"), Map.entry("early_stopping", "--early-stopping"),
            Map.entry("save_best", "--save-best"), Map.entry("threads", "--threads"),
            Map.entry("world_size", "the number of processes (mpirun -np)"));

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
