package org.jgrad.metrics;

import org.jgrad.io.Json;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Loads the reference JSON written by refs/metrics/make_refs.py (PyTorch 1.13 / scikit-learn 1.2). */
final class Refs {
    private Refs() {}

    @SuppressWarnings("unchecked")
    static Map<String, Object> load(String name) {
        try (InputStream in = Refs.class.getResourceAsStream("/metrics/" + name + ".json")) {
            if (in == null) throw new IllegalStateException("missing test resource metrics/" + name + ".json");
            return (Map<String, Object>) Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static double num(Object o) {
        if (o instanceof List<?> l && l.size() == 1) return num(l.get(0)); // a one-element array stands for a scalar
        if (o instanceof String s) return Double.parseDouble(s); // "NaN", "Infinity"
        return ((Number) o).doubleValue();
    }

    static double[] doubles(Object list) {
        if (!(list instanceof List<?> l)) return new double[]{num(list)};
        double[] d = new double[l.size()];
        for (int i = 0; i < d.length; i++) d[i] = num(l.get(i));
        return d;
    }

    static float[] floats(Object list) {
        double[] d = doubles(list);
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }

    static long[] longs(Object list) {
        List<?> l = (List<?>) list;
        long[] v = new long[l.size()];
        for (int i = 0; i < v.length; i++) v[i] = ((Number) l.get(i)).longValue();
        return v;
    }

    static int[] ints(Object list) {
        long[] l = longs(list);
        int[] v = new int[l.length];
        for (int i = 0; i < v.length; i++) v[i] = (int) l[i];
        return v;
    }

    /** Rows [[tp, fp, fn, tn], ...] flattened. */
    static long[] rows(Object list) {
        List<?> rows = (List<?>) list;
        long[] v = new long[rows.size() * 4];
        for (int r = 0; r < rows.size(); r++) {
            long[] row = longs(rows.get(r));
            System.arraycopy(row, 0, v, r * 4, 4);
        }
        return v;
    }
}
