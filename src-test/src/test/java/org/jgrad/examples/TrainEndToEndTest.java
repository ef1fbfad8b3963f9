package org.jgrad.examples;

import org.jgrad.data.FashionMnist;
import org.jgrad.tensor.Tensor;
import org.jgrad.io.Json;
import org.jgrad.io.Safetensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A tiny run (1 epoch, a few batches) writes metrics.json, the plots and a checkpoint; the
 * validation numbers are checked against a float64 recomputation from the saved weights.
 */
class TrainEndToEndTest {
    private static final int VAL = 200;

    @Test
    @SuppressWarnings("unchecked")
    void tinyClassificationRun(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("run");
        int code = Main.run(new String[] {"train", "--model", "mlp", "--width", "4", "--epochs", "1", "--train-samples", "320",
                "--val-samples", String.valueOf(VAL), "--batch-size", "32", "--workers", "1", "--progress", "plain", "--device", "cpu",
                "--out", out.toString()});
        assertEquals(0, code);

        for (String png : List.of("loss.png", "lr.png", "confusion_matrix.png")) {
            BufferedImage img = ImageIO.read(out.resolve(png).toFile());
            assertNotNull(img, png + " is not a readable PNG");
            assertTrue(img.getWidth() >= 600 && img.getHeight() >= 400, png);
        }
        assertEquals("epoch-0001", Files.readString(out.resolve("checkpoints/latest")).trim());
        Path cp = out.resolve("checkpoints/epoch-0001");
        for (String f : List.of("model.safetensors", "state.safetensors", "state.json")) assertTrue(Files.isRegularFile(cp.resolve(f)), f);

        Map<String, Object> m = (Map<String, Object>) Json.parse(Files.readString(out.resolve("metrics.json")));
        List<Object> epochs = (List<Object>) m.get("epochs");
        assertEquals(1, epochs.size());
        Map<String, Object> e0 = (Map<String, Object>) epochs.get(0);
        assertEquals(0.05, ((Number) e0.get("lr")).doubleValue());
        assertTrue(((Number) e0.get("train_loss")).doubleValue() > 0);
        Map<String, Object> fin = (Map<String, Object>) m.get("final");
        List<Object> cm = (List<Object>) fin.get("confusion_matrix");
        long total = 0, trace = 0;
        for (int t = 0; t < 10; t++) {
            List<Object> row = (List<Object>) cm.get(t);
            for (int p = 0; p < 10; p++) {
                long v = ((Number) row.get(p)).longValue();
                total += v;
                if (p == t) trace += v;
            }
        }
        assertEquals(VAL, total);
        double accuracy = ((Number) fin.get("accuracy")).doubleValue();
        assertEquals((double) trace / VAL, accuracy, 1e-12);
        assertEquals(10, ((List<Object>) fin.get("per_class")).size());

        // independent recomputation in float64 from the saved weights: Flatten, Linear, ReLU, Linear
        Map<String, Tensor> w = Safetensors.load(cp.resolve("model.safetensors"));
        float[] w1 = w.get("1.weight").toFloatArray(), b1 = w.get("1.bias").toFloatArray();
        float[] w2 = w.get("3.weight").toFloatArray(), b2 = w.get("3.bias").toFloatArray();
        int hidden = b1.length;
        assertEquals(16, hidden);
        FashionMnist test = FashionMnist.bundled(false);
        int agree = 0, correct = 0;
        long[][] mine = new long[10][10];
        double lossSum = 0;
        for (int i = 0; i < VAL; i++) {
            double[] x = new double[784];
            for (int r = 0; r < 28; r++) {
                for (int c = 0; c < 28; c++) x[r * 28 + c] = (test.pixel(i, r, c) / 255.0 - 0.2860) / 0.3530;
            }
            double[] h = new double[hidden];
            for (int j = 0; j < hidden; j++) {
                double s = b1[j];
                for (int k = 0; k < 784; k++) s += w1[j * 784 + k] * x[k];
                h[j] = Math.max(0, s);
            }
            double[] logits = new double[10];
            int best = 0;
            for (int j = 0; j < 10; j++) {
                double s = b2[j];
                for (int k = 0; k < hidden; k++) s += w2[j * hidden + k] * h[k];
                logits[j] = s;
                if (s > logits[best]) best = j;
            }
            double mx = logits[best], z = 0;
            for (double l : logits) z += Math.exp(l - mx);
            int label = test.label(i);
            lossSum += mx + Math.log(z) - logits[label];
            mine[label][best]++;
            if (best == label) correct++;
        }
        for (int t = 0; t < 10; t++) {
            List<Object> row = (List<Object>) cm.get(t);
            for (int p = 0; p < 10; p++) if (p == t) agree += Math.min(mine[t][p], ((Number) row.get(p)).longValue());
        }
        // float32 vs float64 may flip a near tie; allow one sample of 200
        assertTrue(Math.abs(correct - trace) <= 1, "recomputed " + correct + " correct, the run reported " + trace);
        assertTrue(agree >= trace - 1);
        assertEquals(lossSum / VAL, ((Number) fin.get("val_loss")).doubleValue(), 1e-4);

        // evaluate reads the checkpoint back and scores the same validation set the same way
        int ev = Main.run(new String[] {"evaluate", "--out", out.toString(), "--val-samples", String.valueOf(VAL), "--device", "cpu",
                "--workers", "0"});
        assertEquals(0, ev);
        Map<String, Object> e = (Map<String, Object>) Json.parse(Files.readString(out.resolve("evaluation.json")));
        Map<String, Object> efin = (Map<String, Object>) e.get("final");
        assertEquals(cm, efin.get("confusion_matrix"));
        assertEquals(((Number) fin.get("val_loss")).doubleValue(), ((Number) efin.get("val_loss")).doubleValue(), 1e-6);
    }

