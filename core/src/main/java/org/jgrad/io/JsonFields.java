package org.jgrad.io;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Typed reads of a parsed JSON tree from a file: every value's type and range is checked and a
 * mismatch is a {@link FileFormatException} naming the file and the entry, never a
 * ClassCastException or NullPointerException from a blind cast.
 */
final class JsonFields {
    private final Path file;

    JsonFields(Path file) { this.file = file; }

    FileFormatException error(String entry, String detail) { return new FileFormatException(file, entry, detail); }

    @SuppressWarnings("unchecked")
    Map<String, Object> object(Object v, String entry) {
        if (v instanceof Map<?, ?> m) return (Map<String, Object>) m;
        throw error(entry, "expected a JSON object, found " + describe(v));
    }

    @SuppressWarnings("unchecked")
    List<Object> list(Object v, String entry) {
        if (v instanceof List<?> l) return (List<Object>) l;
        throw error(entry, "expected a JSON array, found " + describe(v));
    }

    String string(Object v, String entry) {
        if (v instanceof String s) return s;
        throw error(entry, "expected a string, found " + describe(v));
    }

    /** The field {@code key} of {@code m}, which must be present. */
    Object field(Map<String, Object> m, String key, String entry) {
        if (!m.containsKey(key)) throw error(entry, "has no '" + key + "'");
        return m.get(key);
    }

    /** An exact integer in [min, max]: a JSON number without fraction or exponent (1.5 and 1e3 are refused). */
    long integer(Object v, long min, long max, String entry) {
        if (!(v instanceof Long n)) throw error(entry, "expected an integer, found " + describe(v));
        if (n < min || n > max) throw error(entry, "integer " + n + " is outside [" + min + ", " + max + "]");
        return n;
    }

    static String describe(Object v) {
        if (v == null) return "null";
        if (v instanceof String s) return "the string \"" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "\"";
        if (v instanceof Map<?, ?>) return "an object";
        if (v instanceof List<?>) return "an array";
        return v.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT) + " " + v;
    }
}
