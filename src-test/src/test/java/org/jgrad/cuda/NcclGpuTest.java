package org.jgrad.cuda;

import org.jgrad.distributed.DistributedDataParallel;
import org.jgrad.distributed.DistributedException;
import org.jgrad.distributed.ProcessGroup;
import org.jgrad.distributed.ReduceOp;
import org.jgrad.distributed.Work;
import org.jgrad.nn.Linear;
import org.jgrad.nn.Module;
import org.jgrad.nn.ReLU;
import org.jgrad.nn.Sequential;
import org.jgrad.nn.loss.CrossEntropyLoss;
import org.jgrad.optim.SGD;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Generator;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * NCCL on a real GPU with one rank (no launcher: the group of {@code ProcessGroup.fromEnvironment(cuda)}
 * is NCCL with world size 1): every collective of one rank is the identity, exactly, for every
 * dtype and op; broadcast and all-gather; a collective started after queued compute sees that
 * compute's result; and a DDP step equals the plain step, bit for bit. Skipped without a GPU,
 * or without libnccl.so.2 unless a GPU is required.
 */
@Tag("gpu")
class NcclGpuTest {
    private static ProcessGroup group() {
        Device d = GpuSupport.cuda();
        try {
            return ProcessGroup.fromEnvironment(d);
        } catch (DistributedException e) {
            if (e.getMessage().contains("NCCL is unavailable") && !Boolean.getBoolean(GpuSupport.REQUIRED_PROPERTY)) {
                abort("a GPU but no NCCL: " + e.getMessage());
            }
            throw e;
        }
    }

    @Test
    void oneRanksCollectivesAreTheIdentityForEveryDtypeAndOp() {
        try (ProcessGroup pg = group()) {
            assertEquals(1, pg.worldSize());
            assertTrue(pg.backendName().startsWith("nccl 2."), pg.backendName());
            Device d = GpuSupport.cuda();
            float[] f = {1.5f, -2.25f, 3e-8f, 1e30f, -0f};
            double[] g = {1.5, -2.25, 3e-300, 1e300, Math.PI};
            long[] l = {(1L << 62) + 1, -7, 0, Long.MIN_VALUE + 1, 42};
            for (ReduceOp op : ReduceOp.values()) {
                try (Tensor tf = Tensor.fromArray(f, 5).to(d); Tensor tg = Tensor.fromArray(g, 5).to(d); Tensor tl = Tensor.fromArray(l, 5).to(d)) {
                    pg.allReduce(tf, op);
                    pg.allReduce(tg, op);
                    pg.allReduce(tl, op);
                    assertArrayEquals(f, tf.toFloatArray(), "float32 " + op);
                    assertArrayEquals(g, tg.toDoubleArray(), "float64 " + op);
                    assertArrayEquals(l, tl.toLongArray(), "int64 " + op);
                }
            }
        }
    }

    @Test
    void broadcastAndAllGatherOfOneRank() {
        try (ProcessGroup pg = group()) {
            Device d = GpuSupport.cuda();
            try (Tensor t = Tensor.fromArray(new double[] {4, 5, 6}, 3).to(d);
                 Tensor in = Tensor.fromArray(new long[] {7, 8, 9, 10}, 2, 2).to(d)) {
                pg.broadcast(t, 0);
                assertArrayEquals(new double[] {4, 5, 6}, t.toDoubleArray());
                try (Tensor out = pg.allGather(in)) {
                    assertArrayEquals(new int[] {1, 2, 2}, out.shape());
                    assertArrayEquals(new long[] {7, 8, 9, 10}, out.toLongArray());
                }
                pg.barrier();
            }
        }
    }

    @Test
    void aCollectiveSeesTheComputeQueuedBeforeIt() {
        try (ProcessGroup pg = group()) {
            Device d = GpuSupport.cuda();
            try (Tensor big = Tensor.ones(DType.FLOAT32, d, 1 << 22); Tensor t = big.mul(3)) { // queued on the compute stream
                Work w = pg.allReduceAsync(t, ReduceOp.SUM);
                w.await();
                float[] v = t.toFloatArray();
                for (int i = 0; i < v.length; i += 4099) assertEquals(3f, v[i], "element " + i);
            }
        }
    }

    private static Module mlp(long seed) {
        Generator g = new Generator(seed);
        return new Sequential(new Linear(8, 16, g), new ReLU(), new Linear(16, 3, g));
    }

    @Test
    void aDdpStepEqualsThePlainStep() {
        try (ProcessGroup pg = group()) {
            Device d = GpuSupport.cuda();
            Module plain = mlp(5).to(d);
            Module wrapped = mlp(5).to(d);
            DistributedDataParallel ddp = new DistributedDataParallel(wrapped, pg);
            Generator data = new Generator(11);
            Tensor x = Tensor.randn(data, 32, 8).to(d);
            long[] y = new long[32];
            for (int i = 0; i < y.length; i++) y[i] = i % 3;
            Tensor target = Tensor.fromArray(y, 32).to(d);
            CrossEntropyLoss ce = new CrossEntropyLoss();
            SGD a = new SGD(plain.parameters(), 0.1, 0.9), b = new SGD(ddp.parameters(), 0.1, 0.9);
            for (int step = 0; step < 3; step++) {
                a.zeroGrad();
                ce.forward(plain.forward(x), target).backward();
                a.step();
                b.zeroGrad();
                ce.forward(ddp.forward(x), target).backward();
                ddp.syncGradients();
                b.step();
            }
            List<Tensor> p = plain.parameters(), q = wrapped.parameters();
            assertEquals(p.size(), q.size());
            for (int i = 0; i < p.size(); i++) assertArrayEquals(p.get(i).toFloatArray(), q.get(i).toFloatArray(), "parameter " + i);
        }
    }
}
