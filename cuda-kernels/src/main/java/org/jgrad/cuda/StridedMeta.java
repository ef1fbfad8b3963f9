package org.jgrad.cuda;

import java.util.Arrays;

/**
 * The 128-byte metadata block the strided PTX kernels read (see elementwise.ptx): the common
 * shape and up to three operands' strides, 8 dimensions right-aligned. Before packing,
 * dimensions are simplified: size-1 dimensions dropped, and neighbours merged when every
 * operand steps through them as one (stride[d] == stride[d+1] * shape[d+1]) - so a dense
 * tensor becomes one dimension and the kernel's per-element division count drops to the
 * true rank.
 */
public final class StridedMeta {
    public static final int MAX_DIMS = 8;
    public static final int BYTES = 128;

    private final int[] shape;
    private final int[][] strides;
    private final long numel;

    private StridedMeta(int[] shape, int[][] strides, long numel) {
        this.shape = shape;
        this.strides = strides;
        this.numel = numel;
    }

    /**
     * @param shape   the logical shape every operand is viewed at
     * @param strides one stride array per operand (slot order: out, x, y), each shape.length long
     */
    public static StridedMeta of(int[] shape, int[]... strides) {
        if (shape == null) throw new IllegalArgumentException("shape must not be null");
        if (strides.length < 1 || strides.length > 3) throw new IllegalArgumentException("1 to 3 operands, got " + strides.length);
        long n = 1;
        for (int s : shape) {
            if (s < 0) throw new IllegalArgumentException("shape has a negative size: " + Arrays.toString(shape));
            n *= s;
        }
        for (int[] st : strides) {
            if (st == null || st.length != shape.length) {
                throw new IllegalArgumentException("strides " + Arrays.toString(st) + " do not match shape " + Arrays.toString(shape));
            }
        }
        // drop size-1 dims
        int r = 0;
        int[] sh = new int[shape.length];
        int[][] st = new int[strides.length][shape.length];
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == 1) continue;
            sh[r] = shape[d];
            for (int o = 0; o < strides.length; o++) st[o][r] = strides[o][d];
            r++;
        }
        // merge d into d+1 from the inside out where every operand agrees
        int w = 0;
        int[] msh = new int[r];
        int[][] mst = new int[strides.length][r];
        for (int d = 0; d < r; d++) {
            if (w > 0) {
                boolean merge = true;
                for (int o = 0; o < strides.length; o++) {
                    if ((long) mst[o][w - 1] != (long) st[o][d] * sh[d]) { merge = false; break; }
                }
                if (merge) {
                    msh[w - 1] *= sh[d];
                    for (int o = 0; o < strides.length; o++) mst[o][w - 1] = st[o][d];
                    continue;
                }
            }
            msh[w] = sh[d];
            for (int o = 0; o < strides.length; o++) mst[o][w] = st[o][d];
            w++;
        }
        int[] fsh = Arrays.copyOf(msh, w);
        int[][] fst = new int[strides.length][];
        for (int o = 0; o < strides.length; o++) fst[o] = Arrays.copyOf(mst[o], w);
        return new StridedMeta(fsh, fst, n);
    }

    /** Rank after simplification. */
    public int rank() { return shape.length; }

    public int[] shape() { return shape.clone(); }

    public int[] strides(int operand) { return strides[operand].clone(); }

    public long numel() { return numel; }

    /** True when every operand walks memory densely in order: the kernels skip index math. */
    public boolean contiguous() {
        if (shape.length == 0) return true;
        if (shape.length > 1) return false;
        for (int[] s : strides) if (s[0] != 1) return false;
        return true;
    }

    /** The packed block; throws when more than 8 dimensions remain after simplification. */
    public byte[] pack() { return pack(0); }

    /** The packed block with operand 0 written to stride slot {@code firstSlot} (0 = out, 1 = x, 2 = y). */
    public byte[] pack(int firstSlot) {
        if (firstSlot < 0 || firstSlot + strides.length > 3) {
            throw new IllegalArgumentException("firstSlot " + firstSlot + " leaves no room for " + strides.length + " operand(s) in 3 slots");
        }
        if (shape.length > MAX_DIMS) {
            throw new IllegalArgumentException("a strided view with " + shape.length + " non-mergeable dimensions (shape "
                    + Arrays.toString(shape) + ") exceeds the kernels' " + MAX_DIMS + "; make an operand contiguous first");
        }
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(BYTES).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int pad = MAX_DIMS - shape.length;
        for (int d = 0; d < MAX_DIMS; d++) b.putInt(d * 4, d < pad ? 1 : shape[d - pad]);
        for (int o = 0; o < strides.length; o++) {
            for (int d = pad; d < MAX_DIMS; d++) b.putInt(32 + 32 * (o + firstSlot) + d * 4, strides[o][d - pad]);
        }
        return b.array();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("StridedMeta(shape=").append(Arrays.toString(shape));
        for (int[] s : strides) sb.append(", ").append(Arrays.toString(s));
        return sb.append(')').toString();
    }
}
