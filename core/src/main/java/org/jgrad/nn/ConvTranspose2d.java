package org.jgrad.nn;

import org.jgrad.nn.init.Init;
import org.jgrad.ops.Convolution;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Generator;
import org.jgrad.tensor.Tensor;

import java.util.Arrays;

/**
 * {@code torch.nn.ConvTranspose2d}: weight [in, out/groups, kH, kW] and optional bias [out],
 * initialised as PyTorch does (its fan-in is computed from weight dim 1, i.e. out/groups * kH * kW).
 */
public class ConvTranspose2d extends Module {
    private final int inChannels, outChannels, groups;
    private final int[] kernel, stride, padding, outputPadding, dilation;

    public ConvTranspose2d(int inChannels, int outChannels, int kernelSize, int stride) {
        this(inChannels, outChannels, new int[]{kernelSize}, new int[]{stride}, new int[]{0}, new int[]{0}, new int[]{1}, 1, true,
                Generator.defaultGenerator());
    }

    public ConvTranspose2d(int inChannels, int outChannels, int kernelSize, int stride, Generator gen) {
        this(inChannels, outChannels, new int[]{kernelSize}, new int[]{stride}, new int[]{0}, new int[]{0}, new int[]{1}, 1, true, gen);
    }

    public ConvTranspose2d(int inChannels, int outChannels, int[] kernelSize, int[] stride, int[] padding, int[] outputPadding,
                           int[] dilation, int groups, boolean bias) {
        this(inChannels, outChannels, kernelSize, stride, padding, outputPadding, dilation, groups, bias, Generator.defaultGenerator());
    }

    public ConvTranspose2d(int inChannels, int outChannels, int[] kernelSize, int[] stride, int[] padding, int[] outputPadding,
                           int[] dilation, int groups, boolean bias, Generator gen) {
        Conv2d.checkChannels("ConvTranspose2d", inChannels, outChannels, groups);
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.groups = groups;
        this.kernel = LayerArgs.pair("ConvTranspose2d", "kernelSize", kernelSize, 1);
        this.stride = LayerArgs.pair("ConvTranspose2d", "stride", stride, 1);
        this.padding = LayerArgs.pair("ConvTranspose2d", "padding", padding, 0);
        this.outputPadding = LayerArgs.pair("ConvTranspose2d", "outputPadding", outputPadding, 0);
        this.dilation = LayerArgs.pair("ConvTranspose2d", "dilation", dilation, 1);
        for (int i = 0; i < 2; i++) {
            if (this.outputPadding[i] >= this.stride[i] && this.outputPadding[i] >= this.dilation[i]) {
                throw new IllegalArgumentException("ConvTranspose2d: outputPadding " + Arrays.toString(this.outputPadding)
                        + " must be smaller than either stride " + Arrays.toString(this.stride) + " or dilation " + Arrays.toString(this.dilation));
            }
        }
        if (gen == null) throw new IllegalArgumentException("ConvTranspose2d: generator must not be null");
        Tensor w = registerParameter("weight", Tensor.empty(DType.FLOAT32, Device.cpu(), inChannels, outChannels / groups, kernel[0], kernel[1]));
        Tensor b = registerParameter("bias", bias ? Tensor.empty(DType.FLOAT32, Device.cpu(), outChannels) : null);
        Init.defaultLayerInit(w, b, gen);
    }

    public Tensor weight() { return param("weight"); }

    /** The bias, or null when built without one. */
    public Tensor bias() { return param("bias"); }

    // Settings as built, read by exporters (ONNX) that rebuild the layer elsewhere.
    public int[] stride() { return stride.clone(); }

    public int[] padding() { return padding.clone(); }

    public int[] outputPadding() { return outputPadding.clone(); }

    public int[] dilation() { return dilation.clone(); }

    public int groups() { return groups; }

    @Override
    public Tensor forward(Tensor input) {
        return Convolution.convTranspose2d(input, weight(), bias(), stride, padding, outputPadding, dilation, groups);
    }

    @Override
    protected String extraRepr() {
        return inChannels + ", " + outChannels + ", kernel_size=" + Arrays.toString(kernel) + ", stride=" + Arrays.toString(stride)
                + ", padding=" + Arrays.toString(padding) + ", output_padding=" + Arrays.toString(outputPadding)
                + (groups != 1 ? ", groups=" + groups : "") + (bias() == null ? ", bias=false" : "");
    }
}
