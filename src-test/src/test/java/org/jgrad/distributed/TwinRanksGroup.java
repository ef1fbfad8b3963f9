package org.jgrad.distributed;

import org.jgrad.autograd.Grad;
import org.jgrad.tensor.Tensor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A stand-in group of world size 2 whose other rank always holds exactly this rank's values,
 * for in-process tests: SUM doubles, AVG, MAX and MIN leave values as they are, all-gather
 * writes the input into both slots. It records each collective it starts in {@link #log}.
 */
final class TwinRanksGroup implements ProcessGroup {
    final List<String> log;

    TwinRanksGroup(List<String> log) { this.log = log; }

    TwinRanksGroup() { this(new ArrayList<>()); }

    @Override public int rank() { return 0; }
    @Override public int worldSize() { return 2; }
    @Override public int localRank() { return 0; }
    @Override public String backendName() { return "twin"; }
    @Override public Duration timeout() { return Duration.ofSeconds(5); }

    @Override
    public Work allReduceAsync(Tensor tensor, ReduceOp op) {
        Collectives.checkTensor("allReduce", "tensor", tensor);
        log.add("allReduce " + op + " " + tensor.numel());
        if (op == ReduceOp.SUM) {
            try (Grad.Off off = Grad.off()) { tensor.mul_(2); }
        }
        return Work.done();
    }

    @Override
    public Work broadcastAsync(Tensor tensor, int root) {
        log.add("broadcast " + tensor.numel());
        return Work.done();
    }

    @Override
    public Work allGatherAsync(Tensor output, Tensor input) {
        Collectives.checkGather(output, input, 2);
        log.add("allGather " + input.numel());
        try (Grad.Off off = Grad.off()) {
            for (int r = 0; r < 2; r++) try (Tensor slot = output.select(0, r)) { slot.copy_(input); }
        }
        return Work.done();
    }

    @Override public void barrier() { log.add("barrier"); }

    @Override public void close() {}
}
