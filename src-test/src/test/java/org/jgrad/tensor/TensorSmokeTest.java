package org.jgrad.tensor;

import org.jgrad.autograd.Grad;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Hand-worked cases of the core: views, broadcasting, a tiny backward, max(dim). */
class TensorSmokeTest {
    @Test
    void broadcastAddAndBackward() {
        Tensor a = Tensor.fromArray(new float[]{1, 2, 3, 4, 5, 6}, 2, 3).requiresGrad(true);
        Tensor b = Tensor.fromArray(new float[]{10, 20, 30}, 3).requiresGrad(true);
        Tensor y = a.mul(b).sum();
        assertEquals(1 * 10 + 2 * 20 + 3 * 30 + 4 * 10 + 5 * 20 + 6 * 30, y.item(), 1e-4);
        y.backward();
        assertArrayEquals(new float[]{10, 20, 30, 10, 20, 30}, a.grad().toFloatArray());
        assertArrayEquals(new float[]{5, 7, 9}, b.grad().toFloatArray());
    }

    @Test
    void transposeViewSharesStorageAndMatmul() {
        Tensor a = Tensor.fromArray(new float[]{1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor t = a.t();
        assertArrayEquals(new int[]{3, 2}, t.shape());
        assertFalse(t.isContiguous());
        assertArrayEquals(new float[]{1, 4, 2, 5, 3, 6}, t.toFloatArray());
        // [[1,2,3],[4,5,6]] @ [[1,4],[2,5],[3,6]] = [[14,32],[32,77]]
        assertArrayEquals(new float[]{14, 32, 32, 77}, a.matmul(t).toFloatArray());
    }

    @Test
    void maxAlongDimGivesValuesAndIndices() {
        Tensor x = Tensor.fromArray(new float[]{0.1f, 0.9f, 0.5f, 0.7f, 0.2f, 0.7f}, 2, 3);
        ValuesIndices vi = x.max(1);
        assertArrayEquals(new float[]{0.9f, 0.7f}, vi.values().toFloatArray());
        assertArrayEquals(new long[]{1, 0}, vi.indices().toLongArray()); // first maximum wins
    }

    @Test
    void scopeClosesTemporaries() {
        Tensor keep;
        long before = MemoryStats.liveBytes(Device.cpu());
        try (Scope s = Scope.open()) {
            Tensor a = Tensor.ones(1000);
            Tensor b = a.add(a).mul(3.0);
            keep = s.keep(b.sum());
        }
        assertEquals(6000.0, keep.item(), 1e-3);
        // the counter is process-wide and the Cleaner may free other tests' garbage meanwhile
        // (only ever lowering it): what the scope made (3 x 4000 bytes) must be gone, the kept 4 bytes alive
        assertTrue(MemoryStats.liveBytes(Device.cpu()) <= before + 4, "the scope's temporaries are released");
        long withKeep = MemoryStats.liveBytes(Device.cpu());
        keep.close();
        assertTrue(MemoryStats.liveBytes(Device.cpu()) <= withKeep - 4, "closing the kept tensor releases its 4 bytes");
    }

    @Test
    void secondBackwardFailsClearly() {
        Tensor a = Tensor.fromArray(new float[]{1, 2}, 2).requiresGrad(true);
        Tensor y = a.exp().sum();
        y.backward();
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("second time"), e.getMessage());
        try (var off = Grad.off()) {
            assertFalse(a.mul(2.0).requiresGrad());
        }
    }

    @Test
    void emptyInnerDimensionMatmulGivesZeros() {
        // (5x0) @ (0x4): every output element is an empty sum, as in NumPy and PyTorch
        Tensor c = Tensor.zeros(5, 0).matmul(Tensor.zeros(0, 4));
        assertArrayEquals(new int[]{5, 4}, c.shape());
        assertArrayEquals(new float[20], c.toFloatArray());
        assertEquals(0, Tensor.zeros(0, 3).sum().item());
    }
}
