package org.jgrad.distributed;

import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Tensor;

import java.time.Duration;
import java.util.Arrays;

/** Argument checks shared by the process groups, so every engine refuses the same things with the same words. */
final class Collectives {
    private Collectives() {}

    static final long DEFAULT_TIMEOUT_S = 1800;

    static Duration timeoutFromEnvironment() {
        String v = System.getenv(ProcessGroup.TIMEOUT_ENV);
        if (v == null || v.isBlank()) return Duration.ofSeconds(DEFAULT_TIMEOUT_S);
        try {
            long s = Long.parseLong(v.trim());
            if (s <= 0) throw new NumberFormatException();
            return Duration.ofSeconds(s);
        } catch (NumberFormatException e) {
            throw new DistributedException(ProcessGroup.TIMEOUT_ENV + " must be a positive number of seconds, got '" + v + "'");
        }
    }

    private static final String HOST_GROUPS = "the MPI and single-process groups work on CPU tensors; move it with .to(Device.cpu())";

    /** A tensor a host collective can use: open, on the CPU, contiguous, FLOAT32/FLOAT64/INT64. */
    static void checkTensor(String op, String arg, Tensor t) { checkTensor(op, arg, t, Device.cpu(), HOST_GROUPS); }

    /**
     * A tensor a collective on {@code device} can use: open, on that device, contiguous,
     * FLOAT32/FLOAT64/INT64; {@code elsewhere} completes the message for a tensor on another device.
     */
    static void checkTensor(String op, String arg, Tensor t, Device device, String elsewhere) {
        if (t == null) throw new IllegalArgumentException(op + ": " + arg + " must not be null");
        if (t.isClosed()) throw new IllegalArgumentException(op + ": " + arg + " is closed");
        if (!t.device().equals(device)) {
            throw new IllegalArgumentException(op + ": " + arg + " is on " + t.device() + ", but " + elsewhere);
        }
        if (!t.isContiguous()) {
            throw new IllegalArgumentException(op + ": " + arg + " must be contiguous (shape " + Arrays.toString(t.shape())
                    + ", strides " + Arrays.toString(t.strides()) + "); call contiguous() and use that tensor");
        }
        DType d = t.dtype();
        if (d != DType.FLOAT32 && d != DType.FLOAT64 && d != DType.INT64) {
            throw new IllegalArgumentException(op + ": " + arg + " has dtype " + d + "; collectives support FLOAT32, FLOAT64 and INT64");
        }
    }

    static void checkOp(ReduceOp op) {
        if (op == null) throw new IllegalArgumentException("allReduce: op must not be null");
    }

    static void checkRoot(int root, int worldSize) {
        if (root < 0 || root >= worldSize) {
            throw new IllegalArgumentException("broadcast: root " + root + " is not a rank of this group (0.." + (worldSize - 1) + ")");
        }
    }

    static void checkGather(Tensor output, Tensor input, int worldSize) { checkGather(output, input, worldSize, Device.cpu(), HOST_GROUPS); }

    static void checkGather(Tensor output, Tensor input, int worldSize, Device device, String elsewhere) {
        checkTensor("allGather", "output", output, device, elsewhere);
        checkTensor("allGather", "input", input, device, elsewhere);
        if (output.dtype() != input.dtype()) {
            throw new IllegalArgumentException("allGather: output dtype " + output.dtype() + " differs from input dtype " + input.dtype());
        }
        int[] in = input.shape();
        int[] out = output.shape();
        boolean ok = out.length == in.length + 1 && out[0] == worldSize
                && Arrays.equals(Arrays.copyOfRange(out, 1, out.length), in);
        if (!ok) {
            throw new IllegalArgumentException("allGather: output must have shape [" + worldSize + (in.length > 0 ? ", " : "")
                    + Arrays.toString(in).replaceAll("[\\[\\]]", "") + "] (world size, then input's shape), got " + Arrays.toString(out));
        }
    }
}
