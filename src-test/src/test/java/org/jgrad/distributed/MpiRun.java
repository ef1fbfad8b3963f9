package org.jgrad.distributed;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Launches a main class of the test class path under {@code mpirun -np N}, with the test JVM's
 * own java binary and class path, and a wall-clock limit so a hang fails the test instead of
 * the build. Without mpirun the calling test is skipped, except in CI (the CI variable set),
 * where CI installs Open MPI and its absence is a failure.
 */
final class MpiRun {
    private MpiRun() {}

    record Result(int exit, String output, long millis) {}

    static String mpirun() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isBlank()) continue;
            Path p = Path.of(dir, "mpirun");
            if (Files.isExecutable(p)) return p.toString();
        }
        return null;
    }

    /** Skips (or, in CI, fails) when mpirun is absent; returns its path otherwise. */
    static String requireMpirun() { return requireMpirun(mpirun(), System.getenv("CI")); }

    static String requireMpirun(String mpirun, String ci) {
        if (mpirun == null) {
            if (ci != null && !ci.isBlank() && !ci.equalsIgnoreCase("false")) {
                throw new AssertionError("CI is set but mpirun is not on PATH: .ci/run installs Open MPI (openmpi-bin); "
                        + "the distributed tests must run in CI");
            }
            Assumptions.assumeTrue(false, "mpirun is not on PATH: the MPI tests are skipped (apt-get install openmpi-bin to run them)");
        }
        return mpirun;
    }

    static Result run(Path workDir, int np, long timeoutSeconds, Class<?> main, String... args) throws IOException, InterruptedException {
        return run(workDir, np, timeoutSeconds, java.util.Map.of(), main, args);
    }

    static Result run(Path workDir, int np, long timeoutSeconds, java.util.Map<String, String> env, Class<?> main, String... args)
            throws IOException, InterruptedException {
        String mpirun = requireMpirun();
        Files.createDirectories(workDir);
        List<String> cmd = new ArrayList<>(List.of(mpirun, "--allow-run-as-root", "--oversubscribe", "-np", Integer.toString(np),
                // one core per rank is plenty here and binding would crowd small CI machines
                "--bind-to", "none",
                // containers often forbid the cross-memory attach that shared-memory transfers use
                "--mca", "btl_vader_single_copy_mechanism", "none"));
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(List.of("--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx512m",
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djgrad.threads=1", "-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(List.of(args));
        Path log = workDir.resolve("mpirun-output.txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        // a rank stuck in a collective aborts the job well before the test's own limit
        pb.environment().put(ProcessGroup.TIMEOUT_ENV, Long.toString(Math.max(5, timeoutSeconds / 3)));
        pb.environment().putAll(env);
        long t0 = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("mpirun -np " + np + " " + main.getSimpleName() + " did not finish in " + timeoutSeconds
                    + " s (a hang); output:\n" + Files.readString(log, StandardCharsets.UTF_8));
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8), ms);
    }
}
