package org.jgrad.examples;

import org.jgrad.backend.Backends;
import org.jgrad.data.DataLoader;
import org.jgrad.data.Dataset;
import org.jgrad.data.Sample;
import org.jgrad.data.Transforms;
import org.jgrad.distributed.DataParallelStrategy;
import org.jgrad.distributed.ProcessGroup;
import org.jgrad.nn.Module;
import org.jgrad.nn.loss.BCEWithLogitsLoss;
import org.jgrad.nn.loss.CrossEntropyLoss;
import org.jgrad.nn.loss.DiceLoss;
import org.jgrad.nn.loss.Loss;
import org.jgrad.optim.Adam;
import org.jgrad.optim.AdamW;
import org.jgrad.optim.Optimizer;
import org.jgrad.optim.SGD;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Generator;
import org.jgrad.tensor.Tensor;
import org.jgrad.train.Callback;
import org.jgrad.train.CsvLogger;
import org.jgrad.train.EarlyStopping;
import org.jgrad.train.FitState;
import org.jgrad.train.LrWarmup;
import org.jgrad.train.TensorBoardLogger;
import org.jgrad.train.History;
import org.jgrad.train.NonFiniteLossException;
import org.jgrad.train.Strategy;
import org.jgrad.train.Trainer;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * {@code jgrad train}: PyTorch's classic training loop in jgrad's API. Per epoch: each batch with its index, the
 * loss on the device, {@code max(outputs, 1)} into the accumulators, a progress display; then
 * validation, the scheduler step, one line, a checkpoint, metrics.json and the plots. At the end
 * the confusion matrix and classification report, or the segmentation report.
 */
final class TrainCommand {
    private final Options o;
    private final PrintStream out;
    private RunFolder folder;           // known once the run can start (a numbered folder is made then)
    private DataParallelStrategy strategy; // --distributed

    TrainCommand(Options o, PrintStream out) {
        this.o = o;
        this.out = out;
    }

    /**
     * The device named on the command line ("auto" picks CUDA 0 when usable). Its backend is
     * looked up here, at start-up, so an unusable device fails before any data is read, with
     * the backend's explanation of what is missing.
     */
    static Device device(String name) {
        Device d = name.equals("auto") ? Backends.auto() : Device.parse(name);
        try {
            Backends.of(d);
        } catch (IllegalStateException e) {
            throw new AppException(unusableDevice(name, e.getMessage()));
        }
        return d;
    }

    /**
     * A short block for a device that cannot start: the backend's first line (what is missing),
     * a hint, and how to see the full search (the backend's explanation lists every folder).
     */
    static String unusableDevice(String name, String explanation) {
        if (System.getenv("JGRAD_DEBUG") != null) return "--device " + name + ": " + explanation;
        String first = explanation == null ? "unavailable" : explanation.strip().split("\\R", 2)[0];
        int cut = first.indexOf(" Looked for:");
        if (cut > 0) first = first.substring(0, cut);
        if (first.length() > 240) first = first.substring(0, 237) + "...";
        return "--device " + name + ": " + first + "\n"
                + "  hint: install the NVIDIA driver, cuBLAS and cuDNN 9, or set JGRAD_CUDA_LIBS to the folders that hold them;\n"
                + "        --device cpu (or auto) trains on the CPU. JGRAD_DEBUG=1 lists every folder searched.";
    }

    /** The training loss of a task: cross-entropy on class logits; BCE plus soft Dice on mask logits. */
    static Loss lossFor(Options.Task task) {
        return task == Options.Task.CLASSIFY ? new CrossEntropyLoss() : new SumLoss(new BCEWithLogitsLoss(), new DiceLoss(DiceLoss.Mode.BINARY));
    }

    static DataLoader<Sample> loader(Options o, Dataset<Sample> ds, boolean train, Device device) {
        return loader(o, ds, train, device, null);
    }

    /** With a {@code strategy}, the training set is this rank's shard; every rank validates on the whole validation set. */
    static DataLoader<Sample> loader(Options o, Dataset<Sample> ds, boolean train, Device device, DataParallelStrategy strategy) {
        DataLoader.Builder<Sample> b = DataLoader.builder(ds).batchSize(o.batchSize).shuffle(train).seed(o.seed)
                .numWorkers(o.workers).prefetch(o.prefetch).device(device).name(train ? "train" : "val");
        if (o.task == Options.Task.CLASSIFY) b.transform(Transforms.normalize(new double[] {TaskData.MEAN}, new double[] {TaskData.STD}));
        if (train && strategy != null) b.sampler(strategy.sampler(ds.size(), o.seed));
        return b.build();
    }

