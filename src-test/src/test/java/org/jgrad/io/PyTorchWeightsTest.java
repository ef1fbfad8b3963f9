package org.jgrad.io;

import org.jgrad.autograd.Grad;
import org.jgrad.nn.BatchNorm2d;
import org.jgrad.nn.Conv2d;
import org.jgrad.nn.Flatten;
import org.jgrad.nn.Linear;
import org.jgrad.nn.MaxPool2d;
import org.jgrad.nn.Module;
import org.jgrad.nn.ReLU;
import org.jgrad.nn.Sequential;
import org.jgrad.nn.UNet;
import org.jgrad.nn.loss.BCEWithLogitsLoss;
import org.jgrad.optim.SGD;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Generator;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Weights move between PyTorch and jgrad under PyTorch's own names. The fixtures come from
 * PyTorch 1.13 (src-test/refs/interop/make_torch_fixtures.py): the same small CNN and U-Net,
 * trained a few steps, their state_dicts and eval outputs for a fixed input. The reverse
 * direction runs that script on a state dict jgrad saved, where a Python with torch is found.
 */
class PyTorchWeightsTest {
    private static final double TOLERANCE = 1e-5;

    /** The training app's CNN at width 4, as the script's {@code cnn()}. */
    static Module cnn(Generator g) {
        int w = 4;
        return new Sequential(
                new Conv2d(1, w, 3, 1, 1, g), new ReLU(), new MaxPool2d(2),
                new Conv2d(w, 2 * w, 3, 1, 1, g), new ReLU(), new MaxPool2d(2),
                new Flatten(), new Linear(2 * w * 7 * 7, 4 * w, g), new ReLU(), new Linear(4 * w, 10, g));
    }

    static Module unet(Generator g) { return new UNet(1, 1, 4, 3, g); }

    @TempDir
    Path dir;

