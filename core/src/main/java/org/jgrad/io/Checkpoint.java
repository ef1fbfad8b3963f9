package org.jgrad.io;

import org.jgrad.tensor.Tensor;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A training checkpoint: the model's state dict in {@code model.safetensors} (PyTorch reads it
 * with {@code safetensors.torch.load_file}), every other tensor (optimizer buffers, ...) in
 * {@code state.safetensors}, and the rest of the state (epoch, step counts, scheduler fields,
 * history) in {@code state.json}, where each tensor appears as {@code {"$tensor": "key"}}.
 *
 * <p>Atomic: the three files are written into a temporary folder that is then renamed to
 * {@code epoch-NNNN}; only then is the {@code latest} pointer file replaced (atomically). A
 * crash at any moment leaves the previous checkpoint intact and {@code latest} pointing at it.
 */
public final class Checkpoint {
    public static final String LATEST = "latest";
    private static final String TENSOR_REF = "$tensor";

    private Checkpoint() {}

    /** What {@link #load} returns: the model tensors and the state tree with tensors put back. */
    public record Loaded(Path folder, LinkedHashMap<String, Tensor> model, Map<String, Object> state) {}

    /** Writes checkpoint {@code epoch} under {@code root} and points {@code latest} at it. */
    public static Path save(Path root, int epoch, Map<String, Tensor> model, Map<String, Object> state) throws IOException {
        if (epoch < 0) throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
        Files.createDirectories(root);
        String name = String.format("epoch-%04d", epoch);
        Path tmp = newTempFolder(root, name);
        try {
            LinkedHashMap<String, Tensor> extra = new LinkedHashMap<>();
            Object json = extractTensors("", state, extra);
            // ordered maps: the same checkpoint gives the same bytes on every run
            Map<String, String> modelMeta = new LinkedHashMap<>();
            modelMeta.put("format", "pt");
            modelMeta.put("producer", "jgrad");
            Safetensors.save(model, modelMeta, tmp.resolve("model.safetensors"));
            Safetensors.save(extra, Map.of("producer", "jgrad"), tmp.resolve("state.safetensors"));
            AtomicFiles.writeString(tmp.resolve("state.json"), Json.pretty(json));
            Path dest = root.resolve(name);
            if (Files.exists(dest)) deleteTree(dest); // re-saving the same epoch after a resume
            AtomicFiles.move(tmp, dest);
            AtomicFiles.writeString(root.resolve(LATEST), name + "\n");
            return dest;
        } finally {
            if (Files.exists(tmp)) deleteTree(tmp);
        }
    }