    /** The optimizer chosen with --optimizer, with PyTorch's defaults for what the command line does not set. */
    static Optimizer optimizer(Options o, Module model) {
        return switch (o.optimizer) {
            case SGD -> new SGD(model.parameters(), o.effectiveLr(), o.momentum, 0, o.weightDecay, o.nesterov);
            case ADAM -> new Adam(model.parameters(), o.effectiveLr(), 0.9, 0.999, 1e-8, o.weightDecay, false);
            case ADAMW -> new AdamW(model.parameters(), o.effectiveLr(), 0.9, 0.999, 1e-8, o.weightDecay, false);
        };
    }

    /** The optimizer as the banner and metrics.json show it, e.g. "SGD(lr=0.05, momentum=0.9, weight_decay=0.0)". */
    static String describeOptimizer(Options o) {
        return switch (o.optimizer) {
            case SGD -> String.format(Locale.ROOT, "SGD(lr=%s, momentum=%s, weight_decay=%s%s)", o.effectiveLr(), o.momentum, o.weightDecay,
                    o.nesterov ? ", nesterov" : "");
            case ADAM, ADAMW -> String.format(Locale.ROOT, "%s(lr=%s, betas=(0.9, 0.999), eps=1e-08, weight_decay=%s)",
                    o.optimizer == Options.OptimizerKind.ADAM ? "Adam" : "AdamW", o.effectiveLr(), o.weightDecay);
        };
    }

