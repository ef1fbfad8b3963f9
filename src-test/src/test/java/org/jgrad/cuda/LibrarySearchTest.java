package org.jgrad.cuda;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The search order for the CUDA libraries, on fake folders under a temp dir (no GPU needed). */
class LibrarySearchTest {
    @TempDir
    Path root;

    private Path touch(String relative) throws IOException {
        Path p = root.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, "not a real library");
        return p;
    }

    private LibrarySearch search(Map<String, String> env, List<Path> pythonSites) {
        return new LibrarySearch(env, root, LibrarySearch.USUAL_PATTERNS, () -> pythonSites);
    }

    @Test
    void envFoldersComeFirstThenLoaderPathThenSystemLoaderThenUsualPlaces() throws IOException {
        Path envLib = touch("custom/a/libcublas.so.13").getParent();
        Path ldLib = touch("ld/lib/libcublas.so.13").getParent();
        Path toolkit = touch("usr/local/cuda/lib64/libcublas.so.13").getParent();
        Path wheel = touch("usr/local/lib/python3.12/dist-packages/nvidia/cu13/lib/libcublas.so.13").getParent();
        Map<String, String> env = new HashMap<>();
        env.put(LibrarySearch.ENV, envLib + ":" + root.resolve("does/not/exist"));
        env.put("LD_LIBRARY_PATH", ldLib.toString());
        List<LibrarySearch.Candidate> c = search(env, List.of()).candidates(List.of("libcublas.so.13"));
        assertEquals(5, c.size(), c.toString());
        assertEquals(envLib.resolve("libcublas.so.13"), c.get(0).file());
        assertEquals(ldLib.resolve("libcublas.so.13"), c.get(1).file());
        assertTrue(c.get(2).isBareName(), "system loader by bare name after the loader path: " + c.get(2));
        assertEquals(toolkit.resolve("libcublas.so.13"), c.get(3).file());
        assertEquals(wheel.resolve("libcublas.so.13"), c.get(4).file());
    }

    @Test
    void preferredNameAnywhereBeatsFallbackName() throws IOException {
        Path old = touch("usr/local/cuda/lib64/libcublas.so.12");
        Path preferred = touch("usr/lib/python3/dist-packages/nvidia/cublas/lib/libcublas.so.13");
        List<LibrarySearch.Candidate> c = search(Map.of(), List.of()).candidates(List.of("libcublas.so.13", "libcublas.so.12"));
        List<Path> files = c.stream().filter(x -> !x.isBareName()).map(LibrarySearch.Candidate::file).toList();
        assertEquals(List.of(preferred, old), files);
    }

    @Test
    void pythonSitePackagesAreSearchedForNvidiaWheels() throws IOException {
        Path site = root.resolve("opt/venv/lib/python3.12/site-packages");
        Path cudnn = touch("opt/venv/lib/python3.12/site-packages/nvidia/cudnn/lib/libcudnn.so.9");
        List<LibrarySearch.Candidate> c = search(Map.of(), List.of(site)).candidates(List.of("libcudnn.so.9"));
        assertTrue(c.stream().anyMatch(x -> cudnn.equals(x.file())), c.toString());
    }

    @Test
    void virtualEnvIsSearched() throws IOException {
        Path cudnn = touch("venv/lib/python3.11/site-packages/nvidia/cudnn/lib/libcudnn.so.9");
        List<LibrarySearch.Candidate> c = search(Map.of("VIRTUAL_ENV", root.resolve("venv").toString()), List.of())
                .candidates(List.of("libcudnn.so.9"));
        assertTrue(c.stream().anyMatch(x -> cudnn.equals(x.file())), c.toString());
    }

    @Test
    void globsListNewerToolkitsFirstAndSkipMissingFolders() throws IOException {
        touch("usr/local/cuda-12.4/lib64/x");
        touch("usr/local/cuda-13.0/lib64/x");
        List<Path> found = LibrarySearch.expand(root, "usr/local/cuda-*/lib64");
        assertEquals(List.of(root.resolve("usr/local/cuda-13.0/lib64"), root.resolve("usr/local/cuda-12.4/lib64")), found);
        assertTrue(LibrarySearch.expand(root, "no/such/*/lib").isEmpty());
    }

    @Test
    void aFolderMentionedTwiceIsSearchedOnce() throws IOException {
        Path lib = touch("usr/local/cuda/lib64/libcuda.so.1").getParent();
        LibrarySearch s = search(Map.of(LibrarySearch.ENV, lib.toString()), List.of());
        long count = s.places().stream().filter(p -> lib.equals(p.folder())).count();
        assertEquals(1, count);
        assertEquals(LibrarySearch.ENV, s.places().get(0).origin());
    }

    @Test
    void describePlacesNamesTheVariablesAndTheFolders() throws IOException {
        Path lib = touch("usr/local/cuda/lib64/libcuda.so.1").getParent();
        String d = search(Map.of("LD_LIBRARY_PATH", "/x/y"), List.of()).describePlaces();
        assertTrue(d.contains("JGRAD_CUDA_LIBS = (unset)"), d);
        assertTrue(d.contains("LD_LIBRARY_PATH = '/x/y'"), d);
        assertTrue(d.contains(lib.toString()), d);
        assertTrue(d.contains("system loader"), d);
        assertFalse(d.contains("null"), d);
    }
}
