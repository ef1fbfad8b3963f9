package org.jgrad.examples;

import org.jgrad.nn.Linear;
import org.jgrad.nn.Module;
import org.jgrad.nn.ReLU;
import org.jgrad.nn.Sequential;
import org.jgrad.nn.loss.CrossEntropyLoss;
import org.jgrad.optim.SGD;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Generator;
import org.jgrad.tensor.Scope;
import org.jgrad.tensor.Tensor;

/**
 * A smoke run of a few seconds, JVM start included: three Gaussian blobs in 2-D, an MLP 2-32-3, cross-entropy, SGD.
 * Prints PyTorch's classic training loop: batch index, loss, accuracy from max(outputs, 1).
 */
final class Demo {
    private Demo() {}

    static int run(String[] args) {
        int steps = 60, batch = 64, n = 1536;
        float[] xs = new float[n * 2];
        long[] ys = new long[n];
        java.util.Random r = new java.util.Random(7);
        double[][] centers = {{-2, 0}, {2, 0}, {0, 2.5}};
        for (int i = 0; i < n; i++) {
            int c = i % 3;
            ys[i] = c;
            xs[2 * i] = (float) (centers[c][0] + r.nextGaussian());
            xs[2 * i + 1] = (float) (centers[c][1] + r.nextGaussian());
        }
        Tensor x = Tensor.fromArray(xs, n, 2), y = Tensor.fromArray(ys, n);
        Generator g = new Generator(7);
        Module model = new Sequential(new Linear(2, 32, g), new ReLU(), new Linear(32, 3, g));
        CrossEntropyLoss criterion = new CrossEntropyLoss();
        SGD optimizer = new SGD(model.parameters(), 0.2);
        for (int step = 0; step < steps; step++) {
            int start = (step * batch) % n;
            try (Scope s = Scope.open()) {
                Tensor xb = x.narrow(0, start, batch), yb = y.narrow(0, start, batch);
                optimizer.zeroGrad();
                Tensor logits = model.forward(xb);
                Tensor loss = criterion.forward(logits, yb);
                loss.backward();
                optimizer.step();
                if (step % 10 == 0 || step == steps - 1) {
                    Tensor predicted = logits.max(1).indices();
                    double acc = predicted.eq(yb).to(DType.FLOAT32).mean().item();
                    System.out.printf("batch_idx %3d  loss %.4f  accuracy %.3f%n", step, loss.item(), acc);
                }
            }
        }
        return 0;
    }
}
