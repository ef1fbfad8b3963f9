package org.jgrad.autograd;

import org.jgrad.tensor.Tensor;

/** Maps the gradient of an op's output to the gradients of its inputs (null where an input needs none). */
@FunctionalInterface
public interface BackwardFn {
    Tensor[] apply(Tensor gradOutput);
}
