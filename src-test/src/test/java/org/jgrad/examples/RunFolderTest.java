package org.jgrad.examples;

import org.jgrad.train.History;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Numbered run folders, the runs/latest link, and the best-epoch rule of --save-best. */
class RunFolderTest {
    @Test
    void numberedFoldersAndTheLatestLink(@TempDir Path tmp) throws Exception {
        Path runs = tmp.resolve("runs");
        assertEquals(runs.resolve("classify-001"), RunFolder.allocate(runs, "classify"));
        assertEquals(runs.resolve("classify-002"), RunFolder.allocate(runs, "classify"));
        assertEquals(runs.resolve("segment-001"), RunFolder.allocate(runs, "segment"));
        assertEquals(Path.of("segment-001"), Files.readSymbolicLink(runs.resolve("latest")), "latest is the newest run of any name");
        Files.createDirectory(runs.resolve("classify-017")); // a gap (folders deleted or made by hand): the numbering goes on after the highest
        assertEquals(runs.resolve("classify-018"), RunFolder.allocate(runs, "classify"));
        assertEquals(runs.resolve("classify-018"), RunFolder.latestRun(runs));
        assertEquals(Path.of("classify-018"), Files.readSymbolicLink(runs.resolve("latest")));
    }

    @Test
    void concurrentRunsGetDistinctFoldersAndLatestNamesTheNewest(@TempDir Path tmp) throws Exception {
        Path runs = tmp.resolve("runs");
        int n = 12;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Path>> made = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                made.add(pool.submit(() -> {
                    go.await();
                    return RunFolder.allocate(runs, "classify");
                }));
            }
            go.countDown();
            Set<Path> folders = new HashSet<>();
            for (Future<Path> f : made) folders.add(f.get());
            assertEquals(n, folders.size(), "every run its own folder: " + folders);
            for (int i = 1; i <= n; i++) assertTrue(folders.contains(runs.resolve(String.format("classify-%03d", i))), folders.toString());
        } finally {
            pool.shutdownNow();
        }
        assertEquals(Path.of(String.format("classify-%03d", n)), Files.readSymbolicLink(runs.resolve("latest")));
        try (var s = Files.list(runs)) {
            assertFalse(s.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary link is left behind");
        }
    }

    @Test
    void aRealLatestFolderFromAnOlderVersionIsLeftAlone(@TempDir Path tmp) throws Exception {
        Path runs = tmp.resolve("runs");
        Files.createDirectories(runs.resolve("latest"));
        Files.writeString(runs.resolve("latest").resolve("metrics.json"), "{}");
        assertEquals(runs.resolve("classify-001"), RunFolder.allocate(runs, "classify"));
        assertTrue(Files.isRegularFile(runs.resolve("latest").resolve("metrics.json")));
        assertFalse(Files.isSymbolicLink(runs.resolve("latest")));
    }

    @Test
    void resumeWithoutARunIsOneLine(@TempDir Path tmp) {
        AppException e = org.junit.jupiter.api.Assertions.assertThrows(AppException.class, () -> RunFolder.latestRun(tmp.resolve("runs")));
        assertTrue(e.getMessage().startsWith("no run to resume: " + tmp.resolve("runs").resolve("latest") + " does not exist"), e.getMessage());
    }

    private static History history(double... valAccuracy) {
        History h = new History();
        for (int i = 0; i < valAccuracy.length; i++) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("epoch", i + 1);
            row.put("val_loss", 1.0 / (i + 1));
            row.put("val", Map.of("accuracy", valAccuracy[i]));
            h.add(row);
        }
        return h;
    }

    @Test
    void theBestEpochIsStrictlyBetterThanEveryEarlierOne() {
        assertTrue(RunFolder.isBest(history(0.5), "val.accuracy"));
        assertTrue(RunFolder.isBest(history(0.5, 0.6), "val.accuracy"));
        assertFalse(RunFolder.isBest(history(0.5, 0.6, 0.6), "val.accuracy"), "a tie keeps the earlier epoch");
        assertFalse(RunFolder.isBest(history(0.7, 0.6, 0.65), "val.accuracy"));
        assertTrue(RunFolder.isBest(history(0.7, 0.6, 0.65), "val_loss"), "losses fall: 1/3 is the lowest");
        assertFalse(RunFolder.isBest(history(0.7), "val.dice"), "a value the epoch did not record is never best");
    }
}
