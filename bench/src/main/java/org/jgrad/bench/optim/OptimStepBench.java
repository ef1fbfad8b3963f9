package org.jgrad.bench.optim;

import org.jgrad.optim.Adam;
import org.jgrad.optim.Optimizer;
import org.jgrad.optim.SGD;
import org.jgrad.tensor.Generator;
import org.jgrad.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One optimizer step (SGD with Nesterov momentum and weight decay, or Adam) over a model's worth
 * of FLOAT32 parameters split into tensors of uneven sizes. The peer is torch.optim on the CPU
 * with the same sizes: bench/peers/optim/optim_step.py.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class OptimStepBench {
    /** Total parameter count. */
    @Param({"1000000", "10000000"})
    public int numel;

    @Param({"sgd", "adam"})
    public String optimizer;

    private Optimizer opt;
    private final List<Tensor> params = new ArrayList<>();

    /** The peer script's split: tensors of 40%, 30%, 20%, 9% and 1% of the total minus rounding. */
    static int[] sizes(int numel) {
        int[] s = {numel * 4 / 10, numel * 3 / 10, numel * 2 / 10, numel * 9 / 100, 0};
        s[4] = numel - s[0] - s[1] - s[2] - s[3];
        return s;
    }

    @Setup
    public void setup() {
        Generator g = new Generator(1);
        for (int n : sizes(numel)) {
            Tensor p = Tensor.randn(g, n).requiresGrad(true);
            p.setGrad(Tensor.randn(g, n));
            params.add(p);
        }
        opt = optimizer.equals("sgd") ? new SGD(params, 1e-3, 0.9, 0, 1e-4, true) : new Adam(params, 1e-3);
    }

    @TearDown
    public void tearDown() {
        opt.close();
        for (Tensor p : params) {
            p.zeroGrad();
            p.close();
        }
        params.clear();
    }

    @Benchmark
    public void step() {
        opt.step();
    }
}
