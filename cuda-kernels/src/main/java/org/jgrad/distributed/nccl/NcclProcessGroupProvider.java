package org.jgrad.distributed.nccl;

import org.jgrad.backend.Backend;
import org.jgrad.backend.Backends;
import org.jgrad.cuda.CudaBackend;
import org.jgrad.cuda.LibrarySearch;
import org.jgrad.cuda.Nccl;
import org.jgrad.cuda.NcclCommunicator;
import org.jgrad.distributed.DistributedException;
import org.jgrad.distributed.ProcessGroup;
import org.jgrad.distributed.ProcessGroupProvider;
import org.jgrad.distributed.Rendezvous;
import org.jgrad.tensor.Device;

import java.time.Duration;

/**
 * Registers NCCL as the process group of CUDA tensors
 * (META-INF/services/org.jgrad.distributed.ProcessGroupProvider). Every rank loads NCCL and
 * opens its GPU, {@code Device.cuda(localRank)}, first, so a missing library or device fails on
 * the rank that lacks it; then rank 0 makes the unique id, the rendezvous carries it to every
 * rank (MPI broadcast under mpirun, rank 0's TCP store under torchrun-style variables), and
 * every rank joins the communicator.
 */
public final class NcclProcessGroupProvider implements ProcessGroupProvider {
    @Override
    public String deviceType() { return Device.CUDA_TYPE; }

    @Override
    public ProcessGroup open(Rendezvous rv, Duration timeout) {
        String who = "rank " + rv.rank() + " of " + rv.worldSize();
        try {
            Nccl nccl;
            try {
                nccl = Nccl.load(LibrarySearch.fromEnvironment());
            } catch (IllegalStateException | LinkageError e) {
                throw new DistributedException(who + ": " + e.getMessage(), e);
            }
            Device device = Device.cuda(rv.localRank());
            Backend b;
            try {
                b = Backends.of(device);
            } catch (IllegalStateException e) {
                throw new DistributedException(who + ": local rank " + rv.localRank() + " uses " + device + ", which is unusable: "
                        + e.getMessage(), e);
            }
            if (!(b instanceof CudaBackend cuda) || cuda.context() == null) {
                throw new DistributedException(who + ": " + device + " is served by " + b.name() + ", not by a CUDA context NCCL can use");
            }
            byte[] id = rv.shareFromRankZero("jgrad/nccl/unique-id", rv.rank() == 0 ? nccl.uniqueId() : null);
            if (id.length != Nccl.UNIQUE_ID_BYTES) {
                throw new DistributedException(who + ": the NCCL unique id from rank 0 has " + id.length + " bytes, expected " + Nccl.UNIQUE_ID_BYTES);
            }
            NcclCommunicator comm = NcclCommunicator.open(nccl, cuda, rv.rank(), rv.worldSize(), id, timeout);
            String name = "nccl " + Nccl.versionText(nccl.version()) + " on " + device + " (rendezvous: " + rv.describe() + ")";
            return NcclCollectives.group(comm, rv, device, name);
        } catch (RuntimeException e) {
            rv.close();
            if (e instanceof DistributedException || e instanceof IllegalArgumentException) throw e;
            throw new DistributedException(e.getMessage().startsWith(who) ? e.getMessage() : who + ": " + e.getMessage(), e);
        }
    }
}
