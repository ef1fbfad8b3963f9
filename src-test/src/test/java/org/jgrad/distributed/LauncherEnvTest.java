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
}
