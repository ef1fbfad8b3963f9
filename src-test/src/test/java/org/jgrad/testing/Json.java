package org.jgrad.testing;

import org.jgrad.tensor.Tensor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the reference files under src/test/resources with core's JSON reader
 * ({@link org.jgrad.io.Json}); every number becomes a Double, as the tests expect.
 */
public final class Json {
    private Json() {}

    public static Object parse(String text) { return doubles(org.jgrad.io.Json.parse(text)); }

    /** Long -> Double throughout, so tests read every number the same way. */
    static Object doubles(Object v) {
        if (v instanceof Number n) return n.doubleValue();
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> r = new LinkedHashMap<>();
            m.forEach((k, x) -> r.put((String) k, doubles(x)));
            return r;
        }
        if (v instanceof List<?> l) {
            List<Object> r = new ArrayList<>(l.size());
            for (Object x : l) r.add(doubles(x));
            return r;
        }
        return v;
    }

    /** Parses a classpath resource, e.g. "/nn/batch_norm.json". */
    public static Object resource(String path) {
        try (InputStream in = Json.class.getResourceAsStream(path)) {
            if (in == null) throw new IllegalArgumentException("no test resource " + path);
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    /** The "cases" list of a reference file. */
    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> cases(String path) {
        return (List<Map<String, Object>>) ((Map<String, Object>) resource(path)).get("cases");
    }

    /** {"shape": [...], "data": [...]} as a FLOAT64 tensor (null stays null). */
    @SuppressWarnings("unchecked")
    public static Tensor tensor(Object o) {
        if (o == null) return null;
        Map<String, Object> m = (Map<String, Object>) o;
        List<Object> sh = (List<Object>) m.get("shape");
        List<Object> data = (List<Object>) m.get("data");
        int[] shape = new int[sh.size()];
        for (int k = 0; k < shape.length; k++) shape[k] = ((Double) sh.get(k)).intValue();
        double[] v = new double[data.size()];
        for (int k = 0; k < v.length; k++) v[k] = (Double) data.get(k);
        return Tensor.fromArray(v, shape);
    }

    /** Flat values of a stored tensor. */
    public static double[] values(Object o) {
        Tensor t = tensor(o);
        double[] v = t.toDoubleArray();
        t.close();
        return v;
    }
}
