package org.jgrad.distributed;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rendezvous the NCCL group uses to share its unique id, between real processes: under
 * mpirun (MPI_Bcast of the bytes) and as three JVMs started with torchrun-style variables
 * (rank 0's TCP store), including a rank started with a wrong WORLD_SIZE.
 */
class RendezvousProcessesTest {
    @TempDir Path tmp;

    @Test
    void underMpirunTheBytesTravelByMpiBroadcast() throws Exception {
        MpiRun.Result r = MpiRun.run(tmp, 2, 120, RendezvousMain.class, "30");
        assertEquals(0, r.exit(), () -> "mpirun failed:\n" + r.output());
        for (int rank = 0; rank < 2; rank++) {
            assertTrue(r.output().contains("rank " + rank + " of 2 local " + rank + " via mpi (") && r.output().contains("got " + RendezvousMain.expectedHex()),
                    "rank " + rank + ":\n" + r.output());
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private Process start(int rank, int worldSize, int port, Path out) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), RendezvousMain.class.getName(), "20"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("OMPI_") || k.startsWith("PMI_"));
        env.putAll(Map.of("RANK", "" + rank, "WORLD_SIZE", "" + worldSize, "LOCAL_RANK", "" + rank,
                "MASTER_ADDR", "127.0.0.1", "MASTER_PORT", "" + port));
        return pb.start();
    }

    private static String finish(Process p, Path out) throws Exception {
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("a rank hung; output:\n" + Files.readString(out, StandardCharsets.UTF_8));
        }
        return p.exitValue() + " " + Files.readString(out, StandardCharsets.UTF_8);
    }

    @Test
    void threeProcessesWithTorchrunVariablesMeetAtRankZerosStore() throws Exception {
        int port = freePort();
        List<Process> ps = new ArrayList<>();
        // the others first: they retry until rank 0 listens
        for (int rank : new int[] {2, 1, 0}) ps.add(start(rank, 3, port, tmp.resolve("rank" + rank + ".txt")));
        for (int i = 0; i < 3; i++) {
            int rank = new int[] {2, 1, 0}[i];
            String out = finish(ps.get(i), tmp.resolve("rank" + rank + ".txt"));
            assertTrue(out.startsWith("0 "), "rank " + rank + " failed: " + out);
            assertTrue(out.contains("rank " + rank + " of 3 local " + rank + " via TCP store 127.0.0.1:" + port + " got " + RendezvousMain.expectedHex()), out);
        }
    }

    @Test
    void aProcessWithAnotherWorldSizeIsRefusedAndRankZeroDoesNotHang() throws Exception {
        int port = freePort();
        Process zero = start(0, 2, port, tmp.resolve("rank0.txt"));
        Process one = start(1, 3, port, tmp.resolve("rank1.txt"));
        String o1 = finish(one, tmp.resolve("rank1.txt"));
        String o0 = finish(zero, tmp.resolve("rank0.txt"));
        assertTrue(o1.startsWith("2 ") && o1.contains("FAILED rank 1 of 3: rank 1 has WORLD_SIZE=3 but rank 0 has WORLD_SIZE=2"), o1);
        assertTrue(o0.startsWith("2 ") && o0.contains("FAILED rank 0 of 2:") && o0.contains("rank 1 has WORLD_SIZE=3 but rank 0 has WORLD_SIZE=2"), o0);
    }
}
