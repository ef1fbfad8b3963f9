package org.jgrad.distributed;

import java.time.Duration;
import java.util.HexFormat;

/**
 * One rank of a rendezvous, as the NCCL group uses it: rank 0 shares 128 bytes (the size of
 * an ncclUniqueId), every rank prints what it received and passes a barrier. Run under
 * mpirun (the bytes travel by MPI_Bcast) or as separate processes with torchrun-style
 * variables (they travel through rank 0's TCP store) by {@link RendezvousProcessesTest}.
 */
public final class RendezvousMain {
    public static void main(String[] args) {
        LauncherEnv env = LauncherEnv.fromEnvironment();
        try (Rendezvous rv = ProcessGroups.rendezvous(env, Duration.ofSeconds(Long.parseLong(args[0])))) {
            byte[] id = new byte[128];
            for (int i = 0; i < id.length; i++) id[i] = (byte) (31 * i + 17);
            byte[] got = rv.shareFromRankZero("jgrad/test/id", rv.rank() == 0 ? id : null);
            rv.barrier();
            System.out.println("rank " + rv.rank() + " of " + rv.worldSize() + " local " + rv.localRank() + " via " + rv.describe()
                    + " got " + HexFormat.of().formatHex(got));
            System.out.flush();
        } catch (DistributedException e) {
            System.out.println("FAILED " + e.getMessage());
            System.out.flush();
            System.exit(2);
        }
    }

    /** What every rank must print after "got ". */
    static String expectedHex() {
        byte[] id = new byte[128];
        for (int i = 0; i < id.length; i++) id[i] = (byte) (31 * i + 17);
        return HexFormat.of().formatHex(id);
    }
}
