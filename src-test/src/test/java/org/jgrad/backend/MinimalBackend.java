package org.jgrad.backend;

import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Storage;
import org.jgrad.tensor.View;

/**
 * A backend for the device type "minimal" that offers the REQUIRED primitives of {@link Backend}
 * and nothing else: no fused family, so every fused layer, loss, optimizer step and metric count
 * is composed by the front end. Each primitive runs the CPU kernel on host arrays that report
 * this device. Registered through META-INF/services with no change in core: adding a device
 * type is a class and a line in a service file.
 */
public final class MinimalBackend implements Backend {
    static final String TYPE = "minimal";

    private final Device device;
    private final CpuBackend cpu = CpuBackend.INSTANCE;

    MinimalBackend(int index) {
        this.device = Device.of(TYPE, index);
    }

    @Override public String name() { return device.toString(); }
    @Override public Device device() { return device; }
    @Override public String toString() { return name(); }

    @Override
    public Storage allocate(DType dtype, long numel, boolean zeroed) {
        if (numel > Integer.MAX_VALUE) throw new IllegalArgumentException("at most 2^31-1 elements, asked " + numel);
        return CpuStorage.allocate(dtype, (int) numel, device);
    }

    @Override
    public Storage fromHost(Object array, DType dtype) {
        int n = java.lang.reflect.Array.getLength(array);
        CpuStorage s = CpuStorage.allocate(dtype, n, device);
        System.arraycopy(array, 0, s.array(), 0, n);
        return s;
    }

    @Override public void toHost(View src, Object dst) { cpu.toHost(src, dst); }
    @Override public void copy(View src, View dst) { cpu.copy(src, dst); }
    @Override public void fill(View dst, double value) { cpu.fill(dst, value); }
    @Override public void unary(UnaryOp op, View x, View out, double a, double b) { cpu.unary(op, x, out, a, b); }
    @Override public void binary(BinaryOp op, View x, View y, View out) { cpu.binary(op, x, y, out); }
    @Override public void where(View cond, View x, View y, View out) { cpu.where(cond, x, y, out); }
    @Override public void reduce(ReduceOp op, View x, int[] dims, View out) { cpu.reduce(op, x, dims, out); }
    @Override public void argReduce(boolean max, View x, int dim, View values, View indices) { cpu.argReduce(max, x, dim, values, indices); }
    @Override public void matmul(View a, View b, View out) { cpu.matmul(a, b, out); }
    @Override public void random(View out, Distribution dist, double a, double b, long seed) { cpu.random(out, dist, a, b, seed); }
    @Override public void gather(View src, int dim, View index, View out) { cpu.gather(src, dim, index, out); }
    @Override public void scatterAdd(View dst, int dim, View index, View src) { cpu.scatterAdd(dst, dim, index, src); }

    @Override
    public void conv2dForward(View x, View w, View out, int[] stride, int[] padding, int[] dilation, int groups) {
        cpu.conv2dForward(x, w, out, stride, padding, dilation, groups);
    }

    @Override
    public void conv2dBackwardData(View gradOut, View w, View gradX, int[] stride, int[] padding, int[] dilation, int groups) {
        cpu.conv2dBackwardData(gradOut, w, gradX, stride, padding, dilation, groups);
    }

    @Override
    public void conv2dBackwardFilter(View x, View gradOut, View gradW, int[] stride, int[] padding, int[] dilation, int groups) {
        cpu.conv2dBackwardFilter(x, gradOut, gradW, stride, padding, dilation, groups);
    }

    @Override
    public void maxPool2dForward(View x, View out, View indices, int[] kernel, int[] stride, int[] padding, int[] dilation) {
        cpu.maxPool2dForward(x, out, indices, kernel, stride, padding, dilation);
    }

    @Override public void maxPool2dBackward(View gradOut, View indices, View gradX) { cpu.maxPool2dBackward(gradOut, indices, gradX); }

    @Override
    public void avgPool2dForward(View x, View out, int[] kernel, int[] stride, int[] padding, boolean countIncludePad) {
        cpu.avgPool2dForward(x, out, kernel, stride, padding, countIncludePad);
    }

    @Override
    public void avgPool2dBackward(View gradOut, View gradX, int[] kernel, int[] stride, int[] padding, boolean countIncludePad) {
        cpu.avgPool2dBackward(gradOut, gradX, kernel, stride, padding, countIncludePad);
    }

    @Override
    public void upsampleNearest2dForward(View x, View out, float scaleH, float scaleW) { cpu.upsampleNearest2dForward(x, out, scaleH, scaleW); }

    @Override
    public void upsampleNearest2dBackward(View gradOut, View gradX, float scaleH, float scaleW) {
        cpu.upsampleNearest2dBackward(gradOut, gradX, scaleH, scaleW);
    }

    @Override public void synchronize() {}

    /** The service-loader entry for the "minimal" device type. */
    public static final class Provider implements BackendProvider {
        @Override public String type() { return TYPE; }
        @Override public Backend create(int index) { return new MinimalBackend(index); }
    }
}
