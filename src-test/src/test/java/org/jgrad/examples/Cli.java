package org.jgrad.examples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@code jgrad} as a separate JVM (the test's own class path), as a user would. */
final class Cli {
    private Cli() {}

    record Result(int exit, String stdout, String stderr) {
        List<String> errLines() {
            List<String> r = new ArrayList<>();
            for (String l : stderr.split("\n")) {
                // the JVM's own notice about the incubating Vector API is not ours
                if (!l.isBlank() && !l.contains("Using incubator modules")) r.add(l);
            }
            return r;
        }
    }

    static ProcessBuilder builder(Path logDir, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.add("--add-modules");
        cmd.add("jdk.incubator.vector");
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-Xmx1g");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("org.jgrad.examples.Main");
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectOutput(logDir.resolve("stdout.txt").toFile());
        pb.redirectError(logDir.resolve("stderr.txt").toFile());
        return pb;
    }

    static Result run(Path logDir, String... args) throws IOException, InterruptedException {
        return runIn(null, logDir, args);
    }

    /** {@link #run} in working directory {@code dir} (null: this JVM's). */
    static Result runIn(Path dir, Path logDir, String... args) throws IOException, InterruptedException {
        Files.createDirectories(logDir);
        ProcessBuilder pb = builder(logDir, args);
        if (dir != null) pb.directory(dir.toFile());
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("jgrad " + String.join(" ", args) + " did not finish in 120 s");
        }
        return new Result(p.exitValue(), Files.readString(logDir.resolve("stdout.txt"), StandardCharsets.UTF_8),
                Files.readString(logDir.resolve("stderr.txt"), StandardCharsets.UTF_8));
    }
}
