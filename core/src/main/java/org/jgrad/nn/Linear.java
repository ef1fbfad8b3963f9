package org.jgrad.nn;

import org.jgrad.nn.init.Init;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Generator;
import org.jgrad.tensor.Tensor;

/** {@code torch.nn.Linear}: y = x Wᵀ + b, weight [out, in], bias [out]; PyTorch's default initialisation. */
public final class Linear extends Module {
    private final int inFeatures, outFeatures;

    public Linear(int inFeatures, int outFeatures) { this(inFeatures, outFeatures, true, Generator.defaultGenerator()); }

    public Linear(int inFeatures, int outFeatures, boolean bias) { this(inFeatures, outFeatures, bias, Generator.defaultGenerator()); }

    public Linear(int inFeatures, int outFeatures, Generator generator) { this(inFeatures, outFeatures, true, generator); }

    /** Weights drawn from {@code generator}: kaiming_uniform(a=√5) and bias U(±1/√in), as PyTorch. */
    public Linear(int inFeatures, int outFeatures, boolean bias, Generator generator) {
        if (inFeatures < 0 || outFeatures < 0) {
            throw new IllegalArgumentException("Linear: feature counts must be >= 0, got in_features=" + inFeatures + ", out_features=" + outFeatures);
        }
        if (generator == null) throw new IllegalArgumentException("Linear: generator is null");
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        Tensor w = registerParameter("weight", Tensor.zeros(DType.FLOAT32, Device.cpu(), outFeatures, inFeatures));
        Tensor b = bias ? registerParameter("bias", Tensor.zeros(DType.FLOAT32, Device.cpu(), outFeatures)) : registerParameter("bias", null);
        Init.defaultLayerInit(w, b, generator);
    }

    public Tensor weight() { return param("weight"); }

    public Tensor bias() { return param("bias"); }

    @Override
    public Tensor forward(Tensor input) {
        if (input.dim() < 1 || input.size(-1) != inFeatures) {
            throw new IllegalArgumentException("Linear: expected input [..., " + inFeatures + "], got " + java.util.Arrays.toString(input.shape()));
        }
        Tensor y = input.matmul(weight().t());
        Tensor b = bias();
        return b == null ? y : y.add(b);
    }

    @Override
    protected String extraRepr() { return "in_features=" + inFeatures + ", out_features=" + outFeatures + ", bias=" + (bias() != null); }
}
