package org.jgrad.examples;

import org.jgrad.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The loop steps each scheduler as its kind requires: the epoch schedulers once per epoch, the
 * plateau one on the validation loss. The lr of each epoch, as recorded in metrics.json, is
 * compared with values worked out by hand from PyTorch's formulas.
 */
class ScheduleInLoopTest {
    @SuppressWarnings("unchecked")
    private static List<Double> lrs(Path tmp, String... extra) throws Exception {
        Path out = tmp.resolve("run");
        List<String> a = new ArrayList<>(List.of("train", "--model", "mlp", "--width", "2", "--train-samples", "64", "--val-samples", "32",
                "--batch-size", "32", "--workers", "0", "--progress", "none", "--device", "cpu", "--lr", "0.05", "--out", out.toString()));
        a.addAll(List.of(extra));
        assertEquals(0, Main.run(a.toArray(String[]::new)));
        Map<String, Object> m = (Map<String, Object>) Json.parse(Files.readString(out.resolve("metrics.json")));
        List<Double> r = new ArrayList<>();
        for (Object e : (List<Object>) m.get("epochs")) r.add(((Number) ((Map<String, Object>) e).get("lr")).doubleValue());
        return r;
    }

    private static void assertLrs(List<Double> expected, List<Double> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) assertEquals(expected.get(i), actual.get(i), 1e-12, "lr of epoch " + (i + 1));
    }

    @Test
    void stepHalvesEveryTwoEpochs(@TempDir Path tmp) throws Exception {
        assertLrs(List.of(0.05, 0.05, 0.025, 0.025, 0.0125),
                lrs(tmp, "--epochs", "5", "--scheduler", "step", "--step-size", "2", "--gamma", "0.5"));
    }

    @Test
    void multistepAtMilestones(@TempDir Path tmp) throws Exception {
        assertLrs(List.of(0.05, 0.005, 0.005, 0.0005), lrs(tmp, "--epochs", "4", "--scheduler", "multistep", "--milestones", "1,3", "--gamma", "0.1"));
    }

    @Test
    void cosineOverThreeEpochs(@TempDir Path tmp) throws Exception {
        // eta_min + (lr - eta_min) * (1 + cos(pi * e / T)) / 2 with T = 3, eta_min = 0.01
        double a = 0.01 + 0.04 * (1 + Math.cos(Math.PI / 3)) / 2, b = 0.01 + 0.04 * (1 + Math.cos(2 * Math.PI / 3)) / 2;
        assertLrs(List.of(0.05, a, b), lrs(tmp, "--epochs", "3", "--scheduler", "cosine", "--eta-min", "0.01"));
    }

    @Test
    void plateauWatchesTheValidationLoss(@TempDir Path tmp) throws Exception {
        // threshold 0.99 (relative): only a loss below 1% of the best counts as better, so after
        // epoch 1 (better than +inf) no epoch improves; patience 0 halves the lr after each of them
        assertLrs(List.of(0.05, 0.05, 0.025, 0.0125),
                lrs(tmp, "--epochs", "4", "--scheduler", "plateau", "--patience", "0", "--factor", "0.5", "--threshold", "0.99"));
    }
}
