package org.jgrad.tensor;

import java.util.Locale;
import java.util.Objects;

/**
 * Where a tensor lives: a device type name (lower case, such as {@code "cpu"} or
 * {@code "cuda"}) and an index. A plain value: making one never loads or checks a backend;
 * {@code org.jgrad.backend.Backends} finds the backend for a device by its type name, so a new
 * device type needs no change here.
 */
public final class Device {
    public static final String CPU_TYPE = "cpu";
    public static final String CUDA_TYPE = "cuda";

    private static final Device CPU = new Device(CPU_TYPE, 0);

    private final String type;
    private final int index;

    private Device(String type, int index) {
        this.type = type;
        this.index = index;
    }

    public static Device cpu() { return CPU; }

    /** The CUDA device {@code index}; whether it is usable is for {@code Backends.of} to say. */
    public static Device cuda(int index) { return of(CUDA_TYPE, index); }

    /** Device {@code index} of type {@code type} (any case; kept lower case). */
    public static Device of(String type, int index) {
        Objects.requireNonNull(type, "device type");
        String t = type.trim().toLowerCase(Locale.ROOT);
        if (t.isEmpty() || !t.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '_')) {
            throw new IllegalArgumentException("device: bad type name '" + type + "' (letters, digits and _ only)");
        }
        if (index < 0) throw new IllegalArgumentException(t + " device index must be >= 0, got " + index);
        if (t.equals(CPU_TYPE)) {
            if (index != 0) throw new IllegalArgumentException("device: there is one cpu device (index 0), got cpu:" + index);
            return CPU;
        }
        return new Device(t, index);
    }

    /** Parses "cpu", "cuda", "cuda:1" or "TYPE:N" (a bare type means index 0). */
    public static Device parse(String name) {
        Objects.requireNonNull(name, "device");
        String n = name.trim();
        int colon = n.indexOf(':');
        if (colon < 0) return of(n, 0);
        try {
            return of(n.substring(0, colon), Integer.parseInt(n.substring(colon + 1).trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("device: bad index in '" + name + "' (expected TYPE or TYPE:N, e.g. cuda:1)");
        }
    }

    /** The device type name, lower case: "cpu", "cuda", ... */
    public String type() { return type; }

    public int index() { return index; }

    public boolean isCpu() { return type.equals(CPU_TYPE); }

    public boolean isCuda() { return type.equals(CUDA_TYPE); }

    @Override
    public boolean equals(Object o) {
        return o instanceof Device d && d.type.equals(type) && d.index == index;
    }

    @Override
    public int hashCode() { return type.hashCode() * 31 + index; }

    @Override
    public String toString() { return isCpu() ? CPU_TYPE : type + ":" + index; }
}
