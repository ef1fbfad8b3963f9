package org.jgrad.cuda;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Where the CUDA libraries are looked for, in order, and which candidate files exist there.
 * Pure logic over an environment map and a file-system root, so the order and the failure
 * message are unit-tested on machines without a GPU.
 *
 * <p>Order: the folders of {@code JGRAD_CUDA_LIBS}; the loader path ({@code LD_LIBRARY_PATH}
 * folders, then the system loader's own cache by bare name); the usual install places: CUDA
 * toolkits, the driver's folders, the distribution's library folders, and the {@code nvidia/*}
 * {@code /lib} folders of Python installations (pip wheels such as nvidia-cublas and
 * nvidia-cudnn-cu13 put the libraries there). Within that order a preferred name (say
 * {@code libcublas.so.13}) found anywhere beats a fallback name ({@code libcublas.so.12}).
 */
public final class LibrarySearch {
    /** The environment variable users set to a path list of folders holding the libraries. */
    public static final String ENV = "JGRAD_CUDA_LIBS";

    /** The usual places, relative to the file-system root; '*' matches within one path segment. */
    static final List<String> USUAL_PATTERNS = List.of(
            "usr/local/cuda/lib64",
            "usr/local/cuda/targets/x86_64-linux/lib",
            "usr/local/cuda-*/lib64",
            "usr/local/cuda-*/targets/x86_64-linux/lib",
            "usr/local/nvidia/lib64",
            "usr/local/nvidia/lib",
            "usr/lib/x86_64-linux-gnu",
            "usr/lib64",
            "usr/lib/wsl/lib",
            "usr/lib/python3*/dist-packages/nvidia/*/lib",
            "usr/local/lib/python3*/dist-packages/nvidia/*/lib",
            "usr/local/lib/python3*/site-packages/nvidia/*/lib",
            "opt/*/.venv/lib/python3*/site-packages/nvidia/*/lib",
            "opt/conda/lib",
            "opt/conda/lib/python3*/site-packages/nvidia/*/lib");

    /** One place in the search order: a folder, or the system loader searched by bare name. */
    public record Place(Path folder, String origin) {
        public boolean isSystemLoader() { return folder == null; }

        @Override
        public String toString() {
            return isSystemLoader() ? "the system loader's search (ld.so.cache, /lib, /usr/lib) by bare name" : folder + " (" + origin + ")";
        }
    }

    /** A file to try loading, or a bare name for the system loader. */
    public record Candidate(String name, Path file, Place place) {
        public boolean isBareName() { return file == null; }
    }

    private final Map<String, String> env;
    private final Path root;
    private final List<String> usualPatterns;
    private final Supplier<List<Path>> pythonSites;
    private List<Place> places;

    /**
     * @param env          the environment (JGRAD_CUDA_LIBS, LD_LIBRARY_PATH, VIRTUAL_ENV, CONDA_PREFIX)
     * @param root         the file-system root the usual places are relative to ("/" in production)
     * @param usualPatterns usual places relative to root
     * @param pythonSites  site-packages folders of the local Python, asked only when needed
     */
    public LibrarySearch(Map<String, String> env, Path root, List<String> usualPatterns, Supplier<List<Path>> pythonSites) {
        this.env = Objects.requireNonNull(env, "env");
        this.root = Objects.requireNonNull(root, "root");
        this.usualPatterns = List.copyOf(Objects.requireNonNull(usualPatterns, "usualPatterns"));
        this.pythonSites = Objects.requireNonNull(pythonSites, "pythonSites");
    }

    /** The search as configured by this process's environment. */
    public static LibrarySearch fromEnvironment() {
        return new LibrarySearch(System.getenv(), Path.of("/"), USUAL_PATTERNS, LibrarySearch::askPython);
    }

    /** Every place, in search order (computed once). */
    public synchronized List<Place> places() {
        if (places != null) return places;
        List<Place> out = new ArrayList<>();
        for (String dir : pathList(env.get(ENV))) add(out, Path.of(dir), ENV);
        for (String dir : pathList(env.get("LD_LIBRARY_PATH"))) add(out, Path.of(dir), "LD_LIBRARY_PATH");
        out.add(new Place(null, "system loader"));
        for (String pattern : usualPatterns) {
            for (Path p : expand(root, pattern)) add(out, p, "usual place " + pattern);
        }
        for (String var : List.of("VIRTUAL_ENV", "CONDA_PREFIX")) {
            String v = env.get(var);
            if (v == null || v.isBlank()) continue;
            for (Path p : expand(Path.of(v), "lib/python3*/site-packages/nvidia/*/lib")) add(out, p, var + " nvidia wheels");
            add(out, Path.of(v, "lib"), var);
        }
        // Python's own answer last: it costs a process start, and the globs above usually cover it.
        for (Path site : pythonSites.get()) {
            for (Path p : expand(site, "nvidia/*/lib")) add(out, p, "python3 site-packages " + site);
        }
        places = List.copyOf(out);
        return places;
    }

    /**
     * Candidates for a library, best first: each preferred name in every place before the next
     * name. Files that do not exist are left out; the system loader yields bare names.
     */
    public List<Candidate> candidates(List<String> names) {
        if (names == null || names.isEmpty()) throw new IllegalArgumentException("names must list at least one library file name, got " + names);
        List<Candidate> out = new ArrayList<>();
        for (String name : names) {
            for (Place place : places()) {
                if (place.isSystemLoader()) {
                    out.add(new Candidate(name, null, place));
                } else {
                    Path f = place.folder().resolve(name);
                    if (Files.exists(f)) out.add(new Candidate(name, f, place));
                }
            }
        }
        return out;
    }

    /** A multi-line list of every place searched, for error messages. */
    public String describePlaces() {
        StringBuilder sb = new StringBuilder();
        String jl = env.get(ENV);
        sb.append("  ").append(ENV).append(" = ").append(jl == null ? "(unset)" : "'" + jl + "'").append('\n');
        String ld = env.get("LD_LIBRARY_PATH");
        sb.append("  LD_LIBRARY_PATH = ").append(ld == null ? "(unset)" : "'" + ld + "'").append('\n');
        for (Place p : places()) sb.append("  ").append(p).append('\n');
        sb.append("  usual places also tried (folders that do not exist are skipped): ");
        sb.append(String.join(", ", usualPatterns.stream().map(s -> root.resolve(s).toString()).toList()));
        return sb.toString();
    }

    private static void add(List<Place> out, Path folder, String origin) {
        Path norm = folder.toAbsolutePath().normalize();
        if (!Files.isDirectory(norm)) return;
        for (Place p : out) if (norm.equals(p.folder())) return; // first mention wins the order
        out.add(new Place(norm, origin));
    }

    static List<String> pathList(String value) {
        List<String> out = new ArrayList<>();
        if (value == null) return out;
        for (String s : value.split(java.io.File.pathSeparator)) if (!s.isBlank()) out.add(s.trim());
        return out;
    }

    /**
     * Folders matching a pattern below {@code base}; '*' matches inside one segment. Matches
     * are returned newest-looking first (reverse name order), so cuda-13.0 precedes cuda-12.4.
     */
    static List<Path> expand(Path base, String pattern) {
        List<Path> current = List.of(base);
        for (String seg : pattern.split("/")) {
            if (seg.isEmpty()) continue;
            List<Path> next = new ArrayList<>();
            for (Path dir : current) {
                if (!seg.contains("*")) {
                    Path p = dir.resolve(seg);
                    if (Files.isDirectory(p)) next.add(p);
                    continue;
                }
                if (!Files.isDirectory(dir)) continue;
                List<Path> matches = new ArrayList<>();
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, seg)) {
                    for (Path p : ds) if (Files.isDirectory(p)) matches.add(p);
                } catch (IOException | SecurityException e) {
                    continue; // an unreadable folder is simply not a place to find libraries
                }
                matches.sort(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed());
                next.addAll(matches);
            }
            current = next;
        }
        return current;
    }

    /** Python's site-packages folders; empty when python3 is absent or slow. */
    static List<Path> askPython() {
        List<Path> out = new ArrayList<>();
        try {
            Process p = new ProcessBuilder("python3", "-c",
                    "import site\nfor s in site.getsitepackages()+[site.getusersitepackages()]: print(s)")
                    .redirectErrorStream(true).start();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return out;
                }
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.startsWith("/")) out.add(Path.of(line.trim()));
                }
            }
        } catch (IOException e) {
            return out; // no python3: nothing to add
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }
}
