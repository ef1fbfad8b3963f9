package org.jgrad.io.onnx;

import org.jgrad.io.onnx.OnnxGraph.Attribute;
import org.jgrad.nn.AvgPool2d;
import org.jgrad.nn.BatchNorm;
import org.jgrad.nn.BatchNorm1d;
import org.jgrad.nn.BatchNorm2d;
import org.jgrad.nn.Conv2d;
import org.jgrad.nn.ConvTranspose2d;
import org.jgrad.nn.Dropout;
import org.jgrad.nn.Flatten;
import org.jgrad.nn.Identity;
import org.jgrad.nn.Linear;
import org.jgrad.nn.MaxPool2d;
import org.jgrad.nn.Module;
import org.jgrad.nn.ReLU;
import org.jgrad.nn.Sequential;
import org.jgrad.nn.Sigmoid;
import org.jgrad.nn.UNet;
import org.jgrad.nn.Upsample;
import org.jgrad.ops.Concat;
import org.jgrad.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Translates jgrad layers (in evaluation mode) into ONNX operators. Each layer also runs on the
 * example input, so every value carries a real tensor whose shape tells the translation what
 * it needs (ranks, static sizes) without a separate shape inference. Layers are matched by
 * their exact class: a subclass may compute something else in its forward, so it is refused
 * rather than exported wrongly.
 */
final class LayerExport {
    /** The layers this exporter knows, for the error that names an unknown one. */
    static final String SUPPORTED = "Sequential, UNet, Linear, Conv2d, ConvTranspose2d, BatchNorm1d, BatchNorm2d, ReLU, Sigmoid, "
            + "MaxPool2d, AvgPool2d, Upsample, Flatten, Dropout, Identity";

    /** A value of the graph: its ONNX name and the tensor jgrad computed for the example input. */
    record Value(String name, Tensor example) {}

    private final OnnxGraph graph;

    LayerExport(OnnxGraph graph) { this.graph = graph; }

    /** Emits {@code m} applied to {@code x}; {@code path} is its state-dict prefix ("" for the root). */
    Value emit(Module m, String path, Value x) {
        Class<?> c = m.getClass();
        if (c == Sequential.class) return sequential((Sequential) m, path, x);
        if (c == UNet.class) return unet((UNet) m, path, x);
        if (c == Identity.class || c == Dropout.class) return x; // Dropout is the identity in eval mode
        if (c == ReLU.class) return unary("Relu", m, path, x);
        if (c == Sigmoid.class) return unary("Sigmoid", m, path, x);
        if (c == Linear.class) return linear((Linear) m, path, x);
        if (c == Conv2d.class) return conv((Conv2d) m, path, x);
        if (c == ConvTranspose2d.class) return convTranspose((ConvTranspose2d) m, path, x);
        if (c == BatchNorm1d.class || c == BatchNorm2d.class) return batchNorm((BatchNorm) m, path, x);
        if (c == MaxPool2d.class) return maxPool((MaxPool2d) m, path, x);
        if (c == AvgPool2d.class) return avgPool((AvgPool2d) m, path, x);
        if (c == Upsample.class) return upsample((Upsample) m, path, x);
        if (c == Flatten.class) return flatten((Flatten) m, path, x);
        throw new UnsupportedOperationException("ONNX export: layer " + c.getSimpleName() + " (" + c.getName() + ") at "
                + (path.isEmpty() ? "the model's root" : "'" + path + "'") + " has no ONNX translation; supported layers: " + SUPPORTED);
    }

    private Value sequential(Sequential s, String path, Value x) {
        for (int i = 0; i < s.size(); i++) x = emit(s.get(i), child(path, Integer.toString(i)), x);
        return x;
    }

