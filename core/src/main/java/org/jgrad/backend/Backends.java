package org.jgrad.backend;

import org.jgrad.tensor.Device;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Finds the backend for a device. The CPU backend is built in; every other device type comes
 * from a {@link BackendProvider} found with {@link ServiceLoader} and keyed by its
 * {@link BackendProvider#type() type name}, so a new device type needs no change in core.
 * Backends are made once per device and cached.
 */
public final class Backends {
    private static final ConcurrentHashMap<Device, Backend> BACKENDS = new ConcurrentHashMap<>();
    private static final AtomicBoolean AUTO_FALLBACK_REPORTED = new AtomicBoolean();

    private Backends() {}

    /**
     * The backend that runs primitives for {@code device}.
     *
     * @throws IllegalStateException when no provider serves the device's type, or the provider
     *                               finds the device unusable (its message says what is missing and where it looked)
     */
    public static Backend of(Device device) {
        if (device.isCpu()) return CpuBackend.INSTANCE;
        Backend b = BACKENDS.get(device);
        return b != null ? b : BACKENDS.computeIfAbsent(device, Backends::create);
    }

    /** True when {@link #of} would return a backend for {@code device}. */
    public static boolean isAvailable(Device device) {
        try {
            of(device);
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    /** CUDA device 0 when usable, else the CPU (and says so once on stderr). */
    public static Device auto() {
        Device cuda = Device.cuda(0);
        try {
            of(cuda);
            return cuda;
        } catch (IllegalStateException e) {
            if (AUTO_FALLBACK_REPORTED.compareAndSet(false, true)) {
                System.err.println(autoFallbackNote(e.getMessage()));
            }
            return Device.cpu();
        }
    }

    private static Backend create(Device device) {
        List<String> types = new ArrayList<>(List.of(Device.CPU_TYPE));
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
            if (p.type().equals(device.type())) return p.create(device.index()); // throws with its own explanation
            types.add(p.type());
        }
        throw new IllegalStateException("Device." + device.type() + "(" + device.index() + ") is unavailable: the jgrad-"
                + device.type() + " module (org.jgrad:jgrad-" + device.type() + ") is not on the class path"
                + " (device types found: " + String.join(", ", types) + ")");
    }

    /**
     * The note printed when {@link #auto} falls back to the CPU: one short line, then the reason
     * indented and cut to a readable length (the backend's full explanation lists every folder it
     * searched; JGRAD_DEBUG=1 shows it).
     */
    static String autoFallbackNote(String explanation) {
        String reason = firstLine(explanation);
        int cut = reason.indexOf(" Looked for:");
        if (cut > 0) reason = reason.substring(0, cut);
        if (reason.endsWith(".")) reason = reason.substring(0, reason.length() - 1);
        if (System.getenv("JGRAD_DEBUG") != null) reason = explanation == null ? reason : explanation.strip();
        else if (reason.length() > 160) reason = reason.substring(0, 157) + "...";
        return "jgrad: no usable CUDA device, running on the CPU\n  (" + reason + "; --device cpu skips the CUDA check, JGRAD_DEBUG=1 shows the full search)";
    }

    private static String firstLine(String s) {
        if (s == null) return "unknown reason";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
