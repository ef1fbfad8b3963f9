package org.jgrad.io;

import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class CheckpointTest {
    @TempDir
    Path root;

    @Test
    void savesAndLoadsModelAndNestedState() throws IOException {
        Map<String, Tensor> model = new LinkedHashMap<>();
        model.put("fc.weight", Tensor.fromArray(new float[]{1, 2, 3, 4}, 2, 2));
        Map<String, Object> opt = new LinkedHashMap<>();
        opt.put("step", 12L);
        opt.put("buffers", List.of(Tensor.fromArray(new float[]{0.5f, -0.25f}, 2)));
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("epoch", 3L);
        state.put("lr", 0.1 * 0.1 * 0.1);
        state.put("optimizer", opt);
        Path saved = Checkpoint.save(root, 3, model, state);
        assertEquals(saved, Checkpoint.latest(root));
        Checkpoint.Loaded l = Checkpoint.load(Checkpoint.latest(root));
        assertArrayEquals(new float[]{1, 2, 3, 4}, l.model().get("fc.weight").toFloatArray());
        assertEquals(0.1 * 0.1 * 0.1, (Double) l.state().get("lr")); // bit-exact double through JSON
        @SuppressWarnings("unchecked")
        Map<String, Object> o = (Map<String, Object>) l.state().get("optimizer");
        assertEquals(12L, o.get("step"));
        Tensor buf = (Tensor) ((List<?>) o.get("buffers")).get(0);
        assertArrayEquals(new float[]{0.5f, -0.25f}, buf.toFloatArray());
    }

    @Test
    void aLaterSaveMovesLatestAndLeavesNoTemporaryFiles() throws IOException {
        Checkpoint.save(root, 0, Map.of("w", Tensor.zeros(1)), Map.of());
        Checkpoint.save(root, 1, Map.of("w", Tensor.ones(1)), Map.of());
        assertEquals(root.resolve("epoch-0001"), Checkpoint.latest(root));
        try (var s = Files.list(root)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".")), "no temporary folders left");
        }
        assertNull(Checkpoint.latest(root.resolve("nothing-here")));
    }

    /** Checkpoint folders get the umask's mode, as a folder made with createDirectory does (not 0700). */
    @Test
    void checkpointFoldersFollowTheUmask() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(root.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Path reference = Files.createDirectories(root.resolve("reference"));
        Path saved = Checkpoint.save(root, 1, Map.of("w", Tensor.zeros(1)), Map.of());
        assertEquals(Files.getPosixFilePermissions(reference), Files.getPosixFilePermissions(saved));
    }

    @Test
    void jsonRoundTripsSpecialValues() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("inf", Double.POSITIVE_INFINITY);
        m.put("s", "a\"b\\c\n");
        m.put("l", List.of(1L, 2.5, true));
        Object back = Json.parse(Json.write(m));
        assertEquals("a\"b\\c\n", ((Map<?, ?>) back).get("s"));
        assertEquals(List.of(1L, 2.5, true), ((Map<?, ?>) back).get("l"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\": }"));
    }
}
