package org.jgrad.examples;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The settings of {@code jgrad train} and {@code jgrad evaluate}, with their defaults. The
 * defaults finish on the bundled data in a few minutes on a 2-core CPU (see examples/APP.md for
 * the measured times). Filled by {@link OptionParser}; plain fields because it is a value bag
 * read by the trainer.
 */
public final class Options {
    public enum Task { CLASSIFY, SEGMENT }

    public enum SchedulerKind { NONE, STEP, MULTISTEP, EXPONENTIAL, COSINE, PLATEAU }

    public enum ProgressMode { AUTO, BAR, PLAIN, NONE }

    public enum OptimizerKind { SGD, ADAM, ADAMW }

    /** The formats {@code jgrad export} writes. */
    public enum ExportFormat { ONNX }

    public String command = "train";
    public Task task = Task.CLASSIFY;
    public int epochs = -1;             // -1: the task's default, see effectiveEpochs()
    public int batchSize = 64;
    public int workers = 1;
    public int prefetch = 2;
    public OptimizerKind optimizer = OptimizerKind.SGD;
    public double lr = -1;              // -1: the optimizer's default
    public double momentum = 0.9;
    public double weightDecay = 0;
    public boolean nesterov = false;
    public SchedulerKind scheduler = SchedulerKind.COSINE; // annealing to a small lr steadies the U-Net's batch-norm statistics
    public int stepSize = 2;
    public List<Integer> milestones = new ArrayList<>(List.of(2, 4));
    public double gamma = 0.5;
    public int tMax = -1;               // -1: the number of epochs
    public double etaMin = 0;
    public int patience = 1;
    public double factor = 0.5;
    public double threshold = 1e-4;
    public double minLr = 0;
    public long seed = 42;
    public Path data = null;            // null: the bundled subset
    /** The output folder; for train without {@code --out} a new numbered folder {@code runs/<name>-NNN} (see {@link RunFolder#allocate}). */
    public Path out = Path.of("runs", "latest");
    /** Whether {@code --out} was given (train: otherwise a numbered folder is made, or --resume continues {@code runs/latest}). */
    public boolean outGiven = false;
    /** train: the prefix of numbered run folders; null means the task ("classify-001"). */
    public String name = null;
    public String device = "auto";
    public boolean resume = false;
    public String model = null;         // null: the task's default (cnn for classify, unet for segment)
    public int width = -1;              // -1: the task's default base channel count
    public int trainSamples = -1;       // -1: the whole training set
    public int valSamples = -1;         // -1: the whole validation set
    public ProgressMode progress = ProgressMode.AUTO;
    public int showSamples = 6;
    public int keepLast = 0;            // 0: keep every epoch's checkpoint
    public int warmupEpochs = 0;        // 0: no warmup; else the lr ramps linearly over this many epochs' steps
    public int earlyStopping = 0;       // 0: off; else the patience in epochs, watching the validation loss
    public String saveBest = null;      // null: off; else the monitored value, e.g. "val_loss" or "val.accuracy"
    public int logEvery = 50;           // optimizer steps between logged step losses (steps.csv, TensorBoard)
    public int threads = 0;             // 0: the JVM's setting (-Djgrad.threads, else one per core)
    /** The command line as given, for the resume hint printed on Ctrl-C. */
    public List<String> args = List.of();
    /** evaluate: the checkpoint folder; null means the latest under {@code out/checkpoints}. */
    public Path checkpoint = null;
    /** export: the format to write. */
    public ExportFormat format = ExportFormat.ONNX;
    /** export: the file to write; null means model.onnx in {@code out}. */
    public Path file = null;
    public boolean help = false;
    /** train: data-parallel over the ranks of an MPI launch (mpirun -np N jgrad train --distributed); --batch-size is per rank. */
    public boolean distributed = false;
    /** train: the number of processes training together, set at start-up (1 unless --distributed). */
    public int worldSize = 1;

    public int effectiveEpochs() { return epochs > 0 ? epochs : 3; }

    /** SGD's 0.05 suits the defaults; Adam's usual 1e-3 for adam and adamw. */
    public double effectiveLr() { return lr > 0 ? lr : optimizer == OptimizerKind.SGD ? 0.05 : 1e-3; }

    /** classify: 32 gives the original conv32-pool-conv64-pool-fc128-fc10. */
    public int effectiveWidth() { return width > 0 ? width : task == Task.CLASSIFY ? 32 : 8; }

    /** The U-Net costs ~20x the CNN per image on a CPU: by default it trains on 2,000 garments, not 6,000. */
    public int effectiveTrainSamples() { return trainSamples > 0 ? trainSamples : task == Task.SEGMENT ? 2000 : -1; }

    public int effectiveValSamples() { return valSamples > 0 ? valSamples : task == Task.SEGMENT ? 500 : -1; }

    public int effectiveTMax() { return tMax > 0 ? tMax : effectiveEpochs(); }

    /** The prefix of a numbered run folder: --name, else the task ("classify", "segment"). */
    public String effectiveName() { return name != null ? name : task.name().toLowerCase(java.util.Locale.ROOT); }

    public String effectiveModel() { return model != null ? model : task == Task.CLASSIFY ? "cnn" : "unet"; }

    /** The architecture and its size, e.g. "cnn-w16": a checkpoint only loads into the same one. */
    public String modelName() { return effectiveModel() + "-w" + effectiveWidth(); }
}
