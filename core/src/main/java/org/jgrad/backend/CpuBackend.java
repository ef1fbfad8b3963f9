package org.jgrad.backend;

import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Shapes;
import org.jgrad.tensor.Storage;
import org.jgrad.tensor.View;

import java.util.SplittableRandom;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * The CPU backend: Java arrays, both cores through {@link Parallel}. Float32 contiguous cases
 * take tight loops; everything else goes through a generic strided walk in double precision
 * (exact for every dtype we hold except INT64 beyond 2^53, which only casts to float reach).
 * The layer primitives and every optional fused family (nn, loss, metric counting, optimizer)
 * are mixed in from {@code Cpu*} interfaces, so the CPU keeps its fused kernels.
 */
public final class CpuBackend implements Backend, CpuNn, CpuLoss, CpuMetric, CpuOptim {
    public static final CpuBackend INSTANCE = new CpuBackend();

    private CpuBackend() {}

    @Override
    public String name() { return "cpu"; }

    @Override
    public Device device() { return Device.cpu(); }

    static CpuStorage st(View t) { return (CpuStorage) t.storage(); }

    static boolean dense(View t) { return t.isContiguous(); }

    /** A contiguous copy of {@code t} in a fresh buffer of its own; close it when done. */
    static Scratch contiguousCopy(View t) {
        Scratch c = Scratch.owned(View.contiguous(INSTANCE.allocate(t.dtype(), t.numel(), false), t.shape()));
        INSTANCE.copy(t, c.view());
        return c;
    }

    // ------------------------------------------------------------------ memory

    /** Java arrays start zeroed, so {@code zeroed} costs nothing either way. */
    @Override
    public Storage allocate(DType dtype, long numel, boolean zeroed) {
        if (numel > Integer.MAX_VALUE) throw new IllegalArgumentException("CPU tensors hold at most 2^31-1 elements, asked " + numel);
        return CpuStorage.allocate(dtype, numel);
    }

    @Override
    public Storage fromHost(Object array, DType dtype) {
        Object copy;
        int n;
        switch (dtype) {
            case FLOAT32 -> { float[] a = (float[]) array; copy = a.clone(); n = a.length; }
            case FLOAT64 -> { double[] a = (double[]) array; copy = a.clone(); n = a.length; }
            case INT32 -> { int[] a = (int[]) array; copy = a.clone(); n = a.length; }
            case INT64 -> { long[] a = (long[]) array; copy = a.clone(); n = a.length; }
            case UINT8 -> { byte[] a = (byte[]) array; copy = a.clone(); n = a.length; }
            default -> throw new IllegalArgumentException("unknown dtype " + dtype);
        }
        return new CpuStorage(dtype, copy, n);
    }

    @Override
    public void toHost(View src, Object dst) {
        CpuStorage s = st(src);
        int n = src.numel();
        if (dense(src)) {
            System.arraycopy(s.array(), src.offset(), dst, 0, n);
            return;
        }
        CpuStorage d = new CpuStorage(src.dtype(), dst, n);
        try (Scratch view = Scratch.owned(View.contiguous(d, src.shape()))) {
            copy(src, view.view());
        } // the caller owns dst; closing only drops our accounting
    }

    @Override
    public void copy(View src, View dst) {
        CpuStorage s = st(src), d = st(dst);
        int n = src.numel();
        if (src.dtype() == dst.dtype() && dense(src) && dense(dst)) {
            System.arraycopy(s.array(), src.offset(), d.array(), dst.offset(), n);
            return;
        }
        if (src.dtype() == DType.UINT8 && dst.dtype() == DType.FLOAT32 && dense(src) && dense(dst)) {
            CpuFloatKernels.u8ToF32(s.u8(), src.offset(), d.f32(), dst.offset(), n);
            return;
        }
        if (src.dtype() == dst.dtype() && src.dtype() == DType.FLOAT32) {
            float[] a = s.f32(), b = d.f32();
            StridedLoop.run(dst.shape(), new int[][]{src.strides(), dst.strides()}, new int[]{src.offset(), dst.offset()},
                    (o, len, in) -> {
                        for (int i = 0, x = o[0], y = o[1]; i < len; i++, x += in[0], y += in[1]) b[y] = a[x];
                    });
            return;
        }
        if (src.dtype() == dst.dtype() && src.dtype() == DType.INT64) {
            long[] a = s.i64(), b = d.i64();
            StridedLoop.run(dst.shape(), new int[][]{src.strides(), dst.strides()}, new int[]{src.offset(), dst.offset()},
                    (o, len, in) -> {
                        for (int i = 0, x = o[0], y = o[1]; i < len; i++, x += in[0], y += in[1]) b[y] = a[x];
                    });
            return;
        }
        StridedLoop.run(dst.shape(), new int[][]{src.strides(), dst.strides()}, new int[]{src.offset(), dst.offset()},
                (o, len, in) -> {
                    for (int i = 0, x = o[0], y = o[1]; i < len; i++, x += in[0], y += in[1]) d.set(y, s.get(x));
                });
    }

