package org.jgrad.metrics;

import org.jgrad.backend.Backend;
import org.jgrad.ops.Concat;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Tensor;

/**
 * Binned ranking counts and scores with tensor ops on the inputs' device, in constant memory:
 * torchmetrics' multi-threshold confusion table {@code [T, C, 2, 2]} (threshold, class, target,
 * prediction; prediction 1 where {@code score >= threshold}).
 *
 * <p>A batch is counted in O(E log T) for E scores: each score's bucket k (the number of
 * thresholds at or below it) by a branchless binary search over the sorted thresholds (a gather
 * per halving step), one scatter-add of (k, class, target) into a {@code (T + 1) x C x 2}
 * histogram, then a reverse cumulative sum over k (log T shifted adds): the scores predicted
 * positive at threshold j are those with k > j.
 */
final class BinnedRanking {
    private BinnedRanking() {}

    /** The [T, C, 2, 2] INT64 table of one batch; {@code thr} FLOAT32 [T] non-decreasing on the batch's device. */
    static Tensor table(RankingInputs in, Tensor thr, RankingSpec spec) {
        Tensor s = in.scores();
        int m = s.size(0), c = spec.numClasses(), t = thr.size(0);
        Tensor flat = s.reshape(m * c);
        Tensor k = bucket(flat, thr);                                                   // INT64 [E] in [0, T]
        Tensor cls = Tensor.arange(0, c, 1, DType.INT64, s.device()).view(1, c).expand(m, c).contiguous().reshape(m * c);
        Tensor target, keep;
        if (spec.task() == RankingTask.MULTICLASS) {
            Tensor labels = in.targets().view(m, 1);
            target = labels.eq(Tensor.arange(0, c, 1, DType.INT64, s.device()).view(1, c)).to(DType.INT64).reshape(m * c);
            keep = spec.hasIgnore() ? labels.ne((double) spec.ignoreIndex()).expand(m, c).contiguous().reshape(m * c) : null;
        } else {
            Tensor y = in.targets().reshape(m * c);
            keep = spec.hasIgnore() ? y.ne((double) spec.ignoreIndex()) : null;
            target = y.eq(1).to(DType.INT64);
        }
        int slots = (t + 1) * c * 2;
        Tensor code = k.mul(c).add(cls).mul(2).add(target);
        if (keep != null) code = Tensor.where(keep, code, Tensor.scalar(slots, DType.INT64, s.device())); // ignored: the spare slot
        Tensor hist = Tensor.zeros(DType.INT64, s.device(), slots + 1);
        backend(s).scatterAdd(hist.raw(), 0, code.contiguous().raw(), Tensor.ones(DType.INT64, s.device(), code.size(0)).raw());
        Tensor above = reverseCumsum(hist.narrow(0, 0, slots).view(t + 1, c, 2)); // above[k] = Σ_{k' >= k} hist[k']
        Tensor total = above.narrow(0, 0, 1);                                      // [1, C, 2]: negatives, positives
        Tensor pp = above.narrow(0, 1, t);                                         // [T, C, 2]: predicted positive
        Tensor fp = pp.select(2, 0), tp = pp.select(2, 1);
        Tensor tn = total.select(2, 0).sub(fp), fn = total.select(2, 1).sub(tp);
        return Concat.stack(2, Concat.stack(2, tn, fp), Concat.stack(2, fn, tp));
    }

    /**
     * For each score, the number of thresholds {@code <= score} (thresholds sorted): a binary
     * search, all scores at once. The thresholds are padded with +Infinity to a power of two so
     * every probe is in range; a +Infinity score, which reaches the padding too, is capped at T.
     */
    static Tensor bucket(Tensor scores, Tensor thr) {
        int t = thr.size(0), e = scores.size(0), size = Integer.highestOneBit(t) << 1;
        Tensor padded = Concat.cat(0, thr, Tensor.full(Double.POSITIVE_INFINITY, DType.FLOAT32, thr.device(), size - t));
        Tensor pos = Tensor.zeros(DType.INT64, scores.device(), e);
        for (int step = size >> 1; step >= 1; step >>= 1) {
            Tensor probe = pos.add(step - 1);                  // the last threshold of the next block of step
            Tensor at = Tensor.empty(DType.FLOAT32, scores.device(), e);
            backend(scores).gather(padded.raw(), 0, probe.raw(), at.raw());
            pos = pos.add(at.le(scores).to(DType.INT64).mul(step));
        }
        return pos.clamp(0, t);
    }