    int run() throws IOException {
        if (o.distributed && strategy == null) return runDistributed();
        applyThreads(o.threads);
        if (o.resume && !o.outGiven) o.out = RunFolder.latestRun(RunFolder.RUNS);
        if (o.outGiven || o.resume) new RunFolder(o.out).checkWritable();
        else new RunFolder(RunFolder.RUNS).checkWritable();
        Device device = device(o.device);
        TaskData data = TaskData.load(o);
        // the numbered folder is made only now that the run can start: a bad option or data folder leaves nothing behind
        // (with --distributed rank 0 alone makes it; the other ranks write nothing)
        if (!o.outGiven && !o.resume) o.out = isMain() ? RunFolder.allocate(RunFolder.RUNS, o.effectiveName()) : RunFolder.RUNS;
        folder = new RunFolder(o.out);
        Module model = Models.build(o, new Generator(o.seed));
        model.to(device);
        Loss lossFn = lossFor(o.task);
        lossFn.to(device);
        Optimizer opt = optimizer(o, model);
        Schedule schedule = new Schedule(o, opt);
        History history = new History();
        int start = 0;
        if (o.resume) {
            RunFolder.Resumed r = folder.resume(o, model, opt, schedule);
            start = r.epochsDone();
            history = r.history();
            out.printf(Locale.ROOT, "resuming from %s (epoch %d of %d done)%n", r.folder(), start, o.effectiveEpochs());
        } else if (isMain()) {
            folder.startFresh(out);
        }
        int epochs = o.effectiveEpochs();
        out.printf(Locale.ROOT, "jgrad train: task %s, model %s (%,d parameters) on %s%n", o.task.name().toLowerCase(Locale.ROOT), o.modelName(),
                model.numParameters(), device);
        out.printf(Locale.ROOT, "data: %s%n", data.description());
        out.printf(Locale.ROOT, "%s, %s%s; batch %d, %d worker(s), seed %d, %d epochs%s -> %s%n", describeOptimizer(o), Schedule.describe(o),
                o.warmupEpochs > 0 ? ", warmup " + o.warmupEpochs + " epoch(s)" : "", o.batchSize, o.workers, o.seed, epochs,
                o.earlyStopping > 0 ? " (early stopping after " + o.earlyStopping + " without a better val_loss)" : "", o.out);
        if (strategy != null) out.printf(Locale.ROOT, "data-parallel: %d ranks over %s, batch %d per rank (%d per step)%n", o.worldSize,
                strategy.group().backendName(), o.batchSize, o.batchSize * o.worldSize);

        InterruptNotice interrupted = new InterruptNotice(o, folder, out);
        notice = interrupted;
        boolean main = isMain();
        try (DataLoader<Sample> trainLoader = loader(o, data.train(), true, device, strategy);
             DataLoader<Sample> valLoader = loader(o, data.val(), false, device);
             TensorBoardLogger tensorBoard = main ? openTensorBoard(folder, o.logEvery) : null;
             CsvLogger csv = main ? openCsv(folder, o.logEvery) : null) {
            // every rank: what changes the training (warmup, early stopping on the global val_loss);
            // rank 0 alone: what prints or writes
            Trainer.Builder b = Trainer.builder(lossFn, opt).epochs(epochs).schedule(schedule).metrics(() -> new EpochMeter(o.task))
                    .strategy(strategy != null ? strategy : Strategy.singleProcess())
                    .mainProcessCallback(new ProgressCallback(o.progress, out));
            if (o.warmupEpochs > 0) b.callback(LrWarmup.epochs(o.warmupEpochs, trainLoader.numBatches()));
            b.mainProcessCallback(new EpochEnd(model, opt, schedule, data, device));
            if (main) b.mainProcessCallback(tensorBoard).mainProcessCallback(csv);
            if (o.earlyStopping > 0) b.callback(EarlyStopping.on("val_loss", o.earlyStopping));
            b.mainProcessCallback(interrupted); // after the checkpoint callback: its onFitStart counts the resumed epochs
            try (Trainer trainer = b.build()) {
                lastVal = () -> (EpochMeter) trainer.lastValidation();
                if (main) interrupted.arm();
                try {
                    trainer.fit(model, trainLoader, valLoader, start, history);
                } catch (NonFiniteLossException e) {
                    throw new AppException("training stopped: " + e.getMessage() + "; " + (history.size() == 0 ? "no checkpoint was written"
                            : folder.checkpoints() + "/latest still holds epoch " + history.size()));
                } finally {
                    if (main) interrupted.disarm();
                }
                if (!main) return 0; // rank 0 writes the reports
                EpochMeter finalVal = (EpochMeter) trainer.lastValidation();
                boolean own = finalVal == null;
                if (own) finalVal = (EpochMeter) trainer.evaluate(model, valLoader); // resumed after the last epoch
                try {
                    Map<String, Object> fin = Reports.finalReport(out, finalVal);
                    EpochMeter v = finalVal;
                    History h = history;
                    RunFolder.writing("the final report (metrics.json and the pictures)", o.out, () -> {
                        if (o.task == Options.Task.SEGMENT) {
                            Reports.segmentationSamples(folder, o, model, data.val(), device);
                            PrCurve.Scores pr = PrCurve.write(folder.file(PrCurve.FILE), model, valLoader);
                            fin.put("average_precision", pr.averagePrecision());
                            fin.put("auroc", pr.auroc());
                            out.printf(Locale.ROOT, "validation pixels, %d thresholds: average precision %.4f, AUROC %.4f%n", PrCurve.THRESHOLDS,
                                    pr.averagePrecision(), pr.auroc());
                        }
                        Reports.writeProgress(folder, o, data, device, h, fin);
                        Reports.confusionPlot(folder, v);
                    });
                } finally {
                    if (own) finalVal.close();
                }
            }
            out.printf(Locale.ROOT, "wrote %s: metrics.json, %s, %s, epochs.csv, steps.csv, tensorboard/, checkpoints/%n", o.out,
                    Reports.plotNames(o.task), o.task == Options.Task.CLASSIFY ? "confusion_matrix.png" : "segmentation_samples.png, " + PrCurve.FILE);
        } finally {
            opt.close();
        }
        return 0;
    }

    /**
     * --threads: jgrad's CPU pool reads its size once, when first used; set it before that. In a
     * JVM whose pool already runs (a test, or a library caller) a different count cannot apply.
     */
    static void applyThreads(int threads) {
        if (threads <= 0) return;
        System.setProperty("jgrad.threads", Integer.toString(threads));
        int now = org.jgrad.backend.Parallel.threads();
        if (now != threads) {
            throw new AppException("--threads " + threads + " cannot take effect: jgrad's CPU pool already runs " + now + " thread(s) in this JVM");
        }
    }

    static TensorBoardLogger openTensorBoard(RunFolder folder, int every) {
        TensorBoardLogger[] t = new TensorBoardLogger[1];
        RunFolder.writing("the TensorBoard log", folder.file("tensorboard"), () -> t[0] = new TensorBoardLogger(folder.file("tensorboard"), every));
        return t[0];
    }

    static CsvLogger openCsv(RunFolder folder, int every) {
        CsvLogger[] c = new CsvLogger[1];
        RunFolder.writing("the CSV logs", folder.root, () -> c[0] = new CsvLogger(folder.file("steps.csv"), folder.file("epochs.csv"), every));
        return c[0];
    }

    private java.util.function.Supplier<EpochMeter> lastVal;
    private InterruptNotice notice;

