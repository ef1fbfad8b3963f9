package org.jgrad.ops;

import org.jgrad.autograd.Autograd;
import org.jgrad.tensor.Shapes;
import org.jgrad.tensor.Tensor;

import java.util.Arrays;

/** Ops that return views sharing storage: reshape, transpose, permute, slice, expand, ... */
public final class Views {
    private Views() {}

    private static Tensor viewOf(Tensor t, int[] shape, int[] strides, int offset) {
        return t.viewAs(shape, strides, offset);
    }

    /** Resolves a single -1 and checks the element count. */
    static int[] inferShape(int[] shape, int numel, int[] from) {
        int[] s = shape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) throw new IllegalArgumentException("only one dimension can be -1 in " + Arrays.toString(shape));
                infer = i;
            } else if (s[i] < 0) {
                throw new IllegalArgumentException("invalid dimension " + s[i] + " in shape " + Arrays.toString(shape));
            } else {
                known = Shapes.multiply(known, s[i], shape);
            }
        }
        if (infer >= 0) {
            if (known == 0 || numel % known != 0) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " is invalid for input of shape " + Arrays.toString(from));
            }
            s[infer] = (int) (numel / known);
        }
        if (Shapes.numel(s) != numel) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " is invalid for input of shape "
                    + Arrays.toString(from) + " (" + numel + " elements)");
        }
        return s;
    }

    /** Strides for viewing (shape, strides) as newShape without a copy, or null when impossible. */
    static int[] viewStrides(int[] shape, int[] strides, int[] newShape) {
        if (Shapes.isContiguous(shape, strides)) return Shapes.contiguousStrides(newShape);
        // General case (as in PyTorch's computeStride): match chunks of contiguous dims.
        int[] newStrides = new int[newShape.length];
        int viewD = newShape.length - 1;
        long chunkBase = strides.length == 0 ? 1 : strides[strides.length - 1];
        long tensorNumel = 1, viewNumel = 1;
        for (int td = shape.length - 1; td >= 0; td--) {
            tensorNumel *= shape[td];
            if (td == 0 || (shape[td - 1] != 1 && strides[td - 1] != tensorNumel * chunkBase)) {
                while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] == 1)) {
                    newStrides[viewD] = (int) (viewNumel * chunkBase);
                    viewNumel *= newShape[viewD];
                    viewD--;
                }
                if (viewNumel != tensorNumel) return null;
                if (td > 0) {
                    chunkBase = strides[td - 1];
                    tensorNumel = 1;
                    viewNumel = 1;
                }
            }
        }
        if (viewD != -1) return null;
        return newStrides;
    }

    /** Like torch.view: fails when the strides do not allow a view. */
    public static Tensor view(Tensor t, int... newShape) {
        int[] s = inferShape(newShape, t.numel(), t.shape());
        int[] st = viewStrides(t.shape(), t.strides(), s);
        if (st == null) {
            throw new IllegalStateException("view size " + Arrays.toString(s) + " is not compatible with the strides of a tensor of shape "
                    + Arrays.toString(t.shape()) + "; use reshape()");
        }
        int[] from = t.shape();
        return Autograd.record(viewOf(t, s, st, t.offset()), "view", new Tensor[]{t}, Autograd.SAVES_NOTHING, g -> new Tensor[]{g.reshape(from)});
    }

    /** Like torch.reshape: a view when possible, else a contiguous copy. */
    public static Tensor reshape(Tensor t, int... newShape) {
        int[] s = inferShape(newShape, t.numel(), t.shape());
        if (viewStrides(t.shape(), t.strides(), s) != null) return view(t, s);
        return view(t.contiguous(), s);
    }

    public static Tensor flatten(Tensor t, int start, int end) {
        int r = t.dim();
        if (r == 0) return reshape(t, 1);
        int s = Shapes.dim(start, r), e = Shapes.dim(end, r);
        if (s > e) throw new IllegalArgumentException("flatten: start dim " + start + " after end dim " + end);
        int[] sh = t.shape();
        int[] out = new int[r - (e - s)];
        int j = 0;
        for (int i = 0; i < s; i++) out[j++] = sh[i];
        long m = Shapes.numel(Arrays.copyOfRange(sh, s, e + 1)); // can exceed numel when another dimension is 0
        if (m > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("flatten: dims " + start + ".." + end + " of shape " + Arrays.toString(sh) + " hold more than 2^31-1 elements");
        }
        out[j++] = (int) m;
        for (int i = e + 1; i < r; i++) out[j++] = sh[i];
        return reshape(t, out);
    }

    public static Tensor permute(Tensor t, int... dims) {
        int r = t.dim();
        if (dims.length != r) {
            throw new IllegalArgumentException("permute: " + dims.length + " dims given for a tensor of rank " + r);
        }
        int[] d = new int[r];
        boolean[] seen = new boolean[r];
        for (int i = 0; i < r; i++) {
            d[i] = Shapes.dim(dims[i], r);
            if (seen[d[i]]) throw new IllegalArgumentException("permute: repeated dim in " + Arrays.toString(dims));
            seen[d[i]] = true;
        }
        int[] sh = t.shape(), st = t.strides();
        int[] ns = new int[r], nst = new int[r], inv = new int[r];
        for (int i = 0; i < r; i++) {
            ns[i] = sh[d[i]];
            nst[i] = st[d[i]];
            inv[d[i]] = i;
        }
        return Autograd.record(viewOf(t, ns, nst, t.offset()), "permute", new Tensor[]{t}, Autograd.SAVES_NOTHING, g -> new Tensor[]{g.permute(inv)});
    }

    public static Tensor transpose(Tensor t, int d0, int d1) {
        int r = t.dim();
        int a = Shapes.dim(d0, r), b = Shapes.dim(d1, r);
        int[] p = Shapes.allDims(r);
        p[a] = b;
        p[b] = a;
        return permute(t, p);
    }

    public static Tensor slice(Tensor t, int dim, int start, int end, int step) {
        int d = Shapes.dim(dim, t.dim());
        if (step <= 0) throw new IllegalArgumentException("slice: step must be positive, got " + step);
        int n = t.size(d);
        int s = start < 0 ? Math.max(start + n, 0) : Math.min(start, n);
        int e = end < 0 ? Math.max(end + n, 0) : Math.min(end, n);
        int len = e > s ? (e - s + step - 1) / step : 0;
        int[] sh = t.shape(), st = t.strides();
        int off = t.offset() + s * st[d];
        sh[d] = len;
        st[d] = st[d] * step;
        int[] from = t.shape();
        final int fs = s;
        return Autograd.record(viewOf(t, sh, st, off), "slice", new Tensor[]{t}, Autograd.SAVES_NOTHING, g -> {
            Tensor full = Tensor.zeros(g.dtype(), g.device(), from);
            full.slice(d, fs, fs + len * step, step).copy_(g);
            return new Tensor[]{full};
        });
    }

    public static Tensor select(Tensor t, int dim, int index) {
        int d = Shapes.dim(dim, t.dim());
        int n = t.size(d);
        int i = index < 0 ? index + n : index;
        if (i < 0 || i >= n) {
            throw new IndexOutOfBoundsException("index " + index + " is out of bounds for dimension " + dim + " with size " + n);
        }
        return squeeze(slice(t, d, i, i + 1, 1), d);
    }

    public static Tensor squeeze(Tensor t, int dim) {
        int d = Shapes.dim(dim, t.dim());
        if (t.size(d) != 1) return t;
        int[] sh = t.shape(), st = t.strides();
        int[] ns = new int[sh.length - 1], nst = new int[sh.length - 1];
        for (int i = 0, j = 0; i < sh.length; i++) {
            if (i == d) continue;
            ns[j] = sh[i];
            nst[j++] = st[i];
        }
        int[] from = t.shape();
        return Autograd.record(viewOf(t, ns, nst, t.offset()), "squeeze", new Tensor[]{t}, Autograd.SAVES_NOTHING, g -> new Tensor[]{g.reshape(from)});
    }

    public static Tensor squeezeAll(Tensor t) {
        int[] sh = t.shape();
        int keep = 0;
        for (int s : sh) if (s != 1) keep++;
        int[] ns = new int[keep];
        for (int i = 0, j = 0; i < sh.length; i++) if (sh[i] != 1) ns[j++] = sh[i];
        return reshape(t, ns);
    }

    public static Tensor unsqueeze(Tensor t, int dim) {
        int r = t.dim();
        int d = dim < 0 ? dim + r + 1 : dim;
        if (d < 0 || d > r) throw new IllegalArgumentException("unsqueeze: dimension " + dim + " out of range for rank " + r);
        int[] sh = t.shape(), st = t.strides();
        int[] ns = new int[r + 1], nst = new int[r + 1];
        for (int i = 0, j = 0; i <= r; i++) {
            if (i == d) {
                ns[i] = 1;
                nst[i] = d < r ? st[d] * sh[d] : 1;
            } else {
                ns[i] = sh[j];
                nst[i] = st[j++];
            }
        }
        int[] from = t.shape();
        return Autograd.record(viewOf(t, ns, nst, t.offset()), "unsqueeze", new Tensor[]{t}, Autograd.SAVES_NOTHING, g -> new Tensor[]{g.reshape(from)});
    }

    public static Tensor expand(Tensor t, int... newShape) {
        int[] sh = t.shape(), st = t.strides();
        int r = newShape.length;
        if (r < sh.length) {
            throw new IllegalArgumentException("expand: target " + Arrays.toString(newShape) + " has fewer dims than " + Arrays.toString(sh));
        }
        int[] ns = new int[r], nst = new int[r];
        int lead = r - sh.length;
        for (int i = 0; i < r; i++) {
            int want = newShape[i];
            if (i < lead) {
                if (want < 0) throw new IllegalArgumentException("expand: -1 not allowed for a new leading dim in " + Arrays.toString(newShape));
                ns[i] = want;
                nst[i] = 0;
            } else {
                int have = sh[i - lead];
                if (want == -1 || want == have) {
                    ns[i] = have;
                    nst[i] = st[i - lead];
                } else if (have == 1) {
                    ns[i] = want;
                    nst[i] = 0;
                } else {
                    throw new IllegalArgumentException("expand: cannot expand dimension " + i + " of shape " + Arrays.toString(sh)
                            + " to " + Arrays.toString(newShape));
                }
            }
        }
        if (Arrays.equals(ns, sh)) return t;
        int[] from = t.shape();
        return Autograd.record(viewOf(t, ns, nst, t.offset()), "expand", new Tensor[]{t}, Autograd.SAVES_NOTHING, g -> new Tensor[]{Autograd.sumToShape(g, from)});
    }

    /** Broadcast view of t to shape (no autograd: used inside primitives' callers). */
    public static Tensor broadcastTo(Tensor t, int[] shape) {
        if (Arrays.equals(t.shape(), shape)) return t;
        int[] b = Shapes.broadcast(t.shape(), shape);
        if (!Arrays.equals(b, shape)) {
            throw new IllegalArgumentException("shape " + Arrays.toString(t.shape()) + " cannot be broadcast to " + Arrays.toString(shape));
        }
        try (var off = org.jgrad.autograd.Grad.off()) {
            return expand(t, shape);
        }
    }
}
