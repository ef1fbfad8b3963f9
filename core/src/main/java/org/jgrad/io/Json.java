package org.jgrad.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The small JSON subset jgrad writes and reads (checkpoint state, safetensors headers,
 * metrics.json): objects (LinkedHashMap), arrays (List), strings, numbers (Long when
 * integral, else Double), booleans, null. Doubles are written so they read back bit-exact.
 */
public final class Json {
    private Json() {}

    public static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, 0, false);
        return sb.toString();
    }

    /** Indented, for files people read. */
    public static String pretty(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, 0, true);
        return sb.append('\n').toString();
    }

    private static void write(StringBuilder sb, Object v, int depth, boolean pretty) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof String s) {
            quote(sb, s);
        } else if (v instanceof Boolean b) {
            sb.append(b);
        } else if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                quote(sb, Double.toString(d)); // JSON has no NaN/Infinity; read back by parseDouble
            } else {
                sb.append(Double.toString(d));
            }
        } else if (v instanceof Number n) {
            sb.append(n.longValue());
        } else if (v instanceof Map<?, ?> m) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) sb.append(',');
                first = false;
                newline(sb, depth + 1, pretty);
                quote(sb, String.valueOf(e.getKey()));
                sb.append(pretty ? ": " : ":");
                write(sb, e.getValue(), depth + 1, pretty);
            }
            if (!m.isEmpty()) newline(sb, depth, pretty);
            sb.append('}');
        } else if (v instanceof Iterable<?> it) {
            sb.append('[');
            boolean first = true;
            boolean simple = true;
            for (Object o : it) if (o instanceof Map || o instanceof Iterable) { simple = false; break; }
            for (Object o : it) {
                if (!first) sb.append(pretty && simple ? ", " : ",");
                first = false;
                if (!simple) newline(sb, depth + 1, pretty);
                write(sb, o, depth + 1, pretty);
            }
            if (!first && !simple) newline(sb, depth, pretty);
            sb.append(']');
        } else if (v instanceof double[] a) {
            List<Object> l = new ArrayList<>();
            for (double d : a) l.add(d);
            write(sb, l, depth, pretty);
        } else if (v instanceof long[] a) {
            List<Object> l = new ArrayList<>();
            for (long d : a) l.add(d);
            write(sb, l, depth, pretty);
        } else if (v instanceof int[] a) {
            List<Object> l = new ArrayList<>();
            for (int d : a) l.add((long) d);
            write(sb, l, depth, pretty);
        } else {
            throw new IllegalArgumentException("Json: cannot write a " + v.getClass().getName());
        }
    }

    private static void newline(StringBuilder sb, int depth, boolean pretty) {
        if (!pretty) return;
        sb.append('\n');
        sb.append("  ".repeat(depth));
    }

    private static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        sb.append('"');
    }

    /** Deepest nesting of arrays and objects {@link #parse} accepts; far more than jgrad writes, far less than the stack holds. */
    public static final int MAX_DEPTH = 512;
    /** Longest number token {@link #parse} accepts: a double needs at most 25 characters. */
    public static final int MAX_NUMBER_CHARS = 100;

    /**
     * Parses one JSON value (plus the NaN, Infinity and -Infinity tokens Python writes). Strict
     * where a lenient reading would hide damage: nesting deeper than {@link #MAX_DEPTH}, number
     * tokens longer than {@link #MAX_NUMBER_CHARS} or outside RFC 8259's grammar, integers outside
     * the long range, duplicate keys in one object, raw control characters and bad escapes in
     * strings are refused. Every error is an IllegalArgumentException naming the offset and, for
     * a value inside objects, the path to it ({@code $.a[3].b}).
     */
    public static Object parse(String text) {
        if (text == null) throw new IllegalArgumentException("Json.parse: text must not be null");
        Parser p = new Parser(text);
        p.ws();
        Object v = p.value(0, "$");
        p.ws();
        if (p.i != text.length()) throw p.error("trailing characters", "$");
        return v;
    }

    private static final class Parser {
        final String s;
        int i;

        Parser(String s) { this.s = s; }

        IllegalArgumentException error(String what, String path) {
            return new IllegalArgumentException("malformed JSON at offset " + i + (path.equals("$") ? "" : " (in " + path + ")") + ": " + what);
        }

        void ws() {
            // JSON's four whitespace characters only
            while (i < s.length()) {
                char c = s.charAt(i);
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
                i++;
            }
        }

        Object value(int depth, String path) {
            if (i >= s.length()) throw error("unexpected end", path);
            char c = s.charAt(i);
            switch (c) {
                case '{' -> {
                    if (depth >= MAX_DEPTH) throw error("nesting deeper than " + MAX_DEPTH + " levels", path);
                    i++;
                    Map<String, Object> m = new LinkedHashMap<>();
                    ws();
                    if (peek('}')) { i++; return m; }
                    while (true) {
                        ws();
                        if (!peek('"')) throw error("expected a key", path);
                        String k = string(path);
                        String child = path + "." + k;
                        if (m.containsKey(k)) throw error("duplicate key '" + k + "'", path);
                        ws();
                        expect(':', path);
                        ws();
                        m.put(k, value(depth + 1, child));
                        ws();
                        if (peek(',')) { i++; continue; }
                        expect('}', path);
                        return m;
                    }
                }
                case '[' -> {
                    if (depth >= MAX_DEPTH) throw error("nesting deeper than " + MAX_DEPTH + " levels", path);
                    i++;
                    List<Object> l = new ArrayList<>();
                    ws();
                    if (peek(']')) { i++; return l; }
                    while (true) {
                        ws();
                        l.add(value(depth + 1, path + "[" + l.size() + "]"));
                        ws();
                        if (peek(',')) { i++; continue; }
                        expect(']', path);
                        return l;
                    }
                }
                case '"' -> { return string(path); }
                case 't' -> { word("true", path); return Boolean.TRUE; }
                case 'f' -> { word("false", path); return Boolean.FALSE; }
                case 'n' -> { word("null", path); return null; }
                // Python's json module writes these bare tokens; accept them so its files read
                case 'N' -> { word("NaN", path); return Double.NaN; }
                case 'I' -> { word("Infinity", path); return Double.POSITIVE_INFINITY; }
                default -> {
                    if (s.startsWith("-Infinity", i)) { i += 9; return Double.NEGATIVE_INFINITY; }
                    return number(path);
                }
            }
        }

        boolean peek(char c) { return i < s.length() && s.charAt(i) == c; }

        void expect(char c, String path) {
            if (!peek(c)) throw error(i >= s.length() ? "unexpected end, expected '" + c + "'" : "expected '" + c + "'", path);
            i++;
        }

        void word(String w, String path) {
            if (!s.startsWith(w, i)) throw error("expected " + w, path);
            i += w.length();
        }

        String string(String path) {
            expect('"', path);
            StringBuilder sb = new StringBuilder();
            while (true) {
                if (i >= s.length()) throw error("unterminated string", path);
                char c = s.charAt(i++);
                if (c == '"') return sb.toString();
                if (c < 0x20) throw error("raw control character 0x" + Integer.toHexString(c) + " in a string", path);
                if (c != '\\') {
                    sb.append(c);
                    continue;
                }
                if (i >= s.length()) throw error("unterminated escape", path);
                char e = s.charAt(i++);
                switch (e) {
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case '"', '\\', '/' -> sb.append(e);
                    case 'u' -> {
                        if (i + 4 > s.length()) throw error("truncated \\u escape", path);
                        int code = 0;
                        for (int k = 0; k < 4; k++) {
                            int d = Character.digit(s.charAt(i + k), 16);
                            if (d < 0) throw error("bad \\u escape '" + s.substring(i, i + 4) + "'", path);
                            code = code * 16 + d;
                        }
                        sb.append((char) code);
                        i += 4;
                    }
                    default -> throw error("bad escape '\\" + e + "'", path);
                }
            }
        }

        Object number(String path) {
            int start = i;
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
                i++;
                if (i - start > MAX_NUMBER_CHARS) throw error("number longer than " + MAX_NUMBER_CHARS + " characters", path);
            }
            String t = s.substring(start, i);
            if (t.isEmpty()) throw error("unexpected character '" + s.charAt(start) + "'", path);
            if (!NUMBER.matcher(t).matches()) throw error("bad number '" + t + "'", path);
            if (t.contains(".") || t.contains("e") || t.contains("E")) return Double.parseDouble(t);
            try {
                return Long.parseLong(t);
            } catch (NumberFormatException e) {
                throw error("integer " + t + " is outside the 64-bit range", path);
            }
        }
    }

    private static final java.util.regex.Pattern NUMBER = java.util.regex.Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");
}