    private boolean isMain() { return strategy == null || strategy.rank() == 0; }

    /**
     * --distributed: every rank of the launch trains on its shard of each epoch; rank 0 alone
     * prints, plots and writes checkpoints (the others run silent). Every rank validates on the
     * whole validation set, so the validation metrics are global as computed; the loss shown is
     * the global mean; the training scores are synced across the ranks' shards.
     */
    private int runDistributed() throws IOException {
        try (ProcessGroup pg = ProcessGroup.fromEnvironment()) {
            o.worldSize = pg.worldSize();
            TrainCommand cmd = pg.rank() == 0 ? this : new TrainCommand(o, new PrintStream(java.io.OutputStream.nullOutputStream()));
            // the training meters hold each rank's shard and are combined; every rank validates on the
            // whole validation set (PyTorch's sampler pads shards with repeated samples, which the
            // metrics would count twice), so the validation meters are not
            cmd.strategy = new DataParallelStrategy(pg).metricSync((m, reducer) -> ((EpochMeter) m).sync(reducer)).shardedValidation(false);
            return cmd.run();
        }
    }

    /** The progress display of each training epoch, fed with the loss only when it will be shown. */
    private static final class ProgressCallback implements Callback {
        private final Options.ProgressMode mode;
        private final PrintStream out;
        private Progress progress;

        ProgressCallback(Options.ProgressMode mode, PrintStream out) {
            this.mode = mode;
            this.out = out;
        }

        @Override
        public void onTrainEpochStart(FitState s) {
            progress = new Progress(mode, String.format(Locale.ROOT, "epoch %d/%d", s.epoch() + 1, s.epochs()), s.numBatches(), out);
        }

        @Override
        public void onBatchEnd(FitState s, Tensor loss, double value, int batchSize) {
            // the displayed loss costs a device-to-host copy: only when it is shown (the NaN check may have made it already)
            double shown = progress.willShow(s.batchIndex()) ? (Double.isNaN(value) ? loss.item() : value) : Double.NaN;
            progress.step(s.batchIndex(), batchSize, shown, s.optimizer().paramGroups().get(0).lr()); // the warmed-up lr during warmup
        }

        @Override
        public void onTrainEpochEnd(FitState s) {
            if (progress != null) progress.close();
            progress = null;
        }
    }

    /** The epoch's line, its checkpoint, metrics.json and the plots. */
    private final class EpochEnd implements Callback {
        private final Module model;
        private final Optimizer opt;
        private final Schedule schedule;
        private final TaskData data;
        private final Device device;

        EpochEnd(Module model, Optimizer opt, Schedule schedule, TaskData data, Device device) {
            this.model = model;
            this.opt = opt;
            this.schedule = schedule;
            this.data = data;
            this.device = device;
        }

        @Override
        public void onEpochEnd(FitState s, Map<String, Object> row) {
            EpochMeter val = lastVal.get();
            @SuppressWarnings("unchecked")
            Map<String, Object> trainScores = (Map<String, Object>) row.get("train");
            @SuppressWarnings("unchecked")
            Map<String, Object> valScores = (Map<String, Object>) row.get("val");
            out.printf(Locale.ROOT, "epoch %d/%d  train loss %.4f %s | val loss %.4f %s | lr %.4g | %.1f s (%.0f img/s)%n",
                    s.epoch() + 1, s.epochs(), (Double) row.get("train_loss"), val.brief(trainScores), (Double) row.get("val_loss"),
                    val.brief(valScores), (Double) row.get("lr"), (Double) row.get("seconds"), (Double) row.get("train_images_per_second"));
            notice.checkpoint(s.epoch() + 1, () -> folder.saveCheckpoint(s.epoch() + 1, o, model, opt, schedule, s.history()));
            if (o.saveBest != null && RunFolder.isBest(s.history(), o.saveBest)) {
                out.printf(Locale.ROOT, "best %s so far: saved to %s%n", o.saveBest, folder.checkpoints().resolve(RunFolder.BEST));
            }
            RunFolder.writing("metrics.json and the plots", o.out, () -> Reports.writeProgress(folder, o, data, device, s.history(), null));
        }

        @Override
        public void onFitEnd(FitState s) {
            if (s.stopRequested()) out.println("stopped: " + s.stopReason());
        }
    }

    static EpochMeter validate(Options.Task task, Module model, Loss lossFn, DataLoader<Sample> loader) {
        return Trainer.evaluate(model, lossFn, loader, new EpochMeter(task));
    }
}
