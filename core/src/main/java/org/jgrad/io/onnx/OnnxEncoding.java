package org.jgrad.io.onnx;

/**
 * Serialises an {@link OnnxGraph} as an ONNX ModelProto. The field numbers are those of
 * onnx.proto (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto,
 * TypeProto, TensorShapeProto, OperatorSetIdProto).
 */
final class OnnxEncoding {
    private OnnxEncoding() {}

    /** IR version 8 is the one released with opset 17. */
    static final long IR_VERSION = 8;

    // ModelProto
    private static final int MODEL_IR_VERSION = 1, MODEL_PRODUCER_NAME = 2, MODEL_PRODUCER_VERSION = 3, MODEL_DOC = 6,
            MODEL_GRAPH = 7, MODEL_OPSET_IMPORT = 8;
    // OperatorSetIdProto
    private static final int OPSET_DOMAIN = 1, OPSET_VERSION = 2;
    // GraphProto
    private static final int GRAPH_NODE = 1, GRAPH_NAME = 2, GRAPH_INITIALIZER = 5, GRAPH_INPUT = 11, GRAPH_OUTPUT = 12;
    // NodeProto
    private static final int NODE_INPUT = 1, NODE_OUTPUT = 2, NODE_NAME = 3, NODE_OP_TYPE = 4, NODE_ATTRIBUTE = 5;
    // AttributeProto and its AttributeType codes
    private static final int ATTR_NAME = 1, ATTR_F = 2, ATTR_I = 3, ATTR_S = 4, ATTR_INTS = 8, ATTR_TYPE = 20;
    private static final int TYPE_FLOAT = 1, TYPE_INT = 2, TYPE_STRING = 3, TYPE_INTS = 7;
    // TensorProto
    private static final int TENSOR_DIMS = 1, TENSOR_DATA_TYPE = 2, TENSOR_NAME = 8, TENSOR_RAW_DATA = 9;
    // ValueInfoProto, TypeProto (tensor_type), TypeProto.Tensor, TensorShapeProto and its Dimension
    private static final int VALUE_NAME = 1, VALUE_TYPE = 2;
    private static final int TYPE_TENSOR_TYPE = 1;
    private static final int TENSOR_TYPE_ELEM_TYPE = 1, TENSOR_TYPE_SHAPE = 2;
    private static final int SHAPE_DIM = 1;
    private static final int DIM_VALUE = 1, DIM_PARAM = 2;

    static byte[] model(OnnxGraph g, String graphName, int opset, String producerVersion, String doc) {
        ProtoWriter m = new ProtoWriter()
                .varint(MODEL_IR_VERSION, IR_VERSION)
                .string(MODEL_PRODUCER_NAME, "jgrad")
                .string(MODEL_PRODUCER_VERSION, producerVersion);
        if (doc != null && !doc.isEmpty()) m.string(MODEL_DOC, doc);
        m.message(MODEL_GRAPH, graph(g, graphName));
        m.message(MODEL_OPSET_IMPORT, new ProtoWriter().string(OPSET_DOMAIN, "").varint(OPSET_VERSION, opset));
        return m.toByteArray();
    }

    private static ProtoWriter graph(OnnxGraph g, String name) {
        ProtoWriter w = new ProtoWriter();
        for (OnnxGraph.Node n : g.nodes) w.message(GRAPH_NODE, node(n));
        w.string(GRAPH_NAME, name);
        for (OnnxGraph.Initializer t : g.initializers) w.message(GRAPH_INITIALIZER, tensor(t));
        for (OnnxGraph.ValueInfo v : g.inputs) w.message(GRAPH_INPUT, valueInfo(v));
        for (OnnxGraph.ValueInfo v : g.outputs) w.message(GRAPH_OUTPUT, valueInfo(v));
        return w;
    }

    private static ProtoWriter node(OnnxGraph.Node n) {
        ProtoWriter w = new ProtoWriter();
        for (String in : n.inputs()) w.string(NODE_INPUT, in);
        for (String out : n.outputs()) w.string(NODE_OUTPUT, out);
        w.string(NODE_NAME, n.name()).string(NODE_OP_TYPE, n.opType());
        for (OnnxGraph.Attribute a : n.attributes()) w.message(NODE_ATTRIBUTE, attribute(a));
        return w;
    }

    private static ProtoWriter attribute(OnnxGraph.Attribute a) {
        ProtoWriter w = new ProtoWriter().string(ATTR_NAME, a.name());
        switch (a.kind()) {
            case INT -> w.varint(ATTR_I, a.i()).varint(ATTR_TYPE, TYPE_INT);
            case FLOAT -> w.float32(ATTR_F, a.f()).varint(ATTR_TYPE, TYPE_FLOAT);
            case STRING -> w.string(ATTR_S, a.s()).varint(ATTR_TYPE, TYPE_STRING);
            case INTS -> {
                for (long v : a.ints()) w.varint(ATTR_INTS, v);
                w.varint(ATTR_TYPE, TYPE_INTS);
            }
        }
        return w;
    }

    private static ProtoWriter tensor(OnnxGraph.Initializer t) {
        ProtoWriter w = new ProtoWriter();
        for (int d : t.dims()) w.varint(TENSOR_DIMS, d);
        return w.varint(TENSOR_DATA_TYPE, t.dataType()).string(TENSOR_NAME, t.name()).bytes(TENSOR_RAW_DATA, t.raw());
    }

    private static ProtoWriter valueInfo(OnnxGraph.ValueInfo v) {
        ProtoWriter shape = new ProtoWriter();
        for (Integer d : v.dims()) {
            ProtoWriter dim = d == null ? new ProtoWriter().string(DIM_PARAM, OnnxGraph.BATCH_DIM) : new ProtoWriter().varint(DIM_VALUE, d);
            shape.message(SHAPE_DIM, dim);
        }
        ProtoWriter tensorType = new ProtoWriter().varint(TENSOR_TYPE_ELEM_TYPE, v.elemType()).message(TENSOR_TYPE_SHAPE, shape);
        ProtoWriter type = new ProtoWriter().message(TYPE_TENSOR_TYPE, tensorType);
        return new ProtoWriter().string(VALUE_NAME, v.name()).message(VALUE_TYPE, type);
    }
}
