package org.jgrad.reliability;

import org.jgrad.data.Batch;
import org.jgrad.data.DataLoader;
import org.jgrad.data.DataLoaderException;
import org.jgrad.data.Sample;
import org.jgrad.data.Sampler;
import org.jgrad.data.BatchSampler;
import org.jgrad.data.TensorDataset;
import org.jgrad.data.Transforms;
import org.jgrad.io.Checkpoint;
import org.jgrad.io.FileFormatException;
import org.jgrad.io.IdxFormatException;
import org.jgrad.io.IdxReader;
import org.jgrad.io.Json;
import org.jgrad.io.Safetensors;
import org.jgrad.metrics.ConfusionMatrix;
import org.jgrad.metrics.SegmentationMetrics;
import org.jgrad.nn.AvgPool2d;
import org.jgrad.nn.BatchNorm2d;
import org.jgrad.nn.Conv2d;
import org.jgrad.nn.Dropout;
import org.jgrad.nn.Flatten;
import org.jgrad.nn.Linear;
import org.jgrad.nn.MaxPool2d;
import org.jgrad.nn.Upsample;
import org.jgrad.nn.loss.CrossEntropyLoss;
import org.jgrad.nn.loss.DiceLoss;
import org.jgrad.nn.loss.Losses;
import org.jgrad.nn.loss.Reduction;
import org.jgrad.optim.Adam;
import org.jgrad.optim.AdamW;
import org.jgrad.optim.CosineAnnealingLR;
import org.jgrad.optim.ExponentialLR;
import org.jgrad.optim.LinearLR;
import org.jgrad.optim.MultiStepLR;
import org.jgrad.optim.Optimizer;
import org.jgrad.optim.ReduceLROnPlateau;
import org.jgrad.optim.SGD;
import org.jgrad.optim.StepLR;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Bad inputs across nn, loss, metrics, optim, data and files. Each case asserts the exception
 * type and that the message names the argument (or entry) and the value given: a user reading
 * only the message can see what to fix. No case may end in an Error, a hang or a silent result.
 */
