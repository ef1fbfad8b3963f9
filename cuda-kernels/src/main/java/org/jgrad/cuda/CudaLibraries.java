package org.jgrad.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds and opens libcuda, cuBLAS and cuDNN (see {@link LibrarySearch} for the order) and says,
 * in one message, what was looked for and where when any is missing.
 *
 * <p>Companion libraries: libcublas needs libcublasLt from its own folder, and cuDNN 9's
 * libcudnn.so.9 is a shim that dlopens libcudnn_graph/ops/cnn/adv/engines_* by bare name at
 * run time. A pip wheel's folder is on no loader path, so those bare-name opens would fail.
 * We therefore open the companions from the same folder first, by full path: the dynamic
 * loader matches a later bare-name dlopen against the sonames already loaded, so the shim
 * finds them. A companion that fails to open is recorded (and reported if cuDNN later fails),
 * not fatal, because not every install ships every engine library.
 */
public final class CudaLibraries {
    /**
     * A library the backend needs: its file names in order of preference, companions opened
     * first from the same folder, and peers (libraries it dlopens by bare name that live in other
     * folders, such as NVRTC for cuDNN's runtime-compiled engines) opened first from anywhere in
     * the search.
     */
    public record Wanted(String label, List<String> names, List<String> companions, List<String> peers) {}

    public static final Wanted DRIVER = new Wanted("the CUDA driver", List.of("libcuda.so.1"), List.of(), List.of());
    public static final Wanted CUBLAS = new Wanted("cuBLAS", List.of("libcublas.so.13", "libcublas.so.12"),
            List.of("libcublasLt.so.13", "libcublasLt.so.12"), List.of());
    public static final Wanted CUDNN = new Wanted("cuDNN 9", List.of("libcudnn.so.9"),
            List.of("libcudnn_graph.so.9", "libcudnn_engines_runtime_compiled.so.9", "libcudnn_engines_precompiled.so.9",
                    "libcudnn_heuristic.so.9", "libcudnn_ops.so.9", "libcudnn_cnn.so.9", "libcudnn_adv.so.9"),
            List.of("libnvrtc.so.13", "libnvrtc-builtins.so.13.0", "libnvrtc.so.12"));

    /** How to open one candidate; production uses dlopen, tests a fake. */
    public interface Opener {
        SymbolLookup open(LibrarySearch.Candidate c);
    }

    /** The outcome for one wanted library. */
    public record Outcome(Wanted wanted, SymbolLookup lookup, String loadedFrom, String loadedName, List<String> attempts) {
        public boolean found() { return lookup != null; }
    }

    /** dlopen through FFM; the global arena keeps the libraries loaded for the life of the JVM. */
    public static final Opener DLOPEN = c -> c.isBareName()
            ? SymbolLookup.libraryLookup(c.name(), Arena.global())
            : SymbolLookup.libraryLookup(c.file(), Arena.global());

    private CudaLibraries() {}

    /** Opens the first loadable candidate for {@code w}, preloading its companions from the same folder. */
    public static Outcome open(LibrarySearch search, Wanted w, Opener opener) {
        List<String> attempts = new ArrayList<>();
        boolean peersDone = false;
        for (LibrarySearch.Candidate c : search.candidates(w.names())) {
            if (!peersDone && !w.peers().isEmpty()) {
                preloadPeers(w, opener, search, attempts);
                peersDone = true;
            }
            if (!c.isBareName()) preloadCompanions(c.file().getParent(), w, opener, search, attempts);
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

    private static void preloadCompanions(Path folder, Wanted w, Opener opener, LibrarySearch search, List<String> attempts) {
        for (String name : w.companions()) {
            Path f = folder.resolve(name);
            if (!java.nio.file.Files.exists(f)) continue;
            try {
                opener.open(new LibrarySearch.Candidate(name, f, new LibrarySearch.Place(folder, "companion")));
            } catch (RuntimeException e) {
                attempts.add(f + " (companion, not fatal): " + oneLine(e.getMessage()));
            }
        }
    }

    private static void preloadPeers(Wanted w, Opener opener, LibrarySearch search, List<String> attempts) {
        for (String name : w.peers()) {
            for (LibrarySearch.Candidate c : search.candidates(List.of(name))) {
                if (c.isBareName()) continue;
                try {
                    opener.open(c);
                    break;
                } catch (RuntimeException e) {
                    attempts.add(c.file() + " (peer, not fatal): " + oneLine(e.getMessage()));
                }
            }
        }
    }

    /** Opens all three; throws IllegalStateException naming every library looked for and every place searched. */
    public static Map<Wanted, Outcome> openAll(LibrarySearch search, Opener opener, String forWhat) {
        Map<Wanted, Outcome> out = new LinkedHashMap<>();
        for (Wanted w : List.of(DRIVER, CUBLAS, CUDNN)) out.put(w, open(search, w, opener));
        if (out.values().stream().allMatch(Outcome::found)) return out;
        throw new IllegalStateException(explain(forWhat, out, search));
    }

    /** The failure message: one line per library (found where, or missing), then every place searched. */
    public static String explain(String forWhat, Map<Wanted, Outcome> outcomes, LibrarySearch search) {
        List<String> missing = new ArrayList<>();
        for (Outcome o : outcomes.values()) if (!o.found()) missing.add(o.wanted().label() + " (" + String.join(" or ", o.wanted().names()) + ")");
        StringBuilder sb = new StringBuilder();
        sb.append(forWhat).append(" is unavailable: could not load ").append(String.join(", ", missing)).append('\n');
        sb.append("Looked for:\n");
        for (Outcome o : outcomes.values()) {
            sb.append("  ").append(String.join(" or ", o.wanted().names())).append(" (").append(o.wanted().label()).append("): ");
            sb.append(o.found() ? "found " + o.loadedName() + " via " + o.loadedFrom() : "NOT FOUND").append('\n');
            for (String a : o.attempts()) sb.append("    tried ").append(a).append('\n');
        }
        sb.append("Searched, in order:\n").append(search.describePlaces()).append('\n');
        sb.append("Fix: install the NVIDIA driver (libcuda), cuBLAS and cuDNN 9 (e.g. the nvidia-cublas and nvidia-cudnn-cu13 "
                + "Python wheels), or set ").append(LibrarySearch.ENV).append(" to the folders holding them, separated by '")
                .append(java.io.File.pathSeparator).append("'.");
        return sb.toString();
    }

    private static String oneLine(String s) {
        if (s == null) return "failed";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