    /** Σ over k' >= k along dimension 0, by doubling: after the pass with shift s each row holds the sum of the next 2s rows. */
    static Tensor reverseCumsum(Tensor x) {
        int n = x.size(0);
        for (int s = 1; s < n; s <<= 1) {
            x = Concat.cat(0, x.narrow(0, 0, n - s).add(x.narrow(0, s, n - s)), x.narrow(0, n - s, s));
        }
        return x;
    }

    private static Backend backend(Tensor t) { return Counting.backendOf(t); }

    // ------------------------------------------------------------------ scores from the table (FLOAT64, on its device)

    private static Tensor cell(Tensor table, int target, int pred) { return table.select(3, pred).select(2, target).to(DType.FLOAT64); }

    /** Per class [C]: the trapezoidal area through the T points (fpr, tpr), a rate over 0 being 0 (torchmetrics). */
    static Tensor auroc(Tensor table) {
        Tensor tp = cell(table, 1, 1), fp = cell(table, 0, 1), fn = cell(table, 1, 0), tn = cell(table, 0, 0);
        Tensor tpr = ScoreFormulas.ratioOr(tp, tp.add(fn), 0), fpr = ScoreFormulas.ratioOr(fp, fp.add(tn), 0);
        int t = table.size(0);
        if (t < 2) return Tensor.zeros(DType.FLOAT64, table.device(), table.size(1));
        Tensor dx = fpr.narrow(0, 0, t - 1).sub(fpr.narrow(0, 1, t - 1));
        Tensor ys = tpr.narrow(0, 0, t - 1).add(tpr.narrow(0, 1, t - 1));
        return dx.mul(ys).sum(0, false).mul(0.5);
    }

    /** Per class [C]: Σ_j (R_j - R_{j+1}) P_j with R_T = 0, NaN precision or recall read as 0 (torchmetrics). */
    static Tensor averagePrecision(Tensor table) {
        Tensor tp = cell(table, 1, 1), fp = cell(table, 0, 1), fn = cell(table, 1, 0);
        Tensor prec = ScoreFormulas.ratioOr(tp, tp.add(fp), 0), rec = ScoreFormulas.ratioOr(tp, tp.add(fn), 0);
        int t = table.size(0);
        Tensor next = Concat.cat(0, rec.narrow(0, 1, t - 1), Tensor.zeros(DType.FLOAT64, table.device(), 1, table.size(1)));
        return rec.sub(next).mul(prec).sum(0, false);
    }

    /** Positive targets per class [C], the WEIGHTED average's weights. */
    static Tensor positives(Tensor table) { return cell(table, 1, 1).add(cell(table, 1, 0)).select(0, 0); }

    /** Binary curves from a [T, 1, 2, 2] table, as torchmetrics' binned binary_roc / binary_precision_recall_curve. */
    static RocCurve roc(Tensor table, float[] thresholds, int cls) {
        long[] v = table.contiguous().toLongArray();
        int t = thresholds.length, c = table.size(1);
        double[] fpr = new double[t], tpr = new double[t], thr = new double[t];
        for (int j = 0; j < t; j++) {
            int b = (j * c + cls) * 4, i = t - 1 - j;
            long tn = v[b], fp = v[b + 1], fn = v[b + 2], tp = v[b + 3];
            tpr[i] = tp + fn == 0 ? 0 : (double) tp / (tp + fn);
            fpr[i] = fp + tn == 0 ? 0 : (double) fp / (fp + tn);
            thr[i] = thresholds[j];
        }
        return new RocCurve(fpr, tpr, thr);
    }

    static PrecisionRecallCurve precisionRecall(Tensor table, float[] thresholds, int cls) {
        long[] v = table.contiguous().toLongArray();
        int t = thresholds.length, c = table.size(1);
        double[] prec = new double[t + 1], rec = new double[t + 1], thr = new double[t];
        for (int j = 0; j < t; j++) {
            int b = (j * c + cls) * 4;
            long fp = v[b + 1], fn = v[b + 2], tp = v[b + 3];
            prec[j] = (double) tp / (tp + fp); // 0/0: NaN, as torchmetrics
            rec[j] = (double) tp / (tp + fn);
            thr[j] = thresholds[j];
        }
        prec[t] = 1;
        rec[t] = 0;
        return new PrecisionRecallCurve(prec, rec, thr);
    }
}
