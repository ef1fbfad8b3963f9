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
 * A minimal JSON reader for the reference files under src/test/resources (objects, arrays,
 * numbers, strings without escapes beyond \" and \\, true/false/null). Numbers become Double.
 */
public final class Json {
    private final String s;
    private int i;

    private Json(String s) { this.s = s; }

    public static Object parse(String text) {
        Json j = new Json(text);
        Object v = j.value();
        j.ws();
        if (j.i != j.s.length()) throw new IllegalArgumentException("trailing characters at " + j.i);
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

    private void ws() {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
    }

    private Object value() {
        ws();
        char c = s.charAt(i);
        switch (c) {
            case '{': {
                i++;
                Map<String, Object> m = new LinkedHashMap<>();
                ws();
                if (s.charAt(i) == '}') { i++; return m; }
                while (true) {
                    ws();
                    String k = string();
                    ws();
                    expect(':');
                    m.put(k, value());
                    ws();
                    if (s.charAt(i) == ',') { i++; continue; }
                    expect('}');
                    return m;
                }
            }
            case '[': {
                i++;
                List<Object> l = new ArrayList<>();
                ws();
                if (s.charAt(i) == ']') { i++; return l; }
                while (true) {
                    l.add(value());
                    ws();
                    if (s.charAt(i) == ',') { i++; continue; }
                    expect(']');
                    return l;
                }
            }
            case '"':
                return string();
            default:
                if (s.startsWith("true", i)) { i += 4; return Boolean.TRUE; }
                if (s.startsWith("false", i)) { i += 5; return Boolean.FALSE; }
                if (s.startsWith("null", i)) { i += 4; return null; }
                if (s.startsWith("NaN", i)) { i += 3; return Double.NaN; }
                if (s.startsWith("Infinity", i)) { i += 8; return Double.POSITIVE_INFINITY; }
                if (s.startsWith("-Infinity", i)) { i += 9; return Double.NEGATIVE_INFINITY; }
                int st = i;
                while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) i++;
                if (st == i) throw new IllegalArgumentException("unexpected '" + c + "' at " + i);
                return Double.parseDouble(s.substring(st, i));
        }
    }

    private String string() {
        expect('"');
        StringBuilder b = new StringBuilder();
        while (s.charAt(i) != '"') {
            char c = s.charAt(i++);
            if (c == '\\') c = s.charAt(i++);
            b.append(c);
        }
        i++;
        return b.toString();
    }

    private void expect(char c) {
        if (s.charAt(i) != c) throw new IllegalArgumentException("expected '" + c + "' at " + i + ", found '" + s.charAt(i) + "'");
        i++;
    }
}
