package org.jgrad.distributed;

import org.jgrad.autograd.Autograd;
import org.jgrad.nn.Linear;
import org.jgrad.nn.ReLU;
import org.jgrad.nn.Sequential;
import org.jgrad.tensor.Generator;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The buckets' all-reduces start during backward, as soon as their gradients are final, in
 * bucket order: the last layer's bucket starts before backward has reached the first layer.
 * Caps of one byte put every parameter in its own bucket: [b2, w2, b1, w1, b0, w0].
 */
class DdpOverlapTest {
    private static Sequential model() {
        Generator g = new Generator(5);
        return new Sequential(new Linear(4, 8, g), new ReLU(), new Linear(8, 8, g), new ReLU(), new Linear(8, 3, g));
    }

    private static Tensor sq(Tensor y) { return y.mul(y).mean(); }

    private static Tensor input() { return Tensor.randn(new Generator(9), 6, 4); }

    /** DDP over a twin group, logging bucket starts, the first layer's weight becoming final and backward's return. */
    private static List<String> runStep(boolean overlap, List<float[]> gradsOut) {
        List<String> log = new ArrayList<>();
        Sequential m = model();
        DistributedDataParallel ddp = new DistributedDataParallel(m, new TwinRanksGroup(new ArrayList<>()), 1, 1, false)
                .overlapWithBackward(overlap);
        ddp.onBucketStarted(i -> log.add("start " + i));
        Tensor w0 = m.parameters().get(0);
        Autograd.registerPostAccumulateGradHook(w0, t -> log.add("first layer weight final"));
        Tensor loss = sq(ddp.forward(input()));
        loss.backward();
        log.add("backward returned");
        ddp.syncGradients();
        log.add("synced");
        for (Tensor p : m.parameters()) gradsOut.add(p.grad().toFloatArray());
        return log;
    }

    @Test
    void bucketsStartInOrderWhileBackwardIsStillRunning() {
        List<float[]> grads = new ArrayList<>();
        List<String> log = runStep(true, grads);
        assertEquals(List.of("start 0", "start 1", "start 2", "start 3", "start 4", "start 5",
                "first layer weight final", "backward returned", "synced"), log);
        // bucket 0 (the last layer's bias) started before the first layer's gradient existed:
        assertTrue(log.indexOf("start 0") < log.indexOf("first layer weight final"));
    }

    @Test
    void withoutOverlapEveryBucketStartsInSyncGradients() {
        List<String> log = runStep(false, new ArrayList<>());
        assertEquals(List.of("first layer weight final", "backward returned", "start 0", "start 1", "start 2", "start 3", "start 4", "start 5", "synced"), log);
    }

    @Test
    void averagedGradientsEqualThePlainBackwardsGradients() {
        // the twin rank holds the same gradients, so their average is the one-process gradient
        Sequential ref = model();
        sq(ref.forward(input())).backward();
        for (boolean overlap : new boolean[]{true, false}) {
            List<float[]> grads = new ArrayList<>();
            runStep(overlap, grads);
            for (int i = 0; i < grads.size(); i++) {
                assertArrayEquals(ref.parameters().get(i).grad().toFloatArray(), grads.get(i), "parameter " + i + ", overlap " + overlap);
            }
        }
    }

    @Test
    void noSyncStartsNothingAndASecondUnsyncedBackwardIsRefused() {
        List<String> log = new ArrayList<>();
        Sequential m = model();
        DistributedDataParallel ddp = new DistributedDataParallel(m, new TwinRanksGroup(), 1, 1, false);
        ddp.onBucketStarted(i -> log.add("start " + i));
        try (DistributedDataParallel.NoSync ns = ddp.noSync()) {
            ddp.forward(input()).sum().backward();
            ddp.syncGradients();
        }
        assertEquals(List.of(), log);
        ddp.forward(input()).sum().backward();
        assertEquals(6, log.size());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ddp.forward(input()).sum().backward());
        assertTrue(e.getMessage().contains("second backward before the gradients were averaged"), e.getMessage());
    }
}
