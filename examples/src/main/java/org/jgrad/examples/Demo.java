package org.jgrad.examples;

import org.jgrad.autograd.Grad;
import org.jgrad.tensor.Generator;
import org.jgrad.tensor.Scope;
import org.jgrad.tensor.Tensor;

/**
 * A tiny end-to-end run: three Gaussian blobs in 2-D, an MLP 2-32-3, cross-entropy, plain SGD.
 * Prints the seed's loop: batch index, loss, accuracy from max(outputs, 1).
 */
final class Demo {
    private Demo() {}

    static int run(String[] args) {
        int steps = 60, batch = 64;
        Generator g = new Generator(7);
        int n = 1536;
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
        Tensor w1 = Tensor.randn(g, 2, 32).mul(0.5).detach().requiresGrad(true);
        Tensor b1 = Tensor.zeros(32).requiresGrad(true);
        Tensor w2 = Tensor.randn(g, 32, 3).mul(0.2).detach().requiresGrad(true);
        Tensor b2 = Tensor.zeros(3).requiresGrad(true);
        Tensor[] params = {w1, b1, w2, b2};
        double lr = 0.2;
        for (int step = 0; step < steps; step++) {
            int start = (step * batch) % n;
            try (Scope s = Scope.open()) {
                Tensor xb = x.narrow(0, start, batch), yb = y.narrow(0, start, batch);
                Tensor logits = xb.matmul(w1).add(b1).relu().matmul(w2).add(b2);
                Tensor logp = logits.logSoftmax(1);
                Tensor onehot = Tensor.zeros(batch, 3);
                onehot.backend().scatterAdd(onehot, 1, yb.unsqueeze(1).contiguous(), Tensor.ones(batch, 1));
                Tensor loss = logp.mul(onehot).sum().div(-batch);
                loss.backward();
                try (var off = Grad.off()) {
                    for (Tensor p : params) {
                        p.detach().add_(p.grad(), -lr);
                        p.zeroGrad();
                    }
                }
                if (step % 10 == 0 || step == steps - 1) {
                    Tensor pred = logits.max(1).indices();
                    double acc = pred.eq(yb).to(org.jgrad.tensor.DType.FLOAT32).mean().item();
                    System.out.printf("batch_idx %3d  loss %.4f  accuracy %.3f%n", step, loss.item(), acc);
                }
            }
        }
        return 0;
    }
}
