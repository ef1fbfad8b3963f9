package org.jgrad.distributed;

/**
 * How the processes of a job found each other, and the little they must share before a
 * device engine can connect them: NCCL's unique id, made on rank 0 and needed by every rank.
 * Under an MPI launcher the bytes travel by {@code MPI_Bcast}; under torchrun-style variables
 * through rank 0's {@link TcpStore} at {@code MASTER_ADDR:MASTER_PORT}; with one process they
 * stay where they are. A {@link ProcessGroupProvider} receives one and closes it when its group
 * is closed.
 */
public interface Rendezvous extends AutoCloseable {
    int rank();

    int worldSize();

    /** The index among the processes of this host: the GPU to use. */
    int localRank();

    /** How the ranks met, for messages: "mpi (Open MPI v4.1.4)", "TCP store 10.0.0.1:29500", "single process". */
    String describe();

    /**
     * Rank 0's {@code value} on every rank (rank 0 passes it, the others pass null and receive
     * a copy); returns once every rank has it. {@code key} names the value in errors and keeps
     * distinct exchanges apart.
     */
    byte[] shareFromRankZero(String key, byte[] value);

    /** Returns once every rank has called it. */
    void barrier();

    /** Leaves the rendezvous (MPI_Finalize, or closing the store). Idempotent. */
    @Override
    void close();

    /** World size 1: nothing to exchange. */
    static Rendezvous single() { return new SingleRendezvous(); }

    /** Over a store already opened by this rank; {@code localRank} picks the GPU. */
    static Rendezvous over(TcpStore store, int localRank) { return new StoreRendezvous(store, localRank); }
}