class BadInputSuiteTest {
    private static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory("jgrad-bad-input");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void cleanUp() throws IOException {
        try (var s = Files.walk(DIR)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    private record Case(String area, String what, Class<? extends Throwable> type, Executable run, List<String> mentions) {
        @Override
        public String toString() { return area + ": " + what; }
    }

    private static final List<Case> CASES = new ArrayList<>();

    private static void add(String area, String what, Class<? extends Throwable> type, Executable run, String... mentions) {
        CASES.add(new Case(area, what, type, run, List.of(mentions)));
    }

    private static final Class<IllegalArgumentException> IAE = IllegalArgumentException.class;

    private static List<Tensor> one() { return List.of(Tensor.zeros(3).requiresGrad(true)); }

    private static Optimizer sgd() { return new SGD(one(), 0.1); }

    private static Tensor f32(int... shape) { return Tensor.zeros(DType.FLOAT32, Device.cpu(), shape); }

    private static Tensor i64(int... shape) { return Tensor.zeros(DType.INT64, Device.cpu(), shape); }

    private static Path file(String name, byte[] bytes) {
        try {
            return Files.write(DIR.resolve(name), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path safetensors(String name, String header, int dataBytes) {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + json.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(json.length).put(json);
        return file(name, b.array());
    }

    private static String entry(String dtype, String shape, String offsets) {
        return "{\"w\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":" + offsets + "}}";
    }

    static {
        // ---------------------------------------------------------------- nn
        add("nn", "Linear in_features -1", IAE, () -> new Linear(-1, 3), "in_features=-1");
        add("nn", "Linear out_features -2", IAE, () -> new Linear(3, -2), "out_features=-2");
        add("nn", "Conv2d kernel_size 0", IAE, () -> new Conv2d(1, 1, 0), "kernelSize", "[0]");
        add("nn", "Conv2d stride 0", IAE, () -> new Conv2d(1, 1, 3, 0, 0), "stride", "0");
        add("nn", "Conv2d padding -1", IAE, () -> new Conv2d(1, 1, 3, 1, -1), "padding", "-1");
        add("nn", "Conv2d in_channels 0", IAE, () -> new Conv2d(0, 1, 3), "in=0");
        add("nn", "Dropout p 1.5", IAE, () -> new Dropout(1.5), "p", "1.5");
        add("nn", "Dropout p -0.1", IAE, () -> new Dropout(-0.1), "p", "-0.1");
        add("nn", "Dropout p NaN", IAE, () -> new Dropout(Double.NaN), "p", "NaN");
        add("nn", "MaxPool2d kernel 0", IAE, () -> new MaxPool2d(0), "kernelSize", "[0]");
        add("nn", "AvgPool2d kernel -3", IAE, () -> new AvgPool2d(-3), "kernelSize", "[-3]");
        add("nn", "BatchNorm2d num_features 0", IAE, () -> new BatchNorm2d(0), "num_features", "0");
        add("nn", "BatchNorm2d eps -1", IAE, () -> new BatchNorm2d(3, -1, 0.1, true, true), "eps", "-1");
        add("nn", "Upsample scale 0", IAE, () -> Upsample.scaleFactor(0), "scale", "0");
        add("nn", "Upsample size -1", IAE, () -> Upsample.size(-1, 4), "-1");
        add("nn", "Linear forward wrong width", IAE, () -> new Linear(3, 2).forward(f32(4, 5)), "5", "3");
        add("nn", "loadStateDict wrong shape", IAE, () -> {
            Linear l = new Linear(3, 2);
            Map<String, Tensor> sd = new LinkedHashMap<>(l.stateDict());
            sd.put("bias", f32(7));
            l.loadStateDict(sd, true);
        }, "'bias'", "[7]");
        add("nn", "loadStateDict unexpected key", IAE, () -> {
            Linear l = new Linear(3, 2);
            Map<String, Tensor> sd = new LinkedHashMap<>(l.stateDict());
            sd.put("extra.weight", f32(1));
            l.loadStateDict(sd, true);
        }, "unexpected keys", "extra.weight");

        // ---------------------------------------------------------------- loss
        add("loss", "cross entropy label_smoothing 1.5", IAE, () -> new CrossEntropyLoss(null, Losses.NO_IGNORE, Reduction.MEAN, 1.5),
                "label_smoothing", "1.5");
        add("loss", "cross entropy target class 7 of 3", RuntimeException.class,
                () -> Losses.crossEntropy(f32(2, 3), Tensor.fromArray(new long[]{0, 7}, 2)), "7", "3");
        add("loss", "cross entropy batch mismatch", IAE, () -> Losses.crossEntropy(f32(2, 3), i64(5)), "2", "5");
        add("loss", "mse shape mismatch", IAE, () -> Losses.mseLoss(f32(2, 3), f32(3, 2)), "[2, 3]", "[3, 2]");
        add("loss", "bce shape mismatch", IAE, () -> Losses.binaryCrossEntropyWithLogits(f32(4), f32(5)), "[4]", "[5]");
        add("loss", "dice eps -1", IAE, () -> new DiceLoss(DiceLoss.Mode.BINARY, true, 0, -1, false), "eps", "-1");
        add("loss", "dice smooth NaN", IAE, () -> new DiceLoss(DiceLoss.Mode.BINARY, true, Double.NaN, 1e-7, false), "smooth", "NaN");

        // ---------------------------------------------------------------- metrics
        add("metrics", "ConfusionMatrix 0 classes", IAE, () -> new ConfusionMatrix(0), "0");
        add("metrics", "ConfusionMatrix zeroDivision NaN", IAE, () -> new ConfusionMatrix(3).zeroDivision(Double.NaN), "zeroDivision", "NaN");
        add("metrics", "ConfusionMatrix label 5 of 3", IAE, () -> new ConfusionMatrix(3).update(
                Tensor.fromArray(new long[]{0, 5}, 2), Tensor.fromArray(new long[]{0, 1}, 2)), "5", "3");
        add("metrics", "ConfusionMatrix shape mismatch", IAE, () -> new ConfusionMatrix(3).update(i64(4), i64(5)), "[4]", "[5]");
        add("metrics", "ConfusionMatrix classNames count", IAE, () -> new ConfusionMatrix(3).classNames("a", "b"), "2", "3");
        add("metrics", "SegmentationMetrics legacy eps -1", IAE, () -> new SegmentationMetrics().legacy(-1), "eps", "-1");
        add("metrics", "SegmentationMetrics imagewise reduction on an accumulator", IAE,
                () -> new SegmentationMetrics().reduction(org.jgrad.metrics.BinaryScoreSpec.Reduction.MICRO_IMAGEWISE), "reduction", "MICRO_IMAGEWISE");
        add("metrics", "SegmentationMetrics float64 preds", IAE, () -> new SegmentationMetrics().update(
                Tensor.zeros(DType.FLOAT64, Device.cpu(), 2, 1, 2, 2), i64(2, 1, 2, 2)), "preds", "FLOAT64");
        add("metrics", "SegmentationMetrics shape mismatch", IAE, () -> new SegmentationMetrics().update(f32(2, 1, 2, 2), i64(2, 1, 2, 3)),
                "[2, 1, 2, 2]", "[2, 1, 2, 3]");

        // ---------------------------------------------------------------- optim
        add("optim", "SGD lr -0.1", IAE, () -> new SGD(one(), -0.1), "lr", "-0.1");
        add("optim", "SGD momentum 1.0", IAE, () -> new SGD(one(), 0.1, 1.0), "momentum", "1.0");
        add("optim", "Adam lr NaN", IAE, () -> new Adam(one(), Double.NaN), "lr", "NaN");
        add("optim", "Adam beta1 1.0", IAE, () -> new Adam(one(), 1e-3, 1.0, 0.999, 1e-8, 0, false), "beta", "1.0");
        add("optim", "AdamW eps -1e-8", IAE, () -> new AdamW(one(), 1e-3, 0.9, 0.999, -1e-8, 0, false), "eps", "-1.0E-8");
        add("optim", "StepLR step_size 0", IAE, () -> new StepLR(sgd(), 0), "step_size", "0");
        add("optim", "StepLR gamma -1", IAE, () -> new StepLR(sgd(), 2, -1), "gamma", "-1");
        add("optim", "CosineAnnealingLR T_max 0", IAE, () -> new CosineAnnealingLR(sgd(), 0), "T_max", "0");
        add("optim", "ExponentialLR gamma NaN", IAE, () -> new ExponentialLR(sgd(), Double.NaN), "gamma", "NaN");
        add("optim", "MultiStepLR milestone -2", IAE, () -> new MultiStepLR(sgd(), new int[]{5, -2}), "milestone", "-2");
        add("optim", "LinearLR start_factor 0", IAE, () -> new LinearLR(sgd(), 0, 1, 5), "start_factor", "0");
        add("optim", "ReduceLROnPlateau factor 1", IAE, () -> ReduceLROnPlateau.builder(sgd()).factor(1.0).build(), "factor", "1.0");
        add("optim", "optimizer state param id 400000000", IAE, () -> {
            Optimizer o = sgd();
            Map<String, Object> sd = o.stateDict();
            @SuppressWarnings("unchecked")
            Map<String, Object> g = new LinkedHashMap<>((Map<String, Object>) ((List<?>) sd.get("param_groups")).get(0));
            g.put("params", List.of(400_000_000));
            o.loadStateDict(Map.of("state", Map.of(), "param_groups", List.of(g)));
        }, "params[0]", "400000000");
        add("optim", "optimizer state param id -1", IAE, () -> {
            Optimizer o = sgd();
            @SuppressWarnings("unchecked")
            Map<String, Object> g = new LinkedHashMap<>((Map<String, Object>) ((List<?>) o.stateDict().get("param_groups")).get(0));
            g.put("params", List.of(-1));
            o.loadStateDict(Map.of("state", Map.of(), "param_groups", List.of(g)));
        }, "params[0]", "-1");
        add("optim", "optimizer state lr negative", IAE, () -> {
            Optimizer o = sgd();
            @SuppressWarnings("unchecked")
            Map<String, Object> g = new LinkedHashMap<>((Map<String, Object>) ((List<?>) o.stateDict().get("param_groups")).get(0));
            g.put("lr", -3.0);
            o.loadStateDict(Map.of("state", Map.of(), "param_groups", List.of(g)));
        }, "lr", "-3.0");
        add("optim", "StepLR given a CosineAnnealingLR state", IAE,
                () -> new StepLR(sgd(), 2).loadStateDict(new CosineAnnealingLR(sgd(), 5).stateDict()), "CosineAnnealingLR", "StepLR");
        add("optim", "scheduler last_epoch -3", IAE, () -> {
            Map<String, Object> sd = new LinkedHashMap<>(new StepLR(sgd(), 2).stateDict());
            sd.put("last_epoch", -3);
            new StepLR(sgd(), 2).loadStateDict(sd);
        }, "last_epoch", "-3");
        add("optim", "scheduler _last_lr of 3 for 1 group", IAE, () -> {
            Map<String, Object> sd = new LinkedHashMap<>(new StepLR(sgd(), 2).stateDict());
            sd.put("_last_lr", List.of(0.1, 0.1, 0.1));
            new StepLR(sgd(), 2).loadStateDict(sd);
        }, "_last_lr", "3");
        add("optim", "scheduler last_epoch 1.5", IAE, () -> {
            Map<String, Object> sd = new LinkedHashMap<>(new StepLR(sgd(), 2).stateDict());
            sd.put("last_epoch", 1.5);
            new StepLR(sgd(), 2).loadStateDict(sd);
        }, "last_epoch", "1.5");

        // ---------------------------------------------------------------- data
        add("data", "batchSize 0", IAE, () -> DataLoader.builder(new TensorDataset(f32(4, 2), i64(4))).batchSize(0), "batchSize", "0");
        add("data", "numWorkers -1", IAE, () -> DataLoader.builder(new TensorDataset(f32(4, 2), i64(4))).numWorkers(-1), "numWorkers", "-1");
        add("data", "prefetch 0", IAE, () -> DataLoader.builder(new TensorDataset(f32(4, 2), i64(4))).prefetch(0), "prefetch", "0");
        add("data", "timeout -1", IAE, () -> DataLoader.builder(new TensorDataset(f32(4, 2), i64(4))).timeout(-1), "timeout", "-1");
        add("data", "joinTimeoutMillis -5", IAE, () -> DataLoader.builder(new TensorDataset(f32(4, 2), i64(4))).joinTimeoutMillis(-5),
                "joinTimeoutMillis", "-5");
        add("data", "epoch -2", IAE, () -> {
            try (var l = DataLoader.builder(new TensorDataset(f32(4, 2), i64(4))).build()) {
                l.epoch(-2);
            }
        }, "epoch", "-2");
        add("data", "TensorDataset length mismatch", IAE, () -> new TensorDataset(f32(4, 2), i64(5)), "4", "5");
        add("data", "TensorDataset index 9 of 4", IndexOutOfBoundsException.class, () -> new TensorDataset(f32(4, 2), i64(4)).get(9), "9", "4");
        add("data", "sampler index outside the data set", DataLoaderException.class, () -> {
            try (var l = DataLoader.builder(new TensorDataset(f32(4, 2), i64(4))).batchSampler(BatchSampler.of(epoch -> new int[]{0, 12}, 2, false)).build()) {
                for (Batch b : l) b.close();
            }
        }, "12", "4");
        add("data", "get returns null", DataLoaderException.class, () -> {
            org.jgrad.data.Dataset<Sample> ds = new org.jgrad.data.Dataset<>() {
                @Override public int size() { return 3; }
                @Override public Sample get(int i) { return null; }
            };
            try (var l = DataLoader.builder(ds).build()) {
                l.iterator().next();
            }
        }, "get(0)", "null");
        add("data", "randomHorizontalFlip p 2", IAE, () -> Transforms.randomHorizontalFlip(2), "p", "2");
        add("data", "randomCrop size 0", IAE, () -> Transforms.randomCrop(0, 2), "size", "0");
        add("data", "normalize std 0", IAE, () -> Transforms.normalize(new double[]{0.5}, new double[]{0}), "std", "0");
        add("data", "normalize lengths differ", IAE, () -> Transforms.normalize(new double[]{0.5, 0.5}, new double[]{1}), "[0.5, 0.5]", "[1.0]");
        add("data", "shuffled sampler size -1", IAE, () -> Sampler.shuffled(-1, 0), "size", "-1");

        // ---------------------------------------------------------------- files
        add("files", "safetensors shape 4294967297", FileFormatException.class,
                () -> Safetensors.load(safetensors("s1.safetensors", entry("F32", "[4294967297]", "[0,4]"), 4)), "s1.safetensors", "w.shape[0]", "4294967297");
        add("files", "safetensors shape 1.5", FileFormatException.class,
                () -> Safetensors.load(safetensors("s2.safetensors", entry("F32", "[1.5]", "[0,4]"), 4)), "s2.safetensors", "w.shape[0]", "1.5");
        add("files", "safetensors negative dim", FileFormatException.class,
                () -> Safetensors.load(safetensors("s3.safetensors", entry("F32", "[-4]", "[0,4]"), 4)), "s3.safetensors", "w.shape[0]", "-4");
        add("files", "safetensors overflowing shape", FileFormatException.class,
                () -> Safetensors.load(safetensors("s4.safetensors", entry("F32", "[65536,65536,65536,65536]", "[0,0]"), 0)), "s4.safetensors", "'w'", "65536");
        add("files", "safetensors offsets past the end", FileFormatException.class,
                () -> Safetensors.load(safetensors("s5.safetensors", entry("F32", "[4]", "[0,16]"), 8)), "s5.safetensors", "'w'", "16");
        add("files", "safetensors offsets not matching dtype x shape", FileFormatException.class,
                () -> Safetensors.load(safetensors("s6.safetensors", entry("F64", "[2]", "[0,8]"), 8)), "s6.safetensors", "'w'", "16");
        add("files", "safetensors unknown dtype", FileFormatException.class,
                () -> Safetensors.load(safetensors("s7.safetensors", entry("F8", "[2]", "[0,2]"), 2)), "s7.safetensors", "'w'", "F8");
        add("files", "safetensors shape not a list", FileFormatException.class,
                () -> Safetensors.load(safetensors("s8.safetensors", entry("F32", "7", "[0,4]"), 4)), "s8.safetensors", "w.shape", "7");
        add("files", "safetensors header length beyond the file", FileFormatException.class, () -> {
            ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).putLong(0);
            Safetensors.load(file("s9.safetensors", b.array()));
        }, "s9.safetensors", "1099511627776");
        add("files", "safetensors deep nesting", FileFormatException.class,
                () -> Safetensors.load(safetensors("s10.safetensors", "{\"w\":" + "[".repeat(200_000) + "}", 0)), "s10.safetensors", "nesting");
        add("files", "safetensors duplicate key", FileFormatException.class, () -> Safetensors.load(safetensors("s11.safetensors",
                "{\"w\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]},\"w\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[1,2]}}", 2)),
                "s11.safetensors", "duplicate key 'w'");
        add("files", "safetensors path is a directory", IOException.class, () -> Safetensors.load(Files.createDirectories(DIR.resolve("dir.safetensors"))),
                "dir.safetensors", "directory");
        add("files", "checkpoint pointer escapes its folder", FileFormatException.class, () -> {
            Path root = Files.createDirectories(DIR.resolve("ck"));
            Files.writeString(root.resolve(Checkpoint.LATEST), "../../etc\n");
            Checkpoint.latest(root);
        }, "latest", "../../etc");
        add("files", "checkpoint folder missing", IOException.class, () -> Checkpoint.load(DIR.resolve("no-such-checkpoint")), "no-such-checkpoint");
        add("files", "json integer beyond 64 bits", IAE, () -> Json.parse("[123456789012345678901234]"), "123456789012345678901234");
        add("files", "json bad escape", IAE, () -> Json.parse("\"a\\q\""), "\\q");
        add("files", "idx wrong magic", IdxFormatException.class,
                () -> IdxReader.readLabels(file("bad-magic.idx", new byte[]{0, 0, 8, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})), "bad-magic.idx", "0x00000803");
        add("files", "idx truncated", IdxFormatException.class,
                () -> IdxReader.readLabels(file("short.idx", new byte[]{0, 0, 8, 1, 0, 0, 0, 5, 1, 2})), "short.idx", "5");
        add("files", "idx directory", UncheckedIOException.class, () -> IdxReader.read(Files.createDirectories(DIR.resolve("idx-dir"))), "idx-dir", "directory");
    }

    static Stream<Arguments> cases() { return CASES.stream().map(Arguments::of); }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void badInputGivesAClearError(Case c) {
        Throwable t;
        try {
            c.run().execute();
            fail(c + ": accepted, expected " + c.type().getSimpleName());
            return;
        } catch (Throwable e) {
            t = e;
        }
        assertFalse(t instanceof Error && !(t instanceof AssertionError), c + ": an Error " + t);
        if (t instanceof AssertionError a) throw a;
        assertInstanceOf(c.type(), t, c + ": " + t);
        String m = t.getMessage();
        assertNotNull(m, c + ": no message");
        for (String s : c.mentions()) assertTrue(m.contains(s), c + ": message should mention '" + s + "': " + m);
    }

    @Test
    void theSuiteCoversEveryArea() {
        Map<String, Long> perArea = new LinkedHashMap<>();
        for (Case c : CASES) perArea.merge(c.area(), 1L, Long::sum);
        assertEquals(List.of("nn", "loss", "metrics", "optim", "data", "files"), List.copyOf(perArea.keySet()));
        assertTrue(CASES.size() >= 60, "cases: " + CASES.size());
    }
}
