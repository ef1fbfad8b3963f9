package org.jgrad.backend;

import org.jgrad.tensor.Tensor;

/** The CPU implementations of {@link NnPrimitives}, mixed into {@link CpuBackend}. */
interface CpuNn extends NnPrimitives {

    /** t itself when contiguous, else a contiguous copy (no autograd); close the result either way. */
    static Tensor dense(Tensor t) {
        t.checkOpen();
        if (t.isContiguous()) return t.detach();
        Tensor c = Tensor.empty(t.dtype(), t.device(), t.shape());
        CpuBackend.INSTANCE.copy(t, c);
        return c;
    }

    @Override
    default void conv2dForward(Tensor x, Tensor w, Tensor out, int[] stride, int[] padding, int[] dilation, int groups) {
        CpuConv.forward(x, w, out, stride, padding, dilation, groups);
    }

    @Override
    default void conv2dBackwardData(Tensor gradOut, Tensor w, Tensor gradX, int[] stride, int[] padding, int[] dilation, int groups) {
        CpuConv.backwardData(gradOut, w, gradX, stride, padding, dilation, groups);
    }

    @Override
    default void conv2dBackwardFilter(Tensor x, Tensor gradOut, Tensor gradW, int[] stride, int[] padding, int[] dilation, int groups) {
        CpuConv.backwardFilter(x, gradOut, gradW, stride, padding, dilation, groups);
    }

    @Override
    default void conv2dBiasAdd(Tensor out, Tensor bias) {
        CpuConv.addChannelBias(out, bias);
    }

    @Override
    default void conv2dBiasBackward(Tensor gradOut, Tensor gradBias) {
        CpuConv.channelBiasGrad(gradOut, gradBias);
    }

    @Override
    default void maxPool2dForward(Tensor x, Tensor out, Tensor indices, int[] kernel, int[] stride, int[] padding, int[] dilation) {
        CpuPool.maxForward(x, out, indices, kernel, stride, padding, dilation);
    }

    @Override
    default void maxPool2dBackward(Tensor gradOut, Tensor indices, Tensor gradX) {
        CpuPool.maxBackward(gradOut, indices, gradX);
    }

    @Override
    default void avgPool2dForward(Tensor x, Tensor out, int[] kernel, int[] stride, int[] padding, boolean countIncludePad) {
        CpuPool.avgForward(x, out, kernel, stride, padding, countIncludePad);
    }

    @Override
    default void avgPool2dBackward(Tensor gradOut, Tensor gradX, int[] kernel, int[] stride, int[] padding, boolean countIncludePad) {
        CpuPool.avgBackward(gradOut, gradX, kernel, stride, padding, countIncludePad);
    }

    @Override
    default void upsampleNearest2dForward(Tensor x, Tensor out, float scaleH, float scaleW) {
        CpuPool.upsampleForward(x, out, scaleH, scaleW);
    }

    @Override
    default void upsampleNearest2dBackward(Tensor gradOut, Tensor gradX, float scaleH, float scaleW) {
        CpuPool.upsampleBackward(gradOut, gradX, scaleH, scaleW);
    }
}
