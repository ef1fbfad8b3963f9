package org.jgrad.examples;

import org.jgrad.data.DataLoader;
import org.jgrad.data.Sample;
import org.jgrad.nn.Module;
import org.jgrad.nn.loss.Loss;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Generator;
import org.jgrad.tensor.Tensor;
import org.jgrad.io.AtomicFiles;
import org.jgrad.io.Checkpoint;
import org.jgrad.io.Json;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code jgrad evaluate}: loads a checkpoint (the latest under {@code --out}, or {@code --checkpoint}),
 * rebuilds its model from the configuration recorded in it, scores the validation set and prints
 * the final report; writes {@code evaluation.json} (and the confusion-matrix / samples picture).
 */
final class Evaluator {
    private final Options o;
    private final PrintStream out;

    Evaluator(Options o, PrintStream out) {
        this.o = o;
        this.out = out;
    }

    int run() throws IOException {
        RunFolder folder = new RunFolder(o.out);
        Path dir = o.checkpoint != null ? RunFolder.checkpointFolder(o.checkpoint) : folder.latestOrFail();
        CheckpointModel cm = load(o, dir);
        Options m = cm.options();
        Module model = cm.model();
        folder.checkWritable();
        Device device = TrainCommand.device(o.device);
        model.to(device);
        TaskData data = TaskData.load(m);
        Loss lossFn = TrainCommand.lossFor(m.task);
        lossFn.to(device);
        out.printf(Locale.ROOT, "jgrad evaluate: %s (%s, task %s) on %s%n", dir, m.modelName(), m.task.name().toLowerCase(Locale.ROOT), device);
        out.printf(Locale.ROOT, "data: %d validation samples of %s%n", data.val().size(), data.source());
        try (DataLoader<Sample> loader = TrainCommand.loader(m, data.val(), false, device);
             EpochMeter val = TrainCommand.validate(m.task, model, lossFn, loader)) {
            out.printf(Locale.ROOT, "validation loss %.4f %s%n", val.meanLoss(), val.brief(val.scores()));
            Map<String, Object> fin = Reports.finalReport(out, val);
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("command", "evaluate");
            j.put("written", Instant.now().toString());
            j.put("checkpoint", dir.toString());
            j.put("config", RunFolder.config(m));
            j.put("data", data.val().size() + " validation samples of " + data.source());
            j.put("device", device.toString());
            j.put("final", fin);
            AtomicFiles.writeString(folder.file("evaluation.json"), Json.pretty(j));
            Reports.confusionPlot(folder, val);
            if (m.task == Options.Task.SEGMENT) Reports.segmentationSamples(folder, m, model, data.val(), device);
            out.printf(Locale.ROOT, "wrote %s%n", folder.file("evaluation.json"));
        }
        return 0;
    }

    /** A checkpoint's model, with the options it was trained with (task, architecture, width). */
    record CheckpointModel(Options options, Module model) {}

    /**
     * Rebuilds the model recorded in checkpoint {@code dir} and loads its weights (on the CPU);
     * {@code o} may ask for a --model / --width, which must then be the checkpoint's.
     */
    static CheckpointModel load(Options o, Path dir) {
        Checkpoint.Loaded l = RunFolder.read(dir);
        if (!(l.state().get("config") instanceof Map<?, ?> cfg)) {
            throw new AppException("checkpoint " + dir + " was not written by jgrad train (no config in state.json)");
        }
        // the model is the checkpoint's: its task and architecture; the user's options pick data, batch, device
        Options m = copyModelOptions(o, cfg, dir);
        Module model = Models.build(m, new Generator(m.seed));
        RunFolder.checkModel(dir, l, m.task.name().toLowerCase(Locale.ROOT), m.modelName(), model);
        try {
            model.loadStateDict(l.model(), true);
        } catch (RuntimeException e) {
            throw new AppException("checkpoint " + dir + " does not fit its model: " + RunFolder.oneLine(e.getMessage()));
        } finally {
            for (Tensor t : l.model().values()) t.close();
        }
        return new CheckpointModel(m, model);
    }

    /** The user's options with the task, model and width the checkpoint was trained with. */
    private static Options copyModelOptions(Options o, Map<?, ?> cfg, Path dir) {
        Options m = new Options();
        m.command = o.command;
        String task = String.valueOf(cfg.get("task"));
        String model = String.valueOf(cfg.get("model"));
        int dash = model.lastIndexOf("-w");
        if (dash < 0) throw new AppException("checkpoint " + dir + " names an unknown model '" + model + "'");
        try {
            m.task = Options.Task.valueOf(task.toUpperCase(Locale.ROOT));
            m.width = Integer.parseInt(model.substring(dash + 2));
        } catch (IllegalArgumentException e) {
            throw new AppException("checkpoint " + dir + " names an unknown task or model: '" + task + "', '" + model + "'");
        }
        m.model = model.substring(0, dash);
        if (o.model != null && !o.model.equals(m.model) || o.width > 0 && o.width != m.width) {
            String asked = (o.model != null ? o.model : m.model) + "-w" + (o.width > 0 ? o.width : m.width);
            throw new AppException("checkpoint " + dir + " holds a " + model + " model, not the " + asked + " asked for");
        }
        m.data = o.data;
        m.batchSize = o.batchSize;
        m.workers = o.workers;
        m.prefetch = o.prefetch;
        m.valSamples = o.valSamples;
        m.seed = cfg.get("seed") instanceof Number n ? n.longValue() : o.seed;
        m.showSamples = o.showSamples;
        m.out = o.out;
        return m;
    }
}
