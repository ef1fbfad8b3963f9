package org.jgrad.examples;

import org.jgrad.backend.Backends;
import org.jgrad.autograd.Grad;
import org.jgrad.data.Batch;
import org.jgrad.data.DataLoader;
import org.jgrad.data.Dataset;
import org.jgrad.data.Sample;
import org.jgrad.data.Transforms;
import org.jgrad.nn.Module;
import org.jgrad.nn.loss.BCEWithLogitsLoss;
import org.jgrad.nn.loss.CrossEntropyLoss;
import org.jgrad.nn.loss.DiceLoss;
import org.jgrad.nn.loss.Loss;
import org.jgrad.optim.SGD;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Generator;
import org.jgrad.tensor.Scope;
import org.jgrad.tensor.Tensor;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code jgrad train}: the seed's loop in jgrad's API. Per epoch: each batch with its index, the
 * loss on the device, {@code max(outputs, 1)} into the accumulators, a progress display; then
 * validation, the scheduler step, one line, a checkpoint, metrics.json and the plots. At the end
 * the confusion matrix and classification report, or the segmentation report.
 */
final class Trainer {
    private final Options o;
    private final PrintStream out;
    private final RunFolder folder;

    Trainer(Options o, PrintStream out) {
        this.o = o;
        this.out = out;
        this.folder = new RunFolder(o.out);
    }

    /**
     * The device named on the command line ("auto" picks CUDA 0 when usable). Its backend is
     * looked up here, at start-up, so an unusable device fails before any data is read, with
     * the backend's explanation of what is missing.
     */
    static Device device(String name) {
        Device d = name.equals("auto") ? Backends.auto() : Device.parse(name);
        Backends.of(d);
        return d;
    }

    /** The training loss of a task: cross-entropy on class logits; BCE plus soft Dice on mask logits. */
    static Loss lossFor(Options.Task task) {
        return task == Options.Task.CLASSIFY ? new CrossEntropyLoss() : new SumLoss(new BCEWithLogitsLoss(), new DiceLoss(DiceLoss.Mode.BINARY));
    }

    static DataLoader<Sample> loader(Options o, Dataset<Sample> ds, boolean train, Device device) {
        DataLoader.Builder<Sample> b = DataLoader.builder(ds).batchSize(o.batchSize).shuffle(train).seed(o.seed)
                .numWorkers(o.workers).prefetch(o.prefetch).device(device).name(train ? "train" : "val");
        if (o.task == Options.Task.CLASSIFY) b.transform(Transforms.normalize(new double[] {TaskData.MEAN}, new double[] {TaskData.STD}));
        return b.build();
    }

