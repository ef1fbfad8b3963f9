package org.jgrad.cuda;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.jgrad.cuda.Native.INT;
import static org.jgrad.cuda.Native.PTR;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * The bindings against the real cuBLAS 13 and cuDNN 9 libraries, without a GPU: only calls
 * that never touch a device (versions, properties, error strings, descriptors and cuDNN's
 * output-shape query), so the bindings cannot silently drift from the libraries. Every test
 * is skipped, with where it looked, when the libraries are not found. Besides the usual
 * search it looks in {@code -Djgrad.cuda.realLibs} (a path list) and in the wheels' {@code nvidia/*}
 * {@code /lib} folders unpacked under {@code target/cuda-wheels} of the repository root.
 */
class RealLibrariesHostTest {
    static final String PROPERTY = "jgrad.cuda.realLibs";
    private static Cudnn cudnn;
    private static Cublas cublas;
    private static SymbolLookup dnnLib, blasLib;
    private static String notFound;

    @BeforeAll
    static void openTheRealLibraries() {
        List<String> extra = new ArrayList<>(LibrarySearch.pathList(System.getProperty(PROPERTY)));
        for (Path base : List.of(Path.of("target/cuda-wheels"), Path.of("../target/cuda-wheels"))) {
            for (Path p : LibrarySearch.expand(base.toAbsolutePath().normalize(), "nvidia/*/lib")) extra.add(p.toString());
        }
        Map<String, String> env = new HashMap<>(System.getenv());
        String given = env.get(LibrarySearch.ENV);
        if (given != null && !given.isBlank()) extra.add(given);
        env.put(LibrarySearch.ENV, String.join(java.io.File.pathSeparator, extra));
        LibrarySearch search = new LibrarySearch(env, Path.of("/"), LibrarySearch.USUAL_PATTERNS, LibrarySearch::askPython);
        CudaLibraries.Outcome dnn = CudaLibraries.open(search, CudaLibraries.CUDNN, CudaLibraries.DLOPEN);
        CudaLibraries.Outcome blas = CudaLibraries.open(search, CudaLibraries.cublasFor(CudaLibraries.CUDA_13_DRIVER), CudaLibraries.DLOPEN);
        if (!dnn.found() || !blas.found()) {
            notFound = "the real cuDNN 9 / cuBLAS were not found (cuDNN " + (dnn.found() ? "found" : "missing") + ", cuBLAS "
                    + (blas.found() ? "found" : "missing") + "); unpack the nvidia-cudnn-cu13 and nvidia-cublas wheels under "
                    + "target/cuda-wheels or pass -D" + PROPERTY + "=FOLDERS. Searched:\n" + search.describePlaces();
            return;
        }
        dnnLib = dnn.lookup();
        blasLib = blas.lookup();
        cudnn = new Cudnn(dnnLib);
        cublas = new Cublas(blasLib, blas.loadedName());
    }

    private static void needLibraries() {
        if (notFound != null) abort(notFound);
    }

    private static int[] ints(MemorySegment s, int n) {
        return s.asSlice(0, 4L * n).toArray(INT);
    }

