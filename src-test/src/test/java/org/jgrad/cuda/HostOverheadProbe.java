package org.jgrad.cuda;

import org.jgrad.nn.Conv2d;
import org.jgrad.nn.Flatten;
import org.jgrad.nn.Linear;
import org.jgrad.nn.MaxPool2d;
import org.jgrad.nn.Module;
import org.jgrad.nn.ReLU;
import org.jgrad.nn.Sequential;
import org.jgrad.nn.UNet;
import org.jgrad.nn.loss.BCEWithLogitsLoss;
import org.jgrad.nn.loss.CrossEntropyLoss;
import org.jgrad.nn.loss.Loss;
import org.jgrad.optim.SGD;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Generator;
import org.jgrad.tensor.Scope;
import org.jgrad.tensor.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * A diagnostic, not a benchmark: the host-side time of a whole GPU training step (core's
 * autograd and ops, the CUDA backend's argument checks, metadata packing and kernel-parameter
 * marshalling) measured over a device that does nothing, with the launch and allocation counts
 * per step. It bounds what the JVM adds per step before any driver call; the driver's own cost
 * (a few microseconds per launch) and the GPU's time come on top and are measured by
 * GpuTrainStepBench against PyTorch on a real GPU. Run: java ... org.jgrad.cuda.HostOverheadProbe
 * with the test classpath.
 */
public class HostOverheadProbe {
    static long launches, allocs, memsets;

    static final class NullRuntime implements DeviceRuntime {
        long next = 1L << 40;
        public String deviceName() { return "null"; }
        public String architecture() { return "sm_90"; }
        public synchronized long allocate(long bytes) { allocs++; long a = next; next += (bytes + 255) & ~255L; return a; }
        public void free(long ptr, long bytes) {}
        public void memsetD8(long dst, byte value, long count) { memsets++; }
        public void memsetD32(long dst, int value, long count) { memsets++; }
        public void copyHtoD(long dst, MemorySegment src, long bytes) {}
        public void copyDtoH(MemorySegment dst, long src, long bytes) {}
        public void copyDtoD(long dst, long src, long bytes) {}
        public void synchronize() {}
        MemorySegment staging;
        public synchronized MemorySegment staging(long bytes) { if (staging == null) staging = Arena.global().allocate(bytes); return staging; }
        public KernelLauncher launcher() {
            return new KernelLauncher() {
                public int multiprocessors() { return 132; }
                public void launch(String family, String entry, int grid, int block, List<Object> args) { launch(family, entry, grid, block, 0, args); }
                public void launch(String family, String entry, int grid, int block, int shared, List<Object> args) {
                    launches++;
                    try (KernelArgs a = KernelArgs.of(entry, args)) {
                        a.pointers();
                    }
                }
            };
        }
        public void gemm(GemmMapping.Call call, long a, long b, long c, boolean tf32) { launches++; }
        public Mapped mapped(long bytes) { MemorySegment m = Arena.global().allocate(bytes, 64); return new Mapped(m, allocate(bytes)); }
        public long computeStream() { return 1; }
        public long newStream() { return 2; }
        public MemorySegment pinned(long bytes) { return Arena.global().allocate(bytes, 64); }
        public void freePinned(MemorySegment block) {}
        public long allocateOn(long stream, long bytes) { return allocate(bytes); }
        public void copyHtoDOn(long stream, long dst, MemorySegment src, long bytes) {}
        public long newEvent() { return 3; }
        public void recordEvent(long event, long stream) {}
        public void streamWaitEvent(long stream, long event) {}
        public void eventSynchronize(long event) {}
        public void conv(ConvGeometry g, Cudnn.Pass pass, long in0, long in1, long out, boolean tf32) { launches++; }
        public int convPlanCount() { return 0; }
    }

    public static void main(String[] args) {
        CudaBackend b = new CudaBackend(6, null, new NullRuntime(), null);
        CudaBackendProvider.install(6, b);
        Device d = Device.cuda(6);
        for (String model : new String[] {"cnn", "unet"}) {
            Generator g = new Generator(0);
            Module net; Loss crit; Tensor x, y;
            if (model.equals("cnn")) {
                net = new Sequential(new Conv2d(1, 32, 3, 1, 1, g), new ReLU(), new MaxPool2d(2),
                        new Conv2d(32, 64, 3, 1, 1, g), new ReLU(), new MaxPool2d(2),
                        new Flatten(), new Linear(64 * 7 * 7, 128, g), new ReLU(), new Linear(128, 10, g));
                crit = new CrossEntropyLoss();
                x = Scope.escape(Tensor.randn(g, 256, 1, 28, 28).to(d));
                y = Scope.escape(Tensor.fromArray(new long[256], 256).to(d));
            } else {
                net = new UNet(1, 1, 16, 3, g);
                crit = new BCEWithLogitsLoss();
                x = Scope.escape(Tensor.randn(g, 16, 1, 128, 128).to(d));
                y = Scope.escape(Tensor.zeros(16, 1, 128, 128).to(d));
            }
            net.to(d);
            SGD opt = new SGD(net.parameters(), 0.01, 0.9);
            for (int round = 0; round < 6; round++) {
                long l0 = launches, a0 = allocs, m0 = memsets;
                int n = 200;
                long t = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    try (Scope s = Scope.open()) {
                        opt.zeroGrad();
                        Tensor loss = crit.apply(net.forward(x), y);
                        loss.backward();
                        opt.step();
                    }
                }
                double ms = (System.nanoTime() - t) / 1e6 / n;
                System.out.printf("%s: %.3f ms host time per step, %d launches, %d allocations, %d memsets per step%n", model, ms,
                        (launches - l0) / n, (allocs - a0) / n, (memsets - m0) / n);
            }
        }
    }
}
