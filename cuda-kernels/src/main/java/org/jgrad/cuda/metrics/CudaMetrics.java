package org.jgrad.cuda.metrics;

import org.jgrad.backend.BinaryStatsSpec;
import org.jgrad.tensor.View;

import java.util.List;

/**
 * The CUDA fused counting kernels (org.jgrad.backend.MetricCounting); the CUDA backend
 * delegates its three metric methods here. Counts stay on the device: the metrics package
 * scores them with tensor ops there. Views whose inner dims the kernels cannot walk are first
 * copied dense on the device.
 */
public final class CudaMetrics {
    private final MetricDevice dev;

    public CudaMetrics(MetricDevice dev) {
        this.dev = dev;
    }

    public void binaryStats(View preds, View targets, BinaryStatsSpec spec, View counts) {
        List<Launch> plan = plan(preds, targets, spec, counts);
        if (plan != null) {
            for (Launch l : plan) l.run(dev.launcher());
            return;
        }
        try (MetricDevice.Dense p = dev.contiguous(preds); MetricDevice.Dense t = dev.contiguous(targets)) {
            for (Launch l : plan(p.view(), t.view(), spec, counts)) l.run(dev.launcher());
        }
    }

    private List<Launch> plan(View p, View t, BinaryStatsSpec spec, View counts) {
        return SegStatsPlan.plan(p.shape(), p.strides(), dev.address(p), t.strides(), dev.address(t), t.dtype(), spec,
                dev.address(counts), dev.multiprocessors());
    }

    public void confusionFromLogits(View logits, View targets, long ignoreIndex, View hist, View bad) {
        Launch plan = logitsPlan(logits, targets, ignoreIndex, hist, bad);
        if (plan != null) {
            plan.run(dev.launcher());
            return;
        }
        try (MetricDevice.Dense l = dev.contiguous(logits); MetricDevice.Dense t = dev.contiguous(targets)) {
            logitsPlan(l.view(), t.view(), ignoreIndex, hist, bad).run(dev.launcher());
        }
    }

    private Launch logitsPlan(View l, View t, long ignoreIndex, View hist, View bad) {
        return ConfusionPlan.logits(l.shape(), l.strides(), dev.address(l), t.strides(), dev.address(t), t.dtype(),
                ignoreIndex, dev.address(hist), dev.address(bad), dev.multiprocessors());
    }

    public void confusionFromLabels(View preds, View targets, long ignoreIndex, View hist, View bad) {
        Launch plan = labelsPlan(preds, targets, ignoreIndex, hist, bad);
        if (plan != null) {
            plan.run(dev.launcher());
            return;
        }
        try (MetricDevice.Dense p = dev.contiguous(preds); MetricDevice.Dense t = dev.contiguous(targets)) {
            labelsPlan(p.view(), t.view(), ignoreIndex, hist, bad).run(dev.launcher());
        }
    }

    private Launch labelsPlan(View p, View t, long ignoreIndex, View hist, View bad) {
        return ConfusionPlan.labels(p.shape(), p.strides(), dev.address(p), p.dtype(), t.strides(), dev.address(t),
                t.dtype(), hist.size(0), ignoreIndex, dev.address(hist), dev.address(bad), dev.multiprocessors());
    }
}
