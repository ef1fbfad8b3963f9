package org.jgrad.nn;

import org.jgrad.tensor.Tensor;

/** {@code torch.nn.Flatten}: flattens dims start..end (default 1..-1, keeping the batch dim). */
public final class Flatten extends Module {
    private final int startDim, endDim;

    public Flatten() { this(1, -1); }

    public Flatten(int startDim, int endDim) {
        this.startDim = startDim;
        this.endDim = endDim;
    }

    // Settings as built, read by exporters (ONNX) that rebuild the layer elsewhere.
    public int startDim() { return startDim; }

    public int endDim() { return endDim; }

    @Override
    public Tensor forward(Tensor input) { return input.flatten(startDim, endDim); }

    @Override
    protected String extraRepr() { return "start_dim=" + startDim + ", end_dim=" + endDim; }
}
