package org.jgrad.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a user sees around a run: numbered folders without --out, and Ctrl-C's resume hint. */
class RunLifecycleTest {
    private static final String[] TINY = {"--model", "mlp", "--width", "2", "--train-samples", "64", "--val-samples", "32",
            "--batch-size", "32", "--workers", "0", "--progress", "plain", "--device", "cpu"};

    private static String[] train(String... more) {
        String[] a = new String[1 + TINY.length + more.length];
        a[0] = "train";
        System.arraycopy(TINY, 0, a, 1, TINY.length);
        System.arraycopy(more, 0, a, 1 + TINY.length, more.length);
        return a;
    }

    @Test
    void withoutOutEachRunGetsANumberedFolderAndResumeFindsTheLatest(@TempDir Path tmp) throws Exception {
        Cli.Result first = Cli.runIn(tmp, tmp.resolve("log1"), train("--epochs", "1"));
        assertEquals(0, first.exit(), first.stderr());
        assertTrue(first.stdout().contains("-> runs/classify-001"), first.stdout());
        Cli.Result second = Cli.runIn(tmp, tmp.resolve("log2"), train("--epochs", "1", "--name", "mlp"));
        assertEquals(0, second.exit(), second.stderr());
        Path runs = tmp.resolve("runs");
        assertEquals(Path.of("mlp-001"), Files.readSymbolicLink(runs.resolve("latest")));
        for (String f : List.of("metrics.json", "loss.png", "lr.png", "accuracy.png", "epochs.csv", "steps.csv", "checkpoints/latest")) {
            assertTrue(Files.exists(runs.resolve("mlp-001").resolve(f)), f);
        }
        try (var s = Files.list(runs.resolve("mlp-001").resolve("tensorboard"))) {
            assertTrue(s.anyMatch(p -> p.getFileName().toString().startsWith("events.out.tfevents.")), "a TensorBoard event file");
        }
        // --resume without --out continues the run runs/latest points at (here: it had finished, so it only reports)
        Cli.Result resumed = Cli.runIn(tmp, tmp.resolve("log3"), train("--epochs", "1", "--resume"));
        assertEquals(0, resumed.exit(), resumed.stderr());
        assertTrue(resumed.stdout().contains("resuming from runs/mlp-001/checkpoints/epoch-0001 (epoch 1 of 1 done)"), resumed.stdout());
        assertTrue(Files.isDirectory(runs.resolve("classify-001")) && !Files.exists(runs.resolve("classify-002")), "a resume makes no new folder");
    }

    @Test
    @SuppressWarnings("unchecked")
    void warmupAndSaveBestTakeEffect(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("run");
        // 64 samples in batches of 32: 2 steps per epoch; warmup over epoch 1 runs its steps at lr/2 and lr
        assertEquals(0, Main.run(train("--epochs", "3", "--warmup-epochs", "1", "--save-best", "accuracy", "--log-every", "1",
                "--scheduler", "none", "--progress", "none", "--out", out.toString())));
        List<String> steps = Files.readAllLines(out.resolve("steps.csv"));
        assertEquals("step,epoch,batch,loss,lr", steps.get(0));
        assertEquals(7, steps.size());
        double[] wantLr = {0.025, 0.05, 0.05, 0.05, 0.05, 0.05};
        for (int i = 0; i < 6; i++) {
            String[] f = steps.get(i + 1).split(",");
            assertEquals(String.valueOf(i + 1), f[0]);
            assertEquals(wantLr[i], Double.parseDouble(f[4]), 1e-15, "lr of step " + (i + 1));
        }
        // the best epoch by validation accuracy, read from metrics.json: the first of the highest
        Map<String, Object> m = (Map<String, Object>) org.jgrad.io.Json.parse(Files.readString(out.resolve("metrics.json")));
        List<Object> epochs = (List<Object>) m.get("epochs");
        int best = 0;
        double bestAcc = -1;
        for (int i = 0; i < epochs.size(); i++) {
            double a = ((Number) ((Map<String, Object>) ((Map<String, Object>) epochs.get(i)).get("val")).get("accuracy")).doubleValue();
            if (a > bestAcc) {
                bestAcc = a;
                best = i + 1;
            }
        }
        assertEquals(String.format("epoch-%04d", best), Files.readString(out.resolve("checkpoints/best/latest")).trim());
        assertEquals("val.accuracy", ((Map<String, Object>) m.get("config")).get("save_best"));
        // evaluate takes the best folder as --checkpoint and scores the same accuracy
        assertEquals(0, Main.run(new String[] {"evaluate", "--checkpoint", out.resolve("checkpoints/best").toString(), "--out", out.toString(),
                "--val-samples", "32", "--device", "cpu", "--workers", "0"}));
        Map<String, Object> e = (Map<String, Object>) org.jgrad.io.Json.parse(Files.readString(out.resolve("evaluation.json")));
        assertEquals(bestAcc, ((Number) ((Map<String, Object>) e.get("final")).get("accuracy")).doubleValue(), 1e-12);
    }

    @Test
    @SuppressWarnings("unchecked")
    void ctrlCPrintsTheCommandThatResumes(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("my run"), log = Files.createDirectories(tmp.resolve("log"));
        Process p = Cli.builder(log, train("--epochs", "100000", "--lr", "0.01", "--out", out.toString())).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(log.resolve("stdout.txt")).contains("epoch 2/100000  train loss")) {
                assertTrue(p.isAlive(), "exited early: " + Files.readString(log.resolve("stderr.txt")));
                assertTrue(System.nanoTime() < deadline, "no epoch finished in 60 s");
                Thread.sleep(50);
            }
            new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "Ctrl-C ends the run");
        } finally {
            p.destroyForcibly();
        }
        String err = Files.readString(log.resolve("stderr.txt"), StandardCharsets.UTF_8);
        String line = Arrays.stream(err.split("\n")).filter(l -> l.startsWith("jgrad: interrupted")).findFirst().orElseThrow(() -> new AssertionError(err));
        assertTrue(line.matches("jgrad: interrupted; .* holds epoch \\d+ of 100000\\. To continue: jgrad train .*"), line);
        String command = line.substring(line.indexOf("To continue: ") + "To continue: ".length());
        // the printed words, read back as a POSIX shell would (the folder's space is quoted)
        assertTrue(command.endsWith(" --resume --out '" + out + "'"), command);
        List<String> words = new java.util.ArrayList<>(List.of(command.substring(0, command.indexOf(" --out '")).split(" ")));
        words.add("--out");
        words.add(out.toString());
        assertEquals(List.of("jgrad", "train"), words.subList(0, 2));
        Options again = OptionParser.parse("train", words.subList(2, words.size()).toArray(String[]::new));
        assertTrue(again.resume);
        assertEquals(out, again.out);
        // the command is accepted by the resume rule: the same options as the checkpoint recorded
        Path latest = out.resolve("checkpoints").resolve(Files.readString(out.resolve("checkpoints/latest")).trim());
        Map<String, Object> state = (Map<String, Object>) org.jgrad.io.Json.parse(Files.readString(latest.resolve("state.json")));
        assertEquals(List.of(), RunFolder.changedOptions((Map<String, Object>) state.get("config"), RunFolder.config(again)));
        int epoch = Integer.parseInt(line.replaceAll(".* holds epoch (\\d+) of.*", "$1"));
        assertEquals(String.format("epoch-%04d", epoch), latest.getFileName().toString(), "the hint names the epoch latest holds");
    }
}
