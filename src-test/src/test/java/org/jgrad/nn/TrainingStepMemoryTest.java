package org.jgrad.nn;

import org.jgrad.autograd.Grad;
import org.jgrad.nn.loss.CrossEntropyLoss;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Generator;
import org.jgrad.tensor.MemoryStats;
import org.jgrad.tensor.Scope;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** A training step inside a Scope leaves live bytes unchanged once the gradients exist. */
class TrainingStepMemoryTest {
    /**
     * Tensors that earlier tests left to the Cleaner would be released while this test runs and
     * make live bytes drift down; collect them first, until the count stops moving.
     */
    static void settleCleaner() throws InterruptedException {
        long prev;
        int stable = 0;
        do {
            prev = MemoryStats.liveBytes(Device.cpu());
            System.gc();
            Thread.sleep(30);
            stable = prev == MemoryStats.liveBytes(Device.cpu()) ? stable + 1 : 0;
        } while (stable < 3);
    }

    @Test
    void twentyStepsLeakNothing() throws InterruptedException {
        settleCleaner();
        Sequential model = new Sequential(new Linear(8, 16, new Generator(1)), new BatchNorm1d(16), new ReLU(), new Dropout(0.2, new Generator(3)),
                new Linear(16, 3, new Generator(2)));
        CrossEntropyLoss criterion = new CrossEntropyLoss();
        Tensor x = Scope.escape(Tensor.randn(new Generator(4), 32, 8));
        Tensor labels = Scope.escape(Tensor.fromArray(java.util.stream.LongStream.range(0, 32).map(i -> i % 3).toArray(), 32));
        double lr = 0.1;
        long afterFirst = -1;
        double firstLoss = 0, lastLoss = 0;
        for (int step = 0; step < 21; step++) {
            long before = MemoryStats.liveBytes(Device.cpu());
            try (Scope s = Scope.open()) {
                Tensor loss = criterion.apply(model.forward(x), labels);
                loss.backward();
                try (var off = Grad.off()) {
                    for (Tensor p : model.parameters()) {
                        p.add_(p.grad(), -lr);
                        p.grad().zero_();
                    }
                }
                if (step == 0) firstLoss = loss.item();
                lastLoss = loss.item();
            }
            long live = MemoryStats.liveBytes(Device.cpu());
            // Each step after the first (which creates the gradients) must leave nothing behind. The
            // counter is process-wide and the Cleaner may free other tests' garbage at any moment,
            // which only lowers it; so a step may end lower than it began, never higher.
            if (step == 0) afterFirst = live;
            else assertTrue(live <= before, "step " + step + " left " + (live - before) + " bytes alive");
        }
        assertTrue(MemoryStats.liveBytes(Device.cpu()) <= afterFirst, "live bytes grew over 20 steps");
        assertTrue(lastLoss < firstLoss, "training lowers the loss: " + firstLoss + " -> " + lastLoss);
    }

    @Test
    void theMeasureSeesAStepRunOutsideAScope() throws InterruptedException {
        // control: the same kind of step without a Scope keeps its temporaries (held here), and live bytes grow
        Linear model = new Linear(8, 3, new Generator(1));
        Tensor x = Tensor.randn(new Generator(4), 32, 8);
        Tensor labels = Tensor.fromArray(new long[32], 32);
        settleCleaner();
        long before = MemoryStats.liveBytes(Device.cpu());
        Tensor loss = new CrossEntropyLoss().apply(model.forward(x), labels);
        loss.backward();
        assertTrue(MemoryStats.liveBytes(Device.cpu()) > before);
        assertNotNull(loss.gradFn()); // keeps the step's tensors reachable until here
    }
}