    int run() throws IOException {
        folder.checkWritable();
        Device device = device(o.device);
        TaskData data = TaskData.load(o);
        Module model = Models.build(o, new Generator(o.seed));
        model.to(device);
        Loss lossFn = lossFor(o.task);
        lossFn.to(device);
        SGD opt = new SGD(model.parameters(), o.effectiveLr(), o.momentum, 0, o.weightDecay, o.nesterov);
        Schedule schedule = new Schedule(o, opt);
        History history = new History();
        int start = 0;
        if (o.resume) {
            RunFolder.Resumed r = folder.resume(o, model, opt, schedule);
            start = r.epochsDone();
            history = r.history();
            out.printf(Locale.ROOT, "resuming from %s (epoch %d of %d done)%n", r.folder(), start, o.effectiveEpochs());
        } else {
            folder.startFresh(out);
        }
        int epochs = o.effectiveEpochs();
        out.printf(Locale.ROOT, "jgrad train: task %s, model %s (%,d parameters) on %s%n", o.task.name().toLowerCase(Locale.ROOT), o.modelName(),
                model.numParameters(), device);
        out.printf(Locale.ROOT, "data: %s%n", data.description());
        out.printf(Locale.ROOT, "SGD(lr=%s, momentum=%s, weight_decay=%s%s), %s; batch %d, %d worker(s), seed %d, %d epochs -> %s%n",
                o.effectiveLr(), o.momentum, o.weightDecay, o.nesterov ? ", nesterov" : "", schedule.describe(o), o.batchSize, o.workers,
                o.seed, epochs, o.out);

        EpochMeter lastVal = null;
        try (DataLoader<Sample> trainLoader = loader(o, data.train(), true, device);
             DataLoader<Sample> valLoader = loader(o, data.val(), false, device)) {
            for (int epoch = start; epoch < epochs; epoch++) {
                double lr = opt.paramGroups().get(0).lr();
                long t0 = System.nanoTime();
                Map<String, Object> row = new LinkedHashMap<>();
                try (EpochMeter train = new EpochMeter(o.task)) {
                    model.train();
                    trainEpoch(epoch, epochs, model, lossFn, opt, trainLoader, train, lr);
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    row.put("epoch", epoch + 1);
                    row.put("lr", lr);
                    row.put("train_loss", train.meanLoss());
                    row.put("train", train.scores());
                    row.put("train_seconds", seconds);
                    row.put("train_images_per_second", train.samples() / seconds);
                }
                if (lastVal != null) lastVal.close();
                lastVal = validate(o.task, model, lossFn, valLoader);
                double valLoss = lastVal.meanLoss();
                Map<String, Object> valScores = lastVal.scores();
                row.put("val_loss", valLoss);
                row.put("val", valScores);
                row.put("seconds", (System.nanoTime() - t0) / 1e9);
                schedule.epochEnd(valLoss);
                history.add(row);
                @SuppressWarnings("unchecked")
                Map<String, Object> trainScores = (Map<String, Object>) row.get("train");
                out.printf(Locale.ROOT, "epoch %d/%d  train loss %.4f %s | val loss %.4f %s | lr %.4g | %.1f s (%.0f img/s)%n",
                        epoch + 1, epochs, (Double) row.get("train_loss"), lastVal.brief(trainScores), valLoss, lastVal.brief(valScores), lr,
                        (Double) row.get("seconds"), (Double) row.get("train_images_per_second"));
                folder.saveCheckpoint(epoch + 1, o, model, opt, schedule, history);
                Reports.writeProgress(folder, o, data, device, history, null);
            }
            if (lastVal == null) lastVal = validate(o.task, model, lossFn, valLoader); // resumed after the last epoch
            Map<String, Object> fin = Reports.finalReport(out, lastVal);
            if (o.task == Options.Task.SEGMENT) Reports.segmentationSamples(folder, o, model, data.val(), device);
            Reports.writeProgress(folder, o, data, device, history, fin);
            Reports.confusionPlot(folder, lastVal);
            out.printf(Locale.ROOT, "wrote %s: metrics.json, %s, checkpoints/%n", o.out,
                    o.task == Options.Task.CLASSIFY ? "loss.png, lr.png, confusion_matrix.png" : "loss.png, lr.png, segmentation_samples.png");
        } finally {
            if (lastVal != null) lastVal.close();
            opt.close();
        }
        return 0;
    }

    private void trainEpoch(int epoch, int epochs, Module model, Loss lossFn, SGD opt, DataLoader<Sample> loader, EpochMeter meter, double lr) {
        try (DataLoader.Epoch batches = loader.epoch(epoch);
             Progress progress = new Progress(o.progress, String.format(Locale.ROOT, "epoch %d/%d", epoch + 1, epochs), batches.numBatches(), out)) {
            for (Batch b : batches) {
                try (b; Scope s = Scope.open()) {
                    Tensor inputs = b.inputs(), targets = b.targets();
                    opt.zeroGrad();
                    Tensor outputs = model.forward(inputs);
                    Tensor loss = lossFn.forward(outputs, targets);
                    loss.backward();
                    opt.step();
                    meter.update(loss, outputs, targets, b.size());
                    // the displayed loss costs a device-to-host copy: only when it is shown
                    double shown = progress.willShow(b.index()) ? loss.item() : Double.NaN;
                    progress.step(b.index(), b.size(), shown, lr);
                }
            }
        }
    }

    static EpochMeter validate(Options.Task task, Module model, Loss lossFn, DataLoader<Sample> loader) {
        EpochMeter meter = new EpochMeter(task);
        model.eval();
        try (var off = Grad.off(); DataLoader.Epoch batches = loader.epoch(0)) {
            for (Batch b : batches) {
                try (b; Scope s = Scope.open()) {
                    Tensor outputs = model.forward(b.inputs());
                    Tensor loss = lossFn.forward(outputs, b.targets());
                    meter.update(loss, outputs, b.targets(), b.size());
                }
            }
        }
        return meter;
    }

    /** Per-epoch records, kept in the checkpoint so a resumed run's plots cover every epoch. */
    static final class History {
        final List<Map<String, Object>> epochs = new ArrayList<>();

        void add(Map<String, Object> row) { epochs.add(row); }

        List<Double> series(String key) {
            List<Double> r = new ArrayList<>();
            for (Map<String, Object> e : epochs) r.add(((Number) e.get(key)).doubleValue());
            return r;
        }
    }
}
