package org.jgrad.tensor;

import org.jgrad.autograd.Autograd;
import org.jgrad.autograd.Node;
import org.jgrad.ops.Elementwise;
import org.jgrad.ops.LinearAlgebra;
import org.jgrad.ops.Reductions;
import org.jgrad.ops.Comparisons;
import org.jgrad.ops.Creation;
import org.jgrad.ops.Division;
import org.jgrad.ops.InPlace;
import org.jgrad.ops.Transfer;
import org.jgrad.ops.Views;

import java.lang.ref.Cleaner;
import java.util.Arrays;
import java.util.Objects;

/**
 * An n-dimensional array on a device, with autograd. A tensor is a view (shape, strides,
 * offset) of a reference-counted {@link Storage}; reshape/transpose/slice/expand share it.
 * Tensors are {@link AutoCloseable}: close them, or create them inside a {@link Scope}. A
 * {@link Cleaner} is only the safety net.
 *
 * <p>Element counts are limited to 2^31-1 per tensor (checked exactly, whatever the shape),
 * and a CPU storage to the JVM's array limit, 2^31-9. Shapes and strides are in elements.
 *
 * <p>A closed tensor stays closed: every method but {@link #close()}, {@link #isClosed()} and
 * {@link #toString()} throws naming the use after close.
 */
