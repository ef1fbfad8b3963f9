package org.jgrad.tensor;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * In-place writes into a view whose elements share memory (an expanded dimension) are refused,
 * as in PyTorch: their result would depend on the order of the writes, which on a GPU is the
 * order threads happen to run in. Reading from such a view stays fine.
 */
class InPlaceOverlapTest {

    @Test
    void writingThroughAnExpandedViewIsRefusedNamingTheDimension() {
        Tensor base = Tensor.zeros(3);
        Tensor expanded = base.unsqueeze(0).expand(2, 3);
        for (Runnable write : new Runnable[] {
                () -> expanded.add_(Tensor.ones(2, 3)),
                () -> expanded.fill_(1),
                () -> expanded.mul_(2.0),
                () -> expanded.copy_(Tensor.fromArray(new float[] {1, 2, 3, 4, 5, 6}, 2, 3))}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, write::run);
            assertTrue(e.getMessage().contains("dimension 0 is expanded") && e.getMessage().contains("clone()"), e.getMessage());
        }
        assertArrayEquals(new float[] {0, 0, 0}, base.toFloatArray(), "nothing was written");
    }

    @Test
    void expandedSourcesAndSizeOneDimensionsAreFine() {
        Tensor target = Tensor.zeros(2, 3);
        target.add_(Tensor.fromArray(new float[] {1, 2, 3}, 3).unsqueeze(0).expand(2, 3));
        assertArrayEquals(new float[] {1, 2, 3, 1, 2, 3}, target.toFloatArray());
        // a stride-0 dimension of size 1 holds one element: no overlap
        Tensor one = Tensor.zeros(3).unsqueeze(0).expand(1, 3);
        one.fill_(4);
        assertArrayEquals(new float[] {4, 4, 4}, one.toFloatArray());
    }
}
