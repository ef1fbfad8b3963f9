package org.jgrad.nn;

/** {@code torch.nn.BatchNorm2d}: batch norm over channels of [N, C, H, W]. */
public final class BatchNorm2d extends BatchNorm {
    public BatchNorm2d(int numFeatures) { super(numFeatures, 1e-5, 0.1, true, true, 4); }

    /** @param momentum null for a cumulative moving average (PyTorch's momentum=None) */
    public BatchNorm2d(int numFeatures, double eps, Double momentum, boolean affine, boolean trackRunningStats) {
        super(numFeatures, eps, momentum, affine, trackRunningStats, 4);
    }
}
