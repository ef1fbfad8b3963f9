package org.jgrad.distributed;

import java.util.Map;

/**
 * What the launcher told this process through the environment: Open MPI's {@code mpirun} sets
 * {@code OMPI_COMM_WORLD_RANK}, {@code _SIZE} and {@code _LOCAL_RANK}; MPICH's Hydra and other
 * PMI launchers set {@code PMI_RANK} and {@code PMI_SIZE} (and sometimes
 * {@code MPI_LOCALRANKID}); {@code torchrun} and Kubernetes jobs set {@code RANK},
 * {@code WORLD_SIZE}, {@code LOCAL_RANK}, {@code MASTER_ADDR} and {@code MASTER_PORT} (the
 * environment rendezvous: rank 0 serves a {@link TcpStore} at that address). The MPI variables
 * win when both kinds are present. Pure parsing, so it is unit-tested without a launcher.
 *
 * @param launcher   "openmpi", "pmi", "env" (torchrun-style variables) or "none" (no launcher)
 * @param masterAddr rank 0's host for the environment rendezvous; null unless launcher is "env"
 * @param masterPort rank 0's port for the environment rendezvous; 0 unless launcher is "env"
 */
public record LauncherEnv(String launcher, int rank, int worldSize, int localRank, String masterAddr, int masterPort) {
    public static final LauncherEnv NONE = new LauncherEnv("none", 0, 1, 0);

    /** The environment variables of the torchrun-style rendezvous. */
    public static final String RANK = "RANK", WORLD_SIZE = "WORLD_SIZE", LOCAL_RANK = "LOCAL_RANK",
            MASTER_ADDR = "MASTER_ADDR", MASTER_PORT = "MASTER_PORT";

    public LauncherEnv {
        if (worldSize < 1) throw new IllegalArgumentException("world size must be >= 1, got " + worldSize);
        if (rank < 0 || rank >= worldSize) throw new IllegalArgumentException("rank " + rank + " is outside 0.." + (worldSize - 1));
        if (localRank < 0) throw new IllegalArgumentException("local rank must be >= 0, got " + localRank);
        if (masterPort < 0 || masterPort > 65535) throw new IllegalArgumentException("master port must be in 0..65535, got " + masterPort);
    }

    /** A launcher without a rendezvous address (the MPI launchers, or none). */
    public LauncherEnv(String launcher, int rank, int worldSize, int localRank) {
        this(launcher, rank, worldSize, localRank, null, 0);
    }

    /** True when an MPI launcher started this process (even with one rank). */
    public boolean launchedByMpi() { return launcher.equals("openmpi") || launcher.equals("pmi"); }

    /** True when torchrun-style variables ({@code RANK}, {@code WORLD_SIZE}, ...) started this process and no MPI launcher did. */
    public boolean launchedByEnvironment() { return launcher.equals("env"); }

    public static LauncherEnv fromEnvironment() { return parse(System.getenv()); }

    public static LauncherEnv parse(Map<String, String> env) {
        if (env.containsKey("OMPI_COMM_WORLD_SIZE")) {
            int size = number(env, "OMPI_COMM_WORLD_SIZE");
            int rank = number(env, "OMPI_COMM_WORLD_RANK");
            int local = env.containsKey("OMPI_COMM_WORLD_LOCAL_RANK") ? number(env, "OMPI_COMM_WORLD_LOCAL_RANK") : rank;
            return checked("openmpi", rank, size, local, null, 0);
        }
        if (env.containsKey("PMI_SIZE")) {
            int size = number(env, "PMI_SIZE");
            int rank = number(env, "PMI_RANK");
            int local = env.containsKey("MPI_LOCALRANKID") ? number(env, "MPI_LOCALRANKID") : rank;
            return checked("pmi", rank, size, local, null, 0);
        }
        if (env.containsKey(WORLD_SIZE) || env.containsKey(RANK)) {
            int size = number(env, WORLD_SIZE);
            int rank = number(env, RANK);
            int local = env.containsKey(LOCAL_RANK) ? number(env, LOCAL_RANK) : rank;
            String addr = env.get(MASTER_ADDR);
            String port = env.get(MASTER_PORT);
            if (size > 1 && (addr == null || addr.isBlank())) {
                throw new DistributedException("the torchrun-style environment sets " + WORLD_SIZE + "=" + size + " but not " + MASTER_ADDR
                        + " (the host of rank 0, which serves the rendezvous)");
            }
            if (size > 1 && port == null) {
                throw new DistributedException("the torchrun-style environment sets " + WORLD_SIZE + "=" + size + " but not " + MASTER_PORT
                        + " (the TCP port rank 0 listens on for the rendezvous)");
            }
            int p = port == null ? 0 : number(env, MASTER_PORT);
            if (port != null && (p < 1 || p > 65535)) {
                throw new DistributedException("environment variable " + MASTER_PORT + " must be a TCP port in 1..65535, got '" + port + "'");
            }
            return checked("env", rank, size, local, addr == null || addr.isBlank() ? null : addr.trim(), p);
        }
        return NONE;
    }

    private static LauncherEnv checked(String launcher, int rank, int size, int local, String addr, int port) {
        try {
            return new LauncherEnv(launcher, rank, size, local, addr, port);
        } catch (IllegalArgumentException e) {
            throw new DistributedException("the " + launcher + " launcher's environment is inconsistent: " + e.getMessage());
        }
    }

    private static int number(Map<String, String> env, String name) {
        String v = env.get(name);
        if (v == null) throw new DistributedException("the launcher set some of its variables but not " + name);
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new DistributedException("environment variable " + name + " must be an integer, got '" + v + "'");
        }
    }
}
