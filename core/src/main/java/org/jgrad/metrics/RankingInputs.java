package org.jgrad.metrics;

import org.jgrad.ops.Concat;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Tensor;

import java.util.Arrays;

/**
 * Checks a batch of ranking inputs and lays it out as the scores need it: scores FLOAT32
 * {@code [M, C]} (C = 1 for a binary task) and targets INT64, {@code [M]} class labels
 * (multiclass) or {@code [M, C]} 0/1 (binary, multilabel), extra dimensions {@code ...} flattened
 * into M as torchmetrics does. Values are checked with one device-to-host copy of three numbers
 * (the scores' sum, the least and greatest target): a NaN score or a target that is neither a valid
 * value nor ignoreIndex is an error naming it.
 */
record RankingInputs(Tensor scores, Tensor targets) {

    static RankingInputs of(Tensor preds, Tensor targets, RankingSpec spec) {
        MetricChecks.open(preds, "preds");
        MetricChecks.open(targets, "targets");
        MetricChecks.sameDevice(preds, "preds", targets, "targets");
        if (preds.dtype() != DType.FLOAT32) {
            throw new IllegalArgumentException("preds must hold FLOAT32 scores (probabilities or logits), got " + preds.dtype());
        }
        int c = spec.numClasses();
        Tensor s, t;
        switch (spec.task()) {
            case BINARY -> {
                MetricChecks.sameShape(preds, "preds", targets, "targets");
                s = preds.contiguous().reshape(preds.numel(), 1);
                t = targets.contiguous().reshape(targets.numel(), 1);
            }
            case MULTILABEL -> {
                MetricChecks.sameShape(preds, "preds", targets, "targets");
                classDim(preds, c);
                s = samplesByClass(preds, c);
                t = samplesByClass(targets, c);
            }
            default -> {
                classDim(preds, c);
                int[] ps = preds.shape(), ts = targets.shape();
                int[] expect = new int[ps.length - 1];
                expect[0] = ps[0];
                System.arraycopy(ps, 2, expect, 1, ps.length - 2);
                if (!Arrays.equals(expect, ts)) {
                    throw new IllegalArgumentException("multiclass preds " + Arrays.toString(ps) + " need targets of shape " + Arrays.toString(expect)
                            + " ([N, ...] without the class dimension), got " + Arrays.toString(ts));
                }
                MetricChecks.integerLabels(targets, "targets");
                s = samplesByClass(preds, c);
                t = targets.contiguous().reshape(targets.numel());
            }
        }
        if (s.size(0) == 0) throw new IllegalArgumentException("preds holds no samples (shape " + Arrays.toString(preds.shape()) + ")");
        // one copy of three numbers: the float32 sum (NaN if a score is NaN, or +Inf and -Inf meet),
        // and the least and greatest target with ignored ones read as 0
        Tensor counted = spec.hasIgnore() ? Tensor.where(t.eq((double) spec.ignoreIndex()), Tensor.scalar(0, t.dtype(), t.device()), t) : t;
        double[] summary = Concat.cat(0, s.sum().to(DType.FLOAT64).view(1), counted.min().to(DType.FLOAT64).view(1),
                counted.max().to(DType.FLOAT64).view(1)).toDoubleArray();
        if (Double.isNaN(summary[0])) {
            long nans = s.ne(s).to(DType.INT64).sum().toLongArray()[0];
            if (nans > 0) throw new IllegalArgumentException("preds holds " + nans + " NaN score(s); ranking scores are undefined for NaN (replace or drop them first)");
        }
        double hi = spec.task() == RankingTask.MULTICLASS ? c - 1 : 1;
        boolean integral = !t.dtype().isFloatingPoint() || t.eq(t.to(DType.INT64).to(t.dtype())).eq(0).to(DType.INT64).sum().toLongArray()[0] == 0;
        if (summary[1] < 0 || summary[2] > hi || !integral) {
            Tensor valid = spec.task() == RankingTask.MULTICLASS ? t.ge(0).mul(t.le(hi)) : t.eq(0).add(t.eq(1)).gt(0);
            if (spec.hasIgnore()) valid = valid.add(t.eq((double) spec.ignoreIndex())).gt(0);
            throw badTarget(t, valid, spec);
        }
        return new RankingInputs(s, t.dtype() == DType.INT64 ? t : t.to(DType.INT64));
    }

    private static void classDim(Tensor preds, int c) {
        if (preds.dim() < 2 || preds.size(1) != c) {
            throw new IllegalArgumentException("preds must be [N, " + c + ", ...] (the class dimension second), got " + Arrays.toString(preds.shape()));
        }
    }

    /** [N, C, ...] to [N * prod(...), C]. */
    static Tensor samplesByClass(Tensor x, int c) {
        int n = x.size(0), rest = x.numel() / Math.max(1, n * c);
        if (x.dim() == 2) return x.contiguous();
        return x.contiguous().reshape(n, c, rest).permute(0, 2, 1).contiguous().reshape(n * rest, c);
    }

    private static IllegalArgumentException badTarget(Tensor t, Tensor valid, RankingSpec spec) {
        double[] v = t.to(DType.FLOAT64).contiguous().toDoubleArray();
        byte[] ok = valid.to(DType.UINT8).contiguous().toByteArray();
        int i = 0;
        while (ok[i] != 0) i++;
        String allowed = spec.task() == RankingTask.MULTICLASS ? "class labels in [0, " + spec.numClasses() + ")" : "0 or 1";
        return new IllegalArgumentException("targets must hold " + allowed + (spec.hasIgnore() ? " or ignoreIndex " + spec.ignoreIndex() : "")
                + ", got " + v[i] + " at flat index " + i);
    }
}
