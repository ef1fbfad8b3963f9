package org.jgrad.ops;

import org.jgrad.autograd.Autograd;
import org.jgrad.autograd.Grad;
import org.jgrad.tensor.Generator;
import org.jgrad.tensor.Tensor;

/** Inverted dropout, like {@code torch.nn.functional.dropout}. */
public final class Dropout {
    private Dropout() {}

    /**
     * In training, zeroes each element with probability {@code p} and scales the survivors by
     * 1/(1-p) so the expectation is unchanged; the mask is saved for backward. In eval, or with
     * p = 0, returns {@code x} itself. With p = 1 every element is zeroed.
     */
    public static Tensor dropout(Tensor x, double p, boolean training, Generator generator) {
        x.checkOpen();
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("dropout probability has to be between 0 and 1, but got " + p);
        if (!x.dtype().isFloatingPoint()) throw new IllegalArgumentException("dropout: input must be floating point, got " + x.dtype());
        if (!training || p == 0) return x;
        Generator g = generator == null ? Generator.defaultGenerator() : generator;
        Tensor mask;
        try (var off = Grad.off(); Tensor u = Tensor.rand(g, x.dtype(), x.device(), x.shape()); Tensor keep = u.ge(p)) {
            // u in [0,1): keep when u >= p, probability 1-p; p = 1 keeps nothing
            Tensor keepF = keep.to(x.dtype());
            mask = p == 1 ? keepF : keepF.mul_(1 / (1 - p));
        }
        Tensor out = Elementwise.binaryRaw(org.jgrad.backend.BinaryOp.MUL, x, mask);
        return Autograd.record(out, "dropout", new Tensor[]{x}, Autograd.SAVES_NOTHING, gr -> new Tensor[]{gr.mul(mask)});
    }
}
