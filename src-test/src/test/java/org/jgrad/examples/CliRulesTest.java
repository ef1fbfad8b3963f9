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
