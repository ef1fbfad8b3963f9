package org.jgrad.tensor;

import org.jgrad.backend.Backend;
import org.jgrad.backend.BackendProvider;
import org.jgrad.backend.CpuBackend;

import java.util.Objects;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Where a tensor lives. {@code Device.cpu()} always works; {@code Device.cuda(i)} needs the
 * jgrad-cuda module on the class path and a usable GPU, and otherwise throws an error that
 * says what is missing and where it looked. {@code Device.auto()} picks CUDA when it works.
 */
public final class Device {
    public enum Type { CPU, CUDA }

    private static final Device CPU = new Device(Type.CPU, 0);
    private static final ConcurrentHashMap<Integer, Backend> CUDA_BACKENDS = new ConcurrentHashMap<>();
    private static final AtomicBoolean AUTO_FALLBACK_REPORTED = new AtomicBoolean();

    private final Type type;
    private final int index;

    private Device(Type type, int index) {
        this.type = type;
        this.index = index;
    }

    public static Device cpu() { return CPU; }

    /** The CUDA device {@code index}; throws {@link IllegalStateException} naming what is missing. */
    public static Device cuda(int index) {
        if (index < 0) throw new IllegalArgumentException("cuda device index must be >= 0, got " + index);
        Device d = new Device(Type.CUDA, index);
        d.backend(); // fail now, with the provider's explanation, rather than at first use
        return d;
    }

    /** CUDA device 0 when usable, else the CPU (and says so once on stderr). */
    public static Device auto() {
        try {
            return cuda(0);
        } catch (IllegalStateException e) {
            if (AUTO_FALLBACK_REPORTED.compareAndSet(false, true)) {
                System.err.println("jgrad: no usable CUDA device, running on the CPU (" + firstLine(e.getMessage()) + ")");
            }
            return CPU;
        }
    }

    /** Parses "cpu", "cuda", "cuda:1" or "auto". */
    public static Device parse(String name) {
        Objects.requireNonNull(name, "device");
        String n = name.trim().toLowerCase();
        if (n.equals("cpu")) return cpu();
        if (n.equals("auto")) return auto();
        if (n.equals("cuda")) return cuda(0);
        if (n.startsWith("cuda:")) {
            try {
                return cuda(Integer.parseInt(n.substring(5)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("device: bad CUDA index in '" + name + "'");
            }
        }
        throw new IllegalArgumentException("device: expected cpu, cuda, cuda:N or auto, got '" + name + "'");
    }

    /** True when a CUDA backend is on the class path and reports a usable device. */
    public static boolean cudaAvailable() {
        try {
            cuda(0);
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    public Type type() { return type; }

    public int index() { return index; }

    public boolean isCpu() { return type == Type.CPU; }

    public boolean isCuda() { return type == Type.CUDA; }

    /** The backend that executes primitives for tensors on this device. */
    public Backend backend() {
        if (type == Type.CPU) return CpuBackend.INSTANCE;
        return CUDA_BACKENDS.computeIfAbsent(index, Device::loadCuda);
    }

    private static Backend loadCuda(int index) {
        StringBuilder why = new StringBuilder();
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
            if (!p.type().equals(Type.CUDA)) continue;
            return p.create(index); // throws IllegalStateException with its own explanation
        }
        why.append("the jgrad-cuda module (org.jgrad:jgrad-cuda) is not on the class path");
        throw new IllegalStateException("Device.cuda(" + index + ") is unavailable: " + why);
    }

    private static String firstLine(String s) {
        if (s == null) return "unknown reason";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Device d && d.type == type && d.index == index;
    }

    @Override
    public int hashCode() { return type.hashCode() * 31 + index; }

    @Override
    public String toString() { return type == Type.CPU ? "cpu" : "cuda:" + index; }
}
