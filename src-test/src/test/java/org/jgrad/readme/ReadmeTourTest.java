package org.jgrad.readme;

import org.jgrad.data.Batch;
import org.jgrad.data.DataLoader;
import org.jgrad.data.FashionMnist;
import org.jgrad.metrics.ConfusionMatrix;
import org.jgrad.nn.Conv2d;
import org.jgrad.nn.Flatten;
import org.jgrad.nn.Linear;
import org.jgrad.nn.MaxPool2d;
import org.jgrad.nn.Module;
import org.jgrad.nn.ReLU;
import org.jgrad.nn.Sequential;
import org.jgrad.nn.loss.CrossEntropyLoss;
import org.jgrad.optim.SGD;
import org.jgrad.optim.StepLR;
import org.jgrad.tensor.Scope;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The training loop shown in README.md, run for a few batches, so the README cannot rot. */
class ReadmeTourTest {
    @Test
    void theReadmeLoopRuns() {
        var train = DataLoader.builder(FashionMnist.bundled(true))
                .batchSize(64).shuffle(true).seed(42).numWorkers(2).build();
        Module model = new Sequential(new Conv2d(1, 32, 3, 1, 1), new ReLU(), new MaxPool2d(2),
                new Flatten(), new Linear(32 * 14 * 14, 10));
        var criterion = new CrossEntropyLoss();
        var optimizer = new SGD(model.parameters(), 0.05, 0.9);
        var scheduler = new StepLR(optimizer, 5, 0.1);
        var confusion = new ConfusionMatrix(10);
        int seen = 0, batches = 0;
        double first = Double.NaN, last = Double.NaN;
        try (train) {
            for (Batch batch : train) {
                try (Scope s = Scope.open(); batch) {
                    optimizer.zeroGrad();
                    Tensor outputs = model.forward(batch.inputs());
                    Tensor loss = criterion.forward(outputs, batch.targets());
                    loss.backward();
                    optimizer.step();
                    confusion.update(outputs.max(1).indices(), batch.targets());
                    seen += batch.targets().size(0);
                    if (batches == 0) first = loss.item();
                    last = loss.item();
                }
                if (++batches == 12) break;
            }
        }
        scheduler.step();
        long total = 0;
        for (long[] row : confusion.matrix()) for (long c : row) total += c;
        assertEquals(seen, total, "every prediction lands in the confusion matrix once");
        assertTrue(last < first, "loss falls over 12 batches: " + first + " -> " + last);
        assertTrue(confusion.toString().contains("Predicted"));
    }
}
