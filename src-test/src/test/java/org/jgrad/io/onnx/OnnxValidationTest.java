package org.jgrad.io.onnx;

import org.jgrad.autograd.Grad;
import org.jgrad.data.Dataset;
import org.jgrad.data.FashionMnist;
import org.jgrad.data.GarmentSegmentation;
import org.jgrad.data.Sample;
import org.jgrad.nn.Module;
import org.jgrad.nn.UNet;
import org.jgrad.nn.loss.BCEWithLogitsLoss;
import org.jgrad.nn.loss.CrossEntropyLoss;
import org.jgrad.nn.loss.Loss;
import org.jgrad.nn.loss.Reduction;
import org.jgrad.optim.SGD;
import org.jgrad.tensor.Generator;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a user of the exported file sees: the validation score computed from ONNX Runtime's
 * outputs equals the one computed from jgrad's, to 4 decimals: accuracy of the CNN on the
 * bundled Fashion-MNIST test images and Dice of the U-Net on the bundled garment masks, each
 * model trained briefly on the bundled training sets first.
 */
class OnnxValidationTest {
    @Test
    void cnnAccuracyIsTheSameInOnnxRuntime() throws Exception {
        Generator g = new Generator(21);
        Module model = OnnxExportTest.cnn(g);
        trainOn(FashionMnist.bundled(true), model, new CrossEntropyLoss(), 64, 40);
        double[][] hits = bothWays(model, FashionMnist.bundled(false), 1000, 100, OnnxValidationTest::correct);
        double jgrad = hits[0][0] / 1000, ort = hits[1][0] / 1000;
        System.out.printf("CNN validation accuracy: jgrad %.4f, ONNX Runtime %.4f%n", jgrad, ort);
        assertTrue(jgrad > 0.2, "the briefly trained CNN learned something: " + jgrad);
        assertEquals(String.format("%.4f", jgrad), String.format("%.4f", ort));
    }

    @Test
    void unetDiceIsTheSameInOnnxRuntime() throws Exception {
        Generator g = new Generator(22);
        Module model = new UNet(1, 1, 4, 3, g);
        // foreground is about a sixth of the pixels: weighting it keeps a briefly trained model from predicting none
        Tensor posWeight = Tensor.fromArray(new float[]{5f}, 1);
        trainOn(GarmentSegmentation.bundled(true), model, new BCEWithLogitsLoss(null, posWeight, Reduction.MEAN), 16, 15);
        double[][] counts = bothWays(model, GarmentSegmentation.bundled(false), 200, 50, OnnxValidationTest::overlap);
        double jgrad = dice(counts[0]), ort = dice(counts[1]);
        System.out.printf("U-Net validation Dice: jgrad %.4f, ONNX Runtime %.4f%n", jgrad, ort);
        assertTrue(jgrad > 0.1, "the briefly trained U-Net finds garments: Dice " + jgrad);
        assertEquals(String.format("%.4f", jgrad), String.format("%.4f", ort));
    }

    private static double dice(double[] tpFpFn) { return 2 * tpFpFn[0] / (2 * tpFpFn[0] + tpFpFn[1] + tpFpFn[2]); }

    /** {number of correct argmax predictions}. */
    private static double[] correct(Tensor logits, Tensor labels) {
        float[] l = logits.toFloatArray();
        long[] y = labels.toLongArray();
        int classes = logits.size(1), hits = 0;
        for (int i = 0; i < y.length; i++) {
            int best = 0;
            for (int c = 1; c < classes; c++) if (l[i * classes + c] > l[i * classes + best]) best = c;
            if (best == y[i]) hits++;
        }
        return new double[]{hits};
    }

    /** {tp, fp, fn} of "logit > 0" against the mask. */
    private static double[] overlap(Tensor logits, Tensor mask) {
        float[] l = logits.toFloatArray(), m = mask.toFloatArray();
        double[] c = new double[3];
        for (int i = 0; i < l.length; i++) {
            boolean p = l[i] > 0, t = m[i] > 0.5f;
            if (p && t) c[0]++;
            else if (p) c[1]++;
            else if (t) c[2]++;
        }
        return c;
    }

    private static void trainOn(Dataset<Sample> data, Module model, Loss loss, int batch, int steps) {
        model.train();
        SGD sgd = new SGD(model.parameters(), 0.05, 0.9);
        for (int step = 0; step < steps; step++) {
            Tensor[] xy = batchOf(data, step * batch, batch);
            sgd.zeroGrad();
            loss.forward(model.forward(xy[0]), xy[1]).backward();
            sgd.step();
        }
    }

    /** Counts summed over {@code count} samples, {jgrad's (eval), ONNX Runtime's on the exported file}. */
    private static double[][] bothWays(Module model, Dataset<Sample> data, int count, int batch,
                                       BiFunction<Tensor, Tensor, double[]> score) throws Exception {
        byte[] onnx = Onnx.toBytes(model, batchOf(data, 0, 1)[0], "input", "output");
        model.eval();
        double[][] sums = new double[2][];
        try (OnnxRuntimeRunner runner = new OnnxRuntimeRunner(onnx); var off = Grad.off()) {
            for (int start = 0; start < count; start += batch) {
                Tensor[] xy = batchOf(data, start, batch);
                sums[0] = add(sums[0], score.apply(model.forward(xy[0]), xy[1]));
                sums[1] = add(sums[1], score.apply(runner.run("input", xy[0]), xy[1]));
            }
        }
        return sums;
    }

    private static double[] add(double[] sum, double[] v) {
        if (sum == null) return v.clone();
        for (int i = 0; i < v.length; i++) sum[i] += v[i];
        return sum;
    }

    /** Samples start..start+n-1 stacked into one input batch and one target batch. */
    private static Tensor[] batchOf(Dataset<Sample> data, int start, int n) {
        Tensor[] xs = new Tensor[n], ys = new Tensor[n];
        for (int i = 0; i < n; i++) {
            Sample s = data.get((start + i) % data.size());
            xs[i] = s.input();
            ys[i] = s.target();
        }
        Tensor y = org.jgrad.ops.Concat.stack(0, ys);
        if (y.dim() == 2 && y.size(1) == 1) y = y.reshape(n); // class labels: [n]
        return new Tensor[]{org.jgrad.ops.Concat.stack(0, xs), y};
    }
}
