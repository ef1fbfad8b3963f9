package org.jgrad.examples;

import org.jgrad.tensor.Tensor;
import org.jgrad.io.Safetensors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On the CPU, a run killed with SIGKILL in the middle of an epoch and resumed with --resume ends
 * with the same weights and optimizer state, bit for bit, as a run that was never interrupted.
 * This holds because an epoch's data order is a function of (seed, epoch), the CPU kernels give
 * every output element to one thread that sums in a fixed order, and each checkpoint holds the
 * model, the SGD momentum buffers, the scheduler (StepLR here) and the epoch to continue from.
 */
class ResumeEquivalenceTest {
    private static final List<String> RUN = List.of("train", "--epochs", "3", "--val-samples", "128", "--batch-size", "32", "--workers", "2", "--lr", "0.05",
            "--momentum", "0.9", "--scheduler", "step", "--step-size", "1", "--gamma", "0.7", "--seed", "7", "--progress", "plain", "--device", "cpu");

    private static String[] args(String model, Path out, String... more) {
        List<String> a = new ArrayList<>(RUN);
        // the MLP is quick; the small CNN also covers convolution, pooling and the filter gradient's per-thread partial sums
        a.addAll(model.equals("mlp") ? List.of("--model", "mlp", "--width", "8", "--train-samples", "3072")
                : List.of("--model", "cnn", "--width", "2", "--train-samples", "1536"));
        a.add("--out");
        a.add(out.toString());
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @ParameterizedTest
    @ValueSource(strings = {"mlp", "cnn"})
    void killedAndResumedEqualsUninterrupted(String model, @TempDir Path tmp) throws Exception {
        Path whole = tmp.resolve("whole"), broken = tmp.resolve("broken");
        Cli.Result ref = Cli.run(tmp.resolve("log-whole"), args(model, whole));
        assertEquals(0, ref.exit(), ref.stderr());

        // start the same run, wait for its first checkpoint, then SIGKILL it during epoch 2
        Path log = Files.createDirectories(tmp.resolve("log-killed"));
        Process p = Cli.builder(log, args(model, broken)).start();
        Path latest = broken.resolve("checkpoints").resolve("latest");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!Files.exists(latest) && p.isAlive() && System.nanoTime() < deadline) Thread.sleep(2);
        assertTrue(Files.exists(latest), "no checkpoint appeared; stderr: " + Files.readString(log.resolve("stderr.txt")));
        p.destroyForcibly(); // SIGKILL on Unix: no shutdown hooks, no finally blocks
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(137, p.exitValue(), "the process was killed by SIGKILL, not finished");
        assertEquals("epoch-0001", Files.readString(latest).trim(), "killed after the first checkpoint and before the second");
        assertFalse(Files.exists(broken.resolve("checkpoints").resolve("epoch-0003")));

        Cli.Result resumed = Cli.run(tmp.resolve("log-resumed"), args(model, broken, "--resume"));
        assertEquals(0, resumed.exit(), resumed.stderr());
        assertTrue(resumed.stdout().contains("resuming from"), resumed.stdout());
        assertTrue(!resumed.stdout().contains("epoch 1/3  train loss"), "epoch 1 must not be trained again");

        Path a = whole.resolve("checkpoints").resolve("epoch-0003"), b = broken.resolve("checkpoints").resolve("epoch-0003");
        assertSameTensors(a.resolve("model.safetensors"), b.resolve("model.safetensors"), "weights");
        assertSameTensors(a.resolve("state.safetensors"), b.resolve("state.safetensors"), "momentum buffers");
    }

    /**
     * Same names, shapes and float bits. (The files' headers are not compared byte for byte: the
     * order of the metadata entries comes from an unordered map and may differ between JVMs.)
     */
    private static void assertSameTensors(Path a, Path b, String what) throws Exception {
        Map<String, Tensor> ta = Safetensors.load(a), tb = Safetensors.load(b);
        assertEquals(ta.keySet(), tb.keySet(), what);
        assertFalse(ta.isEmpty(), what);
        for (String k : ta.keySet()) {
            assertArrayEquals(ta.get(k).shape(), tb.get(k).shape(), what + " " + k);
            float[] x = ta.get(k).toFloatArray(), y = tb.get(k).toFloatArray();
            for (int i = 0; i < x.length; i++) {
                if (Float.floatToRawIntBits(x[i]) != Float.floatToRawIntBits(y[i])) {
                    throw new AssertionError(what + " after resume differ from the uninterrupted run: " + k + "[" + i + "] = " + y[i]
                            + ", uninterrupted " + x[i]);
                }
            }
        }
    }
}