    @Override
    public void fill(View dst, double value) {
        CpuStorage d = st(dst);
        if (dense(dst) && dst.dtype() == DType.FLOAT32) {
            java.util.Arrays.fill(d.f32(), dst.offset(), dst.offset() + dst.numel(), (float) value);
            return;
        }
        StridedLoop.run(dst.shape(), new int[][]{dst.strides()}, new int[]{dst.offset()},
                (o, len, in) -> {
                    for (int i = 0, y = o[0]; i < len; i++, y += in[0]) d.set(y, value);
                });
    }

    // ------------------------------------------------------------------ elementwise

    static DoubleUnaryOperator unaryFn(UnaryOp op, double a, double b) {
        return switch (op) {
            case NEG -> x -> -x;
            case EXP -> Math::exp;
            case LOG -> Math::log;
            case SQRT -> Math::sqrt;
            case ABS -> Math::abs;
            case RELU -> x -> x > 0 ? x : (Double.isNaN(x) ? x : 0);
            case SIGMOID -> x -> x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
            case TANH -> Math::tanh;
            case SIGN -> Math::signum;
            case POW_SCALAR -> x -> Math.pow(x, a);
            case CLAMP -> x -> Double.isNaN(x) ? x : Math.min(Math.max(x, a), b);
            case ADD_SCALAR -> x -> x + a;
            case MUL_SCALAR -> x -> x * a;
            case RDIV_SCALAR -> x -> a / x;
            case GT_SCALAR -> x -> x > a ? 1 : 0;
            case LT_SCALAR -> x -> x < a ? 1 : 0;
            case GE_SCALAR -> x -> x >= a ? 1 : 0;
            case LE_SCALAR -> x -> x <= a ? 1 : 0;
            case EQ_SCALAR -> x -> x == a ? 1 : 0;
            case NE_SCALAR -> x -> x != a ? 1 : 0;
        };
    }

    @Override
    public void unary(UnaryOp op, View x, View out, double a, double b) {
        CpuStorage s = st(x), d = st(out);
        if (x.dtype() == DType.FLOAT32 && out.dtype() == DType.FLOAT32 && dense(x) && dense(out)
                && CpuFloatKernels.unary(op, s.f32(), x.offset(), d.f32(), out.offset(), x.numel(), (float) a, (float) b)) {
            return;
        }
        if (x.dtype() == DType.FLOAT32 && out.dtype() == DType.UINT8 && dense(x) && dense(out)
                && CpuFloatKernels.compareScalar(op, s.f32(), x.offset(), d.u8(), out.offset(), x.numel(), a)) {
            return;
        }
        DoubleUnaryOperator f = unaryFn(op, a, b);
        StridedLoop.run(x.shape(), new int[][]{x.strides(), out.strides()}, new int[]{x.offset(), out.offset()},
                (o, len, in) -> {
                    for (int i = 0, p = o[0], q = o[1]; i < len; i++, p += in[0], q += in[1]) d.set(q, f.applyAsDouble(s.get(p)));
                });
    }

    static DoubleBinaryOperator binaryFn(BinaryOp op, boolean integral) {
        return switch (op) {
            case ADD -> Double::sum;
            case SUB -> (x, y) -> x - y;
            case MUL -> (x, y) -> x * y;
            case DIV -> integral ? (x, y) -> Math.floor(x / y) : (x, y) -> x / y;
            case POW -> Math::pow;
            case MAXIMUM -> (x, y) -> Double.isNaN(x) || Double.isNaN(y) ? Double.NaN : Math.max(x, y);
            case MINIMUM -> (x, y) -> Double.isNaN(x) || Double.isNaN(y) ? Double.NaN : Math.min(x, y);
            case EQ -> (x, y) -> x == y ? 1 : 0;
            case NE -> (x, y) -> x != y ? 1 : 0;
            case LT -> (x, y) -> x < y ? 1 : 0;
            case LE -> (x, y) -> x <= y ? 1 : 0;
            case GT -> (x, y) -> x > y ? 1 : 0;
            case GE -> (x, y) -> x >= y ? 1 : 0;
        };
    }

