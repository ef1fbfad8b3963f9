package org.jgrad.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OptionParserTest {
    private static Options train(String... args) { return OptionParser.parse("train", args); }

    private static String error(String... args) {
        return assertThrows(CliException.class, () -> train(args)).getMessage();
    }

    @Test
    void defaults() {
        Options o = train();
        assertEquals(Options.Task.CLASSIFY, o.task);
        assertEquals("cnn", o.effectiveModel());
        assertEquals(64, o.batchSize);
        assertEquals(Options.SchedulerKind.COSINE, o.scheduler);
        assertEquals(3, o.effectiveTMax());
        assertEquals(42, o.seed);
        assertNull(o.data);
        assertEquals("auto", o.device);
        assertFalse(o.resume);
        assertEquals("unet", train("--task", "segment").effectiveModel());
    }

    @Test
    void everyOptionIsRead() {
        Options o = train("--task", "segment", "--epochs", "7", "--batch-size", "16", "--workers", "0", "--prefetch", "3",
                "--lr", "0.2", "--momentum", "0.5", "--weight-decay", "1e-4", "--nesterov", "--scheduler", "plateau",
                "--step-size", "3", "--milestones", "2,5,9", "--gamma", "0.3", "--t-max", "11", "--eta-min", "0.001",
                "--patience", "4", "--factor", "0.25", "--threshold", "0.01", "--min-lr", "1e-5", "--seed", "-3",
                "--data", "some/folder", "--out", "elsewhere", "--device", "CPU", "--resume", "--width", "5",
                "--train-samples", "100", "--val-samples", "50", "--progress", "plain");
        assertEquals(Options.Task.SEGMENT, o.task);
        assertEquals(7, o.effectiveEpochs());
        assertEquals(16, o.batchSize);
        assertEquals(0, o.workers);
        assertEquals(3, o.prefetch);
        assertEquals(0.2, o.effectiveLr());
        assertEquals(0.5, o.momentum);
        assertEquals(1e-4, o.weightDecay);
        assertTrue(o.nesterov);
        assertEquals(Options.SchedulerKind.PLATEAU, o.scheduler);
        assertEquals(3, o.stepSize);
        assertEquals(List.of(2, 5, 9), o.milestones);
        assertEquals(0.3, o.gamma);
        assertEquals(11, o.effectiveTMax());
        assertEquals(0.001, o.etaMin);
        assertEquals(4, o.patience);
        assertEquals(0.25, o.factor);
        assertEquals(0.01, o.threshold);
        assertEquals(1e-5, o.minLr);
        assertEquals(-3, o.seed);
        assertEquals(Path.of("some/folder"), o.data);
        assertEquals(Path.of("elsewhere"), o.out);
        assertEquals("cpu", o.device);
        assertTrue(o.resume);
        assertEquals(5, o.effectiveWidth());
        assertEquals("unet-w5", o.modelName());
        assertEquals(100, o.trainSamples);
        assertEquals(50, o.valSamples);
        assertEquals(Options.ProgressMode.PLAIN, o.progress);
        // --checkpoint is evaluate's
        assertEquals(Path.of("cp"), OptionParser.parse("evaluate", new String[] {"--checkpoint", "cp"}).checkpoint);
    }

    @Test
    void equalsFormAndTMaxDefaultsToEpochs() {
        Options o = train("--epochs=4", "--scheduler=cosine", "--lr=0.01");
        assertEquals(4, o.effectiveEpochs());
        assertEquals(4, o.effectiveTMax());
        assertEquals(0.01, o.effectiveLr());
    }

    @Test
    void unknownOptionIsNamed() {
        String m = error("--epochs", "2", "--learning-rate", "0.1");
        assertEquals("unknown option '--learning-rate' for 'jgrad train'; see: jgrad train --help", m);
        assertTrue(error("--bogus=3").startsWith("unknown option '--bogus'"));
        assertTrue(error("stray").startsWith("unexpected argument 'stray'"));
    }

    @Test
    void badValuesNameTheOptionAndTheValue() {
        assertEquals("--epochs needs an integer, got 'three'", error("--epochs", "three"));
        assertEquals("--epochs must be a positive integer, got 0", error("--epochs", "0"));
        assertEquals("--batch-size must be a positive integer, got -8", error("--batch-size", "-8"));
        assertEquals("--workers must be >= 0, got -1", error("--workers", "-1"));
        assertEquals("--lr must be > 0, got 0", error("--lr", "0"));
        assertEquals("--lr needs a number, got 'fast'", error("--lr", "fast"));
        assertEquals("--lr needs a finite number, got 'NaN'", error("--lr", "NaN"));
        assertEquals("--momentum must be in [0, 1), got 1", error("--momentum", "1"));
        assertEquals("--gamma must be in (0, 1], got 0", error("--gamma", "0"));
        assertEquals("--factor must be in (0, 1), got 1.5", error("--factor", "1.5"));
        assertEquals("--scheduler must be one of none, step, multistep, exponential, cosine, plateau, got 'linear'",
                error("--scheduler", "linear"));
        assertEquals("--task must be one of classify, segment, got 'detect'", error("--task", "detect"));
        assertEquals("--device must be auto, cpu, cuda or cuda:N, got 'tpu'", error("--device", "tpu"));
        assertEquals("--milestones must be increasing, got 3,2", error("--milestones", "3,2"));
        assertEquals("--milestones needs an integer, got 'a'", error("--milestones", "1,a"));
        assertEquals("--epochs needs a value (N)", error("--epochs"));
        assertEquals("--resume takes no value, got 'yes'", error("--resume=yes"));
        assertEquals("--model unet does not fit --task classify", error("--model", "unet"));
        assertEquals("--model mlp does not fit --task segment", error("--task", "segment", "--model", "mlp"));
    }

    @Test
    void helpListsEveryOption() {
        assertTrue(train("--help").help);
        assertTrue(train("-h").help);
        String u = OptionParser.usage("train");
        for (String opt : List.of("--task", "--epochs", "--batch-size", "--workers", "--lr", "--momentum", "--scheduler", "--step-size",
                "--gamma", "--patience", "--factor", "--seed", "--data", "--out", "--device", "--resume")) {
            assertTrue(u.contains(opt), opt + " missing from the usage text");
        }
    }

    @Test
    void theCommandLineExitsWithCode2AndOneLine(@TempDir Path tmp) throws Exception {
        Cli.Result r = Cli.run(tmp, "train", "--epochs", "1", "--colour", "blue");
        assertEquals(2, r.exit());
        assertEquals(List.of("jgrad: unknown option '--colour' for 'jgrad train'; see: jgrad train --help"), r.errLines());
        assertEquals("", r.stdout());
    }
}