    @Test
    void versionsAreCudnn9AndCublas12or13() throws Throwable {
        needLibraries();
        long v = cudnn.version();
        assertTrue(v >= 90000 && v < 100000, "cudnnGetVersion " + v);
        MethodHandle prop = Native.status(blasLib, "libcublas", "cublasGetProperty", INT, PTR);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(INT);
            assertEquals(0, (int) prop.invokeExact(0, out), "cublasGetProperty(MAJOR_VERSION)");
            int major = out.get(INT, 0);
            assertEquals(cublas.libraryName().endsWith(".13") ? 13 : 12, major, cublas.libraryName());
            assertEquals(0, (int) prop.invokeExact(1, out), "cublasGetProperty(MINOR_VERSION)");
            assertTrue(out.get(INT, 0) >= 0);
        }
    }

    @Test
    void errorsUseTheLibrariesOwnWordsForAnyCode() {
        needLibraries();
        CudaException bad = assertThrows(CudaException.class, () -> cudnn.check(2000, "probe"));
        assertTrue(bad.getMessage().equals("probe failed with status 2000: CUDNN_STATUS_BAD_PARAM"), bad.getMessage());
        // a status the library returns from a real call: a tensor with a zero dimension
        CudaException real = assertThrows(CudaException.class, () -> cudnn.tensor(new int[] {1, 0, 4, 4}, new int[] {0, 16, 4, 1}));
        assertTrue(real.getMessage().contains("CUDNN_STATUS_BAD_PARAM"), real.getMessage());
        CudaException blas = assertThrows(CudaException.class, () -> cublas.check(7, "probe"));
        assertTrue(blas.getMessage().contains("failed with status 7: CUBLAS_STATUS_INVALID_VALUE"), blas.getMessage());
    }

    @Test
    void descriptorsReadBackAsSet() throws Throwable {
        needLibraries();
        MethodHandle getTensor = Native.status(dnnLib, "libcudnn", "cudnnGetTensorNdDescriptor", PTR, INT, PTR, PTR, PTR, PTR);
        MethodHandle getFilter = Native.status(dnnLib, "libcudnn", "cudnnGetFilterNdDescriptor", PTR, INT, PTR, PTR, PTR, PTR);
        MethodHandle getConv = Native.status(dnnLib, "libcudnn", "cudnnGetConvolutionNdDescriptor", PTR, INT, PTR, PTR, PTR, PTR, PTR, PTR);
        MethodHandle getGroups = Native.status(dnnLib, "libcudnn", "cudnnGetConvolutionGroupCount", PTR, PTR);
        MethodHandle getMath = Native.status(dnnLib, "libcudnn", "cudnnGetConvolutionMathType", PTR, PTR);
        long t = cudnn.tensor(new int[] {2, 3, 5, 7}, new int[] {105, 35, 7, 1});
        long f = cudnn.filter(new int[] {4, 3, 3, 2});
        long c = cudnn.convolution(new int[] {1, 2}, new int[] {3, 1}, new int[] {1, 2}, 1, false);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment type = a.allocate(INT), format = a.allocate(INT), n = a.allocate(INT), mode = a.allocate(INT);
            MemorySegment d0 = a.allocate(INT, 8), d1 = a.allocate(INT, 8), d2 = a.allocate(INT, 8);
            assertEquals(0, (int) getTensor.invokeExact(MemorySegment.ofAddress(t), 8, type, n, d0, d1));
            assertEquals(Cudnn.DATA_FLOAT, type.get(INT, 0));
            assertEquals(4, n.get(INT, 0));
            assertArrayEquals(new int[] {2, 3, 5, 7}, ints(d0, 4));
            assertArrayEquals(new int[] {105, 35, 7, 1}, ints(d1, 4));

            assertEquals(0, (int) getFilter.invokeExact(MemorySegment.ofAddress(f), 8, type, format, n, d0));
            assertEquals(Cudnn.TENSOR_NCHW, format.get(INT, 0));
            assertArrayEquals(new int[] {4, 3, 3, 2}, ints(d0, n.get(INT, 0)));

            assertEquals(0, (int) getConv.invokeExact(MemorySegment.ofAddress(c), 2, n, d0, d1, d2, mode, type));
            assertEquals(2, n.get(INT, 0));
            assertArrayEquals(new int[] {1, 2}, ints(d0, 2), "padding");
            assertArrayEquals(new int[] {3, 1}, ints(d1, 2), "stride");
            assertArrayEquals(new int[] {1, 2}, ints(d2, 2), "dilation");
            assertEquals(Cudnn.CROSS_CORRELATION, mode.get(INT, 0));
            assertEquals(Cudnn.DATA_FLOAT, type.get(INT, 0));
            assertEquals(0, (int) getGroups.invokeExact(MemorySegment.ofAddress(c), n));
            assertEquals(1, n.get(INT, 0));
            assertEquals(0, (int) getMath.invokeExact(MemorySegment.ofAddress(c), n));
            assertEquals(Cudnn.FMA_MATH, n.get(INT, 0), "FP32 stays FP32 unless TF32 is allowed");
        } finally {
            cudnn.destroyConvolution(c);
            cudnn.destroyFilter(f);
            cudnn.destroyTensor(t);
        }
    }

    /**
     * cuDNN's own output shape for the descriptors the backend builds from a {@link ConvGeometry}
     * with height and width differing in padding, stride, dilation, input and kernel: a swap of
     * height and width anywhere between the geometry and cuDNN changes the shape.
     */
    @Test
    void cudnnAgreesWithTheGeometryOnAsymmetricConvolutions() throws Throwable {
        needLibraries();
        MethodHandle outDim = Native.status(dnnLib, "libcudnn", "cudnnGetConvolutionNdForwardOutputDim", PTR, PTR, PTR, INT, PTR);
        int[][] cases = { // x dims, w dims, stride, pad, dilation, groups
                {2, 3, 9, 11}, {4, 3, 3, 3}, {2, 1}, {1, 2}, {1, 2}, {1},
                {1, 4, 20, 13}, {6, 2, 5, 3}, {3, 2}, {0, 1}, {2, 1}, {2},
                {3, 2, 7, 16}, {2, 2, 1, 4}, {1, 3}, {3, 0}, {1, 3}, {1}};
        for (int i = 0; i < cases.length; i += 6) {
            ConvGeometry g = ConvGeometry.of(cases[i], cases[i + 1], cases[i + 2], cases[i + 3], cases[i + 4], cases[i + 5][0]);
            int[] x = cases[i];
            long xd = cudnn.tensor(x, new int[] {x[1] * x[2] * x[3], x[2] * x[3], x[3], 1});
            long wd = cudnn.filter(cases[i + 1]);
            long cd = cudnn.convolution(g.pad(), g.stride(), g.dilation(), g.groups(), false);
            try (Arena a = Arena.ofConfined()) {
                MemorySegment out = a.allocate(INT, 4);
                assertEquals(0, (int) outDim.invokeExact(MemorySegment.ofAddress(cd), MemorySegment.ofAddress(xd), MemorySegment.ofAddress(wd), 4, out));
                assertArrayEquals(g.outputShape(), ints(out, 4), "cuDNN's output shape for x " + java.util.Arrays.toString(x) + ", w "
                        + java.util.Arrays.toString(cases[i + 1]) + ", stride " + java.util.Arrays.toString(g.stride()) + ", pad "
                        + java.util.Arrays.toString(g.pad()) + ", dilation " + java.util.Arrays.toString(g.dilation()));
            } finally {
                cudnn.destroyConvolution(cd);
                cudnn.destroyFilter(wd);
                cudnn.destroyTensor(xd);
            }
        }
    }
}