    @Test
    @SuppressWarnings("unchecked")
    void tinySegmentationRunInAPipe(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("seg");
        int n = 16, side = 48;
        // a subprocess whose stdout is a file: --progress auto must fall back to plain lines
        Cli.Result r = Cli.run(tmp.resolve("log"), "train", "--task", "segment", "--width", "2", "--epochs", "1", "--train-samples", "32",
                "--val-samples", String.valueOf(n), "--batch-size", "8", "--workers", "1", "--device", "cpu", "--out", out.toString());
        assertEquals(0, r.exit(), r.stderr());
        assertTrue(r.stdout().matches("(?s).*epoch 1/1  batch 4/4  loss \\d+\\.\\d{4}  lr 0\\.0500  \\d+ img/s  ETA 0:00\n.*"), r.stdout());
        assertTrue(r.stdout().contains("Dice (F1)") && r.stdout().contains("pixel accuracy"), r.stdout());

        BufferedImage grid = ImageIO.read(out.resolve("segmentation_samples.png").toFile());
        assertNotNull(grid);
        assertTrue(grid.getWidth() > 3 * side * 4 && grid.getHeight() > 6 * side * 4, "three columns, six rows of 4x images");

        Map<String, Object> fin = (Map<String, Object>) ((Map<String, Object>) Json.parse(Files.readString(out.resolve("metrics.json")))).get("final");
        List<Object> c = (List<Object>) fin.get("counts_tp_fp_fn_tn");
        double tp = ((Number) c.get(0)).doubleValue(), fp = ((Number) c.get(1)).doubleValue();
        double fn = ((Number) c.get(2)).doubleValue(), tn = ((Number) c.get(3)).doubleValue();
        assertEquals((double) n * side * side, tp + fp + fn + tn);
        // the true foreground counted independently from the data set's masks
        org.jgrad.data.GarmentSegmentation val = org.jgrad.data.GarmentSegmentation.bundled(false);
        double fg = 0;
        for (int i = 0; i < n; i++) {
            try (org.jgrad.data.Sample s = val.get(i)) {
                for (float v : s.target().toFloatArray()) fg += v;
            }
        }
        assertEquals(fg, tp + fn, "tp + fn is the number of foreground pixels");
        assertEquals(fg / (n * side * side), ((Number) fin.get("foreground")).doubleValue(), 1e-12);
        // the scores from the counts with the textbook formulas
        assertEquals(2 * tp / (2 * tp + fp + fn), ((Number) fin.get("dice")).doubleValue(), 1e-9);
        assertEquals(tp / (tp + fp + fn), ((Number) fin.get("iou")).doubleValue(), 1e-9);
        assertEquals((tp + tn) / (tp + fp + fn + tn), ((Number) fin.get("pixel_accuracy")).doubleValue(), 1e-12);
    }

