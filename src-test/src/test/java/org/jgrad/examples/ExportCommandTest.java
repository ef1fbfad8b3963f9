package org.jgrad.examples;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import org.jgrad.autograd.Grad;
import org.jgrad.data.FashionMnist;
import org.jgrad.data.Sample;
import org.jgrad.data.Transforms;
import org.jgrad.nn.Module;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code jgrad export --format onnx} writes a trained run's model so that ONNX Runtime computes
 * what {@code jgrad evaluate} computes; wrong formats and missing checkpoints are one-line errors.
 */
class ExportCommandTest {
    @Test
    void exportedCnnGivesJgradsOutputInOnnxRuntime(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("run");
        assertEquals(0, Main.run(new String[] {"train", "--model", "cnn", "--width", "4", "--epochs", "1", "--train-samples", "128",
                "--val-samples", "32", "--batch-size", "32", "--workers", "0", "--progress", "none", "--device", "cpu",
                "--out", out.toString()}));
        Path file = tmp.resolve("model.onnx");
        assertEquals(0, Main.run(new String[] {"export", "--format", "onnx", "--out", out.toString(), "--file", file.toString()}));
        assertTrue(Files.size(file) > 0);

        // jgrad's evaluation output for the first validation image, normalized as evaluate's loader does
        Options o = OptionParser.parse("export", new String[] {"--out", out.toString()});
        Module model = Evaluator.load(o, out.resolve("checkpoints/epoch-0001")).model();
        model.eval();
        Sample s = Transforms.normalize(new double[] {TaskData.MEAN}, new double[] {TaskData.STD})
                .apply(FashionMnist.bundled(false).get(0), null);
        Tensor x = s.input().reshape(1, 1, 28, 28);
        float[] expected;
        try (var off = Grad.off()) {
            expected = model.forward(x).contiguous().toFloatArray();
        }

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(file.toString(), new OrtSession.SessionOptions());
             OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.contiguous().toFloatArray()), new long[] {1, 1, 28, 28});
             OrtSession.Result r = session.run(Map.of("input", in))) {
            OnnxTensor y = (OnnxTensor) r.get("output").orElseThrow();
            assertArrayEquals(new long[] {1, 10}, y.getInfo().getShape());
            float[] actual = new float[10];
            y.getFloatBuffer().get(actual);
            assertArrayEquals(expected, actual, 1e-5f);
        }
    }

    @Test
    void unknownFormatIsAUsageErrorNamingOptionAndValue() {
        CliException e = assertThrows(CliException.class, () -> Main.run(new String[] {"export", "--format", "tflite"}));
        assertTrue(e.getMessage().contains("--format") && e.getMessage().contains("'tflite'"), e.getMessage());
    }

    @Test
    void missingCheckpointNamesTheFolder(@TempDir Path tmp) {
        Path out = tmp.resolve("nothing-here");
        AppException e = assertThrows(AppException.class, () -> Main.run(new String[] {"export", "--out", out.toString()}));
        assertTrue(e.getMessage().contains(out.toString()), e.getMessage());
        Path cp = tmp.resolve("no-such-checkpoint");
        e = assertThrows(AppException.class, () -> Main.run(new String[] {"export", "--checkpoint", cp.toString(), "--out", out.toString()}));
        assertTrue(e.getMessage().contains(cp.toString()), e.getMessage());
    }

    @Test
    void helpListsOnlyExportOptions() {
        String help = OptionParser.usage("export");
        assertTrue(help.contains("--format") && help.contains("--file") && help.contains("--checkpoint"), help);
        assertFalse(help.contains("--lr") || help.contains("--epochs") || help.contains("--batch-size"), help);
    }
}
