package org.jgrad.distributed;

import java.util.Map;

/**
 * What the launcher told this process through the environment: Open MPI's {@code mpirun} sets
 * {@code OMPI_COMM_WORLD_RANK}, {@code _SIZE} and {@code _LOCAL_RANK}; MPICH's Hydra and other
 * PMI launchers set {@code PMI_RANK} and {@code PMI_SIZE} (and sometimes
 * {@code MPI_LOCALRANKID}). Pure parsing, so it is unit-tested without a launcher.
 *
 * @param launcher "openmpi", "pmi" or "none" (not launched by an MPI launcher)
 */
public record LauncherEnv(String launcher, int rank, int worldSize, int localRank) {
    public static final LauncherEnv NONE = new LauncherEnv("none", 0, 1, 0);

    public LauncherEnv {
        if (worldSize < 1) throw new IllegalArgumentException("world size must be >= 1, got " + worldSize);
        if (rank < 0 || rank >= worldSize) throw new IllegalArgumentException("rank " + rank + " is outside 0.." + (worldSize - 1));
        if (localRank < 0) throw new IllegalArgumentException("local rank must be >= 0, got " + localRank);
    }

    /** True when an MPI launcher started this process (even with one rank). */
    public boolean launchedByMpi() { return !launcher.equals("none"); }

    public static LauncherEnv fromEnvironment() { return parse(System.getenv()); }

    public static LauncherEnv parse(Map<String, String> env) {
        if (env.containsKey("OMPI_COMM_WORLD_SIZE")) {
            int size = number(env, "OMPI_COMM_WORLD_SIZE");
            int rank = number(env, "OMPI_COMM_WORLD_RANK");
            int local = env.containsKey("OMPI_COMM_WORLD_LOCAL_RANK") ? number(env, "OMPI_COMM_WORLD_LOCAL_RANK") : rank;
            return checked("openmpi", rank, size, local);
        }
        if (env.containsKey("PMI_SIZE")) {
            int size = number(env, "PMI_SIZE");
            int rank = number(env, "PMI_RANK");
            int local = env.containsKey("MPI_LOCALRANKID") ? number(env, "MPI_LOCALRANKID") : rank;
            return checked("pmi", rank, size, local);
        }
        return NONE;
    }

    private static LauncherEnv checked(String launcher, int rank, int size, int local) {
        try {
            return new LauncherEnv(launcher, rank, size, local);
        } catch (IllegalArgumentException e) {
            throw new DistributedException("the " + launcher + " launcher's environment is inconsistent: " + e.getMessage());
        }
    }

    private static int number(Map<String, String> env, String name) {
        String v = env.get(name);
        if (v == null) throw new DistributedException("the launcher set some MPI variables but not " + name);
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new DistributedException("environment variable " + name + " must be an integer, got '" + v + "'");
        }
    }
}
