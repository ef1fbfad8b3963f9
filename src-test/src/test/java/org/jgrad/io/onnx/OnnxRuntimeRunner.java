package org.jgrad.io.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import org.jgrad.tensor.Tensor;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs an exported model in ONNX Runtime and compares it with jgrad's own output. */
final class OnnxRuntimeRunner implements AutoCloseable {
    /** "Within 1e-5": absolute for values up to 1, relative beyond, as float32 sums in another order allow. */
    static final double TOLERANCE = 1e-5;

    private final OrtSession session;

    OnnxRuntimeRunner(byte[] model) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(1); // the test machines are small and shared
        this.session = OrtEnvironment.getEnvironment().createSession(model, options);
    }

    OrtSession session() { return session; }

    /** The model's output for {@code input} (float32, any batch size) with its shape. */
    Tensor run(String inputName, Tensor input) throws OrtException {
        long[] shape = Arrays.stream(input.shape()).asLongStream().toArray();
        try (OnnxTensor in = OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), FloatBuffer.wrap(input.contiguous().toFloatArray()), shape);
             OrtSession.Result result = session.run(Map.of(inputName, in))) {
            OnnxTensor out = (OnnxTensor) result.get(0);
            FloatBuffer fb = out.getFloatBuffer();
            float[] data = new float[fb.remaining()];
            fb.get(data);
            int[] outShape = Arrays.stream(out.getInfo().getShape()).mapToInt(Math::toIntExact).toArray();
            return Tensor.fromArray(data, outShape);
        }
    }

    /** Asserts same shape and every element within {@link #TOLERANCE}; returns the largest difference. */
    static double assertClose(String what, Tensor expected, Tensor actual) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        float[] e = expected.contiguous().toFloatArray(), a = actual.contiguous().toFloatArray();
        double worst = 0;
        for (int i = 0; i < e.length; i++) {
            double diff = Math.abs(e[i] - a[i]);
            worst = Math.max(worst, diff);
            assertTrue(diff <= TOLERANCE * Math.max(1, Math.abs(e[i])),
                    what + ": element " + i + " is " + a[i] + " in ONNX Runtime but " + e[i] + " in jgrad");
        }
        return worst;
    }

    @Override
    public void close() throws OrtException { session.close(); }
}