    @Test
    void stateDictNamesShapesAndTypesAreThoseOfPyTorch() throws IOException {
        for (String name : List.of("cnn", "unet")) {
            Map<String, Tensor> torch = fixture("torch_" + name + ".safetensors");
            Map<String, Tensor> mine = build(name, new Generator(1)).stateDict();
            assertEquals(List.copyOf(torch.keySet()), List.copyOf(mine.keySet()), name + ": names, in PyTorch's order");
            torch.forEach((k, t) -> {
                assertArrayEquals(t.shape(), mine.get(k).shape(), name + ": shape of " + k);
                assertEquals(t.dtype(), mine.get(k).dtype(), name + ": dtype of " + k);
            });
        }
        // spelled out, the conventions the comparison above relies on
        Map<String, Tensor> bn = new Sequential(new Conv2d(1, 2, 3), new BatchNorm2d(2)).stateDict();
        assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked"),
                List.copyOf(bn.keySet()));
        assertEquals(DType.INT64, bn.get("1.num_batches_tracked").dtype());
        assertEquals(0, bn.get("1.num_batches_tracked").dim(), "a scalar, as PyTorch's");
    }

    @Test
    void jgradReproducesPyTorchsCnn() throws IOException { assertReproduces("cnn"); }

    @Test
    void jgradReproducesPyTorchsUNet() throws IOException { assertReproduces("unet"); }

    /** PyTorch's float16 and bfloat16 tensors load as float32 holding exactly the values PyTorch widens them to. */
    @Test
    void halfPrecisionWeightsLoadAsFloat32() throws IOException {
        Map<String, Tensor> t = fixture("torch_half.safetensors");
        for (String code : List.of("f16", "bf16")) {
            assertEquals(DType.FLOAT32, t.get(code).dtype(), code);
            assertArrayEquals(t.get(code + "_as_f32").shape(), t.get(code).shape(), code);
            assertArrayEquals(t.get(code + "_as_f32").toFloatArray(), t.get(code).toFloatArray(), code);
        }
    }

    /** jgrad trains and saves; PyTorch loads with strict names and must give jgrad's outputs. */
    @Test
    void pyTorchReproducesJgrad() throws Exception {
        String python = pythonWithTorch();
        Assumptions.assumeTrue(python != null, "no Python with torch here; the fixtures test the other direction");
        Generator g = new Generator(11);
        for (String name : List.of("cnn", "unet")) {
            Module model = build(name, g);
            if (name.equals("unet")) { // a few steps, so the saved running statistics are not the initial ones
                SGD sgd = new SGD(model.parameters(), 0.05, 0.9);
                for (int step = 0; step < 3; step++) {
                    sgd.zeroGrad();
                    new BCEWithLogitsLoss().forward(model.forward(Tensor.randn(g, 4, 1, 16, 16)),
                            Tensor.rand(g, 4, 1, 16, 16).gt(0.5).to(DType.FLOAT32)).backward();
                    sgd.step();
                }
            }
            model.eval();
            Tensor x = name.equals("cnn") ? Tensor.randn(g, 3, 1, 28, 28) : Tensor.randn(g, 3, 1, 16, 16);
            Tensor y;
            try (var off = Grad.off()) {
                y = model.forward(x);
            }
            Safetensors.save(model.stateDict(), Map.of("format", "pt"), dir.resolve("jgrad_" + name + ".safetensors"));
            LinkedHashMap<String, Tensor> io = new LinkedHashMap<>();
            io.put("input", x);
            io.put("output", y);
            Safetensors.save(io, null, dir.resolve("jgrad_" + name + "_io.safetensors"));
        }
        Path script = Path.of("refs", "interop", "make_torch_fixtures.py");
        assertTrue(Files.exists(script), "run from the src-test module: " + script.toAbsolutePath());
        Process p = new ProcessBuilder(python, script.toString(), "--check-jgrad", dir.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the script did not finish");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("cnn: PyTorch reproduces jgrad") && out.contains("unet: PyTorch reproduces jgrad"), out);
    }

    private void assertReproduces(String name) throws IOException {
        Module model = build(name, new Generator(2));
        model.loadStateDict(fixture("torch_" + name + ".safetensors"), true);
        model.eval();
        Map<String, Tensor> io = fixture("torch_" + name + "_io.safetensors");
        float[] expected = io.get("output").toFloatArray();
        Tensor out;
        try (var off = Grad.off()) {
            out = model.forward(io.get("input"));
        }
        assertArrayEquals(io.get("output").shape(), out.shape(), name + ": output shape");
        float[] actual = out.toFloatArray();
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], TOLERANCE * Math.max(1, Math.abs(expected[i])), name + ": output element " + i);
        }
    }

    private static Module build(String name, Generator g) { return name.equals("cnn") ? cnn(g) : unet(g); }

    private LinkedHashMap<String, Tensor> fixture(String file) throws IOException {
        Path f = dir.resolve(file);
        if (!Files.exists(f)) {
            try (InputStream in = getClass().getResourceAsStream("/interop/" + file)) {
                assertNotNull(in, "missing fixture /interop/" + file + " (src-test/refs/interop/make_torch_fixtures.py writes it)");
                Files.copy(in, f);
            }
        }
        return Safetensors.load(f);
    }

    /** The Python that runs the script: $JGRAD_PYTHON, else the system's python3, else python3 on the path; null without torch. */
    private static String pythonWithTorch() {
        List<String> candidates = new ArrayList<>();
        if (System.getenv("JGRAD_PYTHON") != null) candidates.add(System.getenv("JGRAD_PYTHON"));
        candidates.add("/usr/bin/python3");
        candidates.add("python3");
        for (String c : candidates) {
            try {
                Process p = new ProcessBuilder(c, "-c", "import torch, numpy").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) return c;
            } catch (IOException | InterruptedException e) {
                // not there: try the next
            }
        }
        return null;
    }
}
