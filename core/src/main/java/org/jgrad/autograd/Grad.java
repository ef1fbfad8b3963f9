package org.jgrad.autograd;

/**
 * Gradient recording switch, per thread, like {@code torch.no_grad()}:
 * <pre>{@code try (var g = Grad.off()) { ... evaluation ... } }</pre>
 */
public final class Grad {
    private static final ThreadLocal<int[]> OFF_DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private Grad() {}

    public static boolean isEnabled() { return OFF_DEPTH.get()[0] == 0; }

    /** Turns recording off until the returned handle is closed (nestable). */
    public static Off off() {
        OFF_DEPTH.get()[0]++;
        return new Off();
    }

    public static final class Off implements AutoCloseable {
        private boolean closed;

        private Off() {}

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                OFF_DEPTH.get()[0]--;
            }
        }
    }
}
