package org.jgrad.io;

import org.jgrad.tensor.Tensor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
        Path tmp = Files.createTempDirectory(root, "." + name + ".");
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

    /** The folder {@code latest} points at, or null when there is no checkpoint under {@code root}. */
    public static Path latest(Path root) throws IOException {
        Path p = root.resolve(LATEST);
        if (!Files.isRegularFile(p)) return null;
        String name = Files.readString(p, StandardCharsets.UTF_8).trim();
        Path dir = root.resolve(name);
        if (!Files.isDirectory(dir)) {
            throw new IOException(p + " points at " + name + ", which does not exist under " + root);
        }
        return dir;
    }

    public static Loaded load(Path folder) throws IOException {
        for (String f : List.of("model.safetensors", "state.safetensors", "state.json")) {
            if (!Files.isRegularFile(folder.resolve(f))) throw new IOException("checkpoint " + folder + " lacks " + f);
        }
        LinkedHashMap<String, Tensor> model = Safetensors.load(folder.resolve("model.safetensors"));
        LinkedHashMap<String, Tensor> extra = Safetensors.load(folder.resolve("state.safetensors"));
        Object json = Json.parse(Files.readString(folder.resolve("state.json"), StandardCharsets.UTF_8));
        @SuppressWarnings("unchecked")
        Map<String, Object> state = (Map<String, Object>) insertTensors(json, extra);
        return new Loaded(folder, model, state);
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

    private static Object insertTensors(Object v, Map<String, Tensor> tensors) {
        if (v instanceof Map<?, ?> m) {
            if (m.size() == 1 && m.containsKey(TENSOR_REF)) {
                Tensor t = tensors.get((String) m.get(TENSOR_REF));
                if (t == null) throw new IllegalArgumentException("checkpoint state refers to a missing tensor '" + m.get(TENSOR_REF) + "'");
                return t;
            }
            Map<String, Object> r = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) r.put(String.valueOf(e.getKey()), insertTensors(e.getValue(), tensors));
            return r;
        }
        if (v instanceof List<?> l) {
            List<Object> r = new ArrayList<>();
            for (Object o : l) r.add(insertTensors(o, tensors));
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
