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

    /**
     * Parses one JSON value (plus the NaN, Infinity and -Infinity tokens Python writes); throws
     * IllegalArgumentException naming the position on malformed input.
     */
    public static Object parse(String text) {
        Parser p = new Parser(text);
        p.ws();
        Object v = p.value();
        p.ws();
        if (p.i != text.length()) throw p.error("trailing characters");
        return v;
    }

    private static final class Parser {
        final String s;
        int i;

        Parser(String s) { this.s = s; }

        IllegalArgumentException error(String what) {
            return new IllegalArgumentException("malformed JSON at offset " + i + ": " + what);
        }

        void ws() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        }

        Object value() {
            if (i >= s.length()) throw error("unexpected end");
            char c = s.charAt(i);
            switch (c) {
                case '{' -> {
                    i++;
                    Map<String, Object> m = new LinkedHashMap<>();
                    ws();
                    if (peek('}')) { i++; return m; }
                    while (true) {
                        ws();
                        if (!peek('"')) throw error("expected a key");
                        String k = string();
                        ws();
                        expect(':');
                        ws();
                        m.put(k, value());
                        ws();
                        if (peek(',')) { i++; continue; }
                        expect('}');
                        return m;
                    }
                }
                case '[' -> {
                    i++;
                    List<Object> l = new ArrayList<>();
                    ws();
                    if (peek(']')) { i++; return l; }
                    while (true) {
                        ws();
                        l.add(value());
                        ws();
                        if (peek(',')) { i++; continue; }
                        expect(']');
                        return l;
                    }
                }
                case '"' -> { return string(); }
                case 't' -> { word("true"); return Boolean.TRUE; }
                case 'f' -> { word("false"); return Boolean.FALSE; }
                case 'n' -> { word("null"); return null; }
                // Python's json module writes these bare tokens; accept them so its files read
                case 'N' -> { word("NaN"); return Double.NaN; }
                case 'I' -> { word("Infinity"); return Double.POSITIVE_INFINITY; }
                default -> {
                    if (s.startsWith("-Infinity", i)) { i += 9; return Double.NEGATIVE_INFINITY; }
                    return number();
                }
            }
        }

        boolean peek(char c) { return i < s.length() && s.charAt(i) == c; }

        void expect(char c) {
            if (!peek(c)) throw error("expected '" + c + "'");
            i++;
        }

        void word(String w) {
            if (!s.startsWith(w, i)) throw error("expected " + w);
            i += w.length();
        }

        String string() {
            expect('"');
            StringBuilder sb = new StringBuilder();
            while (true) {
                if (i >= s.length()) throw error("unterminated string");
                char c = s.charAt(i++);
                if (c == '"') return sb.toString();
                if (c == '\\') {
                    char e = s.charAt(i++);
                    switch (e) {
                        case 'n' -> sb.append('\n');
                        case 'r' -> sb.append('\r');
                        case 't' -> sb.append('\t');
                        case 'b' -> sb.append('\b');
                        case 'f' -> sb.append('\f');
                        case 'u' -> { sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16)); i += 4; }
                        default -> sb.append(e);
                    }
                } else {
                    sb.append(c);
                }
            }
        }

        Object number() {
            int start = i;
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) i++;
            String t = s.substring(start, i);
            if (t.isEmpty()) throw error("unexpected character '" + s.charAt(start) + "'");
            try {
                if (t.contains(".") || t.contains("e") || t.contains("E")) return Double.parseDouble(t);
                return Long.parseLong(t);
            } catch (NumberFormatException e) {
                throw error("bad number '" + t + "'");
            }
        }
    }
}
