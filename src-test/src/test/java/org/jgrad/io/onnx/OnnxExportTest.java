package org.jgrad.io.onnx;

import ai.onnxruntime.TensorInfo;
import org.jgrad.autograd.Grad;
import org.jgrad.nn.AvgPool2d;
import org.jgrad.nn.BatchNorm1d;
import org.jgrad.nn.BatchNorm2d;
import org.jgrad.nn.Conv2d;
import org.jgrad.nn.ConvTranspose2d;
import org.jgrad.nn.Dropout;
import org.jgrad.nn.Flatten;
import org.jgrad.nn.Identity;
import org.jgrad.nn.Linear;
import org.jgrad.nn.MaxPool2d;
import org.jgrad.nn.Module;
import org.jgrad.nn.ReLU;
import org.jgrad.nn.Sequential;
import org.jgrad.nn.Sigmoid;
import org.jgrad.nn.UNet;
import org.jgrad.nn.Upsample;
import org.jgrad.nn.loss.BCEWithLogitsLoss;
import org.jgrad.nn.loss.CrossEntropyLoss;
import org.jgrad.nn.loss.Loss;
import org.jgrad.optim.SGD;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Generator;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Exported models run in ONNX Runtime and give jgrad's evaluation outputs: the small CNN and
 * the U-Net, with initial and briefly trained weights (trained BatchNorm statistics included),
 * for batch 1 and batch 7 from one file exported with a batch-1 example.
 */
class OnnxExportTest {
    /** The training app's CNN, narrow: conv-ReLU-pool twice, then two fully connected layers. */
    static Module cnn(Generator g) {
        int w = 4;
        return new Sequential(
                new Conv2d(1, w, 3, 1, 1, g), new ReLU(), new MaxPool2d(2),
                new Conv2d(w, 2 * w, 3, 1, 1, g), new ReLU(), new MaxPool2d(2),
                new Flatten(), new Linear(2 * w * 7 * 7, 4 * w, g), new ReLU(), new Linear(4 * w, 10, g));
    }

    static Module unet(Generator g) { return new UNet(1, 1, 4, 3, g); }

    @Test
    void cnnWithInitialWeightsRunsInOnnxRuntime() throws Exception {
        assertExportMatches(cnn(new Generator(1)), new int[]{1, 28, 28});
    }

    @Test
    void cnnWithTrainedWeightsRunsInOnnxRuntime() throws Exception {
        Generator g = new Generator(2);
        Module model = cnn(g);
        train(model, new CrossEntropyLoss(), () -> Tensor.randn(g, 8, 1, 28, 28),
                () -> labels(g, 8, 10));
        assertExportMatches(model, new int[]{1, 28, 28});
    }

    @Test
    void unetWithInitialWeightsRunsInOnnxRuntime() throws Exception {
        assertExportMatches(unet(new Generator(3)), new int[]{1, 16, 16});
    }

    @Test
    void unetWithTrainedWeightsRunsInOnnxRuntime() throws Exception {
        Generator g = new Generator(4);
        Module model = unet(g);
        // training moves BatchNorm's running statistics away from 0 and 1, which eval then uses
        train(model, new BCEWithLogitsLoss(), () -> Tensor.randn(g, 4, 1, 16, 16),
                () -> Tensor.rand(g, 4, 1, 16, 16).gt(0.5).to(DType.FLOAT32));
        assertExportMatches(model, new int[]{1, 16, 16});
    }

    @Test
    void unetWithNearestUpsamplingRunsInOnnxRuntime() throws Exception {
        Generator g = new Generator(5);
        Module model = new UNet(2, 3, 4, 3, UNet.Up.NEAREST_CONV, g);
        train(model, new BCEWithLogitsLoss(), () -> Tensor.randn(g, 4, 2, 8, 8),
                () -> Tensor.rand(g, 4, 3, 8, 8).gt(0.5).to(DType.FLOAT32));
        assertExportMatches(model, new int[]{2, 8, 8});
    }

