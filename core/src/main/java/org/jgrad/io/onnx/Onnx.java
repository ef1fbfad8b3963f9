package org.jgrad.io.onnx;

import org.jgrad.autograd.Grad;
import org.jgrad.io.AtomicFiles;
import org.jgrad.nn.Module;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Writes a jgrad model as an ONNX file (opset 17) that ONNX Runtime and other ONNX tools run:
 * the model's evaluation-mode graph (BatchNorm with its running statistics, Dropout as the
 * identity), weights stored in the file, the batch dimension of input and output left dynamic.
 *
 * <pre>{@code
 * Onnx.export(model, Tensor.zeros(DType.FLOAT32, Device.cpu(), 1, 1, 28, 28), Path.of("model.onnx"));
 * }</pre>
 *
 * The example input fixes every dimension but the first. Models built from Sequential, UNet,
 * Linear, Conv2d, ConvTranspose2d, BatchNorm1d/2d, ReLU, Sigmoid, MaxPool2d, AvgPool2d,
 * Upsample, Flatten, Dropout and Identity export; any other layer is an error naming it.
 */
public final class Onnx {
    /** The operator set the exported graphs use. */
    public static final int OPSET = 17;

    private Onnx() {}

    /** Exports with the graph input named "input" and the output "output". */
    public static void export(Module module, Tensor exampleInput, Path path) throws IOException {
        export(module, exampleInput, path, "input", "output");
    }

    /**
     * Exports {@code module} as it computes on inputs shaped like {@code exampleInput} (any batch
     * size). The module is put in eval mode for the export and returned to training mode after
     * if it was in it.
     */
    public static void export(Module module, Tensor exampleInput, Path path, String inputName, String outputName) throws IOException {
        Objects.requireNonNull(path, "path");
        AtomicFiles.write(path, toBytes(module, exampleInput, inputName, outputName));
    }

    /** The ONNX model's bytes, as {@link #export} writes them. */
    public static byte[] toBytes(Module module, Tensor exampleInput, String inputName, String outputName) {
        Objects.requireNonNull(module, "module");
        Objects.requireNonNull(exampleInput, "exampleInput");
        if (inputName == null || inputName.isEmpty() || outputName == null || outputName.isEmpty() || inputName.equals(outputName)) {
            throw new IllegalArgumentException("ONNX export: input and output names must be non-empty and differ, got '"
                    + inputName + "' and '" + outputName + "'");
        }
        if (exampleInput.dtype() != DType.FLOAT32 || exampleInput.dim() < 1) {
            throw new IllegalArgumentException("ONNX export: the example input must be a float32 tensor with a batch dimension, got "
                    + exampleInput.dtype() + " of shape " + java.util.Arrays.toString(exampleInput.shape()));
        }
        boolean wasTraining = module.isTraining();
        module.eval();
        try (var off = Grad.off()) {
            OnnxGraph graph = new OnnxGraph();
            graph.fresh(inputName); // claimed first, so no weight or intermediate value takes either name
            graph.fresh(outputName);
            graph.inputs.add(new OnnxGraph.ValueInfo(inputName, OnnxGraph.FLOAT, batchDynamic(exampleInput)));
            LayerExport.Value out = new LayerExport(graph).emit(module, "", new LayerExport.Value(inputName, exampleInput));
            if (out.name().equals(inputName)) {
                // a model that passes its input through
                graph.nodes.add(new OnnxGraph.Node("Identity", outputName, List.of(inputName), List.of(outputName), List.of()));
            } else {
                graph.renameOutput(out.name(), outputName);
            }
            graph.outputs.add(new OnnxGraph.ValueInfo(outputName, OnnxGraph.FLOAT, batchDynamic(out.example())));
            String version = Objects.requireNonNullElse(Onnx.class.getPackage().getImplementationVersion(), "dev");
            return OnnxEncoding.model(graph, module.getClass().getSimpleName(), OPSET, version, "exported by jgrad from " + module.getClass().getName());
        } finally {
            if (wasTraining) module.train();
        }
    }

    private static Integer[] batchDynamic(Tensor t) {
        Integer[] dims = new Integer[t.dim()];
        for (int d = 1; d < dims.length; d++) dims[d] = t.size(d);
        return dims; // dims[0] stays null: the symbolic batch size
    }
}
