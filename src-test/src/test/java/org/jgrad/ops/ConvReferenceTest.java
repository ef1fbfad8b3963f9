package org.jgrad.ops;

import org.jgrad.tensor.DType;
import org.jgrad.tensor.Tensor;
import org.jgrad.testing.Json;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * conv2d, conv_transpose2d, max/avg pooling and nearest upsampling against PyTorch 1.13 (values
 * made by refs/nn/make_conv_refs.py in float64): outputs and input gradients for a random output
 * gradient, computed here in FLOAT64 (the direct loops) and FLOAT32 (the im2col + GEMM path).
 */
class ConvReferenceTest {

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> cases() {
        Map<String, Object> root = (Map<String, Object>) Json.resource("/nn/conv_refs.json");
        return (List<Map<String, Object>>) root.get("cases");
    }

    @TestFactory
    List<DynamicTest> matchesPyTorch() {
        List<DynamicTest> tests = new ArrayList<>();
        List<Map<String, Object>> cases = cases();
        assertTrue(cases.size() >= 16, "reference file holds " + cases.size() + " cases");
        for (Map<String, Object> c : cases) {
            for (DType dt : new DType[]{DType.FLOAT64, DType.FLOAT32}) {
                tests.add(DynamicTest.dynamicTest(c.get("name") + " " + dt, () -> check(c, dt)));
            }
        }
        return tests;
    }

    @SuppressWarnings("unchecked")
    static Tensor tensor(Object o, DType dt) {
        Map<String, Object> m = (Map<String, Object>) o;
        List<Object> shape = (List<Object>) m.get("shape");
        List<Object> data = (List<Object>) m.get("data");
        int[] sh = shape.stream().mapToInt(v -> ((Double) v).intValue()).toArray();
        double[] d = data.stream().mapToDouble(v -> (Double) v).toArray();
        return Tensor.fromArray(d, sh).to(dt);
    }

    @SuppressWarnings("unchecked")
    private static int[] ints(Map<String, Object> params, String key) {
        return ((List<Object>) params.get(key)).stream().mapToInt(v -> ((Double) v).intValue()).toArray();
    }

    @SuppressWarnings("unchecked")
    private static void check(Map<String, Object> c, DType dt) {
        String name = (String) c.get("name");
        Map<String, Object> p = (Map<String, Object>) c.get("params");
        Tensor x = tensor(c.get("x"), dt).requiresGrad(true);
        Tensor w = c.containsKey("w") ? tensor(c.get("w"), dt).requiresGrad(true) : null;
        Tensor b = c.containsKey("b") ? tensor(c.get("b"), dt).requiresGrad(true) : null;
        Tensor out = switch ((String) c.get("op")) {
            case "conv2d" -> Convolution.conv2d(x, w, b, ints(p, "stride"), ints(p, "padding"), ints(p, "dilation"),
                    ((Double) p.get("groups")).intValue());
            case "conv_transpose2d" -> Convolution.convTranspose2d(x, w, b, ints(p, "stride"), ints(p, "padding"),
                    ints(p, "output_padding"), ints(p, "dilation"), ((Double) p.get("groups")).intValue());
            case "max_pool2d" -> Pooling.maxPool2d(x, ints(p, "kernel"), ints(p, "stride"), ints(p, "padding"), ints(p, "dilation"),
                    (Boolean) p.get("ceil_mode"));
            case "avg_pool2d" -> Pooling.avgPool2d(x, ints(p, "kernel"), ints(p, "stride"), ints(p, "padding"),
                    (Boolean) p.get("ceil_mode"), (Boolean) p.get("count_include_pad"));
            case "upsample_nearest2d" -> p.containsKey("size")
                    ? Upsample.nearest2d(x, ints(p, "size")[0], ints(p, "size")[1])
                    : Upsample.nearest2d(x, (Double) ((List<Object>) p.get("scale")).get(0), (Double) ((List<Object>) p.get("scale")).get(1));
            default -> throw new AssertionError(c.get("op"));
        };
        double tol = dt == DType.FLOAT64 ? 1e-10 : 2e-5;
        close(name + " output", tensor(c.get("out"), DType.FLOAT64), out, tol);
        out.backward(tensor(c.get("gout"), dt));
        close(name + " grad x", tensor(c.get("gx"), DType.FLOAT64), x.grad(), tol);
        if (w != null) close(name + " grad w", tensor(c.get("gw"), DType.FLOAT64), w.grad(), tol);
        if (b != null) close(name + " grad bias", tensor(c.get("gb"), DType.FLOAT64), b.grad(), tol);
    }

    /** |actual - expected| <= tol * (1 + |expected|) elementwise, shapes equal. */
    static void close(String what, Tensor expected, Tensor actual, double tol) {
        assertNotNull(actual, what + ": missing");
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape " + Arrays.toString(actual.shape()));
        double[] e = expected.toDoubleArray(), a = actual.toDoubleArray();
        for (int i = 0; i < e.length; i++) {
            if (!(Math.abs(a[i] - e[i]) <= tol * (1 + Math.abs(e[i])))) {
                assertEquals(e[i], a[i], tol * (1 + Math.abs(e[i])), what + ": element " + i);
            }
        }
    }
}