    @Override
    public void binary(BinaryOp op, View x, View y, View out) {
        CpuStorage a = st(x), b = st(y), c = st(out);
        if (x.dtype() == DType.FLOAT32 && y.dtype() == DType.FLOAT32 && out.dtype() == DType.FLOAT32 && dense(out)) {
            if (dense(x) && dense(y)
                    && CpuFloatKernels.binary(op, a.f32(), x.offset(), b.f32(), y.offset(), c.f32(), out.offset(), out.numel())) {
                return;
            }
            if (dense(x) && isScalarBroadcast(y)
                    && CpuFloatKernels.binaryScalar(op, a.f32(), x.offset(), b.f32()[y.offset()], c.f32(), out.offset(), out.numel())) {
                return;
            }
        }
        if (x.dtype() == DType.FLOAT32 && y.dtype() == DType.FLOAT32 && out.dtype() == DType.FLOAT32
                && (op == BinaryOp.ADD || op == BinaryOp.MUL || op == BinaryOp.SUB)) {
            float[] p = a.f32(), q = b.f32(), r = c.f32();
            StridedLoop.run(out.shape(), new int[][]{x.strides(), y.strides(), out.strides()},
                    new int[]{x.offset(), y.offset(), out.offset()}, (o, len, in) -> {
                        int i0 = o[0], i1 = o[1], i2 = o[2], s0 = in[0], s1 = in[1], s2 = in[2];
                        switch (op) {
                            case ADD -> { for (int i = 0; i < len; i++) r[i2 + i * s2] = p[i0 + i * s0] + q[i1 + i * s1]; }
                            case SUB -> { for (int i = 0; i < len; i++) r[i2 + i * s2] = p[i0 + i * s0] - q[i1 + i * s1]; }
                            default -> { for (int i = 0; i < len; i++) r[i2 + i * s2] = p[i0 + i * s0] * q[i1 + i * s1]; }
                        }
                    });
            return;
        }
        if (x.dtype() == DType.INT64 && y.dtype() == DType.INT64 && out.dtype() == DType.INT64
                && (op == BinaryOp.ADD || op == BinaryOp.SUB || op == BinaryOp.MUL || op == BinaryOp.DIV)) {
            // exact 64-bit integer arithmetic: metric counters pass 2^53 where doubles would round;
            // DIV floors (Python's //); a zero divisor throws (the ops refuse it before, naming the op)
            long[] p = a.i64(), q = b.i64(), r = c.i64();
            StridedLoop.run(out.shape(), new int[][]{x.strides(), y.strides(), out.strides()},
                    new int[]{x.offset(), y.offset(), out.offset()}, (o, len, in) -> {
                        for (int i = 0, i0 = o[0], i1 = o[1], i2 = o[2]; i < len; i++, i0 += in[0], i1 += in[1], i2 += in[2]) {
                            r[i2] = switch (op) {
                                case ADD -> p[i0] + q[i1];
                                case SUB -> p[i0] - q[i1];
                                case DIV -> Math.floorDiv(p[i0], q[i1]);
                                default -> p[i0] * q[i1];
                            };
                        }
                    });
            return;
        }
        DoubleBinaryOperator f = binaryFn(op, !x.dtype().isFloatingPoint());
        StridedLoop.run(out.shape(), new int[][]{x.strides(), y.strides(), out.strides()},
                new int[]{x.offset(), y.offset(), out.offset()}, (o, len, in) -> {
                    for (int i = 0, p = o[0], q = o[1], r = o[2]; i < len; i++, p += in[0], q += in[1], r += in[2]) {
                        c.set(r, f.applyAsDouble(a.get(p), b.get(q)));
                    }
                });
    }

    private static boolean isScalarBroadcast(View t) {
        for (int s : t.strides()) if (s != 0) return false;
        return true;
    }