    /**
     * A new hidden folder beside the final one. Not Files.createTempDirectory: it makes the folder
     * 0700, which the rename would keep; a plain createDirectory gets the umask's mode, as every
     * other output of a run does.
     */
    private static Path newTempFolder(Path root, String name) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path p = root.resolve("." + name + "." + Long.toUnsignedString(java.util.concurrent.ThreadLocalRandom.current().nextLong(), 36));
            try {
                return Files.createDirectory(p);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                if (attempt >= 100) throw e;
            }
        }
    }

    /** Longest {@code latest} pointer file read: it holds one folder name. */
    private static final long MAX_POINTER_BYTES = 4096;
    /** Largest {@code state.json} read: it holds counters and history, not tensors. */
    private static final long MAX_STATE_JSON_BYTES = 256L << 20;

    /**
     * The folder {@code latest} points at, or null when there is no checkpoint under {@code root}.
     * The pointer must name one folder directly under {@code root} (no separators, no {@code ..},
     * no link leading elsewhere): a pointer that would resolve outside the checkpoint folder is a
     * {@link FileFormatException}, never followed.
     */
    public static Path latest(Path root) throws IOException {
        Path p = root.resolve(LATEST);
        if (Files.isDirectory(p)) throw new FileSystemException(p.toString(), null, "is a directory, expected the checkpoint pointer file");
        if (!Files.isRegularFile(p)) return null;
        long size = Files.size(p);
        if (size > MAX_POINTER_BYTES) {
            throw new FileFormatException(p, null, "is " + size + " bytes; a checkpoint pointer holds one folder name (at most " + MAX_POINTER_BYTES + ")");
        }
        String name = Safetensors.utf8(Files.readAllBytes(p), p).strip();
        if (!SAFE_NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw new FileFormatException(p, null, "points at '" + printable(name)
                    + "', which is not the name of a folder directly inside " + root);
        }
        Path dir = root.resolve(name);
        if (!Files.isDirectory(dir)) {
            throw new IOException(p + " points at " + name + ", which does not exist under " + root);
        }
        // a link named like a checkpoint could still lead elsewhere
        Path realRoot = root.toRealPath(), realDir = dir.toRealPath();
        if (!realRoot.equals(realDir.getParent())) {
            throw new FileFormatException(p, null, "points at " + name + ", which resolves to " + realDir + ", outside " + realRoot);
        }
        return dir;
    }

    private static final java.util.regex.Pattern SAFE_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9._-]{1,255}");

    private static String printable(String s) {
        String t = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        StringBuilder sb = new StringBuilder();
        for (char c : t.toCharArray()) sb.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        return sb.toString();
    }

    /**
     * Reads the checkpoint in {@code folder}. Every file is checked as untrusted input (see
     * {@link Safetensors#read} and {@link Json#parse}); a {@code {"$tensor": key}} reference
     * must name a tensor of {@code state.safetensors}.
     *
     * @throws FileFormatException naming the file and the entry when a file is malformed
     * @throws IOException         when the folder or a file is missing or unreadable
     */
    public static Loaded load(Path folder) throws IOException {
        if (folder == null) throw new IllegalArgumentException("Checkpoint.load: folder must not be null");
        if (!Files.isDirectory(folder)) throw new NoSuchFileException(folder.toString(), null, "is not a checkpoint folder (not a directory)");
        for (String f : List.of("model.safetensors", "state.safetensors", "state.json")) {
            if (!Files.isRegularFile(folder.resolve(f))) throw new IOException("checkpoint " + folder + " lacks " + f);
        }
        Path stateJson = folder.resolve("state.json");
        long size = Files.size(stateJson);
        if (size > MAX_STATE_JSON_BYTES) throw new FileFormatException(stateJson, null, "is " + size + " bytes, more than the " + MAX_STATE_JSON_BYTES + " a state file may hold");
        Object json;
        try {
            json = Json.parse(Safetensors.utf8(Files.readAllBytes(stateJson), stateJson));
        } catch (FileFormatException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new FileFormatException(stateJson, null, e.getMessage(), e);
        }
        JsonFields f = new JsonFields(stateJson);
        f.object(json, "$");
        LinkedHashMap<String, Tensor> model = Safetensors.load(folder.resolve("model.safetensors"));
        LinkedHashMap<String, Tensor> extra;
        try {
            extra = Safetensors.load(folder.resolve("state.safetensors"));
        } catch (IOException | RuntimeException e) {
            model.values().forEach(Tensor::close);
            throw e;
        }
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> state = (Map<String, Object>) insertTensors(json, extra, f, "$");
            return new Loaded(folder, model, state);
        } catch (RuntimeException e) {
            model.values().forEach(Tensor::close);
            extra.values().forEach(Tensor::close);
            throw e;
        }
    }

    private static Object extractTensors(String path, Object v, Map<String, Tensor> out) {
        if (v instanceof Tensor t) {
            String key = path.isEmpty() ? "tensor" : path;
            out.put(key, t);
            Map<String, Object> ref = new LinkedHashMap<>();
            ref.put(TENSOR_REF, key);
            return ref;
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> r = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                String k = String.valueOf(e.getKey());
                r.put(k, extractTensors(path.isEmpty() ? k : path + "." + k, e.getValue(), out));
            }
            return r;
        }
        if (v instanceof List<?> l) {
            List<Object> r = new ArrayList<>();
            for (int i = 0; i < l.size(); i++) r.add(extractTensors(path + "[" + i + "]", l.get(i), out));
            return r;
        }
        return v;
    }

    private static Object insertTensors(Object v, Map<String, Tensor> tensors, JsonFields f, String path) {
        if (v instanceof Map<?, ?> m) {
            if (m.containsKey(TENSOR_REF)) {
                if (m.size() != 1) throw f.error(path, "a tensor reference must hold only '" + TENSOR_REF + "', found keys " + m.keySet());
                String key = f.string(m.get(TENSOR_REF), path + "." + TENSOR_REF);
                Tensor t = tensors.get(key);
                if (t == null) throw f.error(path, "refers to tensor '" + key + "', which state.safetensors does not hold");
                return t;
            }
            Map<String, Object> r = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                String k = String.valueOf(e.getKey());
                r.put(k, insertTensors(e.getValue(), tensors, f, path + "." + k));
            }
            return r;
        }
        if (v instanceof List<?> l) {
            List<Object> r = new ArrayList<>();
            for (int i = 0; i < l.size(); i++) r.add(insertTensors(l.get(i), tensors, f, path + "[" + i + "]"));
            return r;
        }
        return v;
    }

    private static void deleteTree(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
        }
    }
}
