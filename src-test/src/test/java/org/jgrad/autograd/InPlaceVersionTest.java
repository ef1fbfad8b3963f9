package org.jgrad.autograd;

import org.jgrad.optim.SGD;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An in-place write to a tensor that the graph saved for backward would make the gradient
 * silently wrong; backward must refuse, naming the op and the versions, as PyTorch does. Writes
 * to tensors no op saved, and optimizer steps after backward, must go on working.
 */
class InPlaceVersionTest {
    private static Tensor w() { return Tensor.fromArray(new float[]{1, 2, 3}, 3).requiresGrad(true); }

    private static void assertVersionError(Runnable backward, String op, int now, int expected) {
        IllegalStateException e = assertThrows(IllegalStateException.class, backward::run);
        String m = e.getMessage();
        assertTrue(m.contains("modified by an inplace operation"), m);
        assertTrue(m.contains("[FLOAT32 [3]]"), m);
        assertTrue(m.contains(op + "Backward"), m);
        assertTrue(m.contains("is at version " + now + "; expected version " + expected), m);
    }

    @Test
    void savedInputWrittenAfterForwardIsRefused() {
        Tensor w = w();
        Tensor a = w.mul(1);
        Tensor b = a.mul(a);
        a.fill_(5); // without the check the gradient is [10, 10, 10], not [2, 4, 6]
        assertVersionError(() -> b.sum().backward(), "mul", 1, 0);
    }

    @Test
    void savedOutputWrittenAfterForwardIsRefused() {
        Tensor w = w();
        Tensor e = w.exp();
        Tensor s = e.sum();
        e.mul_(0);
        assertVersionError(s::backward, "exp", 1, 0);
    }

    @Test
    void softmaxOutputWrittenAfterForwardIsRefused() {
        Tensor w = w();
        Tensor p = w.softmax(0); // its backward reads p, not w
        Tensor s = p.slice(0, 0, 1).sum(); // views and sum save nothing: only softmax's saved output is checked
        try (var off = org.jgrad.autograd.Grad.off()) {
            p.mul_(0.5);
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, s::backward);
        assertTrue(e.getMessage().contains("modified by an inplace operation") && e.getMessage().contains("softmax"), e.getMessage());
    }

    @Test
    void writeThroughAViewCountsForTheWholeStorage() {
        Tensor w = w();
        Tensor e = w.exp();
        Tensor s = e.sum();
        e.slice(0, 0, 1).add_(Tensor.ones(1));
        assertVersionError(s::backward, "exp", 1, 0);
    }

    @Test
    void savedLeafUpdatedUnderGradOffIsRefused() {
        Tensor w = w();
        Tensor loss = w.mul(w).sum();
        try (var off = Grad.off()) {
            w.sub_(Tensor.ones(3));
        }
        assertVersionError(loss::backward, "mul", 1, 0);
    }

    @Test
    void optimizerStepBetweenForwardAndBackwardIsRefused() {
        Tensor w = w();
        Tensor first = w.mul(w).sum();
        first.backward(Tensor.scalar(1), true);
        SGD opt = new SGD(List.of(w), 0.1);
        opt.step();
        assertThrows(IllegalStateException.class, () -> first.backward(Tensor.scalar(1)));
    }

    @Test
    void optimizerStepAfterBackwardAndWritesToUnsavedTensorsAreFine() {
        Tensor w = w();
        SGD opt = new SGD(List.of(w), 0.1);
        for (int i = 0; i < 3; i++) {
            opt.zeroGrad();
            Tensor a = w.add(1); // add saves nothing
            Tensor loss = a.sum();
            a.mul_(7);           // so writing to a is harmless
            assertDoesNotThrow(() -> loss.backward());
            opt.step();
        }
        assertArrayEquals(new float[]{1 - 0.3f, 2 - 0.3f, 3 - 0.3f}, w.toFloatArray(), 1e-6f);
    }

    @Test
    void batchNormRunningStatisticsCountTheirUpdates() {
        Tensor x = Tensor.fromArray(new float[]{1, 2, 3, 4, 5, 6, 7, 9}, 4, 2);
        Tensor mean = Tensor.zeros(2), var = Tensor.ones(2);
        org.jgrad.ops.Normalization.batchNorm(x, mean, var, null, null, true, 0.1, 1e-5);
        assertTrue(mean.storage().version() > 0 && var.storage().version() > 0, "running statistics were written in place");
        int before = mean.storage().version();
        org.jgrad.ops.Normalization.batchNorm(x, mean, var, null, null, false, 0.1, 1e-5);
        assertTrue(mean.storage().version() == before, "eval reads them only");
    }

    @Test
    void aClosedTensorOnThePathFailsBackwardNamingTheClose() {
        Tensor w = w();
        Tensor a = w.mul(1);
        Tensor loss = a.add(1).sum();
        a.close(); // closed tensors stay closed: backward may not walk through it either
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> loss.backward());
        assertTrue(e.getMessage().contains("used after close()"), e.getMessage());
    }

    @Test
    void gradientIsRightWhenNothingWasWritten() {
        Tensor w = w();
        Tensor a = w.mul(1);
        a.mul(a).sum().backward();
        assertArrayEquals(new float[]{2, 4, 6}, w.grad().toFloatArray(), 1e-6f);
    }
}
