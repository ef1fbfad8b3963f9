package org.jgrad.metrics;

import org.jgrad.ops.Concat;
import org.jgrad.tensor.Scope;
import org.jgrad.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntConsumer;

/**
 * A process group of n ranks simulated by n threads of one process, for testing
 * {@link Metric#sync}: each rank's {@link StateReducer} deposits its tensor, waits for every rank,
 * and combines all ranks' tensors in rank order — as a collective would, written independently
 * of the metrics' own merge code (element-wise ops on copies). Every rank must make the same calls
 * in the same order, or the barrier times out.
 */
final class SimulatedRanks {
    private final int n;
    private final CyclicBarrier barrier;
    private final Tensor[] slots;
    /** Calls per rank, to check every rank issued the same collectives. */
    final List<List<String>> calls = new ArrayList<>();

    SimulatedRanks(int n) {
        this.n = n;
        this.barrier = new CyclicBarrier(n);
        this.slots = new Tensor[n];
        for (int r = 0; r < n; r++) calls.add(new ArrayList<>());
    }

    StateReducer reducer(int rank) {
        return new StateReducer() {
            @Override public int worldSize() { return n; }

            @Override
            public void allReduce(Tensor state, StateReduction reduction) {
                calls.get(rank).add("allReduce " + reduction + " " + java.util.Arrays.toString(state.shape()));
                slots[rank] = Scope.escape(state.contiguousCopy());
                await();
                Tensor acc = Scope.escape(slots[0].contiguousCopy());
                for (int r = 1; r < n; r++) {
                    Tensor next = switch (reduction) {
                        case SUM -> acc.add(slots[r]);
                        case MIN -> acc.minimum(slots[r]);
                        case MAX -> acc.maximum(slots[r]);
                        case CAT -> throw new IllegalArgumentException("CAT goes through allGatherCat");
                    };
                    acc.close();
                    acc = Scope.escape(next);
                }
                await(); // every rank has read every slot
                state.copy_(acc);
                acc.close();
                slots[rank].close();
                await();
            }

            @Override
            public Tensor allGatherCat(Tensor state) {
                calls.get(rank).add("allGatherCat " + java.util.Arrays.toString(state.shape()));
                slots[rank] = Scope.escape(state.contiguousCopy());
                await();
                List<Tensor> all = new ArrayList<>();
                for (int r = 0; r < n; r++) all.add(slots[r]);
                Tensor out = Concat.cat(all, 0);
                await();
                slots[rank].close();
                await();
                return out;
            }
        };
    }

    private void await() {
        try {
            barrier.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
            throw new IllegalStateException("the ranks did not make the same collective calls", e);
        }
    }

    /** Runs {@code body(rank)} on n threads at once and waits for all; rethrows the first failure. */
    void run(IntConsumer body) {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int r = 0; r < n; r++) {
                final int rank = r;
                fs.add(pool.submit(() -> body.accept(rank)));
            }
            for (Future<?> f : fs) f.get(120, TimeUnit.SECONDS);
        } catch (Exception e) {
            Throwable c = e.getCause() != null ? e.getCause() : e;
            if (c instanceof RuntimeException re) throw re;
            if (c instanceof Error er) throw er;
            throw new IllegalStateException(c);
        } finally {
            pool.shutdownNow();
        }
    }
}
