package org.jgrad.nn;

import org.jgrad.nn.init.Init;
import org.jgrad.ops.Convolution;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Generator;
import org.jgrad.tensor.Tensor;

import java.util.Arrays;

/**
 * {@code torch.nn.Conv2d}: weight [out, in/groups, kH, kW] and optional bias [out], initialised
 * as PyTorch does (kaiming_uniform_(a=sqrt(5)), bias uniform(+-1/sqrt(fan_in))). Size arrays
 * take one value (both dimensions) or two ({height, width}).
 */
public class Conv2d extends Module {
    private final int inChannels, outChannels, groups;
    private final int[] kernel, stride, padding, dilation;

    public Conv2d(int inChannels, int outChannels, int kernelSize) {
        this(inChannels, outChannels, kernelSize, 1, 0);
    }

    public Conv2d(int inChannels, int outChannels, int kernelSize, int stride, int padding) {
        this(inChannels, outChannels, new int[]{kernelSize}, new int[]{stride}, new int[]{padding}, new int[]{1}, 1, true,
                Generator.defaultGenerator());
    }

    public Conv2d(int inChannels, int outChannels, int kernelSize, int stride, int padding, Generator gen) {
        this(inChannels, outChannels, new int[]{kernelSize}, new int[]{stride}, new int[]{padding}, new int[]{1}, 1, true, gen);
    }

    public Conv2d(int inChannels, int outChannels, int[] kernelSize, int[] stride, int[] padding, int[] dilation, int groups,
                  boolean bias) {
        this(inChannels, outChannels, kernelSize, stride, padding, dilation, groups, bias, Generator.defaultGenerator());
    }

    public Conv2d(int inChannels, int outChannels, int[] kernelSize, int[] stride, int[] padding, int[] dilation, int groups,
                  boolean bias, Generator gen) {
        checkChannels("Conv2d", inChannels, outChannels, groups);
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.groups = groups;
        this.kernel = LayerArgs.pair("Conv2d", "kernelSize", kernelSize, 1);
        this.stride = LayerArgs.pair("Conv2d", "stride", stride, 1);
        this.padding = LayerArgs.pair("Conv2d", "padding", padding, 0);
        this.dilation = LayerArgs.pair("Conv2d", "dilation", dilation, 1);
        if (gen == null) throw new IllegalArgumentException("Conv2d: generator must not be null");
        Tensor w = registerParameter("weight", Tensor.empty(DType.FLOAT32, Device.cpu(), outChannels, inChannels / groups, kernel[0], kernel[1]));
        Tensor b = registerParameter("bias", bias ? Tensor.empty(DType.FLOAT32, Device.cpu(), outChannels) : null);
        Init.defaultLayerInit(w, b, gen);
    }

    static void checkChannels(String layer, int in, int out, int groups) {
        if (in < 1 || out < 1) throw new IllegalArgumentException(layer + ": channel counts must be positive, got in=" + in + ", out=" + out);
        if (groups < 1) throw new IllegalArgumentException(layer + ": groups must be positive, got " + groups);
        if (in % groups != 0) throw new IllegalArgumentException(layer + ": in channels " + in + " must be divisible by groups=" + groups);
        if (out % groups != 0) throw new IllegalArgumentException(layer + ": out channels " + out + " must be divisible by groups=" + groups);
    }

    public Tensor weight() { return param("weight"); }

    /** The bias, or null when built without one. */
    public Tensor bias() { return param("bias"); }

    // Settings as built, read by exporters (ONNX) that rebuild the layer elsewhere.
    public int[] stride() { return stride.clone(); }

    public int[] padding() { return padding.clone(); }

    public int[] dilation() { return dilation.clone(); }

    public int groups() { return groups; }

    @Override
    public Tensor forward(Tensor input) {
        return Convolution.conv2d(input, weight(), bias(), stride, padding, dilation, groups);
    }

    @Override
    protected String extraRepr() {
        return inChannels + ", " + outChannels + ", kernel_size=" + Arrays.toString(kernel) + ", stride=" + Arrays.toString(stride)
                + ", padding=" + Arrays.toString(padding) + (dilation[0] != 1 || dilation[1] != 1 ? ", dilation=" + Arrays.toString(dilation) : "")
                + (groups != 1 ? ", groups=" + groups : "") + (bias() == null ? ", bias=false" : "");
    }
}
