package org.jgrad.autograd;

import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The leaf guard on in-place writes must not be bypassed through a view of the leaf. */
class ViewOfLeafInPlaceTest {
    private static Tensor leaf() { return Tensor.fromArray(new float[]{1, 2, 3, 4, 5, 6}, 2, 3).requiresGrad(true); }

    private static void assertRefused(Consumer<Tensor> write) {
        Tensor w = leaf();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> write.accept(w));
        assertTrue(e.getMessage().contains("a view of a leaf Variable that requires grad is being used in an in-place operation"),
                e.getMessage());
        assertArrayEquals(new float[]{1, 2, 3, 4, 5, 6}, w.toFloatArray()); // untouched
        assertTrue(w.storage().version() == 0, "a refused write is not counted");
    }

    @Test
    void sliceReshapeTransposeAndChainsOfViewsAreRefused() {
        assertRefused(w -> w.slice(0, 0, 1).add_(Tensor.ones(1, 3)));
        assertRefused(w -> w.reshape(6).mul_(0));
        assertRefused(w -> w.t().mul_(2));
        assertRefused(w -> w.select(1, 2).fill_(0));
        assertRefused(w -> w.t().slice(0, 1, 2).unsqueeze(0).zero_());
        assertRefused(w -> w.view(3, 2).copy_(Tensor.zeros(3, 2)));
    }

    @Test
    void viewsOfALeafMayBeWrittenUnderGradOffAndViewsOfNonLeavesAlways() {
        Tensor w = leaf();
        try (var off = Grad.off()) {
            w.slice(0, 0, 1).add_(Tensor.ones(1, 3));
        }
        assertArrayEquals(new float[]{2, 3, 4, 4, 5, 6}, w.toFloatArray());
        Tensor a = w.mul(1);
        a.t().mul_(2); // a is not a leaf
        assertArrayEquals(new float[]{4, 6, 8, 8, 10, 12}, a.toFloatArray());
        Tensor d = w.detach();
        d.reshape(6).mul_(0); // a detached tensor is cut from the graph, as in PyTorch
        assertArrayEquals(new float[6], w.toFloatArray());
    }
}
