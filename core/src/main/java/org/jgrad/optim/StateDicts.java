package org.jgrad.optim;

import org.jgrad.tensor.Scope;
import org.jgrad.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reading values back from state dicts. A state dict may have been through a serializer (JSON, a
 * checkpoint file), so numbers are accepted as any {@link Number}, keys as anything whose string
 * form is the key, and tensors as a {@link Tensor}, a {@code float[]}/{@code double[]} or a list
 * of numbers (row-major); an infinite or NaN number may come back as the string
 * {@code "Infinity"}, {@code "-Infinity"} or {@code "NaN"}.
 */
final class StateDicts {
    private StateDicts() {}

    /** An exact integer in the int range: 1.5, 4294967297 and 1e300 are refused, not rounded or wrapped. */
    static int toInt(Object v, String what) {
        long n = toLong(v, what);
        if (n < Integer.MIN_VALUE || n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("state dict: " + what + " = " + n + " is outside the int range");
        }
        return (int) n;
    }

    /** An exact integer in the long range (a one-element tensor, a whole number, or its decimal string). */
    static long toLong(Object v, String what) {
        if (v instanceof Tensor t && t.numel() == 1) v = t.item();
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) return ((Number) v).longValue();
        // every whole double below 2^63 in magnitude converts to a long exactly
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
                && Math.abs(n.doubleValue()) < 0x1p63) return (long) n.doubleValue();
        if (v instanceof String s) {
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
        }
        throw new IllegalArgumentException("state dict: " + what + " must be an integer, got " + describe(v));
    }

    static String describe(Object v) {
        return v == null ? "null" : v instanceof String s ? "\"" + s + "\"" : v + " (" + v.getClass().getSimpleName() + ")";
    }

    static double toDouble(Object v, String what) {
        if (v instanceof Number n) return n.doubleValue();
        // JSON has no Infinity or NaN: writers such as train.Json store them as strings
        if (v instanceof String s && (s.equals("Infinity") || s.equals("-Infinity") || s.equals("NaN"))) return Double.parseDouble(s);
        throw new IllegalArgumentException("state dict: " + what + " must be a number, got " + v);
    }

    static boolean toBoolean(Object v, String what) {
        if (v instanceof Boolean b) return b;
        throw new IllegalArgumentException("state dict: " + what + " must be a boolean, got " + v);
    }

    static String toStr(Object v, String what) {
        if (v instanceof String s) return s;
        throw new IllegalArgumentException("state dict: " + what + " must be a string, got " + v);
    }

    static double[] toDoubles(Object v, String what) {
        if (v instanceof double[] a) return a.clone();
        if (v instanceof List<?> l) {
            double[] out = new double[l.size()];
            for (int i = 0; i < out.length; i++) out[i] = toDouble(l.get(i), what + "[" + i + "]");
            return out;
        }
        throw new IllegalArgumentException("state dict: " + what + " must be a list of numbers, got " + v);
    }

    static List<Double> list(double[] a) {
        List<Double> l = new ArrayList<>(a.length);
        for (double x : a) l.add(x);
        return l;
    }

    /** An option value as stored in a group: numbers as Double, booleans, lists of numbers as List of Double. */
    static Object option(Object v, String key) {
        if (v instanceof Boolean) return v;
        if (v instanceof Number n) return n.doubleValue();
        if (v instanceof List<?> || v instanceof double[]) return list(toDoubles(v, key));
        throw new IllegalArgumentException("state dict: option '" + key + "' has an unsupported value " + v);
    }

    static Map<String, Object> stringKeys(Map<?, ?> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) out.put(String.valueOf(e.getKey()), e.getValue());
        return out;
    }

    static Map<String, Object> map(Object v, String what) {
        if (v instanceof Map<?, ?> m) return stringKeys(m);
        throw new IllegalArgumentException("state dict: " + what + " must be a map, got " + v);
    }

    static Object require(Map<String, Object> m, String key, String where) {
        if (!m.containsKey(key)) throw new IllegalArgumentException("state dict: " + where + " has no '" + key + "'");
        return m.get(key);
    }

    /** A new tensor with like's dtype, device and shape holding {@code v}'s values (an escaped, optimizer-owned tensor). */
    static Tensor tensorLike(Tensor like, Object v, String what) {
        int[] shape = like.shape();
        Tensor src;
        boolean temp = true;
        if (v instanceof Tensor t) {
            if (!Arrays.equals(t.shape(), shape)) {
                throw new IllegalArgumentException("state dict: " + what + " has shape " + Arrays.toString(t.shape())
                        + " but its parameter has shape " + Arrays.toString(shape));
            }
            src = t;
            temp = false;
        } else if (v instanceof float[] a) {
            checkCount(a.length, like, what);
            src = Tensor.fromArray(a, shape);
        } else {
            double[] a = toDoubles(v, what);
            checkCount(a.length, like, what);
            src = Tensor.fromArray(a, shape);
        }
        Tensor out = Scope.escape(Tensor.empty(like.dtype(), like.device(), shape));
        out.copy_(src);
        if (temp) src.close();
        return out;
    }

    private static void checkCount(int n, Tensor like, String what) {
        if (n != like.numel()) {
            throw new IllegalArgumentException("state dict: " + what + " has " + n + " values but its parameter has " + like.numel());
        }
    }

    /** A copy of {@code t} that the caller owns. */
    static Tensor copy(Tensor t) {
        Tensor out = Scope.escape(Tensor.empty(t.dtype(), t.device(), t.shape()));
        out.copy_(t);
        return out;
    }
}