    /**
     * The U-Net's data flow, as {@link UNet#forward}: encoder levels with pooling between them,
     * then per decoder level an upsampling, a channel concatenation with the encoder's output of
     * that level (skip first) and a decoder block, then the head. Its children are named enc{l},
     * pool{l}, up{l}, dec{l} and head.
     */
    private Value unet(UNet u, String path, Value x) {
        var kids = u.children();
        int depth = 0;
        while (kids.containsKey("enc" + depth)) depth++;
        List<Value> skips = new ArrayList<>();
        for (int level = 0; level < depth; level++) {
            x = emit(kids.get("enc" + level), child(path, "enc" + level), x);
            if (level < depth - 1) {
                skips.add(x);
                x = emit(kids.get("pool" + level), child(path, "pool" + level), x);
            }
        }
        for (int level = depth - 2; level >= 0; level--) {
            Value up = emit(kids.get("up" + level), child(path, "up" + level), x);
            Value skip = skips.get(level);
            String cat = graph.node("Concat", child(path, "cat" + level), List.of(skip.name(), up.name()), Attribute.ofInt("axis", 1));
            x = new Value(cat, Concat.cat(1, skip.example(), up.example()));
            x = emit(kids.get("dec" + level), child(path, "dec" + level), x);
        }
        return emit(kids.get("head"), child(path, "head"), x);
    }

    private Value unary(String op, Module m, String path, Value x) {
        return new Value(graph.node(op, hint(path, op), List.of(x.name())), m.forward(x.example()));
    }

    private Value linear(Linear l, String path, Value x) {
        Tensor y = l.forward(x.example());
        Tensor w = l.weight(), b = l.bias();
        if (x.example().dim() == 2) { // Gemm: x Wᵀ + b with the weight stored as jgrad holds it
            List<String> in = new ArrayList<>(List.of(x.name(), weight(path, "weight", w)));
            if (b != null) in.add(weight(path, "bias", b));
            return new Value(graph.node("Gemm", hint(path, "Gemm"), in, Attribute.ofInt("transB", 1)), y);
        }
        // MatMul broadcasts over leading dimensions, where Gemm takes only matrices
        String wt = graph.floats(child(path, "weight_t"), w.t().contiguous().toFloatArray(), w.size(1), w.size(0));
        String mm = graph.node("MatMul", hint(path, "MatMul"), List.of(x.name(), wt));
        if (b == null) return new Value(mm, y);
        return new Value(graph.node("Add", hint(path, "Add"), List.of(mm, weight(path, "bias", b))), y);
    }

    private Value conv(Conv2d c, String path, Value x) {
        Tensor w = c.weight();
        List<String> in = new ArrayList<>(List.of(x.name(), weight(path, "weight", w)));
        if (c.bias() != null) in.add(weight(path, "bias", c.bias()));
        String out = graph.node("Conv", hint(path, "Conv"), in,
                Attribute.ofInts("kernel_shape", w.size(2), w.size(3)), Attribute.ofInts("strides", c.stride()),
                Attribute.ofInts("pads", pads(c.padding())), Attribute.ofInts("dilations", c.dilation()),
                Attribute.ofInt("group", c.groups()));
        return new Value(out, c.forward(x.example()));
    }

    private Value convTranspose(ConvTranspose2d c, String path, Value x) {
        Tensor w = c.weight();
        List<String> in = new ArrayList<>(List.of(x.name(), weight(path, "weight", w)));
        if (c.bias() != null) in.add(weight(path, "bias", c.bias()));
        String out = graph.node("ConvTranspose", hint(path, "ConvTranspose"), in,
                Attribute.ofInts("kernel_shape", w.size(2), w.size(3)), Attribute.ofInts("strides", c.stride()),
                Attribute.ofInts("pads", pads(c.padding())), Attribute.ofInts("output_padding", c.outputPadding()),
                Attribute.ofInts("dilations", c.dilation()), Attribute.ofInt("group", c.groups()));
        return new Value(out, c.forward(x.example()));
    }