    /**
     * Long enough that the U-Net predicts garments (Adam, two epochs on 192 canvases): Dice and
     * IoU in metrics.json are checked against the masks the saved weights predict, counted here
     * pixel by pixel (logit > 0, i.e. probability > 0.5) against the data set's own masks.
     */
    @Test
    @SuppressWarnings("unchecked")
    void segmentationRunPredictsForegroundAndItsScoresMatchTheSavedWeights(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("seg");
        int n = 32;
        String[] args = {"train", "--task", "segment", "--width", "4", "--epochs", "2", "--train-samples", "192", "--val-samples",
                String.valueOf(n), "--batch-size", "16", "--optimizer", "adam", "--lr", "0.01", "--scheduler", "none", "--workers", "1",
                "--progress", "none", "--device", "cpu", "--out", out.toString()};
        assertEquals(0, Main.run(args));
        Map<String, Object> fin = (Map<String, Object>) ((Map<String, Object>) Json.parse(Files.readString(out.resolve("metrics.json")))).get("final");

        Options o = OptionParser.parse("train", java.util.Arrays.copyOfRange(args, 1, args.length));
        org.jgrad.nn.Module model = Models.build(o, new org.jgrad.tensor.Generator(o.seed));
        Path cp = out.resolve("checkpoints").resolve(Files.readString(out.resolve("checkpoints/latest")).trim());
        Map<String, Tensor> w = Safetensors.load(cp.resolve("model.safetensors"));
        model.loadStateDict(w, true);
        for (Tensor t : w.values()) t.close();
        model.eval(); // batch norm on its running statistics, as validation runs
        long tp = 0, fp = 0, fn = 0, tn = 0;
        // pr_curve.png's binned counts, recomputed: per threshold j/100, the pixels whose probability reaches it
        int nt = 101;
        long[] posAbove = new long[nt], negAbove = new long[nt];
        long positives = 0;
        org.jgrad.data.GarmentSegmentation val = org.jgrad.data.GarmentSegmentation.bundled(false);
        try (var off = org.jgrad.autograd.Grad.off()) {
            for (int i = 0; i < n; i++) {
                try (org.jgrad.data.Sample s = val.get(i); org.jgrad.tensor.Scope sc = org.jgrad.tensor.Scope.open()) {
                    float[] logits = model.forward(s.input().unsqueeze(0)).toFloatArray();
                    float[] mask = s.target().toFloatArray();
                    assertEquals(mask.length, logits.length);
                    for (int k = 0; k < mask.length; k++) {
                        boolean predicted = logits[k] > 0, truth = mask[k] > 0.5f;
                        double p = 1 / (1 + Math.exp(-(double) logits[k]));
                        if (truth) positives++;
                        for (int j = 0; j < nt && p >= j / 100.0; j++) {
                            if (truth) posAbove[j]++;
                            else negAbove[j]++;
                        }
                        if (predicted && truth) tp++;
                        else if (predicted) fp++;
                        else if (truth) fn++;
                        else tn++;
                    }
                }
            }
        }
        assertTrue(tp > 0.05 * (tp + fn), "the model predicts garments: tp " + tp + " of " + (tp + fn) + " foreground pixels");
        List<Object> c = (List<Object>) fin.get("counts_tp_fp_fn_tn");
        // float rounding may move a pixel whose logit is within an ulp of 0: allow a handful of 73,728
        long slack = 8;
        assertTrue(Math.abs(((Number) c.get(0)).longValue() - tp) <= slack, "tp " + c + " vs recomputed " + tp);
        assertTrue(Math.abs(((Number) c.get(1)).longValue() - fp) <= slack, "fp " + c + " vs recomputed " + fp);
        assertTrue(Math.abs(((Number) c.get(2)).longValue() - fn) <= slack, "fn " + c + " vs recomputed " + fn);
        double dice = 2.0 * tp / (2 * tp + fp + fn), iou = (double) tp / (tp + fp + fn);
        assertTrue(dice > 0.3, "a model that finds garments: Dice " + dice);
        assertEquals(dice, ((Number) fin.get("dice")).doubleValue(), 1e-3);
        assertEquals(iou, ((Number) fin.get("iou")).doubleValue(), 1e-3);
        assertEquals((double) (tp + fp) / (tp + fp + fn + tn), ((Number) fin.get("predicted_foreground")).doubleValue(), 1e-3);

        // average precision as torchmetrics bins it: Σ_j (R_j − R_{j+1}) P_j, R after the last threshold 0, 0/0 precision 0
        double ap = 0;
        for (int j = 0; j < nt; j++) {
            double prec = posAbove[j] + negAbove[j] == 0 ? 0 : (double) posAbove[j] / (posAbove[j] + negAbove[j]);
            double rec = (double) posAbove[j] / positives, next = j + 1 < nt ? (double) posAbove[j + 1] / positives : 0;
            ap += (rec - next) * prec;
        }
        assertTrue(ap > 0.3, "average precision " + ap);
        assertEquals(ap, ((Number) fin.get("average_precision")).doubleValue(), 1e-3, "binned AP in metrics.json vs recomputed");
        BufferedImage pr = ImageIO.read(out.resolve("pr_curve.png").toFile());
        assertTrue(pr.getWidth() > 100 && pr.getHeight() > 100, "pr_curve.png " + pr.getWidth() + "x" + pr.getHeight());
    }

