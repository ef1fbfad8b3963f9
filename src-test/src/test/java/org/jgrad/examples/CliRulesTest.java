package org.jgrad.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Usage errors name the option (exit 2), help fits the command, and the resume rule. */
class CliRulesTest {
    private static String usageError(String command, String... args) {
        return assertThrows(CliException.class, () -> OptionParser.parse(command, args)).getMessage();
    }

    @Test
    void badValuesNameTheOption(@TempDir Path tmp) throws Exception {
        assertEquals("--epochs must be at most 2147483647, got 99999999999", usageError("train", "--epochs", "99999999999"));
        assertTrue(usageError("train", "--nesterov", "--momentum", "0").startsWith("--nesterov needs --momentum above 0"));
        Path file = Files.writeString(tmp.resolve("f"), "x");
        String data = usageError("train", "--data", file.toString());
        assertTrue(data.contains("--data") && data.contains("is a file"), data);
        assertTrue(usageError("evaluate", "--lr", "0.1").contains("--lr is not an option of 'jgrad evaluate'"));
        assertTrue(usageError("train", "--checkpoint", "x").contains("--checkpoint is not an option of 'jgrad train'"));
    }

    @Test
    void trainingOptionsAreCheckedAndNamed() {
        assertEquals("--warmup-epochs must be >= 0, got -1", usageError("train", "--warmup-epochs", "-1"));
        assertEquals("--warmup-epochs 4 is more than the run's 3 epochs (--epochs)", usageError("train", "--warmup-epochs", "4"));
        assertEquals("--early-stopping must be a positive integer, got 0", usageError("train", "--early-stopping", "0"));
        assertEquals("--early-stopping needs an integer, got 'two'", usageError("train", "--early-stopping", "two"));
        assertEquals("--log-every must be a positive integer, got 0", usageError("train", "--log-every", "0"));
        assertEquals("--threads needs an integer, got '4x'", usageError("train", "--threads", "4x"));
        assertEquals("--save-best must be one of val_loss, accuracy, balanced_accuracy, macro_f1 for --task classify, got 'dice'",
                usageError("train", "--save-best", "dice"));
        assertTrue(usageError("train", "--name", "../x").startsWith("--name must be 1 to 64 letters"));
        assertEquals("--name latest is taken: runs/latest points at the newest run", usageError("train", "--name", "latest"));
        assertTrue(usageError("evaluate", "--warmup-epochs", "1").contains("--warmup-epochs is not an option of 'jgrad evaluate'"));

        Options o = OptionParser.parse("train", new String[] {"--task", "segment", "--save-best", "Dice", "--early-stopping", "2",
                "--warmup-epochs", "1", "--log-every", "10", "--threads", "1", "--name", "garments"});
        assertEquals("val.dice", o.saveBest);
        assertEquals(2, o.earlyStopping);
        assertEquals(1, o.warmupEpochs);
        assertEquals(10, o.logEvery);
        assertEquals(1, o.threads);
        assertEquals("garments", o.effectiveName());
        assertEquals("val_loss", OptionParser.parse("train", new String[] {"--save-best", "loss"}).saveBest);
        assertEquals("classify", OptionParser.parse("train", new String[0]).effectiveName());
    }

    @Test
    void theNewOptionsAreRecordedAndARunCannotChangeThemOnResume() {
        Map<String, Object> recorded = RunFolder.config(OptionParser.parse("train", new String[0]));
        assertEquals(0, recorded.get("warmup_epochs"));
        assertEquals("none", recorded.get("save_best"));
        assertEquals(org.jgrad.backend.Parallel.threads(), recorded.get("threads"));
        List<String> changed = RunFolder.changedOptions(recorded, RunFolder.config(OptionParser.parse("train",
                new String[] {"--warmup-epochs", "1", "--early-stopping", "2", "--save-best", "accuracy", "--log-every", "7"})));
        assertEquals(List.of("--early-stopping is 2 (recorded 0)", "--save-best is val.accuracy (recorded none)",
                "--warmup-epochs is 1 (recorded 0)"), changed);
        Map<String, Object> otherMachine = new LinkedHashMap<>(recorded);
        otherMachine.put("threads", org.jgrad.backend.Parallel.threads() + 1);
        assertEquals(List.of("--threads is " + org.jgrad.backend.Parallel.threads() + " (recorded " + (org.jgrad.backend.Parallel.threads() + 1) + ")"),
                RunFolder.changedOptions(otherMachine, recorded));
        assertTrue(RunFolder.RESUME_MAY_CHANGE.contains("--log-every"));
    }