    private Value batchNorm(BatchNorm bn, String path, Value x) {
        if (!bn.tracksRunningStats()) {
            throw new UnsupportedOperationException("ONNX export: " + bn.getClass().getSimpleName() + " at '" + path
                    + "' keeps no running statistics, so even in eval mode it normalises with each batch's own; "
                    + "ONNX BatchNormalization needs fixed statistics");
        }
        int n = bn.runningMean().numel();
        float[] ones = new float[n];
        Arrays.fill(ones, 1f);
        String scale = bn.weight() != null ? weight(path, "weight", bn.weight()) : graph.floats(child(path, "weight"), ones, n);
        String shift = bn.bias() != null ? weight(path, "bias", bn.bias()) : graph.floats(child(path, "bias"), new float[n], n);
        String out = graph.node("BatchNormalization", hint(path, "BatchNormalization"),
                List.of(x.name(), scale, shift, weight(path, "running_mean", bn.runningMean()), weight(path, "running_var", bn.runningVar())),
                Attribute.ofFloat("epsilon", (float) bn.eps()));
        return new Value(out, bn.forward(x.example()));
    }

    private Value maxPool(MaxPool2d p, String path, Value x) {
        Tensor y = p.forward(x.example());
        String out = graph.node("MaxPool", hint(path, "MaxPool"), List.of(x.name()),
                Attribute.ofInts("kernel_shape", p.kernelSize()), Attribute.ofInts("strides", p.stride()),
                Attribute.ofInts("pads", pads(p.padding())), Attribute.ofInts("dilations", p.dilation()),
                Attribute.ofInt("ceil_mode", p.ceilMode() ? 1 : 0));
        return new Value(dropExtraWindows(out, path, x.example(), y, p.kernelSize(), p.stride(), p.padding(), p.dilation(), p.ceilMode()), y);
    }

    /**
     * AveragePool. In ceil mode with padding counted, a window hanging over the far edge is
     * divided by its part inside input and padding in jgrad (as PyTorch), by the whole kernel in
     * ONNX Runtime; a constant factor per output position (the spatial sizes are fixed) turns
     * the one into the other. (An explicit Pad with uncounted padding would say it directly,
     * but ONNX Runtime fuses such a Pad into the pool and then leaves the zeros out.)
     */
    private Value avgPool(AvgPool2d p, String path, Value x) {
        Tensor y = p.forward(x.example());
        int[] k = p.kernelSize(), s = p.stride(), pad = p.padding();
        String out = graph.node("AveragePool", hint(path, "AveragePool"), List.of(x.name()),
                Attribute.ofInts("kernel_shape", k), Attribute.ofInts("strides", s),
                Attribute.ofInts("pads", pads(pad)), Attribute.ofInt("ceil_mode", p.ceilMode() ? 1 : 0),
                Attribute.ofInt("count_include_pad", p.countIncludePad() ? 1 : 0));
        out = dropExtraWindows(out, path, x.example(), y, k, s, pad, new int[]{1, 1}, p.ceilMode());
        if (p.ceilMode() && p.countIncludePad()) {
            int oh = y.size(2), ow = y.size(3);
            float[] factor = new float[oh * ow];
            boolean needed = false;
            for (int i = 0; i < oh; i++) {
                int rows = Math.min(i * s[0] - pad[0] + k[0], x.example().size(2) + pad[0]) - (i * s[0] - pad[0]);
                for (int j = 0; j < ow; j++) {
                    int cols = Math.min(j * s[1] - pad[1] + k[1], x.example().size(3) + pad[1]) - (j * s[1] - pad[1]);
                    factor[i * ow + j] = (float) (k[0] * k[1]) / (rows * cols);
                    needed |= rows * cols != k[0] * k[1];
                }
            }
            if (needed) out = graph.node("Mul", hint(path, "Mul"), List.of(out, graph.floats(child(path, "divisor_fix"), factor, oh, ow)));
        }
        return new Value(out, y);
    }

