package org.jgrad.nn;

import org.jgrad.ops.Pooling;
import org.jgrad.tensor.Tensor;

import java.util.Arrays;

/** {@code torch.nn.MaxPool2d}; stride defaults to the kernel size. */
public class MaxPool2d extends Module {
    private final int[] kernel, stride, padding, dilation;
    private final boolean ceilMode;

    public MaxPool2d(int kernelSize) {
        this(new int[]{kernelSize}, null, new int[]{0}, new int[]{1}, false);
    }

    public MaxPool2d(int kernelSize, int stride, int padding) {
        this(new int[]{kernelSize}, new int[]{stride}, new int[]{padding}, new int[]{1}, false);
    }

    /** A null or empty stride means the kernel size. */
    public MaxPool2d(int[] kernelSize, int[] stride, int[] padding, int[] dilation, boolean ceilMode) {
        this.kernel = LayerArgs.pair("MaxPool2d", "kernelSize", kernelSize, 1);
        this.stride = stride == null || stride.length == 0 ? this.kernel : LayerArgs.pair("MaxPool2d", "stride", stride, 1);
        this.padding = LayerArgs.pair("MaxPool2d", "padding", padding, 0);
        this.dilation = LayerArgs.pair("MaxPool2d", "dilation", dilation, 1);
        this.ceilMode = ceilMode;
    }

    // Settings as built, read by exporters (ONNX) that rebuild the layer elsewhere.
    public int[] kernelSize() { return kernel.clone(); }

    public int[] stride() { return stride.clone(); }

    public int[] padding() { return padding.clone(); }

    public int[] dilation() { return dilation.clone(); }

    public boolean ceilMode() { return ceilMode; }

    @Override
    public Tensor forward(Tensor input) {
        return Pooling.maxPool2d(input, kernel, stride, padding, dilation, ceilMode);
    }

    @Override
    protected String extraRepr() {
        return "kernel_size=" + Arrays.toString(kernel) + ", stride=" + Arrays.toString(stride) + ", padding=" + Arrays.toString(padding)
                + ", dilation=" + Arrays.toString(dilation) + ", ceil_mode=" + ceilMode;
    }
}