    @Override
    public void where(View cond, View x, View y, View out) {
        CpuStorage k = st(cond), a = st(x), b = st(y), c = st(out);
        StridedLoop.run(out.shape(), new int[][]{cond.strides(), x.strides(), y.strides(), out.strides()},
                new int[]{cond.offset(), x.offset(), y.offset(), out.offset()}, (o, len, in) -> {
                    for (int i = 0, p = o[0], q = o[1], r = o[2], w = o[3]; i < len; i++, p += in[0], q += in[1], r += in[2], w += in[3]) {
                        c.set(w, k.get(p) != 0 ? a.get(q) : b.get(r));
                    }
                });
    }

    // ------------------------------------------------------------------ reductions

    /** Splits x's dims into kept (outer) and reduced (inner) index spaces. */
    private record Split(int[] outerShape, int[] outerStrides, int[] innerShape, int[] innerStrides) {
        static Split of(View x, int[] dims) {
            int r = x.rank();
            boolean[] red = new boolean[r];
            for (int d : dims) red[d] = true;
            int[] sh = x.shape(), st = x.strides();
            int no = r - dims.length;
            int[] os = new int[no], ost = new int[no], is = new int[dims.length], ist = new int[dims.length];
            for (int i = 0, a = 0, b = 0; i < r; i++) {
                if (red[i]) { is[b] = sh[i]; ist[b++] = st[i]; } else { os[a] = sh[i]; ost[a++] = st[i]; }
            }
            return new Split(os, ost, is, ist);
        }
    }

    @Override
    public void reduce(ReduceOp op, View x, int[] dims, View out) {
        if (op == ReduceOp.SUM && x.dtype() == DType.FLOAT32 && out.dtype() == DType.FLOAT32 && dense(x) && x.numel() > 0) {
            int r = x.rank();
            boolean trailing = true, leading = true;
            for (int i = 0; i < dims.length; i++) {
                if (dims[i] != r - dims.length + i) trailing = false;
                if (dims[i] != i) leading = false;
            }
            int inner = 1;
            for (int dd : dims) inner *= x.size(dd);
            int outer = x.numel() / inner;
            if (trailing) {
                CpuReductions.sumRows(st(x).f32(), x.offset(), outer, inner, st(out).f32(), out.offset());
                return;
            }
            if (leading) {
                CpuReductions.sumColumns(st(x).f32(), x.offset(), inner, outer, st(out).f32(), out.offset());
                return;
            }
        }
        CpuStorage s = st(x), d = st(out);
        Split sp = Split.of(x, dims);
        int outer = (int) Shapes.numel(sp.outerShape), inner = (int) Shapes.numel(sp.innerShape);
        boolean f32 = x.dtype() == DType.FLOAT32;
        float[] xf = f32 ? s.f32() : null;
        // out is contiguous with the keepdim shape, so its flat index order equals the outer order
        Parallel.forRange(outer, Math.max(1, 65536 / Math.max(inner, 1)), (lo, hi) -> {
            int[] oidx = new int[sp.outerShape.length];
            int[] iidx = new int[sp.innerShape.length];
            for (int o = lo; o < hi; o++) {
                int base = x.offset();
                int rem = o;
                for (int k = sp.outerShape.length - 1; k >= 0; k--) {
                    oidx[k] = rem % sp.outerShape[k];
                    rem /= sp.outerShape[k];
                    base += oidx[k] * sp.outerStrides[k];
                }
                double acc = switch (op) {
                    case SUM -> 0;
                    case PROD -> 1;
                    case MAX -> Double.NEGATIVE_INFINITY;
                    case MIN -> Double.POSITIVE_INFINITY;
                };
                java.util.Arrays.fill(iidx, 0);
                int pos = base;
                int lastLen = sp.innerShape.length == 0 ? 1 : sp.innerShape[sp.innerShape.length - 1];
                int lastStride = sp.innerShape.length == 0 ? 0 : sp.innerStrides[sp.innerStrides.length - 1];
                for (int done = 0; done < inner; done += lastLen) {
                    if (f32 && op == ReduceOp.SUM) {
                        double a = 0;
                        for (int i = 0, p = pos; i < lastLen; i++, p += lastStride) a += xf[p];
                        acc += a;
                    } else {
                        for (int i = 0, p = pos; i < lastLen; i++, p += lastStride) {
                            double v = s.get(p);
                            acc = switch (op) {
                                case SUM -> acc + v;
                                case PROD -> acc * v;
                                case MAX -> (v > acc || Double.isNaN(v)) && !Double.isNaN(acc) ? v : acc;
                                case MIN -> (v < acc || Double.isNaN(v)) && !Double.isNaN(acc) ? v : acc;
                            };
                        }
                    }
                    // advance the inner odometer over all but the last reduced dim
                    for (int k = sp.innerShape.length - 2; k >= 0; k--) {
                        iidx[k]++;
                        pos += sp.innerStrides[k];
                        if (iidx[k] < sp.innerShape[k]) break;
                        pos -= sp.innerStrides[k] * sp.innerShape[k];
                        iidx[k] = 0;
                    }
                }
                d.set(out.offset() + o, acc);
            }
        });
    }

