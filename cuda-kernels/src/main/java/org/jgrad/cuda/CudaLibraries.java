package org.jgrad.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * Finds and opens libcuda, cuBLAS, zlib and cuDNN (see {@link LibrarySearch} for the order)
 * and says, in one message, what was looked for and where when any is missing.
 *
 * <p>Only the libraries the bindings call are opened. cuDNN 9's {@code libcudnn.so.9} finds
 * its sub-libraries (graph, ops, cnn, engines) by itself through its {@code $ORIGIN} run path,
 * and libcublas finds libcublasLt the same way, so nothing is preloaded beside them (preloading
 * cuDNN's companions mapped about 750 MB, libcudnn_adv included, which convolutions never use).
 * zlib is the exception: cuDNN 9's sub-libraries link against {@code libz.so.1}, which is a
 * system library, so a machine without it would only fail at the first convolution, with a
 * sub-library loading error that does not name zlib. It is looked for up front instead.
 *
 * <p>Which cuBLAS: CUDA 13 libraries need a driver of release 580 or newer (one reporting CUDA
 * 13.0, {@code cuDriverGetVersion} >= 13000); an older driver gets cuBLAS 12. The choice and its
 * reason are part of {@link Opened#describe()}.
 */
public final class CudaLibraries {
    /** A library the backend needs: its file names in order of preference, and why it is needed. */
    public record Wanted(String label, List<String> names, String why) {}

    /** The CUDA driver version from which cuBLAS 13 is usable (CUDA 13.0; driver release 580). */
    public static final int CUDA_13_DRIVER = 13000;

    public static final Wanted DRIVER = new Wanted("the CUDA driver", List.of("libcuda.so.1"), "every GPU call");
    /** cuBLAS when the driver version is unknown: 13 first, 12 as the fallback. */
    public static final Wanted CUBLAS = new Wanted("cuBLAS", List.of("libcublas.so.13", "libcublas.so.12"), "matrix products");
    public static final Wanted ZLIB = new Wanted("zlib", List.of("libz.so.1"),
            "cuDNN 9's sub-libraries link against it (install zlib, e.g. the zlib1g package, or put libz.so.1 in a "
                    + LibrarySearch.ENV + " folder)");
    public static final Wanted CUDNN = new Wanted("cuDNN 9", List.of("libcudnn.so.9"), "convolutions");

    /** How to open one candidate; production uses dlopen, tests a fake. */
    public interface Opener {
        SymbolLookup open(LibrarySearch.Candidate c);
    }

    /** The outcome for one wanted library. */
    public record Outcome(Wanted wanted, SymbolLookup lookup, String loadedFrom, String loadedName, List<String> attempts) {
        public boolean found() { return lookup != null; }
    }

    /** Every library opened, and the sentence saying which cuBLAS was chosen and why. */
    public record Opened(Map<Wanted, Outcome> outcomes, Wanted cublas, String cublasChoice) {
        public Outcome get(Wanted w) { return outcomes.get(w); }

        /** One line per library file loaded, then the cuBLAS choice: for the device description. */
        public String describe() {
            StringBuilder sb = new StringBuilder();
            for (Outcome o : outcomes.values()) sb.append(o.loadedName()).append(" from ").append(o.loadedFrom()).append('\n');
            return sb.append(cublasChoice).append('\n').toString();
        }
    }

    /** dlopen through FFM; the global arena keeps the libraries loaded for the life of the JVM. */
    public static final Opener DLOPEN = c -> c.isBareName()
            ? SymbolLookup.libraryLookup(c.name(), Arena.global())
            : SymbolLookup.libraryLookup(c.file(), Arena.global());

    /** The driver's CUDA version through {@code cuDriverGetVersion} (needs no device), or -1 when it cannot say. */
    public static final ToIntFunction<SymbolLookup> DRIVER_VERSION = lookup -> {
        try {
            return new Driver(lookup).driverVersion();
        } catch (RuntimeException | LinkageError e) {
            return -1;
        }
    };

    private CudaLibraries() {}

    /** Which cuBLAS a driver of this CUDA version ({@code cuDriverGetVersion}; -1 unknown) can use. */
    public static Wanted cublasFor(int driverVersion) {
        if (driverVersion < 0) return CUBLAS;
        if (driverVersion >= CUDA_13_DRIVER) return new Wanted("cuBLAS 13", List.of("libcublas.so.13", "libcublas.so.12"), CUBLAS.why());
        return new Wanted("cuBLAS 12", List.of("libcublas.so.12"), CUBLAS.why());
    }

    /** The sentence for the device description: which cuBLAS and why. */
    static String cublasChoice(int driverVersion, Outcome cublas) {
        String loaded = cublas.found() ? cublas.loadedName() : "no cuBLAS";
        if (driverVersion < 0) {
            return "cuBLAS: " + loaded + " (the driver's CUDA version is unknown, so libcublas.so.13 was preferred)";
        }
        String cuda = (driverVersion / 1000) + "." + (driverVersion % 1000 / 10);
        if (driverVersion >= CUDA_13_DRIVER) {
            return "cuBLAS: " + loaded + " (the driver supports CUDA " + cuda + ", cuDriverGetVersion " + driverVersion
                    + " >= " + CUDA_13_DRIVER + ", so CUDA 13 libraries are usable and preferred)";
        }
        return "cuBLAS: " + loaded + " (the driver supports CUDA " + cuda + " only, cuDriverGetVersion " + driverVersion + " < "
                + CUDA_13_DRIVER + ": CUDA 13 libraries need driver release 580 or newer, so libcublas.so.12 is used)";
    }

    /** Opens the first loadable candidate for {@code w}. */
    public static Outcome open(LibrarySearch search, Wanted w, Opener opener) {
        List<String> attempts = new ArrayList<>();
        for (LibrarySearch.Candidate c : search.candidates(w.names())) {
            try {
                SymbolLookup l = opener.open(c);
                return new Outcome(w, l, c.isBareName() ? "the system loader" : c.file().toString(), c.name(), attempts);
            } catch (RuntimeException e) {
                if (!c.isBareName()) attempts.add(c.file() + ": " + oneLine(e.getMessage()));
                // a bare name the system loader does not know is the normal case: not worth listing
            }
        }
        return new Outcome(w, null, null, null, attempts);
    }

    /**
     * Opens the driver, the cuBLAS its version allows, zlib and cuDNN; throws
     * IllegalStateException naming every library looked for and every place searched.
     */
    public static Opened openAll(LibrarySearch search, Opener opener, ToIntFunction<SymbolLookup> driverVersion, String forWhat) {
        Map<Wanted, Outcome> out = new LinkedHashMap<>();
        Outcome driver = open(search, DRIVER, opener);
        out.put(DRIVER, driver);
        int version = driver.found() ? driverVersion.applyAsInt(driver.lookup()) : -1;
        Wanted cublas = cublasFor(version);
        Outcome cb = open(search, cublas, opener);
        out.put(cublas, cb);
        // zlib before cuDNN: the sub-libraries cuDNN loads later find it among the loaded libraries by soname
        for (Wanted w : List.of(ZLIB, CUDNN)) out.put(w, open(search, w, opener));
        String choice = cublasChoice(version, cb);
        if (out.values().stream().allMatch(Outcome::found)) return new Opened(out, cublas, choice);
        throw new IllegalStateException(explain(forWhat, out, search) + "\n" + choice);
    }

    /** The failure message: one line per library (found where, or missing), then every place searched. */
    public static String explain(String forWhat, Map<Wanted, Outcome> outcomes, LibrarySearch search) {
        List<String> missing = new ArrayList<>();
        for (Outcome o : outcomes.values()) if (!o.found()) missing.add(o.wanted().label() + " (" + String.join(" or ", o.wanted().names()) + ")");
        StringBuilder sb = new StringBuilder();
        sb.append(forWhat).append(" is unavailable: could not load ").append(String.join(", ", missing)).append('\n');
        sb.append("Looked for:\n");
        for (Outcome o : outcomes.values()) {
            sb.append("  ").append(String.join(" or ", o.wanted().names())).append(" (").append(o.wanted().label())
                    .append(", for ").append(o.wanted().why()).append("): ");
            sb.append(o.found() ? "found " + o.loadedName() + " via " + o.loadedFrom() : "NOT FOUND").append('\n');
            for (String a : o.attempts()) sb.append("    tried ").append(a).append('\n');
        }
        sb.append("Searched, in order:\n").append(search.describePlaces()).append('\n');
        sb.append("Fix: install the NVIDIA driver (libcuda), cuBLAS and cuDNN 9 (e.g. the nvidia-cublas and nvidia-cudnn-cu13 "
                + "Python wheels) and zlib, or set ").append(LibrarySearch.ENV).append(" to the folders holding them, separated by '")
                .append(java.io.File.pathSeparator).append("'.");
        return sb.toString();
    }

    private static String oneLine(String s) {
        if (s == null) return "failed";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
