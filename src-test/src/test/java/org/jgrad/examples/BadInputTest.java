package org.jgrad.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each mistake: exit code 1, one line on stderr saying what and where, nothing (half-)written. */
class BadInputTest {
    private static final String[] TINY = {"--model", "mlp", "--width", "2", "--epochs", "1", "--train-samples", "64",
            "--val-samples", "32", "--batch-size", "32", "--workers", "0", "--progress", "none", "--device", "cpu"};

    private static String[] args(String command, String... more) {
        String[] a = new String[1 + TINY.length + more.length];
        a[0] = command;
        System.arraycopy(TINY, 0, a, 1, TINY.length);
        System.arraycopy(more, 0, a, 1 + TINY.length, more.length);
        return a;
    }

    private static String oneErrorLine(Cli.Result r) {
        assertEquals(1, r.exit(), "exit code; stderr: " + r.stderr());
        List<String> lines = r.errLines();
        assertEquals(1, lines.size(), "stderr: " + r.stderr());
        assertTrue(lines.get(0).startsWith("jgrad: "), lines.get(0));
        return lines.get(0);
    }

    @Test
    void missingDataFolder(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("no-such-folder"), out = tmp.resolve("out");
        String line = oneErrorLine(Cli.run(tmp.resolve("log"), args("train", "--data", data.toString(), "--out", out.toString())));
        assertTrue(line.contains(data.toString()) && line.contains("does not exist"), line);
        assertFalse(Files.exists(out), "nothing may be written for a run that could not start");
    }

    @Test
    void corruptDataFolder(@TempDir Path tmp) throws Exception {
        Path data = Files.createDirectories(tmp.resolve("fmnist")), out = tmp.resolve("out");
        // a gzip of a labels header where an images file belongs: the wrong magic number
        byte[] notImages = gzip(new byte[] {0, 0, 8, 1, 0, 0, 0, 2, 1, 2});
        for (String f : List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
                "t10k-labels-idx1-ubyte.gz")) {
            Files.write(data.resolve(f), notImages);
        }
        String line = oneErrorLine(Cli.run(tmp.resolve("log"), args("train", "--data", data.toString(), "--out", out.toString())));
        assertTrue(line.contains("train-images-idx3-ubyte.gz"), "the line names the bad file: " + line);
        assertFalse(Files.exists(out));
    }

    @Test
    void divergenceStopsAtTheFirstNonFiniteLossWithOneLine(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("out");
        String line = oneErrorLine(Cli.run(tmp.resolve("log"), args("train", "--out", out.toString(), "--epochs", "4", "--lr", "1e30")));
        assertTrue(line.matches("jgrad: training stopped: loss is (NaN|[+-]Infinity) at epoch \\d+, batch \\d+ \\(last finite loss .*\\); lower the learning rate.*"), line);
        int epoch = Integer.parseInt(line.replaceAll(".* at epoch (\\d+),.*", "$1"));
        Path latest = out.resolve("checkpoints").resolve("latest");
        if (epoch == 1) {
            assertTrue(line.endsWith("no checkpoint was written"), line);
            assertFalse(Files.exists(latest));
        } else {
            assertTrue(line.endsWith("latest still holds epoch " + (epoch - 1)), line);
            assertEquals(String.format("epoch-%04d", epoch - 1), Files.readString(latest).trim());
        }
    }

    @Test
    void keepLastKeepsTheNewestCheckpoints(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("out");
        Cli.Result r = Cli.run(tmp.resolve("log"), args("train", "--out", out.toString(), "--epochs", "3", "--keep-last", "2"));
        assertEquals(0, r.exit(), r.stderr());
        try (Stream<Path> s = Files.list(out.resolve("checkpoints"))) {
            assertEquals(List.of("epoch-0002", "epoch-0003", "latest"), s.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertEquals("epoch-0003", Files.readString(out.resolve("checkpoints").resolve("latest")).trim());
    }

    @Test
    void unwritableOutputFolder(@TempDir Path tmp) throws Exception {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        Path out = file.resolve("run");
        String line = oneErrorLine(Cli.run(tmp.resolve("log"), args("train", "--out", out.toString())));
        assertTrue(line.contains(out.toString()) && line.contains("is a file, not a folder"), line);
        assertEquals("x", Files.readString(file));
    }

    @Test
    void checkpointOfAnotherModelIsRefusedAndLeftIntact(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("out");
        Cli.Result first = Cli.run(tmp.resolve("log1"), args("train", "--out", out.toString()));
        assertEquals(0, first.exit(), first.stderr());
        Path cp = out.resolve("checkpoints").resolve("epoch-0001");
        byte[] model = Files.readAllBytes(cp.resolve("model.safetensors"));
        String state = Files.readString(cp.resolve("state.json"));
        List<Path> before = listing(out);

        // --width 3 builds a different model: resume must refuse it
        String line = oneErrorLine(Cli.run(tmp.resolve("log2"), args("train", "--out", out.toString(), "--resume", "--width", "3")));
        assertTrue(line.contains(cp.toString()) && line.contains("mlp-w2") && line.contains("mlp-w3"), line);
        // so must evaluate of a checkpoint when another model is asked for
        String line2 = oneErrorLine(Cli.run(tmp.resolve("log3"), "evaluate", "--out", out.toString(), "--width", "3", "--device", "cpu"));
        assertTrue(line2.contains(cp.toString()) && line2.contains("mlp-w2"), line2);

        assertArrayEquals(model, Files.readAllBytes(cp.resolve("model.safetensors")));
        assertEquals(state, Files.readString(cp.resolve("state.json")));
        assertEquals(before, listing(out), "a refused resume adds or removes nothing");
    }

    @Test
    void resumeWithoutCheckpoint(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("out");
        String line = oneErrorLine(Cli.run(tmp.resolve("log"), args("train", "--out", out.toString(), "--resume")));
        assertTrue(line.contains("no checkpoint") && line.contains(out.resolve("checkpoints").toString()), line);
        assertFalse(Files.exists(out));
    }

    @Test
    void corruptCheckpointIsNamed(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("out");
        assertEquals(0, Cli.run(tmp.resolve("log1"), args("train", "--out", out.toString())).exit());
        Path model = out.resolve("checkpoints").resolve("epoch-0001").resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(model);
        Files.write(model, java.util.Arrays.copyOf(bytes, bytes.length / 2)); // truncated
        String line = oneErrorLine(Cli.run(tmp.resolve("log2"), args("train", "--out", out.toString(), "--resume", "--epochs", "2")));
        assertTrue(line.contains(out.resolve("checkpoints").resolve("epoch-0001").toString()), line);
        assertFalse(Files.exists(out.resolve("checkpoints").resolve("epoch-0002")));
    }

    private static List<Path> listing(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.map(root::relativize).sorted().toList();
        }
    }

    private static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(bo)) {
            g.write(b);
        }
        return bo.toByteArray();
    }
}
