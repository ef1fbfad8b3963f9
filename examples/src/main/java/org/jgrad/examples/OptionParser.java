package org.jgrad.examples;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Parses the options of {@code jgrad train} / {@code evaluate} / {@code export}. Every mistake (an unknown
 * option, a missing or malformed value, a value out of range) is one {@link CliException} whose
 * message names the option and the value, so the user sees one line and exit code 2.
 * Accepts {@code --name value} and {@code --name=value}.
 */
public final class OptionParser {
    private record Spec(String name, String metavar, String help, BiConsumer<Options, String> set) {
        boolean flag() { return metavar == null; }
    }

    private static final Map<String, Spec> SPECS = new LinkedHashMap<>();

    private static void opt(String name, String metavar, String help, BiConsumer<Options, String> set) {
        SPECS.put(name, new Spec(name, metavar, help, set));
    }

    static {
        opt("--task", "classify|segment", "what to train: a CNN classifier on Fashion-MNIST, or a U-Net segmenter on garments (default classify)",
                (o, v) -> o.task = choice("--task", v, Options.Task.class));
        opt("--epochs", "N", "number of epochs (default 3)", (o, v) -> o.epochs = positiveInt("--epochs", v));
        opt("--batch-size", "N", "samples per batch (default 64)", (o, v) -> o.batchSize = positiveInt("--batch-size", v));
        opt("--workers", "N", "data-loader worker threads, 0 = load on the training thread (default 1)",
                (o, v) -> o.workers = nonNegativeInt("--workers", v));
        opt("--prefetch", "N", "batches each worker prepares ahead (default 2)", (o, v) -> o.prefetch = positiveInt("--prefetch", v));
        opt("--optimizer", "sgd|adam|adamw", "the optimizer; --momentum and --nesterov are SGD's (default sgd)",
                (o, v) -> o.optimizer = choice("--optimizer", v, Options.OptimizerKind.class));
        opt("--lr", "X", "learning rate (default 0.05 for sgd, 0.001 for adam and adamw)", (o, v) -> o.lr = positiveDouble("--lr", v));
        opt("--momentum", "X", "SGD momentum in [0, 1) (default 0.9)", (o, v) -> o.momentum = unitInterval("--momentum", v, false));
        opt("--weight-decay", "X", "weight decay, >= 0: L2 for sgd and adam, decoupled for adamw (default 0)", (o, v) -> o.weightDecay = nonNegativeDouble("--weight-decay", v));
        opt("--nesterov", null, "Nesterov momentum", (o, v) -> o.nesterov = true);
        opt("--scheduler", "none|step|multistep|exponential|cosine|plateau",
                "learning-rate schedule, stepped once per epoch; plateau watches the validation loss (default cosine)",
                (o, v) -> o.scheduler = choice("--scheduler", v, Options.SchedulerKind.class));
        opt("--step-size", "N", "step: epochs between decays (default 2)", (o, v) -> o.stepSize = positiveInt("--step-size", v));
        opt("--milestones", "N,N,...", "multistep: the epochs at which to decay (default 2,4)", (o, v) -> o.milestones = milestones(v));
        opt("--gamma", "X", "step/multistep/exponential: decay factor in (0, 1] (default 0.5)",
                (o, v) -> o.gamma = unitInterval("--gamma", v, true));
        opt("--t-max", "N", "cosine: epochs of one half period (default: --epochs)", (o, v) -> o.tMax = positiveInt("--t-max", v));
        opt("--eta-min", "X", "cosine: the lowest learning rate (default 0)", (o, v) -> o.etaMin = nonNegativeDouble("--eta-min", v));
        opt("--patience", "N", "plateau: epochs without improvement before decaying (default 1)",
                (o, v) -> o.patience = nonNegativeInt("--patience", v));
        opt("--factor", "X", "plateau: decay factor in (0, 1) (default 0.5)", (o, v) -> {
            double f = parseDouble("--factor", v);
            if (!(f > 0 && f < 1)) throw new CliException("--factor must be in (0, 1), got " + v);
            o.factor = f;
        });
        opt("--threshold", "X", "plateau: relative improvement that counts (default 1e-4)",
                (o, v) -> o.threshold = nonNegativeDouble("--threshold", v));
        opt("--min-lr", "X", "plateau: the lowest learning rate (default 0)", (o, v) -> o.minLr = nonNegativeDouble("--min-lr", v));
        opt("--seed", "N", "seed of the weights, the shuffle and the data augmentation (default 42)",
                (o, v) -> o.seed = parseLong("--seed", v));
        opt("--data", "DIR", "folder with the full Fashion-MNIST (train-images-idx3-ubyte.gz, ...); default: the bundled subset",
                (o, v) -> {
                    o.data = path("--data", v);
                    if (java.nio.file.Files.isRegularFile(o.data)) {
                        throw new CliException("--data " + v + " is a file; it must be the folder that holds train-images-idx3-ubyte.gz and the other Fashion-MNIST files");
                    }
                });
        opt("--out", "DIR", "output folder: checkpoints, metrics.json, plots, TensorBoard files (train default: a new runs/NAME-NNN, "
                + "with runs/latest pointing at it; evaluate and export default: runs/latest)", (o, v) -> {
                    o.out = path("--out", v);
                    o.outGiven = true;
                });
        opt("--name", "NAME", "the prefix of the numbered run folder runs/NAME-NNN when --out is not given (default: the task)",
                (o, v) -> o.name = runName(v));
        opt("--device", "auto|cpu|cuda", "where to train: auto picks the GPU when one is usable (default auto)", (o, v) -> {
            String d = v.toLowerCase(Locale.ROOT);
            if (!d.equals("auto") && !d.equals("cpu") && !d.equals("cuda") && !d.matches("cuda:\\d+")) {
                throw new CliException("--device must be auto, cpu, cuda or cuda:N, got '" + v + "'");
            }
            o.device = d;
        });
        opt("--resume", null, "continue the run in --out (default runs/latest) from its latest checkpoint", (o, v) -> o.resume = true);
        opt("--distributed", null, "train data-parallel on the ranks of mpirun -np N (--batch-size per rank); rank 0 writes --out",
                (o, v) -> o.distributed = true);
        opt("--model", "cnn|mlp|unet", "the network: cnn or mlp for classify, unet for segment (default cnn / unet)", (o, v) -> {
            String m = v.toLowerCase(Locale.ROOT);
            if (!m.equals("cnn") && !m.equals("mlp") && !m.equals("unet")) throw new CliException("--model must be cnn, mlp or unet, got '" + v + "'");
            o.model = m;
        });
        opt("--width", "N", "base channel count of the network (default 32 for classify, 8 for segment)",
                (o, v) -> o.width = positiveInt("--width", v));
        opt("--train-samples", "N", "use only the first N training samples (default: all for classify, 2000 for segment)",
                (o, v) -> o.trainSamples = positiveInt("--train-samples", v));
        opt("--val-samples", "N", "use only the first N validation samples (default: all for classify, 500 for segment)",
                (o, v) -> o.valSamples = positiveInt("--val-samples", v));
        opt("--keep-last", "N", "keep only the newest N epoch checkpoints (default: all)", (o, v) -> o.keepLast = positiveInt("--keep-last", v));
        opt("--save-best", "METRIC", "also keep the best epoch by a validation value in checkpoints/best: val_loss, or a score "
                + "(classify: accuracy, balanced_accuracy, macro_f1; segment: dice, iou, pixel_accuracy, precision, recall)",
                (o, v) -> o.saveBest = v.trim());
        opt("--early-stopping", "PATIENCE", "stop when the validation loss has not improved for PATIENCE epochs (default: off)",
                (o, v) -> o.earlyStopping = positiveInt("--early-stopping", v));
        opt("--warmup-epochs", "N", "raise the lr linearly, step by step, to the scheduled lr over the first N epochs (default 0: off)",
                (o, v) -> o.warmupEpochs = nonNegativeInt("--warmup-epochs", v));
        opt("--log-every", "N", "optimizer steps between logged training losses in steps.csv and the TensorBoard files (default 50)",
                (o, v) -> o.logEvery = positiveInt("--log-every", v));
        opt("--threads", "N", "CPU threads of jgrad's kernels (default: one per core, or -Djgrad.threads)",
                (o, v) -> o.threads = positiveInt("--threads", v));
        opt("--progress", "auto|bar|plain|none", "progress display: a bar on a terminal, periodic lines otherwise (default auto)",
                (o, v) -> o.progress = choice("--progress", v, Options.ProgressMode.class));
        opt("--checkpoint", "DIR", "evaluate, export: the checkpoint folder (default: the latest under --out)",
                (o, v) -> o.checkpoint = path("--checkpoint", v));
        opt("--format", "onnx", "export: the file format (default onnx)", (o, v) -> o.format = choice("--format", v, Options.ExportFormat.class));
        opt("--file", "FILE", "export: the file to write (default: model.onnx in --out)", (o, v) -> o.file = path("--file", v));
        opt("--help", null, "this text", (o, v) -> o.help = true);
    }

