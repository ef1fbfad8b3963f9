package org.jgrad.ops;

import org.jgrad.backend.Backends;
import org.jgrad.backend.Distribution;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Shapes;
import org.jgrad.tensor.Tensor;

import java.util.Arrays;

/** Tensor factories: each asks the device's backend for a buffer, then fills it. */
public final class Creation {
    private Creation() {}

    /** Unspecified contents (the backend may skip zero-filling), for outputs about to be overwritten. */
    public static Tensor empty(DType dtype, Device device, int... shape) {
        Shapes.check(shape);
        return new Tensor(Backends.of(device).allocate(dtype, Shapes.numel(shape), false), shape);
    }

    public static Tensor zeros(DType dtype, Device device, int... shape) {
        Shapes.check(shape);
        return new Tensor(Backends.of(device).allocate(dtype, Shapes.numel(shape)), shape);
    }

    public static Tensor full(double value, DType dtype, Device device, int... shape) {
        if (value == 0) return zeros(dtype, device, shape);
        Tensor t = empty(dtype, device, shape);
        Backends.of(device).fill(t.raw(), value);
        return t;
    }

    /** Draws on [low, high) seeded by {@code seed}. */
    public static Tensor uniform(double low, double high, long seed, DType dtype, Device device, int... shape) {
        Tensor t = empty(dtype, device, shape);
        Backends.of(device).random(t.raw(), Distribution.UNIFORM, low, high, seed);
        return t;
    }

    /** Standard normal draws seeded by {@code seed}. */
    public static Tensor normal(long seed, DType dtype, Device device, int... shape) {
        Tensor t = empty(dtype, device, shape);
        Backends.of(device).random(t.raw(), Distribution.NORMAL, 0, 1, seed);
        return t;
    }

    /** A CPU tensor holding a copy of {@code data} (an array of {@code dtype}'s Java type, {@code length} long). */
    public static Tensor fromHost(Object data, int length, DType dtype, int... shape) {
        Shapes.check(shape);
        if (Shapes.numel(shape) != length) {
            throw new IllegalArgumentException("fromArray: " + length + " values do not fill shape " + Arrays.toString(shape)
                    + " (" + Shapes.numel(shape) + " elements)");
        }
        return new Tensor(Backends.of(Device.cpu()).fromHost(data, dtype), shape);
    }
}