    @Test
    void aThreadCountThatCannotApplyIsRefused() {
        int now = org.jgrad.backend.Parallel.threads();
        String before = System.getProperty("jgrad.threads");
        try {
            TrainCommand.applyThreads(now); // the running pool's own count is fine
            AppException e = assertThrows(AppException.class, () -> TrainCommand.applyThreads(now + 1));
            assertEquals("--threads " + (now + 1) + " cannot take effect: jgrad's CPU pool already runs " + now + " thread(s) in this JVM",
                    e.getMessage());
        } finally {
            if (before == null) System.clearProperty("jgrad.threads");
            else System.setProperty("jgrad.threads", before);
        }
    }

    @Test
    void anUnusableDeviceIsAShortBlockWithAHint() {
        String explanation = "Device.cuda(0) is unavailable: could not load the CUDA driver (libcuda.so.1) Looked for: " + "x".repeat(1500)
                + "\nSearched, in order: ...";
        String m = TrainCommand.unusableDevice("cuda", explanation);
        String[] lines = m.split("\n");
        assertEquals(3, lines.length, m);
        assertEquals("--device cuda: Device.cuda(0) is unavailable: could not load the CUDA driver (libcuda.so.1)", lines[0]);
        assertTrue(lines[1].contains("hint:") && lines[1].contains("JGRAD_CUDA_LIBS"), m);
        assertTrue(lines[2].contains("--device cpu"), m);
        for (String l : lines) assertTrue(l.length() <= 120, "short lines: " + l.length());
    }

    @Test
    void aFailedWriteIsOneLineNamingWhatAndWhere(@TempDir Path tmp) {
        Path where = tmp.resolve("run/checkpoints");
        AppException e = assertThrows(AppException.class, () -> RunFolder.writing("the checkpoint of epoch 3", where, () -> {
            throw new java.nio.file.FileSystemException(where.resolve(".tmp-123").toString(), null, "No space left on device");
        }));
        assertEquals("cannot write the checkpoint of epoch 3 to " + where + ": No space left on device", e.getMessage());
    }

    @Test
    void optimizerChoiceWithItsOwnDefaultLr() {
        Options adam = OptionParser.parse("train", new String[] {"--optimizer", "adamw", "--weight-decay", "0.01"});
        assertEquals(Options.OptimizerKind.ADAMW, adam.optimizer);
        assertEquals(1e-3, adam.effectiveLr());
        assertEquals("AdamW(lr=0.001, betas=(0.9, 0.999), eps=1e-08, weight_decay=0.01)", TrainCommand.describeOptimizer(adam));
        assertEquals("SGD(lr=0.05, momentum=0.9, weight_decay=0.0)", TrainCommand.describeOptimizer(OptionParser.parse("train", new String[0])));
        assertEquals("--nesterov is an option of --optimizer sgd", usageError("train", "--optimizer", "adam", "--nesterov"));
        assertTrue(usageError("train", "--optimizer", "rmsprop").startsWith("--optimizer must be one of sgd, adam, adamw"));
        org.jgrad.nn.Module m = new org.jgrad.nn.Linear(2, 2);
        try (var opt = TrainCommand.optimizer(adam, m)) {
            assertTrue(opt instanceof org.jgrad.optim.AdamW);
            assertEquals(1e-3, opt.paramGroups().get(0).lr());
        }
    }

    @Test
    void helpListsTheCommandsOwnOptions() {
        String ev = OptionParser.usage("evaluate"), tr = OptionParser.usage("train");
        assertTrue(ev.contains("--checkpoint") && !ev.contains("--lr") && !ev.contains("--scheduler"), ev);
        assertTrue(tr.contains("--lr") && !tr.contains("--checkpoint"), tr);
    }

    @Test
    void resumeRefusesChangedOptionsAndNamesThem() {
        Options a = OptionParser.parse("train", new String[] {"--epochs", "3"});
        Map<String, Object> recorded = new LinkedHashMap<>(RunFolder.config(a));
        assertEquals(List.of(), RunFolder.changedOptions(recorded, RunFolder.config(OptionParser.parse("train",
                new String[] {"--epochs", "3", "--workers", "4", "--progress", "none", "--device", "cpu"}))));
        List<String> changed = RunFolder.changedOptions(recorded, RunFolder.config(OptionParser.parse("train",
                new String[] {"--epochs", "5", "--lr", "0.1", "--batch-size", "32", "--seed", "7"})));
        assertEquals(List.of("--batch-size is 32 (recorded 64)", "--epochs is 5 (recorded 3)", "--lr is 0.1 (recorded 0.05)",
                "the scheduler's options is CosineAnnealingLR(T_max=5, eta_min=0.0) (recorded CosineAnnealingLR(T_max=3, eta_min=0.0))",
                "--seed is 7 (recorded 42)"), changed);
        // JSON gives back longs and doubles: equal numbers of another boxed type are the same
        recorded.put("seed", 42L);
        recorded.put("batch_size", 64.0);
        assertFalse(String.join(",", RunFolder.changedOptions(recorded, RunFolder.config(a))).contains("seed"));
    }
}