    @Override
    public void argReduce(boolean max, View x, int dim, View values, View indices) {
        CpuStorage s = st(x), v = st(values);
        long[] idx = st(indices).i64();
        if (x.rank() == 0) {
            v.set(values.offset(), s.get(x.offset()));
            idx[indices.offset()] = 0;
            return;
        }
        Split sp = Split.of(x, new int[]{dim});
        int outer = (int) Shapes.numel(sp.outerShape);
        int n = sp.innerShape[0], stride = sp.innerStrides[0];
        Parallel.forRange(outer, Math.max(1, 65536 / Math.max(n, 1)), (lo, hi) -> {
            for (int o = lo; o < hi; o++) {
                int base = x.offset(), rem = o;
                for (int k = sp.outerShape.length - 1; k >= 0; k--) {
                    base += (rem % sp.outerShape[k]) * sp.outerStrides[k];
                    rem /= sp.outerShape[k];
                }
                double best = s.get(base);
                int bi = 0;
                for (int i = 1; i < n && !Double.isNaN(best); i++) {
                    double c = s.get(base + i * stride);
                    if (Double.isNaN(c) || (max ? c > best : c < best)) {
                        best = c;
                        bi = i;
                    }
                }
                v.set(values.offset() + o, best);
                idx[indices.offset() + o] = bi;
            }
        });
    }

    // ------------------------------------------------------------------ matmul, softmax

