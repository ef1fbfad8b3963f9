package org.jgrad.cuda;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The generated PTX files are committed (the jar and ptxas read them without Python), so this
 * runs the generator in check mode: it writes every file to a temporary directory and compares
 * byte for byte with cuda-kernels/src/main/ptx. A hand edit of a generated file, or a generator
 * edit without regenerating, fails here naming the file. Python 3 is part of the build's
 * requirements: without it the test fails (it does not skip), saying so.
 */
class PtxFreshnessTest {
    private static final String GENERATOR = "cuda-kernels/scripts/gen_tensor_ptx.py";
    /** The interpreter; -Djgrad.python=... names another (e.g. one that does not exist, to see the message). */
    private static final String PYTHON = System.getProperty("jgrad.python", "python3");

    @Test
    void committedGeneratedPtxMatchesItsGenerator() throws IOException, InterruptedException {
        Path root = projectRoot();
        ProcessBuilder pb = new ProcessBuilder(PYTHON, root.resolve(GENERATOR).toString(), "--check")
                .directory(root.toFile()).redirectErrorStream(true);
        pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            fail(PYTHON + " could not be started, so the generated PTX cannot be checked against " + GENERATOR
                    + ": install Python 3 and put python3 on the PATH (" + e.getMessage() + ")");
            return;
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(GENERATOR + " --check did not finish in 120 s:\n" + output);
        }
        assertEquals(0, p.exitValue(), "generated PTX is stale; run python3 " + GENERATOR + " and commit the result:\n" + output);
    }

    /** The directory holding cuda-kernels/, found upwards from the working directory. */
    private static Path projectRoot() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve(GENERATOR))) return d;
        }
        throw new IllegalStateException(GENERATOR + " not found above " + Path.of("").toAbsolutePath());
    }
}
