package org.jgrad.distributed;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LauncherEnvTest {
    @Test
    void openMpiVariablesGiveRankSizeAndLocalRank() {
        LauncherEnv e = LauncherEnv.parse(Map.of("OMPI_COMM_WORLD_RANK", "3", "OMPI_COMM_WORLD_SIZE", "4", "OMPI_COMM_WORLD_LOCAL_RANK", "1"));
        assertEquals(new LauncherEnv("openmpi", 3, 4, 1), e);
        assertTrue(e.launchedByMpi());
    }

    @Test
    void pmiVariablesAreUnderstoodToo() {
        assertEquals(new LauncherEnv("pmi", 1, 2, 1), LauncherEnv.parse(Map.of("PMI_RANK", "1", "PMI_SIZE", "2")));
        assertEquals(new LauncherEnv("pmi", 1, 2, 0), LauncherEnv.parse(Map.of("PMI_RANK", "1", "PMI_SIZE", "2", "MPI_LOCALRANKID", "0")));
    }

    @Test
    void noLauncherMeansOneProcess() {
        LauncherEnv e = LauncherEnv.parse(Map.of("HOME", "/root"));
        assertFalse(e.launchedByMpi());
        assertEquals(1, e.worldSize());
        assertEquals("single", ProcessGroup.fromEnvironment().backendName()); // the test JVM is not under mpirun
    }

    @Test
    void inconsistentVariablesAreReportedByName() {
        var e1 = assertThrows(DistributedException.class, () -> LauncherEnv.parse(Map.of("OMPI_COMM_WORLD_SIZE", "2")));
        assertTrue(e1.getMessage().contains("OMPI_COMM_WORLD_RANK"), e1.getMessage());
        var e2 = assertThrows(DistributedException.class, () -> LauncherEnv.parse(Map.of("PMI_RANK", "x", "PMI_SIZE", "2")));
        assertTrue(e2.getMessage().contains("PMI_RANK") && e2.getMessage().contains("'x'"), e2.getMessage());
        var e3 = assertThrows(DistributedException.class, () -> LauncherEnv.parse(Map.of("PMI_RANK", "2", "PMI_SIZE", "2")));
        assertTrue(e3.getMessage().contains("rank 2 is outside 0..1"), e3.getMessage());
    }

    @Test
    void torchrunVariablesGiveRankSizeLocalRankAndTheRendezvousAddress() {
        LauncherEnv e = LauncherEnv.parse(Map.of("RANK", "5", "WORLD_SIZE", "8", "LOCAL_RANK", "1",
                "MASTER_ADDR", "node0.cluster", "MASTER_PORT", "29500"));
        assertEquals(new LauncherEnv("env", 5, 8, 1, "node0.cluster", 29500), e);
        assertTrue(e.launchedByEnvironment());
        assertFalse(e.launchedByMpi());
        // one process needs no rendezvous address
        assertEquals(new LauncherEnv("env", 0, 1, 0, null, 0), LauncherEnv.parse(Map.of("RANK", "0", "WORLD_SIZE", "1")));
        // the MPI launcher's variables win when both kinds are present
        assertEquals("openmpi", LauncherEnv.parse(Map.of("OMPI_COMM_WORLD_RANK", "0", "OMPI_COMM_WORLD_SIZE", "2",
                "RANK", "1", "WORLD_SIZE", "2", "MASTER_ADDR", "h", "MASTER_PORT", "1")).launcher());
    }

    @Test
    void incompleteTorchrunVariablesAreReportedByName() {
        var noAddr = assertThrows(DistributedException.class, () -> LauncherEnv.parse(Map.of("RANK", "1", "WORLD_SIZE", "2", "MASTER_PORT", "29500")));
        assertTrue(noAddr.getMessage().contains("sets WORLD_SIZE=2 but not MASTER_ADDR"), noAddr.getMessage());
        var noPort = assertThrows(DistributedException.class, () -> LauncherEnv.parse(Map.of("RANK", "1", "WORLD_SIZE", "2", "MASTER_ADDR", "h")));
        assertTrue(noPort.getMessage().contains("sets WORLD_SIZE=2 but not MASTER_PORT"), noPort.getMessage());
        var badPort = assertThrows(DistributedException.class, () -> LauncherEnv.parse(Map.of("RANK", "1", "WORLD_SIZE", "2",
                "MASTER_ADDR", "h", "MASTER_PORT", "70000")));
        assertTrue(badPort.getMessage().contains("MASTER_PORT must be a TCP port in 1..65535, got '70000'"), badPort.getMessage());
        var noSize = assertThrows(DistributedException.class, () -> LauncherEnv.parse(Map.of("RANK", "1")));
        assertTrue(noSize.getMessage().contains("not WORLD_SIZE"), noSize.getMessage());
        var outside = assertThrows(DistributedException.class, () -> LauncherEnv.parse(Map.of("RANK", "2", "WORLD_SIZE", "2",
                "MASTER_ADDR", "h", "MASTER_PORT", "1")));
        assertTrue(outside.getMessage().contains("rank 2 is outside 0..1"), outside.getMessage());
    }

    @Test
    void cpuTensorsUnderTorchrunVariablesAreRefusedInsteadOfTrainingAlone() {
        LauncherEnv env = new LauncherEnv("env", 1, 2, 1, "h", 29500);
        var e = assertThrows(DistributedException.class, () -> ProcessGroups.forCpu(env, java.time.Duration.ofSeconds(1)));
        assertTrue(e.getMessage().startsWith("rank 1 of 2: the torchrun-style variables"), e.getMessage());
        assertTrue(e.getMessage().contains("launch with mpirun"), e.getMessage());
        assertEquals("single", ProcessGroups.forCpu(new LauncherEnv("env", 0, 1, 0, null, 0), java.time.Duration.ofSeconds(1)).backendName());
    }

    @Test
    void aDeviceTypeWithoutAProcessGroupIsNamed() {
        var e = assertThrows(DistributedException.class, () -> ProcessGroups.provider("tpu"));
        assertTrue(e.getMessage().startsWith("no process group serves tpu tensors: the jgrad-tpu module"), e.getMessage());
        assertEquals("cuda", ProcessGroups.provider("cuda").deviceType(), "jgrad-cuda registers NCCL for cuda");
    }
}
