package org.jgrad.cuda;

import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.jgrad.cuda.GpuSupport.assertClose;
import static org.jgrad.cuda.GpuSupport.onGpu;
import static org.jgrad.cuda.GpuSupport.random;

/** cuBLAS matmul against the CPU backend: odd sizes, transposed views, batches, broadcast batches, TF32. */
@Tag("gpu")
class CudaGemmGpuTest {
    private final Random rng = new Random(11);

    private void compare(int batch, int m, int k, int n, boolean transA, boolean transB, double tol) {
        float[] a = random(rng, batch * m * k), b = random(rng, batch * k * n);
        Tensor ac = transA ? Tensor.fromArray(a, batch, k, m).transpose(1, 2) : Tensor.fromArray(a, batch, m, k);
        Tensor bc = transB ? Tensor.fromArray(b, batch, n, k).transpose(1, 2) : Tensor.fromArray(b, batch, k, n);
        float[] expected = ac.matmul(bc).toFloatArray();
        Tensor ag = transA ? onGpu(a, batch, k, m).transpose(1, 2) : onGpu(a, batch, m, k);
        Tensor bg = transB ? onGpu(b, batch, n, k).transpose(1, 2) : onGpu(b, batch, k, n);
        float[] got = ag.matmul(bg).toFloatArray();
        assertClose(expected, got, tol, "matmul " + batch + "x" + m + "x" + k + "x" + n + (transA ? " A^T" : "") + (transB ? " B^T" : ""));
    }

    @Test
    void oddSizesMatchTheCpu() {
        GpuSupport.cuda();
        int[][] sizes = {{1, 1, 1}, {1, 7, 3}, {7, 1, 3}, {5, 3, 1}, {17, 13, 11}, {129, 65, 257}, {300, 301, 299}};
        for (int[] s : sizes) {
            compare(1, s[0], s[1], s[2], false, false, 1e-4);
            compare(1, s[0], s[1], s[2], true, false, 1e-4);
            compare(1, s[0], s[1], s[2], false, true, 1e-4);
            compare(3, s[0], s[1], s[2], true, true, 1e-4);
        }
    }

    @Test
    void broadcastBatchAndLinearShapes() {
        GpuSupport.cuda();
        float[] x = random(rng, 4 * 5 * 6), w = random(rng, 6 * 7);
        float[] expected = Tensor.fromArray(x, 4, 5, 6).matmul(Tensor.fromArray(w, 6, 7)).toFloatArray();
        float[] got = onGpu(x, 4, 5, 6).matmul(onGpu(w, 6, 7)).toFloatArray();
        assertClose(expected, got, 1e-4, "[4,5,6] @ [6,7]");
        // Linear: x @ W^T with W [out, in]
        float[] wt = random(rng, 10 * 6);
        float[] e2 = Tensor.fromArray(x, 20, 6).matmul(Tensor.fromArray(wt, 10, 6).t()).toFloatArray();
        float[] g2 = onGpu(x, 20, 6).matmul(onGpu(wt, 10, 6).t()).toFloatArray();
        assertClose(e2, g2, 1e-4, "x @ W^T");
    }

    @Test
    void tf32IsASwitchAndStaysClose() {
        CudaBackend be = GpuSupport.backend();
        be.setAllowTf32(true);
        try {
            compare(2, 64, 256, 96, false, true, 2e-2);
        } finally {
            be.setAllowTf32(false);
        }
    }
}
