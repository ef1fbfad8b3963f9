package org.jgrad.nn;

import org.jgrad.autograd.Grad;
import org.jgrad.ops.Normalization;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Tensor;

import java.util.Arrays;

/**
 * Shared body of {@link BatchNorm1d} and {@link BatchNorm2d} (PyTorch's _BatchNorm): weight
 * (ones) and bias (zeros) when affine; buffers running_mean (zeros), running_var (ones) and
 * num_batches_tracked when tracking. In training, or when not tracking, batch statistics
 * normalise; in eval the running ones do.
 */
public abstract class BatchNorm extends Module {
    private final int numFeatures;
    private final double eps;
    private final Double momentum;
    private final boolean affine, trackRunningStats;
    private final int rank; // 4 for 2d ([N,C,H,W]); 2 for 1d ([N,C] or [N,C,L])

    BatchNorm(int numFeatures, double eps, Double momentum, boolean affine, boolean trackRunningStats, int rank) {
        if (numFeatures <= 0) throw new IllegalArgumentException(getClass().getSimpleName() + ": num_features must be > 0, got " + numFeatures);
        if (!(eps > 0)) throw new IllegalArgumentException(getClass().getSimpleName() + ": eps must be > 0, got " + eps);
        if (momentum != null && !(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": momentum must be in [0, 1] or null, got " + momentum);
        }
        this.numFeatures = numFeatures;
        this.eps = eps;
        this.momentum = momentum;
        this.affine = affine;
        this.trackRunningStats = trackRunningStats;
        this.rank = rank;
        if (affine) {
            registerParameter("weight", Tensor.ones(DType.FLOAT32, Device.cpu(), numFeatures));
            registerParameter("bias", Tensor.zeros(DType.FLOAT32, Device.cpu(), numFeatures));
        } else {
            registerParameter("weight", null);
            registerParameter("bias", null);
        }
        if (trackRunningStats) {
            registerBuffer("running_mean", Tensor.zeros(DType.FLOAT32, Device.cpu(), numFeatures));
            registerBuffer("running_var", Tensor.ones(DType.FLOAT32, Device.cpu(), numFeatures));
            registerBuffer("num_batches_tracked", Tensor.zeros(DType.INT64, Device.cpu()));
        } else {
            registerBuffer("running_mean", null);
            registerBuffer("running_var", null);
            registerBuffer("num_batches_tracked", null);
        }
    }

    public Tensor runningMean() { return buffer("running_mean"); }

    public Tensor runningVar() { return buffer("running_var"); }

    public Tensor numBatchesTracked() { return buffer("num_batches_tracked"); }

    public Tensor weight() { return param("weight"); }

    public Tensor bias() { return param("bias"); }

    // Settings as built, read by exporters (ONNX) that rebuild the layer elsewhere.
    public double eps() { return eps; }

    /** False when no running statistics are kept, so even eval mode normalises with the batch's. */
    public boolean tracksRunningStats() { return trackRunningStats; }

    @Override
    public Tensor forward(Tensor input) {
        boolean okRank = rank == 4 ? input.dim() == 4 : (input.dim() == 2 || input.dim() == 3);
        if (!okRank) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": expected " + (rank == 4 ? "4-D input [N, C, H, W]" : "2-D or 3-D input")
                    + ", got shape " + Arrays.toString(input.shape()));
        }
        if (input.size(1) != numFeatures) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": expected " + numFeatures + " channels in dimension 1, got shape "
                    + Arrays.toString(input.shape()));
        }
        double factor = momentum == null ? 0.0 : momentum;
        boolean training = isTraining();
        if (training && trackRunningStats) {
            Tensor nbt = numBatchesTracked();
            try (var off = Grad.off(); Tensor one = Tensor.ones(DType.INT64, nbt.device())) {
                nbt.add_(one); // stays on the device: no host round trip unless the count is needed below
            }
            if (momentum == null) factor = 1.0 / nbt.item(); // cumulative moving average
        }
        // Batch statistics when training or when no running statistics are kept (PyTorch's bn_training).
        boolean useBatch = training || !trackRunningStats;
        Tensor rm = !training && !trackRunningStats ? null : runningMean();
        Tensor rv = !training && !trackRunningStats ? null : runningVar();
        return Normalization.batchNorm(input, rm, rv, weight(), bias(), useBatch, factor, eps);
    }

    @Override
    protected String extraRepr() {
        return numFeatures + ", eps=" + eps + ", momentum=" + momentum + ", affine=" + affine + ", track_running_stats=" + trackRunningStats;
    }
}
