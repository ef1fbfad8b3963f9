package org.jgrad.autograd;

import org.jgrad.tensor.Tensor;

/**
 * Called during backward once a leaf's gradient holds every contribution of that pass, like
 * PyTorch's {@code Tensor.register_post_accumulate_grad_hook}: {@code leaf.grad()} is final for
 * this backward when it runs. It runs on the thread that called backward, with recording off;
 * an exception it throws ends the backward pass.
 */
@FunctionalInterface
public interface PostAccumulateGradHook {
    void accept(Tensor leaf);
}
