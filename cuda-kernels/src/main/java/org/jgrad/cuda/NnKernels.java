package org.jgrad.cuda;

import java.util.List;

/**
 * Typed launchers for the layer kernels of nn.ptx: device addresses (already advanced by the
 * views' offsets) and sizes in, arguments out in the order of each kernel's .param list. The
 * CPU tests run these same launchers on the PTX simulator, so the order is checked without a
 * GPU. Callers guarantee dense operands and non-empty work.
 */
final class NnKernels {
    static final String FAMILY = "nn";
    /** Threads per block; the channel reductions fold exactly this many values in shared memory. */
    static final int BLOCK = 256;
    /** Fewest elements a block of the channel reductions takes (4 per thread), so a fold is amortised. */
    static final int MIN_CHUNK = 1024;

    // batch-norm coefficient layouts and partial-sum modes, mirrored in nn.ptx
    static final int PARTIALS_STATS = 0, PARTIALS_BACKWARD = 1, PARTIALS_SUM = 2;
    static final int APPLY_FORWARD = 0, APPLY_BACKWARD = 1;

    private final KernelLauncher launcher;

    NnKernels(KernelLauncher launcher) {
        this.launcher = launcher;
    }

    /** A 1-D grid for a grid-stride loop: enough blocks to fill every SM (8 x 256 threads each), no more than needed. */
    int gridFor(long n) {
        long blocks = (n + BLOCK - 1) / BLOCK;
        return (int) Math.max(1, Math.min(blocks, (long) launcher.multiprocessors() * 8));
    }

    /**
     * Blocks per channel for the channel reductions: enough units (channels x parts) to give
     * every SM 8 blocks, but no block with fewer than {@link #MIN_CHUNK} elements.
     */
    static int parts(int channels, long perChannel, int multiprocessors) {
        if (channels <= 0 || perChannel <= 0) return 1;
        long wanted = ((long) multiprocessors * 8 + channels - 1) / channels;
        long most = (perChannel + MIN_CHUNK - 1) / MIN_CHUNK;
        return (int) Math.max(1, Math.min(wanted, most));
    }

    int multiprocessors() { return launcher.multiprocessors(); }

    void reluBackward(int n, long gradIn, long gradOut, long out) {
        launcher.launch(FAMILY, "nn_relu_backward_f32", gridFor(n), BLOCK, List.of(n, gradIn, gradOut, out));
    }

    void maxPoolForward(int total, int h, int w, int oh, int ow, int[] k, int[] s, int[] p, int[] d, long out, long idx, long x) {
        launcher.launch(FAMILY, "nn_maxpool_fwd_f32", gridFor(total), BLOCK, List.of(
                total, h, w, oh, ow, k[0], k[1], s[0], s[1], p[0], p[1], d[0], d[1], out, idx, x));
    }

    void maxPoolBackward(int total, int ohw, int hw, long gradX, long gradOut, long idx) {
        launcher.launch(FAMILY, "nn_maxpool_bwd_f32", gridFor(total), BLOCK, List.of(total, ohw, hw, gradX, gradOut, idx));
    }

    void avgPoolForward(int total, int h, int w, int oh, int ow, int[] k, int[] s, int[] p, boolean includePad, long out, long x) {
        launcher.launch(FAMILY, "nn_avgpool_fwd_f32", gridFor(total), BLOCK, List.of(
                total, h, w, oh, ow, k[0], k[1], s[0], s[1], p[0], p[1], includePad ? 1 : 0, out, x));
    }

    /** total = gradX's element count (one thread per input pixel). */
    void avgPoolBackward(int total, int h, int w, int oh, int ow, int[] k, int[] s, int[] p, boolean includePad, long gradX, long gradOut) {
        launcher.launch(FAMILY, "nn_avgpool_bwd_f32", gridFor(total), BLOCK, List.of(
                total, h, w, oh, ow, k[0], k[1], s[0], s[1], p[0], p[1], includePad ? 1 : 0, gradX, gradOut));
    }

    void upsampleForward(int total, int h, int w, int oh, int ow, float scaleH, float scaleW, long out, long x) {
        launcher.launch(FAMILY, "nn_upsample_fwd_f32", gridFor(total), BLOCK, List.of(total, h, w, oh, ow, scaleH, scaleW, out, x));
    }

    /** total = gradX's element count (one thread per input pixel). */
    void upsampleBackward(int total, int h, int w, int oh, int ow, float scaleH, float scaleW, long gradX, long gradOut) {
        launcher.launch(FAMILY, "nn_upsample_bwd_f32", gridFor(total), BLOCK, List.of(total, h, w, oh, ow, scaleH, scaleW, gradX, gradOut));
    }

    /** Two f64 sums per (channel, part) into ws[2 (c * parts + part) + {0, 1}]; see nn.ptx for the modes. m = N * S > 0. */
    void channelPartials(int mode, int c, int s, int m, int parts, long ws, long a, long b, long mean, int meanStride) {
        int chunk = (int) ((m + (long) parts - 1) / parts);
        int units = c * parts;
        int grid = (int) Math.min(units, (long) launcher.multiprocessors() * 16);
        launcher.launch(FAMILY, "nn_channel_partials", grid, BLOCK, List.of(mode, c, s, m, parts, chunk, ws, a, b, mean, meanStride));
    }

    void batchNormForwardFinalize(int c, int s, int parts, int m, boolean training, double momentum, double eps, long ws, long x,
                                  long rm, int rmStride, long rv, int rvStride, long w, int wStride, long b, int bStride,
                                  long saveMean, long saveInvStd, long coef) {
        launcher.launch(FAMILY, "nn_bn_fwd_finalize", gridFor(c), BLOCK, List.of(
                c, s, parts, m, training ? 1 : 0, momentum, eps, ws, x, rm, rmStride, rv, rvStride, w, wStride, b, bStride,
                saveMean, saveInvStd, coef));
    }

    void batchNormBackwardFinalize(int c, int parts, int m, boolean training, boolean haveSums, long ws, long w, int wStride,
                                   long mean, int meanStride, long invStd, int invStdStride, long gradWeight, long gradBias, long coef) {
        launcher.launch(FAMILY, "nn_bn_bwd_finalize", gridFor(c), BLOCK, List.of(
                c, parts, m, training ? 1 : 0, haveSums ? 1 : 0, ws, w, wStride, mean, meanStride, invStd, invStdStride,
                gradWeight, gradBias, coef));
    }

    /** Per-channel affine map of a dense [N, C, S] array (total = N * C * S > 0). */
    void batchNormApply(int mode, int total, int c, int s, long out, long x, long g, long coef) {
        int grid = gridFor(total);
        long step = (long) grid * BLOCK;
        int stepS = (int) (step % s), stepC = (int) ((step / s) % c);
        launcher.launch(FAMILY, "nn_bn_apply", grid, BLOCK, List.of(mode, total, c, s, stepS, stepC, out, x, g, coef));
    }

    void channelSumFinalize(int c, int parts, long ws, long out, int outStride) {
        launcher.launch(FAMILY, "nn_channel_sum_finalize", gridFor(c), BLOCK, List.of(c, parts, ws, out, outStride));
    }
}
