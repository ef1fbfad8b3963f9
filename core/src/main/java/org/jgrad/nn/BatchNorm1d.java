package org.jgrad.nn;

/** {@code torch.nn.BatchNorm1d}: batch norm over channels of [N, C] or [N, C, L]. */
public final class BatchNorm1d extends BatchNorm {
    public BatchNorm1d(int numFeatures) { super(numFeatures, 1e-5, 0.1, true, true, 2); }

    /** @param momentum null for a cumulative moving average (PyTorch's momentum=None) */
    public BatchNorm1d(int numFeatures, double eps, Double momentum, boolean affine, boolean trackRunningStats) {
        super(numFeatures, eps, momentum, affine, trackRunningStats, 2);
    }
}
