package org.jgrad.distributed;

import org.jgrad.tensor.DType;
import org.jgrad.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Run under mpirun by {@link MpiCollectivesTest}: every collective, dtype and op against values
 * computed here by hand from the formula each rank used. Prints "rank R ok: ..." per check
 * and "rank R ALL OK" at the end, or "rank R FAIL ..." lines and exits with status 1.
 */
public final class CollectivesMain {
    private static final List<String> failures = new ArrayList<>();
    private static int rank;

    /** Rank r's value at element i: distinct per rank, negative and positive, integral (exact in every dtype). */
    static long value(int r, int i, DType d) {
        long v = (long) (i - 2) * (r + 1) * (i % 2 == 0 ? 1 : -1) + 3L * r;
        // INT64 uses magnitudes a double cannot hold exactly, so a detour through floating point shows
        return d == DType.INT64 ? v + (1L << 55) * (i % 3 == 0 ? 1 : -1) : v;
    }

    public static void main(String[] args) {
        try (ProcessGroup pg = ProcessGroup.fromEnvironment()) {
            rank = pg.rank();
            int w = pg.worldSize();
            System.out.println("rank " + rank + " of " + w + " local " + pg.localRank() + " backend " + pg.backendName()
                    + (pg instanceof MpiProcessGroup m ? " thread level " + m.threadLevel() : ""));
            int n = 6;
            for (DType d : new DType[]{DType.FLOAT32, DType.FLOAT64, DType.INT64}) {
                for (ReduceOp op : ReduceOp.values()) {
                    Tensor t = make(d, rank, n);
                    pg.allReduce(t, op);
                    long[] got = longs(t);
                    long[] want = new long[n];
                    for (int i = 0; i < n; i++) want[i] = expected(op, d, i, w, got, t);
                    check("allReduce " + op + " " + d, d == DType.INT64 ? Arrays.equals(got, want) : floatsEqual(t, op, d, w, n), t, want);
                }
                // broadcast from the last rank
                Tensor b = make(d, rank, n);
                pg.broadcast(b, w - 1);
                long[] wantB = new long[n];
                for (int i = 0; i < n; i++) wantB[i] = value(w - 1, i, d);
                check("broadcast " + d, Arrays.equals(longs(b), wantB), b, wantB);
                // all-gather
                Tensor in = make(d, rank, n).reshape(2, 3);
                Tensor out = pg.allGather(in);
                long[] wantG = new long[w * n];
                for (int r = 0; r < w; r++) for (int i = 0; i < n; i++) wantG[r * n + i] = value(r, i, d);
                check("allGather " + d + " shape " + Arrays.toString(out.shape()),
                        Arrays.equals(out.shape(), new int[]{w, 2, 3}) && Arrays.equals(longs(out), wantG), out, wantG);
            }
            // asynchronous: several in flight, awaited in reverse order
            Tensor a1 = make(DType.FLOAT32, rank, n), a2 = make(DType.FLOAT64, rank, n), a3 = make(DType.INT64, rank, n);
            Work w1 = pg.allReduceAsync(a1, ReduceOp.SUM), w2 = pg.allReduceAsync(a2, ReduceOp.MAX), w3 = pg.allReduceAsync(a3, ReduceOp.MIN);
            w3.await();
            w2.await();
            w1.await();
            w1.await(); // idempotent
            long[] s1 = new long[n], s2 = new long[n], s3 = new long[n];
            for (int i = 0; i < n; i++) {
                long sum = 0, max = Long.MIN_VALUE, min = Long.MAX_VALUE;
                for (int r = 0; r < w; r++) {
                    sum += value(r, i, DType.FLOAT32);
                    max = Math.max(max, value(r, i, DType.FLOAT64));
                    min = Math.min(min, value(r, i, DType.INT64));
                }
                s1[i] = sum;
                s2[i] = max;
                s3[i] = min;
            }
            check("async SUM FLOAT32", Arrays.equals(longs(a1), s1), a1, s1);
            check("async MAX FLOAT64", Arrays.equals(longs(a2), s2), a2, s2);
            check("async MIN INT64", Arrays.equals(longs(a3), s3), a3, s3);
            pg.barrier();
            if (failures.isEmpty()) {
                System.out.println("rank " + rank + " ALL OK");
            } else {
                failures.forEach(f -> System.out.println("rank " + rank + " FAIL " + f));
            }
        }
        System.out.flush();
        if (!failures.isEmpty()) System.exit(1);
    }

    static Tensor make(DType d, int r, int n) {
        return switch (d) {
            case FLOAT32 -> { float[] a = new float[n]; for (int i = 0; i < n; i++) a[i] = value(r, i, d); yield Tensor.fromArray(a, n); }
            case FLOAT64 -> { double[] a = new double[n]; for (int i = 0; i < n; i++) a[i] = value(r, i, d); yield Tensor.fromArray(a, n); }
            default -> { long[] a = new long[n]; for (int i = 0; i < n; i++) a[i] = value(r, i, d); yield Tensor.fromArray(a, n); }
        };
    }

    static long[] longs(Tensor t) {
        if (t.dtype() == DType.INT64) return t.toLongArray();
        double[] d = t.toDoubleArray();
        long[] out = new long[d.length];
        for (int i = 0; i < d.length; i++) out[i] = (long) d[i];
        return out;
    }

    private static long expected(ReduceOp op, DType d, int i, int w, long[] got, Tensor t) {
        long sum = 0, max = Long.MIN_VALUE, min = Long.MAX_VALUE;
        for (int r = 0; r < w; r++) {
            long v = value(r, i, d);
            sum += v;
            max = Math.max(max, v);
            min = Math.min(min, v);
        }
        return switch (op) {
            case SUM -> sum;
            case AVG -> sum / w; // INT64 truncates toward zero
            case MAX -> max;
            case MIN -> min;
        };
    }

    /** Floating AVG may be fractional: compare in doubles against sum / w. */
    private static boolean floatsEqual(Tensor t, ReduceOp op, DType d, int w, int n) {
        double[] got = t.toDoubleArray();
        for (int i = 0; i < n; i++) {
            double sum = 0, max = Double.NEGATIVE_INFINITY, min = Double.POSITIVE_INFINITY;
            for (int r = 0; r < w; r++) {
                double v = value(r, i, d);
                sum += v;
                max = Math.max(max, v);
                min = Math.min(min, v);
            }
            double want = switch (op) {
                case SUM -> sum;
                case AVG -> sum / w;
                case MAX -> max;
                case MIN -> min;
            };
            if (got[i] != want) return false;
        }
        return true;
    }

    private static void check(String what, boolean ok, Tensor got, long[] want) {
        if (ok) System.out.println("rank " + rank + " ok: " + what);
        else failures.add(what + ": got " + Arrays.toString(longs(got)) + " want " + Arrays.toString(want));
    }
}
