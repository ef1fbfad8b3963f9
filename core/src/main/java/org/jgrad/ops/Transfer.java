package org.jgrad.ops;

import org.jgrad.autograd.Autograd;
import org.jgrad.backend.Backends;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Tensor;

/** Moving values: to the host, between devices, between dtypes, into a fresh contiguous copy. */
public final class Transfer {
    private Transfer() {}

    /** A new dense row-major Java array of {@code as}'s type (float[], double[], int[], long[], byte[]) with t's values. */
    public static Object toHost(Tensor t, DType as) {
        t.checkOpen();
        Tensor src = t.dtype() == as ? t : t.to(as);
        Object arr = as.newArray(t.numel());
        Backends.of(src.device()).toHost(src.raw(), arr);
        if (src != t) src.close();
        return arr;
    }

    /** Same values on {@code device}; t itself when already there. Differentiable. */
    public static Tensor to(Tensor t, Device device) {
        t.checkOpen();
        if (device.equals(t.device())) return t;
        Object arr = t.dtype().newArray(t.numel());
        Backends.of(t.device()).toHost(t.raw(), arr);
        Tensor out = new Tensor(Backends.of(device).fromHost(arr, t.dtype()), t.shape());
        Device src = t.device();
        return Autograd.record(out, "to", new Tensor[]{t}, Autograd.SAVES_NOTHING, g -> new Tensor[]{g.to(src)});
    }

    /** Cast; t itself when already of {@code dtype}. Differentiable between floating types. */
    public static Tensor to(Tensor t, DType dtype) {
        t.checkOpen();
        if (dtype == t.dtype()) return t;
        Tensor out = Creation.empty(dtype, t.device(), t.shape());
        Backends.of(t.device()).copy(t.raw(), out.raw());
        DType from = t.dtype();
        if (dtype.isFloatingPoint() && from.isFloatingPoint()) {
            return Autograd.record(out, "cast", new Tensor[]{t}, Autograd.SAVES_NOTHING, g -> new Tensor[]{g.to(from)});
        }
        return out;
    }

    /** Always a fresh contiguous copy (torch's {@code clone()}). Differentiable. */
    public static Tensor contiguousCopy(Tensor t) {
        t.checkOpen();
        Tensor out = Creation.empty(t.dtype(), t.device(), t.shape());
        Backends.of(t.device()).copy(t.raw(), out.raw());
        return Autograd.record(out, "clone", new Tensor[]{t}, Autograd.SAVES_NOTHING, g -> new Tensor[]{g});
    }
}