    /** The options {@code jgrad evaluate} reads; the task and the model come from the checkpoint. */
    private static final java.util.Set<String> EVALUATE = java.util.Set.of("--batch-size", "--workers", "--prefetch", "--data", "--out",
            "--device", "--val-samples", "--checkpoint", "--help", "--progress", "--width", "--model");

    /** The options {@code jgrad export} reads; like evaluate, the model comes from the checkpoint. */
    private static final java.util.Set<String> EXPORT = java.util.Set.of("--out", "--checkpoint", "--format", "--file", "--model", "--width",
            "--help");

    private static boolean takes(String command, String option) {
        return switch (command) {
            case "evaluate" -> EVALUATE.contains(option);
            case "export" -> EXPORT.contains(option);
            default -> !option.equals("--checkpoint") && !option.equals("--format") && !option.equals("--file");
        };
    }

    private OptionParser() {}

    /** Parses {@code args} of sub-command {@code command} ("train", "evaluate" or "export"). */
    public static Options parse(String command, String[] args) {
        if (!command.equals("train") && !command.equals("evaluate") && !command.equals("export")) {
            throw new IllegalArgumentException("OptionParser.parse: command must be train, evaluate or export, got '" + command + "'");
        }
        Options o = new Options();
        o.command = command;
        o.args = List.of(args);
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h")) a = "--help";
            String name = a, value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                name = a.substring(0, eq);
                value = a.substring(eq + 1);
            }
            Spec s = SPECS.get(name);
            if (s == null) {
                if (!a.startsWith("-")) throw new CliException("unexpected argument '" + a + "' for 'jgrad " + command + "'; options start with --");
                throw new CliException("unknown option '" + name + "' for 'jgrad " + command + "'; see: jgrad " + command + " --help");
            }
            if (s.flag()) {
                if (value != null) throw new CliException(name + " takes no value, got '" + value + "'");
            } else if (value == null) {
                if (i + 1 >= args.length) throw new CliException(name + " needs a value (" + s.metavar() + ")");
                value = args[++i];
            }
            if (!takes(command, name)) {
                throw new CliException(name + " is not an option of 'jgrad " + command + "'; see: jgrad " + command + " --help");
            }
            s.set().accept(o, value);
        }
        if (o.model != null) {
            boolean ok = o.task == Options.Task.CLASSIFY ? !o.model.equals("unet") : o.model.equals("unet");
            if (!ok) throw new CliException("--model " + o.model + " does not fit --task " + o.task.name().toLowerCase(Locale.ROOT));
        }
        if (o.saveBest != null) o.saveBest = monitor(o.saveBest, o.task);
        if (o.warmupEpochs > o.effectiveEpochs()) {
            throw new CliException("--warmup-epochs " + o.warmupEpochs + " is more than the run's " + o.effectiveEpochs() + " epochs (--epochs)");
        }
        if (o.nesterov && o.optimizer != Options.OptimizerKind.SGD) throw new CliException("--nesterov is an option of --optimizer sgd");
        if (o.nesterov && o.momentum == 0) throw new CliException("--nesterov needs --momentum above 0 (Nesterov momentum with no momentum does nothing)");
        return o;
    }

    public static String usage(String command) {
        StringBuilder sb = new StringBuilder();
        sb.append("usage: jgrad ").append(command).append(" [options]\n\n");
        for (Spec s : SPECS.values()) {
            if (!takes(command, s.name())) continue;
            String head = "  " + s.name() + (s.flag() ? "" : " " + s.metavar());
            sb.append(head);
            if (head.length() < 30) sb.append(" ".repeat(30 - head.length()));
            else sb.append("\n").append(" ".repeat(30));
            sb.append(s.help()).append('\n');
        }
        return sb.toString();
    }

    private static <E extends Enum<E>> E choice(String name, String v, Class<E> type) {
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(v)) return e;
        }
        List<String> names = new ArrayList<>();
        for (E e : type.getEnumConstants()) names.add(e.name().toLowerCase(Locale.ROOT));
        throw new CliException(name + " must be one of " + String.join(", ", names) + ", got '" + v + "'");
    }

    private static long parseLong(String name, String v) {
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new CliException(name + " needs an integer, got '" + v + "'");
        }
    }

    private static int parseInt(String name, String v) {
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            if (v.trim().matches("[+-]?\\d+")) throw new CliException(name + " must be at most " + Integer.MAX_VALUE + ", got " + v.trim());
            throw new CliException(name + " needs an integer, got '" + v + "'");
        }
    }

    private static int positiveInt(String name, String v) {
        int n = parseInt(name, v);
        if (n <= 0) throw new CliException(name + " must be a positive integer, got " + v);
        return n;
    }

    private static int nonNegativeInt(String name, String v) {
        int n = parseInt(name, v);
        if (n < 0) throw new CliException(name + " must be >= 0, got " + v);
        return n;
    }

    private static double parseDouble(String name, String v) {
        double d;
        try {
            d = Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new CliException(name + " needs a number, got '" + v + "'");
        }
        if (!Double.isFinite(d)) throw new CliException(name + " needs a finite number, got '" + v + "'");
        return d;
    }

    private static double positiveDouble(String name, String v) {
        double d = parseDouble(name, v);
        if (!(d > 0)) throw new CliException(name + " must be > 0, got " + v);
        return d;
    }

    private static double nonNegativeDouble(String name, String v) {
        double d = parseDouble(name, v);
        if (d < 0) throw new CliException(name + " must be >= 0, got " + v);
        return d;
    }

    /** [0, 1) when !closedTop, (0, 1] when closedTop (a decay factor of 0 makes no sense, 1 = no decay). */
    private static double unitInterval(String name, String v, boolean closedTop) {
        double d = parseDouble(name, v);
        boolean ok = closedTop ? d > 0 && d <= 1 : d >= 0 && d < 1;
        if (!ok) throw new CliException(name + " must be in " + (closedTop ? "(0, 1]" : "[0, 1)") + ", got " + v);
        return d;
    }

    private static List<Integer> milestones(String v) {
        List<Integer> r = new ArrayList<>();
        for (String part : v.split(",", -1)) {
            int m = positiveInt("--milestones", part);
            if (!r.isEmpty() && m <= r.get(r.size() - 1)) {
                throw new CliException("--milestones must be increasing, got " + v);
            }
            r.add(m);
        }
        return r;
    }

    /** The validation values --save-best may watch, per task (the names of the epoch line's and metrics.json's scores). */
    static List<String> monitorable(Options.Task task) {
        return task == Options.Task.CLASSIFY ? List.of("val_loss", "accuracy", "balanced_accuracy", "macro_f1")
                : List.of("val_loss", "dice", "iou", "pixel_accuracy", "precision", "recall");
    }

    /** A --save-best value as the trainer's monitor: "val_loss", or "val.NAME" for a score ("accuracy" and "val.accuracy" alike). */
    private static String monitor(String v, Options.Task task) {
        String m = v.toLowerCase(Locale.ROOT);
        if (m.equals("loss")) m = "val_loss";
        if (m.startsWith("val.")) m = m.substring(4);
        if (!monitorable(task).contains(m)) {
            throw new CliException("--save-best must be one of " + String.join(", ", monitorable(task)) + " for --task "
                    + task.name().toLowerCase(Locale.ROOT) + ", got '" + v + "'");
        }
        return m.equals("val_loss") ? m : "val." + m;
    }

    private static String runName(String v) {
        if (!v.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
            throw new CliException("--name must be 1 to 64 letters, digits, '.', '_' or '-' (not starting with '.', '_' or '-'), got '" + v + "'");
        }
        if (v.equals("latest")) throw new CliException("--name latest is taken: runs/latest points at the newest run");
        return v;
    }

    private static Path path(String name, String v) {
        if (v.isBlank()) throw new CliException(name + " needs a folder, got an empty value");
        try {
            return Path.of(v);
        } catch (InvalidPathException e) {
            throw new CliException(name + " is not a valid path: '" + v + "'");
        }
    }
}
