package org.jgrad.cuda;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which files get opened, which cuBLAS the driver allows, and the one message naming everything when something is missing. */
class CudaLibrariesTest {
    @TempDir
    Path root;

    private final List<String> opened = new ArrayList<>();
    private static final SymbolLookup EMPTY = name -> Optional.empty();

    /** "Loads" files whose content is "ok"; the system loader knows nothing. */
    private final CudaLibraries.Opener fake = c -> {
        if (c.isBareName()) throw new IllegalArgumentException("Cannot open library: " + c.name());
        try {
            if (!Files.readString(c.file()).equals("ok")) throw new IllegalArgumentException("invalid ELF header");
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
        opened.add(c.file().getFileName().toString());
        return EMPTY;
    };

    private void write(String rel, String content) throws IOException {
        Path p = root.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }

    private LibrarySearch search() {
        return new LibrarySearch(Map.of(), root, LibrarySearch.USUAL_PATTERNS, List::of);
    }

    @Test
    void onlyTheCudnnLoaderIsOpenedNotItsSubLibraries() throws IOException {
        String dir = "usr/local/lib/python3.12/dist-packages/nvidia/cudnn/lib/";
        write(dir + "libcudnn.so.9", "ok");
        write(dir + "libcudnn_graph.so.9", "ok");
        write(dir + "libcudnn_adv.so.9", "ok");
        CudaLibraries.Outcome o = CudaLibraries.open(search(), CudaLibraries.CUDNN, fake);
        assertTrue(o.found());
        assertEquals(List.of("libcudnn.so.9"), opened, "libcudnn.so.9 finds its sub-libraries through its own $ORIGIN run path");
    }

    @Test
    void theDriverVersionChoosesCublas() throws IOException {
        write("usr/lib/x86_64-linux-gnu/libcuda.so.1", "ok");
        write("usr/lib/x86_64-linux-gnu/libz.so.1", "ok");
        write("usr/local/cuda/lib64/libcublas.so.13", "ok");
        write("usr/local/cuda-12.4/lib64/libcublas.so.12", "ok");
        write("usr/local/lib/python3.12/dist-packages/nvidia/cudnn/lib/libcudnn.so.9", "ok");

        CudaLibraries.Opened old = CudaLibraries.openAll(search(), fake, l -> 12040, "Device.cuda(0)");
        assertEquals("libcublas.so.12", old.get(old.cublas()).loadedName(), "a CUDA 12.4 driver cannot run cuBLAS 13");
        assertTrue(old.describe().contains("cuBLAS: libcublas.so.12 (the driver supports CUDA 12.4 only, cuDriverGetVersion 12040 < 13000: "
                + "CUDA 13 libraries need driver release 580 or newer"), old.describe());

        CudaLibraries.Opened fresh = CudaLibraries.openAll(search(), fake, l -> 13000, "Device.cuda(0)");
        assertEquals("libcublas.so.13", fresh.get(fresh.cublas()).loadedName());
        assertTrue(fresh.describe().contains("cuBLAS: libcublas.so.13 (the driver supports CUDA 13.0, cuDriverGetVersion 13000 >= 13000"),
                fresh.describe());
        assertTrue(fresh.describe().contains("libcudnn.so.9 from " + root.resolve("usr/local/lib/python3.12/dist-packages/nvidia/cudnn/lib/libcudnn.so.9")),
                fresh.describe());
    }

    @Test
    void anOldDriverWithOnlyCublas13SaysWhyNothingFits() throws IOException {
        write("usr/lib/x86_64-linux-gnu/libcuda.so.1", "ok");
        write("usr/lib/x86_64-linux-gnu/libz.so.1", "ok");
        write("usr/local/cuda/lib64/libcublas.so.13", "ok");
        write("usr/local/lib/python3.12/dist-packages/nvidia/cudnn/lib/libcudnn.so.9", "ok");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> CudaLibraries.openAll(search(), fake, l -> 12080, "Device.cuda(0)"));
        assertTrue(e.getMessage().startsWith("Device.cuda(0) is unavailable: could not load cuBLAS 12 (libcublas.so.12)"), e.getMessage());
        assertTrue(e.getMessage().contains("cuDriverGetVersion 12080 < 13000: CUDA 13 libraries need driver release 580 or newer"), e.getMessage());
    }

    @Test
    void aMissingZlibIsNamedAsWhatCudnnNeeds() throws IOException {
        write("usr/lib/x86_64-linux-gnu/libcuda.so.1", "ok");
        write("usr/local/cuda/lib64/libcublas.so.13", "ok");
        write("usr/local/lib/python3.12/dist-packages/nvidia/cudnn/lib/libcudnn.so.9", "ok");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> CudaLibraries.openAll(search(), fake, l -> 13000, "Device.cuda(0)"));
        assertTrue(e.getMessage().startsWith("Device.cuda(0) is unavailable: could not load zlib (libz.so.1)"), e.getMessage());
        assertTrue(e.getMessage().contains("libz.so.1 (zlib, for cuDNN 9's sub-libraries link against it (install zlib"), e.getMessage());
    }

    @Test
    void aBrokenCandidateFallsThroughToTheNext() throws IOException {
        write("usr/local/cuda/lib64/libcublas.so.13", "broken");
        write("usr/lib/x86_64-linux-gnu/libcublas.so.12", "ok");
        CudaLibraries.Outcome o = CudaLibraries.open(search(), CudaLibraries.CUBLAS, fake);
        assertTrue(o.found());
        assertEquals("libcublas.so.12", o.loadedName());
        assertTrue(o.attempts().get(0).contains("invalid ELF header"), o.attempts().toString());
    }

    @Test
    void missingLibrariesAreAllNamedWithEveryPlaceSearched() throws IOException {
        write("usr/lib/x86_64-linux-gnu/libcuda.so.1", "ok");
        write("usr/local/cuda/lib64/libcublas.so.13", "broken");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> CudaLibraries.openAll(search(), fake, CudaLibraries.DRIVER_VERSION, "Device.cuda(0)"));
        String m = e.getMessage();
        assertTrue(m.startsWith("Device.cuda(0) is unavailable: could not load cuBLAS (libcublas.so.13 or libcublas.so.12), "
                + "zlib (libz.so.1), cuDNN 9 (libcudnn.so.9)"), m);
        assertTrue(m.contains("the driver's CUDA version is unknown"), m);
        assertTrue(m.contains("libcuda.so.1 (the CUDA driver, for every GPU call): found libcuda.so.1 via " + root.resolve("usr/lib/x86_64-linux-gnu/libcuda.so.1")), m);
        assertTrue(m.contains("libcudnn.so.9 (cuDNN 9, for convolutions): NOT FOUND"), m);
        assertTrue(m.contains("tried " + root.resolve("usr/local/cuda/lib64/libcublas.so.13") + ": invalid ELF header"), m);
        assertTrue(m.contains("JGRAD_CUDA_LIBS = (unset)"), m);
        assertTrue(m.contains(root.resolve("usr/local/cuda/lib64").toString()), m);
        assertTrue(m.contains("Set JGRAD_CUDA_LIBS") || m.contains("set JGRAD_CUDA_LIBS"), m);
    }
}
