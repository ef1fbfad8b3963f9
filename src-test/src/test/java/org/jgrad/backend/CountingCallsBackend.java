package org.jgrad.backend;

import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A test device type, "countingcalls": every primitive runs the CPU kernel on host arrays that
 * report this device (as {@link MinimalBackend}), and the fused {@link MetricCounting} family is the
 * CPU's, wrapped so each call is counted. Tests that must show a counting pass ran once (the
 * compute groups of a metric collection) read the counters. No other fused family is offered.
 */
public final class CountingCallsBackend {
    static final String TYPE = "countingcalls";
    public static final Device DEVICE = Device.of(TYPE, 0);

    private static final AtomicLong BINARY_STATS = new AtomicLong();
    private static final AtomicLong CONFUSION_FROM_LOGITS = new AtomicLong();
    private static final AtomicLong CONFUSION_FROM_LABELS = new AtomicLong();

    private CountingCallsBackend() {}

    public static long binaryStatsCalls() { return BINARY_STATS.get(); }

    public static long confusionFromLogitsCalls() { return CONFUSION_FROM_LOGITS.get(); }

    public static long confusionFromLabelsCalls() { return CONFUSION_FROM_LABELS.get(); }

    public static final class Provider implements BackendProvider {
        @Override public String type() { return TYPE; }
        @Override public Backend create(int index) { return make(Device.of(TYPE, index)); }
    }

    private static Backend make(Device device) {
        CpuBackend cpu = CpuBackend.INSTANCE;
        MetricCounting fused = cpu.capability(MetricCounting.class).orElseThrow();
        MetricCounting counted = new MetricCounting() {
            @Override
            public void binaryStats(org.jgrad.tensor.View preds, org.jgrad.tensor.View targets, BinaryStatsSpec spec, org.jgrad.tensor.View counts) {
                BINARY_STATS.incrementAndGet();
                fused.binaryStats(preds, targets, spec, counts);
            }

            @Override
            public void confusionFromLogits(org.jgrad.tensor.View logits, org.jgrad.tensor.View targets, long ignoreIndex,
                                            org.jgrad.tensor.View hist, org.jgrad.tensor.View bad) {
                CONFUSION_FROM_LOGITS.incrementAndGet();
                fused.confusionFromLogits(logits, targets, ignoreIndex, hist, bad);
            }

            @Override
            public void confusionFromLabels(org.jgrad.tensor.View preds, org.jgrad.tensor.View targets, long ignoreIndex,
                                            org.jgrad.tensor.View hist, org.jgrad.tensor.View bad) {
                CONFUSION_FROM_LABELS.incrementAndGet();
                fused.confusionFromLabels(preds, targets, ignoreIndex, hist, bad);
            }
        };
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[]{Backend.class}, (proxy, m, args) -> {
            switch (m.getName()) {
                case "device": return device;
                case "name": case "toString": return device.toString();
                case "hashCode": return System.identityHashCode(proxy);
                case "equals": return proxy == args[0];
                case "capability": return args[0] == MetricCounting.class ? Optional.of(counted) : Optional.empty();
                case "allocate": return CpuStorage.allocate((DType) args[0], (Long) args[1], device);
                case "fromHost": {
                    int n = java.lang.reflect.Array.getLength(args[0]);
                    CpuStorage s = CpuStorage.allocate((DType) args[1], n, device);
                    System.arraycopy(args[0], 0, s.array(), 0, n);
                    return s;
                }
                default:
                    try {
                        return m.invoke(cpu, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
            }
        });
    }
}
