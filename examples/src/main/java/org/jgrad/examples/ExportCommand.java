package org.jgrad.examples;

import org.jgrad.data.GarmentSegmentation;
import org.jgrad.io.onnx.Onnx;
import org.jgrad.nn.Module;
import org.jgrad.tensor.Tensor;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code jgrad export}: writes the model of a checkpoint (the latest under {@code --out}, or
 * {@code --checkpoint}) in another framework's format, today ONNX with the graph input named
 * "input" and the output "output" (any batch size).
 */
final class ExportCommand {
    private final Options o;
    private final PrintStream out;

    ExportCommand(Options o, PrintStream out) {
        this.o = o;
        this.out = out;
    }

    int run() throws IOException {
        Path dir = o.checkpoint != null ? RunFolder.checkpointFolder(o.checkpoint) : new RunFolder(o.out).latestOrFail();
        Evaluator.CheckpointModel cm = Evaluator.load(o, dir);
        Options m = cm.options();
        Path file = o.file != null ? o.file : o.out.resolve("model.onnx");
        // the exporter traces the model on one input of the task's shape; the batch stays dynamic
        try (Tensor example = Tensor.zeros(inputShape(m.task))) {
            Module model = cm.model();
            Onnx.export(model, example, file, "input", "output");
        }
        out.printf(Locale.ROOT, "jgrad export: %s (%s, task %s) -> %s (onnx, input \"input\" %s, output \"output\")%n", dir, m.modelName(),
                m.task.name().toLowerCase(Locale.ROOT), file, shapeText(m.task));
        return 0;
    }

    /** One sample of the task as the model sees it: a normalized 28x28 image, or a garment canvas. */
    static int[] inputShape(Options.Task task) {
        int side = task == Options.Task.CLASSIFY ? 28 : GarmentSegmentation.DEFAULT_CANVAS;
        return new int[] {1, 1, side, side};
    }

    private static String shapeText(Options.Task task) {
        int[] s = inputShape(task);
        return "[N, " + s[1] + ", " + s[2] + ", " + s[3] + "]";
    }
}