    /**
     * In ceil mode jgrad (as PyTorch) drops a last window that would start inside the far
     * padding; ONNX's output-size formula keeps it. Where the sizes differ, a Slice keeps
     * jgrad's rows and columns.
     */
    private String dropExtraWindows(String pooled, String path, Tensor x, Tensor y, int[] k, int[] s, int[] p, int[] d, boolean ceil) {
        int extraH = onnxPoolSize(x.size(2), k[0], s[0], p[0], d[0], ceil) - y.size(2);
        int extraW = onnxPoolSize(x.size(3), k[1], s[1], p[1], d[1], ceil) - y.size(3);
        if (extraH < 0 || extraW < 0) throw new IllegalStateException("ONNX export: pooling at '" + path + "' would give fewer windows than jgrad");
        if (extraH == 0 && extraW == 0) return pooled;
        return graph.node("Slice", hint(path, "Slice"), List.of(pooled, graph.int64s(child(path, "starts"), 0, 0),
                graph.int64s(child(path, "ends"), y.size(2), y.size(3)), graph.int64s(child(path, "axes"), 2, 3)));
    }

    private static int onnxPoolSize(int in, int k, int s, int p, int d, boolean ceil) {
        int span = in + 2 * p - ((k - 1) * d + 1);
        return (ceil ? Math.ceilDiv(span, s) : Math.floorDiv(span, s)) + 1;
    }

    /**
     * Resize in nearest mode with source index floor(dst / scale) ("asymmetric", "floor"), which
     * is jgrad's (and PyTorch's) rule. A fixed output size becomes a sizes input built at run time
     * from the input's own batch and channel counts, so the batch stays dynamic.
     */
    private Value upsample(Upsample u, String path, Value x) {
        Attribute[] attrs = {Attribute.ofString("mode", "nearest"), Attribute.ofString("coordinate_transformation_mode", "asymmetric"),
                Attribute.ofString("nearest_mode", "floor")};
        String out;
        if (u.size() != null) {
            int[] size = u.size();
            String nc = graph.node("Shape", hint(path, "Shape"), List.of(x.name()), Attribute.ofInt("start", 0), Attribute.ofInt("end", 2));
            String hw = graph.int64s(child(path, "size"), size[0], size[1]);
            String sizes = graph.node("Concat", hint(path, "sizes"), List.of(nc, hw), Attribute.ofInt("axis", 0));
            out = graph.node("Resize", hint(path, "Resize"), List.of(x.name(), "", "", sizes), attrs);
        } else {
            double[] s = u.scaleFactor();
            String scales = graph.floats(child(path, "scales"), new float[]{1f, 1f, (float) s[0], (float) s[1]}, 4);
            out = graph.node("Resize", hint(path, "Resize"), List.of(x.name(), "", scales), attrs);
        }
        return new Value(out, u.forward(x.example()));
    }

    /** Flatten(1, -1) is ONNX Flatten; other ranges a Reshape keeping the batch dimension dynamic. */
    private Value flatten(Flatten f, String path, Value x) {
        Tensor y = f.forward(x.example());
        int rank = x.example().dim();
        int start = f.startDim() < 0 ? f.startDim() + rank : f.startDim();
        int end = f.endDim() < 0 ? f.endDim() + rank : f.endDim();
        if (start >= end) return new Value(x.name(), y); // nothing merged
        if (start == 1 && end == rank - 1) {
            return new Value(graph.node("Flatten", hint(path, "Flatten"), List.of(x.name()), Attribute.ofInt("axis", 1)), y);
        }
        long[] shape = new long[y.dim()];
        shape[0] = start == 0 ? -1 : 0; // Reshape's 0 copies the input's batch size; -1 absorbs it when merged
        for (int d = 1; d < shape.length; d++) shape[d] = y.size(d);
        String target = graph.int64s(child(path, "shape"), shape);
        return new Value(graph.node("Reshape", hint(path, "Reshape"), List.of(x.name(), target)), y);
    }

    /** A parameter or buffer as an initializer named by its state-dict key. */
    private String weight(String path, String name, Tensor t) {
        return graph.floats(child(path, name), t.contiguous().toFloatArray(), t.shape());
    }

    /** jgrad's symmetric {height, width} padding as ONNX's {top, left, bottom, right}. */
    private static int[] pads(int[] p) { return new int[]{p[0], p[1], p[0], p[1]}; }

    private static String child(String path, String name) { return path.isEmpty() ? name : path + "." + name; }

    private static String hint(String path, String op) { return path.isEmpty() ? op : path; }
}
