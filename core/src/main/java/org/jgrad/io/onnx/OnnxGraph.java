package org.jgrad.io.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An ONNX graph being built: nodes in execution order, initializers (the weights, stored as
 * little-endian raw bytes) and the typed graph inputs and outputs. Value names are unique;
 * {@link #fresh} makes new ones. {@link OnnxEncoding} turns it into bytes.
 */
final class OnnxGraph {
    /** TensorProto.DataType codes used here. */
    static final int FLOAT = 1, INT64 = 7;

    /** One attribute of a node: exactly one of the value fields is meaningful, by {@code kind}. */
    record Attribute(String name, Kind kind, long i, float f, String s, long[] ints) {
        enum Kind { INT, FLOAT, STRING, INTS }

        static Attribute ofInt(String name, long v) { return new Attribute(name, Kind.INT, v, 0, null, null); }

        static Attribute ofFloat(String name, float v) { return new Attribute(name, Kind.FLOAT, 0, v, null, null); }

        static Attribute ofString(String name, String v) { return new Attribute(name, Kind.STRING, 0, 0, v, null); }

        static Attribute ofInts(String name, int... v) {
            long[] l = new long[v.length];
            for (int k = 0; k < v.length; k++) l[k] = v[k];
            return new Attribute(name, Kind.INTS, 0, 0, null, l);
        }
    }

    /** An operator call; an empty input name stands for an omitted optional input. */
    record Node(String opType, String name, List<String> inputs, List<String> outputs, List<Attribute> attributes) {}

    record Initializer(String name, int dataType, int[] dims, byte[] raw) {}

    /** A graph input or output: element type and shape, where a null dimension is the symbolic batch size. */
    record ValueInfo(String name, int elemType, Integer[] dims) {}

    static final String BATCH_DIM = "batch";

    final List<Node> nodes = new ArrayList<>();
    final List<Initializer> initializers = new ArrayList<>();
    final List<ValueInfo> inputs = new ArrayList<>();
    final List<ValueInfo> outputs = new ArrayList<>();
    private final Set<String> names = new HashSet<>();
    private int counter;

    /** Claims {@code name} if still free, else the first free {@code name_k}. */
    String fresh(String name) {
        String n = name;
        while (!names.add(n)) n = name + "_" + (++counter);
        return n;
    }

    /** Appends a node whose single output gets a fresh name from {@code hint}; returns that name. */
    String node(String opType, String hint, List<String> inputs, Attribute... attributes) {
        String out = fresh(hint);
        nodes.add(new Node(opType, out, List.copyOf(inputs), new ArrayList<>(List.of(out)), List.of(attributes)));
        return out;
    }

    String floats(String hint, float[] values, int... dims) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return initializer(hint, FLOAT, dims, b.array());
    }

    String int64s(String hint, long... values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(values);
        return initializer(hint, INT64, new int[]{values.length}, b.array());
    }

    private String initializer(String hint, int dataType, int[] dims, byte[] raw) {
        String name = fresh(hint);
        initializers.add(new Initializer(name, dataType, dims.clone(), raw));
        return name;
    }

    /** Renames the value {@code from} (produced by a node, consumed by none) to {@code to}, a name already claimed. */
    void renameOutput(String from, String to) {
        for (Node n : nodes) {
            int k = n.outputs().indexOf(from);
            if (k >= 0) {
                n.outputs().set(k, to);
                return;
            }
        }
        throw new IllegalStateException("no node produces '" + from + "'");
    }
}