public final class Tensor implements AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();

    private final Storage storage;
    private final int[] shape;
    private final int[] strides;
    private final int offset;
    private final View view;
    private final Release release;
    private final Cleaner.Cleanable cleanable;
    private volatile boolean closed;

    private boolean requiresGrad;
    private Tensor grad;
    private Node gradFn;
    /** The tensor this one is a view of (the first non-view one), for the leaf guard on in-place writes; null if none. */
    private Tensor viewBase;

    /** Wraps a view of {@code storage}; takes one reference. Backends and ops use this. */
    public Tensor(Storage storage, int[] shape, int[] strides, int offset) {
        this.storage = Objects.requireNonNull(storage, "storage");
        if (storage.isFreed()) throw new IllegalStateException("a tensor over a freed storage: its last tensor was used after close()");
        Shapes.check(shape);
        this.shape = shape.clone();
        this.strides = strides.clone();
        this.offset = offset;
        this.view = new View(storage, this.shape, this.strides, offset);
        storage.retain();
        this.release = new Release(storage);
        this.cleanable = CLEANER.register(this, release);
        Scope.track(this);
    }

    /** A contiguous tensor over the whole of {@code storage}. */
    public Tensor(Storage storage, int... shape) {
        this(storage, shape, Shapes.contiguousStrides(shape), 0);
        long n = Shapes.numel(shape);
        if (n != storage.numel()) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has " + n + " elements but storage has " + storage.numel());
        }
    }

    /**
     * Gives back this handle's storage reference, once: from {@link #close()} (explicit, after
     * which the backend may reuse the buffer) or from the Cleaner once the handle is unreachable
     * (then a primitive may still hold the raw buffer, so the backend must not reuse it).
     */
    private static final class Release implements Runnable {
        private final Storage storage;
        /** Set by close() before it runs this; a plain field: if the Cleaner wins a race it reads false, the safe side. */
        private boolean explicit;

        Release(Storage storage) { this.storage = storage; }

        @Override
        public void run() {
            if (explicit) storage.release();
            else storage.releaseUnreachable();
        }
    }

    // ---------------------------------------------------------------- creation

    /**
     * A tensor whose elements are unspecified until written, like {@code torch.empty}: for
     * outputs about to be overwritten. (On the CPU they happen to be zeros; on a GPU they are
     * whatever the memory held.) Use {@link #zeros} for zeros.
     */
    public static Tensor empty(DType dtype, Device device, int... shape) {
        return Creation.empty(dtype, device, shape);
    }

    public static Tensor zeros(int... shape) { return zeros(DType.FLOAT32, Device.cpu(), shape); }

    public static Tensor zeros(DType dtype, Device device, int... shape) {
        return Creation.zeros(dtype, device, shape);
    }

    public static Tensor ones(int... shape) { return full(1.0, DType.FLOAT32, Device.cpu(), shape); }

    public static Tensor ones(DType dtype, Device device, int... shape) { return full(1.0, dtype, device, shape); }

    public static Tensor full(double value, DType dtype, Device device, int... shape) {
        return Creation.full(value, dtype, device, shape);
    }

    /** A 0-dimensional FLOAT32 tensor on the CPU. */
    public static Tensor scalar(double value) { return scalar(value, DType.FLOAT32, Device.cpu()); }

    public static Tensor scalar(double value, DType dtype, Device device) { return full(value, dtype, device); }

    public static Tensor zerosLike(Tensor t) { return zeros(t.dtype(), t.device(), t.shape); }

    public static Tensor onesLike(Tensor t) { return ones(t.dtype(), t.device(), t.shape); }

    /** [start, end) with step, like {@code torch.arange}; FLOAT32 unless the dtype is given. */
    public static Tensor arange(double start, double end, double step, DType dtype, Device device) {
        if (step == 0) throw new IllegalArgumentException("arange: step must be non-zero");
        long n = (long) Math.ceil((end - start) / step);
        if (n < 0) n = 0;
        if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("arange: too many elements: " + n);
        double[] v = new double[(int) n];
        for (int i = 0; i < n; i++) v[i] = start + i * step;
        return fromArray(v, (int) n).to(dtype).to(device);
    }

    public static Tensor arange(int end) { return arange(0, end, 1, DType.INT64, Device.cpu()); }

    /** Uniform on [0, 1). */
    public static Tensor rand(Generator g, int... shape) { return rand(g, DType.FLOAT32, Device.cpu(), shape); }

    public static Tensor rand(Generator g, DType dtype, Device device, int... shape) {
        return uniform(0, 1, g, dtype, device, shape);
    }

    public static Tensor uniform(double low, double high, Generator g, DType dtype, Device device, int... shape) {
        return Creation.uniform(low, high, g.nextSeed(), dtype, device, shape);
    }

    /** Standard normal draws. */
    public static Tensor randn(Generator g, int... shape) { return randn(g, DType.FLOAT32, Device.cpu(), shape); }

    public static Tensor randn(Generator g, DType dtype, Device device, int... shape) {
        return Creation.normal(g.nextSeed(), dtype, device, shape);
    }

    public static Tensor fromArray(float[] data, int... shape) { return Creation.fromHost(data, data.length, DType.FLOAT32, shape); }

    public static Tensor fromArray(double[] data, int... shape) { return Creation.fromHost(data, data.length, DType.FLOAT64, shape); }

    public static Tensor fromArray(int[] data, int... shape) { return Creation.fromHost(data, data.length, DType.INT32, shape); }

    public static Tensor fromArray(long[] data, int... shape) { return Creation.fromHost(data, data.length, DType.INT64, shape); }

    /** Unsigned bytes (0..255). */
    public static Tensor fromArray(byte[] data, int... shape) { return Creation.fromHost(data, data.length, DType.UINT8, shape); }

    // ---------------------------------------------------------------- metadata

    public int[] shape() {
        checkOpen();
        return shape.clone();
    }

    /** Size of dimension {@code dim} (negative counts from the end). */
    public int size(int dim) {
        checkOpen();
        return shape[Shapes.dim(dim, shape.length)];
    }

    public int dim() {
        checkOpen();
        return shape.length;
    }

    public int numel() {
        checkOpen();
        return (int) Shapes.numel(shape);
    }

    public int[] strides() {
        checkOpen();
        return strides.clone();
    }

    public int offset() {
        checkOpen();
        return offset;
    }

    public Storage storage() {
        checkOpen();
        return storage;
    }

    /**
     * The plain data backends work on (storage, shape, strides, offset), without autograd state.
     * The same object for the tensor's whole life; its arrays must not be modified.
     */
    public View raw() {
        checkOpen();
        return view;
    }

    /** {@code t.raw()}, or null for a null tensor (an optional argument of a primitive). */
    public static View rawOrNull(Tensor t) { return t == null ? null : t.raw(); }

    public DType dtype() {
        checkOpen();
        return storage.dtype();
    }

    public Device device() {
        checkOpen();
        return storage.device();
    }

    public boolean isContiguous() {
        checkOpen();
        return Shapes.isContiguous(shape, strides);
    }

    public boolean isClosed() { return closed; }

    // ---------------------------------------------------------------- autograd state

    public boolean requiresGrad() {
        checkOpen();
        return requiresGrad;
    }

    /** Marks a leaf as needing a gradient (floating dtypes only); returns this. */
    public Tensor requiresGrad(boolean on) {
        checkOpen();
        if (on && !dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("only floating-point tensors can require gradients, this one is " + dtype());
        }
        if (!on && gradFn != null) {
            throw new IllegalStateException("requiresGrad(false) on a non-leaf tensor; use detach()");
        }
        this.requiresGrad = on;
        return this;
    }

    public Tensor grad() {
        checkOpen();
        return grad;
    }

    /** Replaces the accumulated gradient (used by autograd and optimizers). */
    public void setGrad(Tensor g) {
        checkOpen();
        if (g != null && !Arrays.equals(g.shape, shape)) {
            throw new IllegalArgumentException("grad shape " + Arrays.toString(g.shape) + " != tensor shape " + Arrays.toString(shape));
        }
        this.grad = g;
    }

    /** Drops the gradient, like {@code param.grad = None} (PyTorch's default for zero_grad). */
    public void zeroGrad() {
        if (grad != null) {
            grad.close();
            grad = null;
        }
    }

    public Node gradFn() {
        checkOpen();
        return gradFn;
    }

    /** Used by {@link Autograd#record}; marks this tensor as requiring grad. */
    public void setGradFn(Node fn) {
        checkOpen();
        this.gradFn = fn;
        this.requiresGrad = fn != null || requiresGrad;
    }

    public boolean isLeaf() {
        checkOpen();
        return gradFn == null;
    }

    /** Backward from a scalar: d(this)/d(leaves) accumulated into their {@link #grad()}. */
    public void backward() {
        if (numel() != 1) {
            throw new IllegalStateException("grad can be implicitly created only for scalar outputs; this tensor has shape "
                    + Arrays.toString(shape) + ", pass a gradient to backward(gradient)");
        }
        Autograd.backward(this, onesLike(this), false);
    }

    public void backward(Tensor gradient) { Autograd.backward(this, gradient, false); }

    public void backward(Tensor gradient, boolean retainGraph) { Autograd.backward(this, gradient, retainGraph); }

    /** A view sharing storage, cut from the graph. */
    public Tensor detach() {
        checkOpen();
        return new Tensor(storage, shape, strides, offset);
    }

    /**
     * A view of this tensor's storage with another layout, for the view ops ({@code ops.Views}):
     * it remembers the tensor it views (this one's own base if this is a view too), so an
     * in-place write through it to a leaf that requires grad is refused as one to the leaf.
     */
    public Tensor viewAs(int[] shape, int[] strides, int offset) {
        checkOpen();
        Tensor v = new Tensor(storage, shape, strides, offset);
        v.viewBase = viewBase != null ? viewBase : this;
        return v;
    }

    // ---------------------------------------------------------------- data out

    /** The single value of a one-element tensor, like {@code tensor.item()}: the only sync point on a GPU. */
    public double item() {
        if (numel() != 1) throw new IllegalStateException("item() needs exactly one element, shape is " + Arrays.toString(shape));
        return switch (dtype()) {
            case FLOAT32 -> toFloatArray()[0];
            case FLOAT64 -> toDoubleArray()[0];
            case INT32 -> toIntArray()[0];
            case INT64 -> toLongArray()[0];
            case UINT8 -> toByteArray()[0] & 0xFF;
        };
    }

    public float[] toFloatArray() { return (float[]) host(DType.FLOAT32); }

    public double[] toDoubleArray() { return (double[]) host(DType.FLOAT64); }

    public int[] toIntArray() { return (int[]) host(DType.INT32); }

    public long[] toLongArray() { return (long[]) host(DType.INT64); }

    public byte[] toByteArray() { return (byte[]) host(DType.UINT8); }

    private Object host(DType as) { return Transfer.toHost(this, as); }

    // ---------------------------------------------------------------- conversion

    /** Same values on {@code device}; returns this when already there. Differentiable. */
    public Tensor to(Device device) { return Transfer.to(this, device); }

    /** Cast; returns this when already of {@code dtype}. Differentiable between floating types. */
    public Tensor to(DType dtype) { return Transfer.to(this, dtype); }

    /** This tensor with contiguous row-major strides (itself when already so). Differentiable. */
    public Tensor contiguous() {
        if (isContiguous()) return this;
        return contiguousCopy();
    }

    /** Always a fresh contiguous copy (torch's {@code clone()}). Differentiable. */
    public Tensor contiguousCopy() { return Transfer.contiguousCopy(this); }

    public Tensor clone() { return contiguousCopy(); }

    // ---------------------------------------------------------------- views (ops.Views)

    public Tensor reshape(int... newShape) { return Views.reshape(this, newShape); }

    public Tensor view(int... newShape) { return Views.view(this, newShape); }

    public Tensor flatten() { return reshape(numel()); }

    /** Flattens dims {@code start..end} into one, like {@code torch.flatten(x, start, end)}. */
    public Tensor flatten(int start, int end) { return Views.flatten(this, start, end); }

    public Tensor transpose(int d0, int d1) { return Views.transpose(this, d0, d1); }

    /** Transpose of a 2-D tensor. */
    public Tensor t() {
        if (dim() != 2) throw new IllegalArgumentException("t() expects a 2-D tensor, got shape " + Arrays.toString(shape));
        return transpose(0, 1);
    }

    public Tensor permute(int... dims) { return Views.permute(this, dims); }

    /** Elements start, start+step, ... < end along {@code dim}. */
    public Tensor slice(int dim, int start, int end, int step) { return Views.slice(this, dim, start, end, step); }

    public Tensor slice(int dim, int start, int end) { return slice(dim, start, end, 1); }

    public Tensor narrow(int dim, int start, int length) { return slice(dim, start, start + length, 1); }

    /** Index {@code index} of {@code dim}, removing that dimension. */
    public Tensor select(int dim, int index) { return Views.select(this, dim, index); }

    public Tensor squeeze(int dim) { return Views.squeeze(this, dim); }

    public Tensor squeeze() { return Views.squeezeAll(this); }

    public Tensor unsqueeze(int dim) { return Views.unsqueeze(this, dim); }

    /** Broadcast view (stride 0) to {@code newShape}; -1 keeps a dimension. */
    public Tensor expand(int... newShape) { return Views.expand(this, newShape); }

    // ---------------------------------------------------------------- elementwise (ops.Elementwise)

    public Tensor add(Tensor o) { return Elementwise.add(this, o); }

    public Tensor add(double s) { return Elementwise.addScalar(this, s); }

    public Tensor sub(Tensor o) { return Elementwise.sub(this, o); }

    public Tensor sub(double s) { return Elementwise.addScalar(this, -s); }

    public Tensor mul(Tensor o) { return Elementwise.mul(this, o); }

    public Tensor mul(double s) { return Elementwise.mulScalar(this, s); }

    /** True division, as PyTorch: integer tensors give a FLOAT32 quotient. */
    public Tensor div(Tensor o) { return Division.div(this, o); }

    /** True division by a scalar (an integer tensor gives FLOAT32). */
    public Tensor div(double s) { return Division.div(this, s); }

    /** The quotient rounded toward zero or down; integral for integer tensors, whose division by zero throws. */
    public Tensor div(Tensor o, RoundingMode mode) { return Division.div(this, o, mode); }

    /** {@code div(o, RoundingMode.FLOOR)}: Python's {@code //}. */
    public Tensor floorDivide(Tensor o) { return Division.div(this, o, RoundingMode.FLOOR); }

    public Tensor neg() { return Elementwise.neg(this); }

    public Tensor pow(double e) { return Elementwise.pow(this, e); }

    public Tensor pow(Tensor e) { return Elementwise.pow(this, e); }

    public Tensor exp() { return Elementwise.exp(this); }

    public Tensor log() { return Elementwise.log(this); }

    public Tensor sqrt() { return Elementwise.sqrt(this); }

    public Tensor abs() { return Elementwise.abs(this); }

    public Tensor clamp(double min, double max) { return Elementwise.clamp(this, min, max); }

    public Tensor relu() { return Elementwise.relu(this); }

    public Tensor sigmoid() { return Elementwise.sigmoid(this); }

    public Tensor tanh() { return Elementwise.tanh(this); }

    public Tensor maximum(Tensor o) { return Elementwise.maximum(this, o); }

    public Tensor minimum(Tensor o) { return Elementwise.minimum(this, o); }

    /** Comparisons give UINT8 masks (1/0) and are not differentiable. */
    public Tensor eq(Tensor o) { return Comparisons.eq(this, o); }

    public Tensor ne(Tensor o) { return Comparisons.ne(this, o); }

    public Tensor lt(Tensor o) { return Comparisons.lt(this, o); }

    public Tensor le(Tensor o) { return Comparisons.le(this, o); }

    public Tensor gt(Tensor o) { return Comparisons.gt(this, o); }

    public Tensor ge(Tensor o) { return Comparisons.ge(this, o); }

    public Tensor eq(double s) { return Comparisons.eq(this, s); }

    public Tensor ne(double s) { return Comparisons.ne(this, s); }

    public Tensor lt(double s) { return Comparisons.lt(this, s); }

    public Tensor le(double s) { return Comparisons.le(this, s); }

    public Tensor gt(double s) { return Comparisons.gt(this, s); }

    public Tensor ge(double s) { return Comparisons.ge(this, s); }

    /** cond != 0 ? a : b, broadcasting all three; differentiable in a and b. */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) { return Elementwise.where(cond, a, b); }

    // ---------------------------------------------------------------- in place (no autograd; for optimizers and metrics)

    /** this += o (o broadcast to this shape). */
    public Tensor add_(Tensor o) { return InPlace.add(this, o); }

    /** this += alpha * o. */
    public Tensor add_(Tensor o, double alpha) {
        if (alpha == 1) return add_(o);
        try (Tensor scaled = Elementwise.mulScalarNoGrad(o, alpha)) {
            return add_(scaled);
        }
    }

    public Tensor sub_(Tensor o) { return InPlace.sub(this, o); }

    public Tensor mul_(Tensor o) { return InPlace.mul(this, o); }

    public Tensor mul_(double s) { return InPlace.mul(this, s); }

    public Tensor fill_(double v) { return InPlace.fill(this, v); }

    public Tensor zero_() { return fill_(0); }

    /** Copies {@code src} (broadcast, cast) into this tensor's elements. */
    public Tensor copy_(Tensor src) { return InPlace.copy(this, src); }

    /**
     * Throws when this tensor cannot be written in place: closed, a leaf that requires grad (or
     * a view of one) while recording, or a view in which several elements share one memory location (an
     * expanded, stride-0 dimension), whose result would depend on the order of the writes (on a
     * GPU, on which thread wins), as PyTorch refuses too. When it passes, the write is counted
     * in the storage's version, so a backward that saved this tensor refuses to use it: every
     * path that writes into an existing tensor calls this first.
     */
    public void checkInPlace() {
        checkOpen();
        for (int d = 0; d < shape.length; d++) {
            if (strides[d] == 0 && shape[d] > 1) {
                throw new IllegalArgumentException("unsupported in-place write: more than one element of the written-to tensor "
                        + java.util.Arrays.toString(shape) + " (strides " + java.util.Arrays.toString(strides) + ") refers to a single memory "
                        + "location (dimension " + d + " is expanded); clone() the tensor first");
            }
        }
        if (org.jgrad.autograd.Grad.isEnabled()) {
            if (requiresGrad && gradFn == null) {
                throw new IllegalStateException("a leaf tensor that requires grad is being used in an in-place operation; "
                        + "wrap optimizer updates in Grad.off()");
            }
            Tensor base = viewBase;
            if (base != null && base.requiresGrad && base.gradFn == null) {
                throw new IllegalStateException("a view of a leaf Variable that requires grad is being used in an in-place operation "
                        + "(the view " + java.util.Arrays.toString(shape) + " of the leaf " + java.util.Arrays.toString(base.shape)
                        + "); wrap the update in Grad.off() or write to a clone()");
            }
        }
        storage.bumpVersion();
    }

    // ---------------------------------------------------------------- reductions (ops.Reductions)

    public Tensor sum() { return Reductions.sum(this, Shapes.allDims(dim()), false); }

    public Tensor sum(int dim, boolean keepdim) { return Reductions.sum(this, new int[]{dim}, keepdim); }

    public Tensor sum(int[] dims, boolean keepdim) { return Reductions.sum(this, dims, keepdim); }

    public Tensor mean() { return Reductions.mean(this, Shapes.allDims(dim()), false); }

    public Tensor mean(int dim, boolean keepdim) { return Reductions.mean(this, new int[]{dim}, keepdim); }

    public Tensor mean(int[] dims, boolean keepdim) { return Reductions.mean(this, dims, keepdim); }

    /** Largest element (0-d). */
    public Tensor max() { return Reductions.amax(this, Shapes.allDims(dim()), false); }

    public Tensor min() { return Reductions.amin(this, Shapes.allDims(dim()), false); }

    /** {@code torch.max(x, dim)}: the values and the indices of the maxima along {@code dim}. */
    public ValuesIndices max(int dim) { return Reductions.max(this, dim, false); }

    public ValuesIndices max(int dim, boolean keepdim) { return Reductions.max(this, dim, keepdim); }

    public ValuesIndices min(int dim) { return Reductions.min(this, dim, false); }

    public ValuesIndices min(int dim, boolean keepdim) { return Reductions.min(this, dim, keepdim); }

    /** Index of the first maximum along {@code dim} (INT64). */
    public Tensor argmax(int dim) { return Reductions.argmax(this, dim, false); }

    public Tensor argmax(int dim, boolean keepdim) { return Reductions.argmax(this, dim, keepdim); }

    public Tensor argmin(int dim) { return Reductions.argmin(this, dim, false); }

    public Tensor softmax(int dim) { return Reductions.softmax(this, dim, false); }

    public Tensor logSoftmax(int dim) { return Reductions.softmax(this, dim, true); }

    // ---------------------------------------------------------------- linear algebra

    /** Matrix product with {@code torch.matmul}'s rules (1-D promotion, batch broadcasting). */
    public Tensor matmul(Tensor o) { return LinearAlgebra.matmul(this, o); }

    // ---------------------------------------------------------------- lifetime

    /** Releases this handle's reference to the storage; idempotent. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        release.explicit = true;
        cleanable.clean();
    }

    /** Throws if this tensor was closed: use after close is a bug, named clearly. */
    public void checkOpen() {
        if (closed) throw new IllegalStateException("tensor of shape " + Arrays.toString(shape) + " was used after close()");
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("tensor(");
        if (closed) {
            sb.append("<closed>");
        } else if (numel() <= 64) {
            double[] v = toDoubleArray();
            sb.append(Shapes.format(v, shape, dtype().isFloatingPoint()));
        } else {
            sb.append("shape=").append(Arrays.toString(shape));
        }
        sb.append(", dtype=").append(storage.dtype()); // the storage's fields: a closed tensor prints too
        if (!storage.device().isCpu()) sb.append(", device=").append(storage.device());
        if (gradFn != null) sb.append(", grad_fn=").append(gradFn);
        else if (requiresGrad) sb.append(", requires_grad=true");
        return sb.append(')').toString();
    }
}
