package org.jgrad.distributed;

import org.jgrad.tensor.Device;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Which process group a launch gets. CPU tensors: MPI under an MPI launcher, one process
 * without a launcher. Other devices: the {@link ProcessGroupProvider} registered for the
 * device type (NCCL for "cuda"), met through MPI under an MPI launcher, through rank 0's
 * {@link TcpStore} under torchrun-style variables, or alone without a launcher.
 */
final class ProcessGroups {
    private ProcessGroups() {}

    static ProcessGroup forCpu(LauncherEnv env, Duration timeout) {
        if (env.launchedByMpi()) return MpiProcessGroup.open(env, timeout);
        if (env.launchedByEnvironment() && env.worldSize() > 1) {
            throw new DistributedException("rank " + env.rank() + " of " + env.worldSize() + ": the torchrun-style variables ("
                    + LauncherEnv.RANK + ", " + LauncherEnv.WORLD_SIZE + ", ...) serve NCCL for CUDA tensors; collectives on CPU "
                    + "tensors run over MPI: launch with mpirun, or ask for the group of the GPU with ProcessGroup.fromEnvironment(Device.cuda(0))");
        }
        return new SingleProcessGroup();
    }

    static ProcessGroup forDevice(Device device, LauncherEnv env, Duration timeout) {
        if (device == null) throw new IllegalArgumentException("device must not be null");
        if (device.isCpu()) return forCpu(env, timeout);
        ProcessGroupProvider provider = provider(device.type());
        Rendezvous rv = rendezvous(env, timeout);
        try {
            return provider.open(rv, timeout);
        } catch (RuntimeException | LinkageError e) {
            rv.close(); // the provider should have closed it; closing twice is harmless
            throw e;
        }
    }

    /** How the ranks of this launch meet. */
    static Rendezvous rendezvous(LauncherEnv env, Duration timeout) {
        if (env.launchedByMpi()) return new MpiRendezvous(MpiProcessGroup.open(env, timeout));
        if (env.launchedByEnvironment() && env.worldSize() > 1) {
            TcpStore store = TcpStore.open(env.masterAddr(), env.masterPort(), env.rank(), env.worldSize(), timeout);
            return Rendezvous.over(store, env.localRank());
        }
        if (env.launchedByEnvironment()) return new LocalRendezvous(env.localRank());
        return Rendezvous.single();
    }

    static ProcessGroupProvider provider(String deviceType) {
        List<String> types = new ArrayList<>();
        for (ProcessGroupProvider p : ServiceLoader.load(ProcessGroupProvider.class)) {
            if (p.deviceType().equals(deviceType)) return p;
            types.add(p.deviceType());
        }
        throw new DistributedException("no process group serves " + deviceType + " tensors: the jgrad-" + deviceType
                + " module (org.jgrad:jgrad-" + deviceType + ") is not on the class path (device types with a process group: "
                + (types.isEmpty() ? "none besides the CPU" : String.join(", ", types)) + ")");
    }

    /** World size 1 started with torchrun-style variables: alone, but on the GPU its LOCAL_RANK names. */
    private record LocalRendezvous(int localRank) implements Rendezvous {
        @Override public int rank() { return 0; }
        @Override public int worldSize() { return 1; }
        @Override public String describe() { return "single process (" + LauncherEnv.WORLD_SIZE + "=1)"; }
        @Override public byte[] shareFromRankZero(String key, byte[] value) { return Rendezvous.single().shareFromRankZero(key, value); }
        @Override public void barrier() {}
        @Override public void close() {}
    }
}
