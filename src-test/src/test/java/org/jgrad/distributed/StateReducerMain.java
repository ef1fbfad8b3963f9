package org.jgrad.distributed;

import org.jgrad.metrics.StateReducer;
import org.jgrad.metrics.StateReduction;
import org.jgrad.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Run under mpirun -np 2 by {@link StateReducerMpiTest}: the process group as the metrics'
 * state reducer, against values worked by hand from what each rank holds. Prints
 * "rank R STATES OK" or "rank R FAIL ..." lines (and exits 1).
 */
public final class StateReducerMain {
    public static void main(String[] args) {
        List<String> fails = new ArrayList<>();
        int rank;
        try (ProcessGroup pg = ProcessGroup.fromEnvironment()) {
            rank = pg.rank();
            if (pg.worldSize() != 2) throw new IllegalStateException("run with 2 ranks, got " + pg.worldSize());
            StateReducer sr = ProcessGroupStateReducer.of(pg);
            int r = rank;
            check(fails, "worldSize", sr.worldSize() == 2, "" + sr.worldSize());

            // rank 0 holds [1, 10, -4], rank 1 [2, 20, -8]
            for (StateReduction red : new StateReduction[]{StateReduction.SUM, StateReduction.MIN, StateReduction.MAX}) {
                Tensor f = Tensor.fromArray(new float[]{1 + r, 10 * (1 + r), -4 * (1 + r)}, 3);
                sr.allReduce(f, red);
                float[] want = switch (red) {
                    case SUM -> new float[]{3, 30, -12};
                    case MIN -> new float[]{1, 10, -8};
                    default -> new float[]{2, 20, -4};
                };
                check(fails, "allReduce " + red + " FLOAT32", Arrays.equals(f.toFloatArray(), want), Arrays.toString(f.toFloatArray()));
            }
            // INT32 counts travel as INT64 and come back in place, in their own dtype
            Tensor counts = Tensor.fromArray(new int[]{5 + r, 1 << 29}, 2);
            sr.allReduce(counts, StateReduction.SUM);
            check(fails, "allReduce SUM INT32", counts.dtype() == org.jgrad.tensor.DType.INT32
                    && Arrays.equals(counts.toIntArray(), new int[]{11, 1 << 30}), Arrays.toString(counts.toIntArray()));
            // a non-contiguous state (a transposed view) is reduced in place through a copy
            Tensor base = Tensor.fromArray(new double[]{1 + r, 2, 3, 4 * (1 + r)}, 2, 2);
            Tensor tr = base.transpose(0, 1);
            sr.allReduce(tr, StateReduction.SUM);
            check(fails, "allReduce SUM of a transposed FLOAT64 view", Arrays.equals(base.toDoubleArray(), new double[]{3, 4, 6, 12}),
                    Arrays.toString(base.toDoubleArray()));

            // cat with different first dimensions: rank 0 one row, rank 1 three rows
            Tensor mine = r == 0 ? Tensor.fromArray(new long[]{1, 2}, 1, 2) : Tensor.fromArray(new long[]{3, 4, 5, 6, 7, 8}, 3, 2);
            Tensor cat = sr.allGatherCat(mine);
            check(fails, "allGatherCat INT64 1+3 rows", Arrays.equals(cat.shape(), new int[]{4, 2})
                    && Arrays.equals(cat.toLongArray(), new long[]{1, 2, 3, 4, 5, 6, 7, 8}), Arrays.toString(cat.shape()) + Arrays.toString(cat.toLongArray()));
            // a rank with nothing collected yet
            Tensor scores = r == 0 ? Tensor.zeros(0) : Tensor.fromArray(new float[]{0.25f, 0.5f}, 2);
            Tensor s = sr.allGatherCat(scores);
            check(fails, "allGatherCat FLOAT32 0+2", Arrays.equals(s.toFloatArray(), new float[]{0.25f, 0.5f}), Arrays.toString(s.toFloatArray()));
            Tensor none = sr.allGatherCat(Tensor.zeros(0, 3));
            check(fails, "allGatherCat of two empty states", Arrays.equals(none.shape(), new int[]{0, 3}), Arrays.toString(none.shape()));
            // trailing dimensions must agree: both ranks refuse, naming the other's shape
            try {
                sr.allGatherCat(Tensor.zeros(2, 2 + r));
                check(fails, "allGatherCat mismatched trailing dims refused", false, "no exception");
            } catch (IllegalArgumentException e) {
                String want = "rank " + (1 - r) + "'s state has shape [2, " + (3 - r) + "]";
                check(fails, "allGatherCat mismatched trailing dims refused", e.getMessage().contains(want), e.getMessage());
            }
            try {
                sr.allReduce(Tensor.zeros(2), StateReduction.CAT);
                check(fails, "allReduce CAT refused", false, "no exception");
            } catch (IllegalArgumentException e) {
                check(fails, "allReduce CAT refused", e.getMessage().contains("use allGatherCat"), e.getMessage());
            }
            pg.barrier();
        }
        for (String f : fails) System.out.println("rank " + rank + " FAIL " + f);
        System.out.println("rank " + rank + (fails.isEmpty() ? " STATES OK" : " FAILED"));
        System.out.flush();
        if (!fails.isEmpty()) System.exit(1);
    }

    private static void check(List<String> fails, String what, boolean ok, String got) {
        if (!ok) fails.add(what + ": got " + got);
    }
}