    /** Every translated layer with settings away from the defaults, in one model. */
    @Test
    void everyLayerWithNonDefaultSettingsRunsInOnnxRuntime() throws Exception {
        Generator g = new Generator(6);
        Module model = new Sequential(
                new Conv2d(4, 6, new int[]{3, 2}, new int[]{2, 1}, new int[]{1, 2}, new int[]{2, 1}, 2, true, g),
                new BatchNorm2d(6, 1e-3, null, false, true), new Sigmoid(),
                new ConvTranspose2d(6, 4, new int[]{3, 3}, new int[]{2, 2}, new int[]{1, 0}, new int[]{1, 0}, new int[]{1, 1}, 2, false, g),
                new MaxPool2d(new int[]{3, 2}, new int[]{2, 1}, new int[]{1, 1}, new int[]{1, 2}, false),
                new AvgPool2d(new int[]{3}, new int[]{1}, new int[]{1}, false, false),
                Upsample.size(9, 14), new AvgPool2d(2, 2, 1), Upsample.scaleFactor(2, 1), new Identity(), new Dropout(0.5),
                new Flatten(2, 3), new Linear(10 * 8, 5, g), new ReLU(),
                new Flatten(), new BatchNorm1d(4 * 5), new Linear(4 * 5, 3, false, g));
        train(model, new CrossEntropyLoss(), () -> Tensor.randn(g, 6, 4, 11, 9), () -> labels(g, 6, 3));
        assertExportMatches(model, new int[]{4, 11, 9});
    }

    /**
     * Ceil mode lets the last window hang over the far edge: jgrad (as PyTorch) drops a window
     * that would start in the padding and divides an overhanging one by its part inside input
     * and padding, where ONNX Runtime does neither by itself. On 10x13 inputs, width 13 with
     * kernel 2, stride 2 and padding 1 has such a dropped window; kernel 3 without padding
     * overhangs.
     */
    @Test
    void poolingInCeilModeRunsInOnnxRuntime() throws Exception {
        for (Module model : List.of(
                new MaxPool2d(new int[]{3}, new int[]{2}, new int[]{1}, new int[]{1}, true),
                new MaxPool2d(new int[]{2}, new int[]{2}, new int[]{1}, new int[]{1}, true),
                new AvgPool2d(new int[]{2}, new int[]{2}, new int[]{1}, true, true),
                new AvgPool2d(new int[]{2}, new int[]{2}, new int[]{1}, true, false),
                new AvgPool2d(new int[]{3}, new int[]{2}, new int[]{0}, true, true),
                new AvgPool2d(new int[]{3}, new int[]{2}, new int[]{0}, true, false),
                new AvgPool2d(new int[]{3}, new int[]{2}, new int[]{1}, true, false))) {
            assertExportMatches(model, new int[]{2, 10, 13});
        }
    }

