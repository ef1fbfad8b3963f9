package org.jgrad.nn;

import org.jgrad.ops.Pooling;
import org.jgrad.tensor.Tensor;

import java.util.Arrays;

/** {@code torch.nn.AvgPool2d}; stride defaults to the kernel size, countIncludePad to true. */
public class AvgPool2d extends Module {
    private final int[] kernel, stride, padding;
    private final boolean ceilMode, countIncludePad;

    public AvgPool2d(int kernelSize) {
        this(new int[]{kernelSize}, null, new int[]{0}, false, true);
    }

    public AvgPool2d(int kernelSize, int stride, int padding) {
        this(new int[]{kernelSize}, new int[]{stride}, new int[]{padding}, false, true);
    }

    /** A null or empty stride means the kernel size. */
    public AvgPool2d(int[] kernelSize, int[] stride, int[] padding, boolean ceilMode, boolean countIncludePad) {
        this.kernel = LayerArgs.pair("AvgPool2d", "kernelSize", kernelSize, 1);
        this.stride = stride == null || stride.length == 0 ? this.kernel : LayerArgs.pair("AvgPool2d", "stride", stride, 1);
        this.padding = LayerArgs.pair("AvgPool2d", "padding", padding, 0);
        this.ceilMode = ceilMode;
        this.countIncludePad = countIncludePad;
    }

    // Settings as built, read by exporters (ONNX) that rebuild the layer elsewhere.
    public int[] kernelSize() { return kernel.clone(); }

    public int[] stride() { return stride.clone(); }

    public int[] padding() { return padding.clone(); }

    public boolean ceilMode() { return ceilMode; }

    public boolean countIncludePad() { return countIncludePad; }

    @Override
    public Tensor forward(Tensor input) {
        return Pooling.avgPool2d(input, kernel, stride, padding, ceilMode, countIncludePad);
    }

    @Override
    protected String extraRepr() {
        return "kernel_size=" + Arrays.toString(kernel) + ", stride=" + Arrays.toString(stride) + ", padding=" + Arrays.toString(padding)
                + ", ceil_mode=" + ceilMode + ", count_include_pad=" + countIncludePad;
    }
}