    @Test
    @SuppressWarnings("unchecked")
    void fullSetFromAFolder(@TempDir Path tmp) throws Exception {
        // a folder laid out like the full Fashion-MNIST download, here with 96 / 24 images in gzipped IDX
        Path data = Files.createDirectories(tmp.resolve("fashion-mnist"));
        writeIdx(data, "train", FashionMnist.bundled(true), 96);
        writeIdx(data, "t10k", FashionMnist.bundled(false), 24);
        Path out = tmp.resolve("run");
        assertEquals(0, Main.run(new String[] {"train", "--model", "mlp", "--width", "2", "--epochs", "1", "--batch-size", "32",
                "--workers", "0", "--progress", "none", "--device", "cpu", "--data", data.toString(), "--out", out.toString()}));
        Map<String, Object> m = (Map<String, Object>) Json.parse(Files.readString(out.resolve("metrics.json")));
        assertEquals("Fashion-MNIST in " + data + " (96 training, 24 validation samples)", m.get("data"));
        long total = 0;
        for (Object row : (List<Object>) ((Map<String, Object>) m.get("final")).get("confusion_matrix")) {
            for (Object v : (List<Object>) row) total += ((Number) v).longValue();
        }
        assertEquals(24, total);
    }

    private static void writeIdx(Path dir, String prefix, FashionMnist src, int n) throws java.io.IOException {
        java.io.ByteArrayOutputStream images = new java.io.ByteArrayOutputStream(), labels = new java.io.ByteArrayOutputStream();
        java.io.DataOutputStream di = new java.io.DataOutputStream(images), dl = new java.io.DataOutputStream(labels);
        di.writeInt(0x00000803);
        di.writeInt(n);
        di.writeInt(28);
        di.writeInt(28);
        dl.writeInt(0x00000801);
        dl.writeInt(n);
        for (int i = 0; i < n; i++) {
            di.write(src.rawImage(i));
            dl.writeByte(src.label(i));
        }
        for (var e : Map.of(prefix + "-images-idx3-ubyte.gz", images, prefix + "-labels-idx1-ubyte.gz", labels).entrySet()) {
            try (var gz = new java.util.zip.GZIPOutputStream(Files.newOutputStream(dir.resolve(e.getKey())))) {
                gz.write(e.getValue().toByteArray());
            }
        }
    }
}
