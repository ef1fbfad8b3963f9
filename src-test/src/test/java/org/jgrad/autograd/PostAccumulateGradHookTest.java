package org.jgrad.autograd;

import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The post-accumulate-grad hook fires exactly once per leaf per backward, after the leaf's last
 * contribution: the gradient it sees is the final one (hand-computed below), even when the leaf
 * feeds several ops at different depths of the graph.
 */
class PostAccumulateGradHookTest {
    private static Tensor leaf(float... v) { return Tensor.fromArray(v, v.length).requiresGrad(true); }

    /** Records a snapshot of the leaf's gradient at each firing. */
    private static final class Recorder implements PostAccumulateGradHook {
        final List<float[]> seen = new ArrayList<>();
        final List<String> log;
        final String name;

        Recorder(String name, List<String> log) { this.name = name; this.log = log; }

        @Override
        public void accept(Tensor t) {
            seen.add(t.grad().toFloatArray());
            log.add(name);
        }
    }

    @Test
    void firesOnceAfterTheLastOfSeveralContributions() {
        // y = sum(x * a) + sum((x * x) * 3) + sum(x): x gets three contributions at different depths
        Tensor x = leaf(1, 2), a = leaf(5, 7);
        List<String> log = new ArrayList<>();
        Recorder rx = new Recorder("x", log);
        Autograd.registerPostAccumulateGradHook(x, rx);
        Tensor y = x.mul(a).sum().add(x.mul(x).mul(3).sum()).add(x.sum());
        y.backward();
        assertEquals(1, rx.seen.size(), "fired " + rx.seen.size() + " times");
        // dy/dx = a + 6x + 1 = [5 + 6 + 1, 7 + 12 + 1]
        assertArrayEquals(new float[]{12, 20}, rx.seen.get(0));
        assertArrayEquals(new float[]{12, 20}, x.grad().toFloatArray());
    }

    @Test
    void firesOncePerBackwardSeeingTheAccumulatedGradient() {
        Tensor x = leaf(1, 2);
        Recorder r = new Recorder("x", new ArrayList<>());
        Autograd.registerPostAccumulateGradHook(x, r);
        x.mul(x).sum().backward();  // 2x = [2, 4]
        x.mul(3).sum().backward();  // + 3
        assertEquals(2, r.seen.size());
        assertArrayEquals(new float[]{2, 4}, r.seen.get(0));
        assertArrayEquals(new float[]{5, 7}, r.seen.get(1));
    }

    @Test
    void aLeafTheBackwardDoesNotReachDoesNotFire() {
        Tensor x = leaf(1), unused = leaf(2);
        Recorder r = new Recorder("unused", new ArrayList<>());
        Autograd.registerPostAccumulateGradHook(unused, r);
        unused.mul(2); // recorded, but not part of the graph backward runs
        x.mul(4).sum().backward();
        assertEquals(0, r.seen.size());
    }

    @Test
    void leavesFireInTheOrderBackwardFinishesThem() {
        // h = w1 * x; y = sum(h * w2): w2's gradient is complete before w1's is computed
        Tensor x = Tensor.fromArray(new float[]{3}, 1), w1 = leaf(2), w2 = leaf(5);
        List<String> log = new ArrayList<>();
        Autograd.registerPostAccumulateGradHook(w1, new Recorder("w1", log));
        Autograd.registerPostAccumulateGradHook(w2, new Recorder("w2", log));
        w1.mul(x).mul(w2).sum().backward();
        assertEquals(List.of("w2", "w1"), log);
        assertArrayEquals(new float[]{15}, w1.grad().toFloatArray()); // x * w2
        assertArrayEquals(new float[]{6}, w2.grad().toFloatArray());  // w1 * x
    }

    @Test
    void backwardOnTheLeafItselfFires() {
        Tensor x = leaf(1, 2);
        Recorder r = new Recorder("x", new ArrayList<>());
        Autograd.registerPostAccumulateGradHook(x, r);
        x.backward(Tensor.fromArray(new float[]{4, 5}, 2));
        assertEquals(1, r.seen.size());
        assertArrayEquals(new float[]{4, 5}, r.seen.get(0));
    }

    @Test
    void removedHooksNoLongerFireAndSeveralHooksRunInRegistrationOrder() {
        Tensor x = leaf(1);
        List<String> log = new ArrayList<>();
        HookHandle first = Autograd.registerPostAccumulateGradHook(x, new Recorder("first", log));
        Autograd.registerPostAccumulateGradHook(x, new Recorder("second", log));
        x.mul(2).sum().backward();
        first.remove();
        first.remove(); // idempotent
        x.mul(2).sum().backward();
        assertEquals(List.of("first", "second", "second"), log);
    }

    @Test
    void nonLeavesAndTensorsWithoutGradAreRefused() {
        Tensor x = leaf(1);
        var e = assertThrows(IllegalArgumentException.class, () -> Autograd.registerPostAccumulateGradHook(x.mul(2), t -> {}));
        assertTrue(e.getMessage().contains("non-leaf"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Autograd.registerPostAccumulateGradHook(Tensor.fromArray(new float[]{1}, 1), t -> {}));
        assertTrue(e.getMessage().contains("doesn't require gradient"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Autograd.registerPostAccumulateGradHook(x, null));
        assertTrue(e.getMessage().contains("hook"), e.getMessage());
    }
}
