package org.jgrad.examples;

import org.jgrad.train.History;
import org.jgrad.autograd.Grad;
import org.jgrad.data.Dataset;
import org.jgrad.data.FashionMnist;
import org.jgrad.data.Sample;
import org.jgrad.metrics.ConfusionResult;
import org.jgrad.metrics.Normalize;
import org.jgrad.metrics.SegmentationScores;
import org.jgrad.nn.Module;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Scope;
import org.jgrad.tensor.Tensor;
import org.jgrad.io.AtomicFiles;
import org.jgrad.io.Json;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What a run shows and writes besides the per-epoch line: the final report, metrics.json, the pictures. */
final class Reports {
    private Reports() {}

    /** Prints the final report of the last validation pass; returns its numbers for metrics.json. */
    static Map<String, Object> finalReport(PrintStream out, EpochMeter val) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("val_loss", val.meanLoss());
        if (val.confusion != null) {
            out.println();
            out.println("Confusion matrix (validation):");
            String drawn = val.confusion.format(Normalize.NONE);
            out.print(drawn);
            if (!drawn.endsWith("\n")) out.println();
            long[][] cm = val.confusion.matrix();
            ConfusionResult r = val.confusion.compute();
            out.println();
            out.print(classificationReport(cm, r, FashionMnist.CLASSES));
            m.put("accuracy", r.accuracy());
            m.put("balanced_accuracy", r.balancedAccuracy());
            m.put("kappa", r.kappa());
            m.put("macro_precision", r.macroPrecision());
            m.put("macro_recall", r.macroRecall());
            m.put("macro_f1", r.macroF1());
            double[] w = weighted(cm, r);
            m.put("weighted_precision", w[0]);
            m.put("weighted_recall", w[1]);
            m.put("weighted_f1", w[2]);
            List<Object> per = new ArrayList<>();
            double[] p = r.precision(), rc = r.recall(), f = r.f1(), iou = r.iou();
            for (int c = 0; c < cm.length; c++) {
                Map<String, Object> pc = new LinkedHashMap<>();
                pc.put("class", FashionMnist.CLASSES[c]);
                pc.put("precision", p[c]);
                pc.put("recall", rc[c]);
                pc.put("f1", f[c]);
                pc.put("iou", iou[c]);
                pc.put("support", support(cm, c));
                per.add(pc);
            }
            m.put("per_class", per);
            List<Object> rows = new ArrayList<>();
            for (long[] row : cm) rows.add(row);
            m.put("confusion_matrix", rows);
        } else {
            SegmentationScores s = val.segmentation.compute();
            out.println();
            out.println("Segmentation (validation, all pixels):");
            String report = s.report();
            out.print(report);
            // the metrics' own note covers a foreground under 10%; garments are ~15% of a canvas,
            // which still makes accuracy flattering, so say it whenever the two disagree
            if (!report.contains("note:") && s.accuracy() - s.dice() > 0.1) {
                out.printf(Locale.ROOT, "note: pixel accuracy %.2f but Dice %.2f: the garment covers %.0f%% of the pixels, so a mask of "
                        + "background alone would already score accuracy %.2f. Dice and IoU ignore the true negatives and score the "
                        + "garment itself; judge the model by them.%n", s.accuracy(), s.dice(), 100 * s.foreground(), 1 - s.foreground());
            }
            m.put("dice", s.dice());
            m.put("iou", s.iou());
            m.put("pixel_accuracy", s.accuracy());
            m.put("precision", s.precision());
            m.put("recall", s.recall());
            m.put("foreground", s.foreground());
            m.put("predicted_foreground", s.predictedForeground());
            m.put("counts_tp_fp_fn_tn", val.segmentation.counts());
        }
        return m;
    }

    static long support(long[][] cm, int c) {
        long s = 0;
        for (long v : cm[c]) s += v;
        return s;
    }

    /** Precision, recall, F1 averaged with each class weighted by its support (scikit-learn's "weighted"). */
    static double[] weighted(long[][] cm, ConfusionResult r) {
        double total = 0, p = 0, rc = 0, f = 0;
        double[] ps = r.precision(), rs = r.recall(), fs = r.f1();
        for (int c = 0; c < cm.length; c++) {
            long n = support(cm, c);
            total += n;
            p += n * ps[c];
            rc += n * rs[c];
            f += n * fs[c];
        }
        return total == 0 ? new double[] {0, 0, 0} : new double[] {p / total, rc / total, f / total};
    }

    /** scikit-learn's classification_report layout: per class, accuracy, macro and weighted averages. */
    static String classificationReport(long[][] cm, ConfusionResult r, String[] names) {
        StringBuilder sb = new StringBuilder();
        int wName = 12;
        for (String n : names) wName = Math.max(wName, n.length());
        String head = "%" + wName + "s  %9s %9s %9s %9s%n";
        String line = "%" + wName + "s  %9.4f %9.4f %9.4f %9d%n";
        sb.append(String.format(Locale.ROOT, head, "", "precision", "recall", "f1-score", "support"));
        sb.append('\n');
        double[] p = r.precision(), rc = r.recall(), f = r.f1();
        long total = 0;
        for (int c = 0; c < cm.length; c++) {
            long n = support(cm, c);
            total += n;
            sb.append(String.format(Locale.ROOT, line, names[c], p[c], rc[c], f[c], n));
        }
        sb.append('\n');
        sb.append(String.format(Locale.ROOT, "%" + wName + "s  %9s %9s %9.4f %9d%n", "accuracy", "", "", r.accuracy(), total));
        sb.append(String.format(Locale.ROOT, line, "macro avg", r.macroPrecision(), r.macroRecall(), r.macroF1(), total));
        double[] w = weighted(cm, r);
        sb.append(String.format(Locale.ROOT, line, "weighted avg", w[0], w[1], w[2], total));
        return sb.toString();
    }

    /** metrics.json (every number so far) and the loss / lr plots; rewritten after each epoch. */
    static void writeProgress(RunFolder folder, Options o, TaskData data, Device device, History h, Map<String, Object> fin)
            throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("command", "train");
        m.put("written", Instant.now().toString());
        m.put("config", RunFolder.config(o));
        m.put("data", data.description());
        m.put("device", device.toString());
        m.put("epochs", h.epochs);
        if (fin != null) m.put("final", fin);
        AtomicFiles.writeString(folder.file("metrics.json"), Json.pretty(m));
        List<Double> val = h.series("val_loss");
        Plots.loss(folder.file("loss.png"), h.series("train_loss"), val);
        Plots.lr(folder.file("lr.png"), h.series("lr"));
        String score = headlineScore(o.task);
        Plots.score(folder.file(score + ".png"), o.task == Options.Task.CLASSIFY ? "Accuracy" : "Dice", h.series("train." + score),
                h.series("val." + score));
    }

    /** The score a task is judged by, plotted per epoch: accuracy, or Dice for segmentation. */
    static String headlineScore(Options.Task task) { return task == Options.Task.CLASSIFY ? "accuracy" : "dice"; }

    /** The per-epoch plots of a run, as the closing line lists them. */
    static String plotNames(Options.Task task) { return "loss.png, lr.png, " + headlineScore(task) + ".png"; }

    static void confusionPlot(RunFolder folder, EpochMeter val) throws IOException {
        if (val.confusion != null) Plots.confusion(folder.file("confusion_matrix.png"), val.confusion.matrix(), FashionMnist.CLASSES);
    }

    /** segmentation_samples.png: the first validation samples, their masks and the model's (logit > 0, i.e. probability > 0.5). */
    static void segmentationSamples(RunFolder folder, Options o, Module model, Dataset<Sample> val, Device device) throws IOException {
        int n = Math.min(o.showSamples, val.size());
        if (n == 0) return;
        float[][] in = new float[n][], mask = new float[n][], pred = new float[n][];
        int h = 0, w = 0;
        model.eval();
        try (var off = Grad.off()) {
            for (int i = 0; i < n; i++) {
                try (Sample s = val.get(i); Scope scope = Scope.open()) {
                    h = s.input().size(-2);
                    w = s.input().size(-1);
                    in[i] = s.input().toFloatArray();
                    mask[i] = s.target().toFloatArray();
                    Tensor logits = model.forward(s.input().unsqueeze(0).to(device));
                    float[] l = logits.toFloatArray();
                    pred[i] = new float[l.length];
                    for (int k = 0; k < l.length; k++) pred[i][k] = l[k] > 0 ? 1f : 0f;
                }
            }
        }
        ImageGrid.write(folder.file("segmentation_samples.png"), in, mask, pred, h, w, 4);
    }
}