    @Test
    void givenNamesAndDynamicBatchAreInTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("cnn.onnx");
        Onnx.export(cnn(new Generator(7)), Tensor.zeros(1, 1, 28, 28), file, "image", "logits");
        try (OnnxRuntimeRunner ort = new OnnxRuntimeRunner(Files.readAllBytes(file))) {
            assertEquals(List.of("image"), List.copyOf(ort.session().getInputNames()));
            assertEquals(List.of("logits"), List.copyOf(ort.session().getOutputNames()));
            TensorInfo in = (TensorInfo) ort.session().getInputInfo().get("image").getInfo();
            TensorInfo out = (TensorInfo) ort.session().getOutputInfo().get("logits").getInfo();
            assertArrayEquals(new long[]{-1, 1, 28, 28}, in.getShape(), "the batch dimension is symbolic");
            assertArrayEquals(new long[]{-1, 10}, out.getShape());
        }
    }

    @Test
    void exportLeavesTheTrainingModeAsItWas() {
        Module model = cnn(new Generator(8));
        Onnx.toBytes(model, Tensor.zeros(1, 1, 28, 28), "input", "output");
        assertTrue(model.isTraining());
        model.eval();
        Onnx.toBytes(model, Tensor.zeros(1, 1, 28, 28), "input", "output");
        assertFalse(model.isTraining());
    }

    @Test
    void anUnsupportedLayerIsAnErrorNamingIt() {
        Module custom = new Module() {
            @Override
            public Tensor forward(Tensor input) { return input.mul(2.0); }
        };
        Module model = new Sequential(new Linear(3, 3), new Sequential(new ReLU(), custom));
        var e = assertThrows(UnsupportedOperationException.class, () -> Onnx.toBytes(model, Tensor.zeros(1, 3), "input", "output"));
        assertTrue(e.getMessage().contains("'1.1'"), e.getMessage());
        assertTrue(e.getMessage().contains(custom.getClass().getName()), e.getMessage());
        assertTrue(e.getMessage().contains("supported layers"), e.getMessage());

        // a subclass of a known layer may compute something else: refused, not exported as its parent
        Module sub = new MaxPool2d(2) {};
        assertThrows(UnsupportedOperationException.class, () -> Onnx.toBytes(sub, Tensor.zeros(1, 1, 4, 4), "input", "output"));

        Module batchStats = new Sequential(new BatchNorm1d(3, 1e-5, 0.1, true, false));
        var bn = assertThrows(UnsupportedOperationException.class, () -> Onnx.toBytes(batchStats, Tensor.zeros(2, 3), "input", "output"));
        assertTrue(bn.getMessage().contains("running statistics"), bn.getMessage());
    }

    @Test
    void aModelThatPassesItsInputThroughStillHasBothNames() throws Exception {
        Tensor x = Tensor.randn(new Generator(9), 3, 2);
        try (OnnxRuntimeRunner ort = new OnnxRuntimeRunner(Onnx.toBytes(new Dropout(0.3), x, "input", "output"))) {
            OnnxRuntimeRunner.assertClose("identity", x, ort.run("input", x));
        }
    }

    /** A few SGD steps in training mode, so weights and BatchNorm statistics leave their initial values. */
    private static void train(Module model, Loss loss, Supplier<Tensor> inputs, Supplier<Tensor> targets) {
        model.train();
        SGD sgd = new SGD(model.parameters(), 0.05, 0.9);
        for (int step = 0; step < 5; step++) {
            sgd.zeroGrad();
            loss.forward(model.forward(inputs.get()), targets.get()).backward();
            sgd.step();
        }
    }

    /** Exports with a batch-1 example, then compares ONNX Runtime and jgrad (eval) on batches of 1 and 7. */
    private static void assertExportMatches(Module model, int[] sampleShape) throws Exception {
        Generator g = new Generator(42);
        byte[] onnx = Onnx.toBytes(model, Tensor.randn(g, batch(1, sampleShape)), "input", "output");
        model.eval();
        try (OnnxRuntimeRunner ort = new OnnxRuntimeRunner(onnx); var off = Grad.off()) {
            for (int n : new int[]{1, 7}) {
                Tensor x = Tensor.randn(g, batch(n, sampleShape));
                OnnxRuntimeRunner.assertClose(model.getClass().getSimpleName() + " batch " + n, model.forward(x), ort.run("input", x));
            }
        }
    }

    private static Tensor labels(Generator g, int n, int classes) {
        long[] l = new long[n];
        for (int i = 0; i < n; i++) l[i] = g.nextInt(classes);
        return Tensor.fromArray(l, n);
    }

    private static int[] batch(int n, int[] sampleShape) {
        int[] s = new int[sampleShape.length + 1];
        s[0] = n;
        System.arraycopy(sampleShape, 0, s, 1, sampleShape.length);
        return s;
    }
}