    @Override
    public void matmul(View a, View b, View out) {
        int batch = a.size(0), m = a.size(1), k = a.size(2), n = b.size(2);
        if (a.dtype() == DType.FLOAT32) {
            CpuGemm.batched(st(a).f32(), a.offset(), a.strides(), st(b).f32(), b.offset(), b.strides(),
                    st(out).f32(), out.offset(), batch, m, n, k);
            return;
        }
        double[] A = st(a).f64(), B = st(b).f64(), C = st(out).f64();
        int[] sa = a.strides(), sb = b.strides();
        int oo = out.offset();
        Parallel.forRange(batch * m, Math.max(1, 4096 / Math.max(1, n * k / 64 + 1)), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int bi = r / m, i = r % m;
                int cRow = oo + (bi * m + i) * n;
                for (int j = 0; j < n; j++) C[cRow + j] = 0;
                for (int p = 0; p < k; p++) {
                    double av = A[a.offset() + bi * sa[0] + i * sa[1] + p * sa[2]];
                    if (av == 0) continue;
                    int bRow = b.offset() + bi * sb[0] + p * sb[1];
                    for (int j = 0; j < n; j++) C[cRow + j] += av * B[bRow + j * sb[2]];
                }
            }
        });
    }

    @Override
    public void softmax(View x, int dim, boolean log, View out) {
        try (Scratch xcS = CpuNn.dense(x)) {
            softmaxDense(xcS.view(), dim, log, out);
        }
    }

    private void softmaxDense(View xc, int dim, boolean log, View out) {
        int[] sh = xc.shape();
        int d = sh.length == 0 ? 1 : sh[dim];
        int innerN = 1;
        for (int i = dim + 1; i < sh.length; i++) innerN *= sh[i];
        int outerN = (int) (Shapes.numel(sh) / Math.max(1, (long) d * innerN));
        CpuStorage s = st(xc), o = st(out);
        int xo = xc.offset(), oo = out.offset();
        final int inner = innerN;
        Parallel.forRange(outerN * inner, Math.max(1, 4096 / Math.max(d, 1)), (lo, hi) -> {
            for (int t = lo; t < hi; t++) {
                int base = (t / inner) * d * inner + (t % inner);
                double mx = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < d; i++) mx = Math.max(mx, s.get(xo + base + i * inner));
                double sum = 0;
                for (int i = 0; i < d; i++) sum += Math.exp(s.get(xo + base + i * inner) - mx);
                double lse = mx + Math.log(sum);
                for (int i = 0; i < d; i++) {
                    double v = s.get(xo + base + i * inner) - lse;
                    o.set(oo + base + i * inner, log ? v : Math.exp(v));
                }
            }
        });
    }

    // ------------------------------------------------------------------ gather / scatter

    @Override
    public void gather(View src, int dim, View index, View out) {
        CpuStorage s = st(src), o = st(out);
        long[] ix = st(index).i64();
        int[] srcSt = src.strides(), srcSh = src.shape();
        int[] ist = index.strides().clone();
        int[] sst = srcSt.clone();
        sst[dim] = 0; // walk src along the other dims; add index*stride along dim
        StridedLoop.run(index.shape(), new int[][]{ist, sst, out.strides()}, new int[]{index.offset(), src.offset(), out.offset()},
                (off, len, in) -> {
                    for (int i = 0, p = off[0], q = off[1], r = off[2]; i < len; i++, p += in[0], q += in[1], r += in[2]) {
                        long j = ix[p];
                        if (j < 0 || j >= srcSh[dim]) {
                            throw new IndexOutOfBoundsException("gather: index " + j + " out of range for dimension " + dim + " of size " + srcSh[dim]);
                        }
                        o.set(r, s.get(q + (int) j * srcSt[dim]));
                    }
                });
    }

    @Override
    public void scatterAdd(View dst, int dim, View index, View src) {
        CpuStorage s = st(src), d = st(dst);
        long[] ix = st(index).i64();
        int[] dSt = dst.strides(), dSh = dst.shape();
        int[] dst0 = dSt.clone();
        dst0[dim] = 0;
        // serial: different index rows may hit the same destination element
        int[] shape = index.shape();
        int[][] strides = {index.strides(), dst0, src.strides()};
        int[] offs0 = {index.offset(), dst.offset(), src.offset()};
        int total = index.numel();
        if (total == 0) return;
        int rank = shape.length;
        int[] idx = new int[rank];
        for (int e = 0; e < total; e++) {
            int p = offs0[0], q = offs0[1], r = offs0[2];
            for (int k = 0; k < rank; k++) {
                p += idx[k] * strides[0][k];
                q += idx[k] * strides[1][k];
                r += idx[k] * strides[2][k];
            }
            long j = ix[p];
            if (j < 0 || j >= dSh[dim]) {
                throw new IndexOutOfBoundsException("scatterAdd: index " + j + " out of range for dimension " + dim + " of size " + dSh[dim]);
            }
            int w = q + (int) j * dSt[dim];
            d.set(w, d.get(w) + s.get(r));
            for (int k = rank - 1; k >= 0; k--) {
                if (++idx[k] < shape[k]) break;
                idx[k] = 0;
            }
        }
    }

    // ------------------------------------------------------------------ random

    @Override
    public void random(View out, Distribution dist, double a, double b, long seed) {
        CpuStorage o = st(out);
        SplittableRandom r = new SplittableRandom(seed);
        int n = out.numel(), off = out.offset();
        if (!out.isContiguous()) throw new IllegalArgumentException("random: output must be contiguous");
        for (int i = 0; i < n; i++) {
            double v = switch (dist) {
                case UNIFORM -> a + (b - a) * r.nextDouble();
                case NORMAL -> a + b * gaussian(r);
                case BERNOULLI -> r.nextDouble() < a ? 1 : 0;
            };
            o.set(off + i, v);
        }
    }

    private static double gaussian(SplittableRandom r) {
        // Box-Muller; one draw per call keeps the sequence simple to reproduce
        double u1 = r.nextDouble(), u2 = r.nextDouble();
        return Math.sqrt(-2 * Math.log1p(-u1)) * Math.cos(2 * Math.PI * u2);
    }

    @Override
    public void synchronize() {} // every CPU primitive has finished when it returns

    @Override
    public String toString() { return "cpu"; }
}
