package org.jgrad.distributed;

import org.jgrad.tensor.Tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The rendezvous under {@code mpirun}: the MPI group of the job carries rank 0's bytes to the
 * others by two broadcasts (the length, then the bytes packed into INT64 words), and stays
 * open for the life of the device group, which closes it last ({@code MPI_Finalize}).
 */
final class MpiRendezvous implements Rendezvous {
    private final ProcessGroup mpi;

    MpiRendezvous(ProcessGroup mpi) { this.mpi = mpi; }

    @Override public int rank() { return mpi.rank(); }
    @Override public int worldSize() { return mpi.worldSize(); }
    @Override public int localRank() { return mpi.localRank(); }
    @Override public String describe() { return mpi.backendName(); }

    @Override
    public byte[] shareFromRankZero(String key, byte[] value) {
        boolean root = mpi.rank() == 0;
        if (root && value == null) throw new IllegalArgumentException("shareFromRankZero('" + key + "'): rank 0 must pass the value, got null");
        try (Tensor length = Tensor.fromArray(new long[] {root ? value.length : 0}, 1)) {
            mpi.broadcast(length, 0);
            long n = length.toLongArray()[0];
            if (n < 0 || n > TcpStore.MAX_VALUE_BYTES) {
                throw new DistributedException("rank " + mpi.rank() + ": rank 0 announced " + n + " bytes for '" + key + "'");
            }
            int words = (int) ((n + 7) / 8);
            ByteBuffer packed = ByteBuffer.allocate(words * 8).order(ByteOrder.LITTLE_ENDIAN);
            if (root) packed.put(value).rewind();
            long[] w = new long[words];
            packed.asLongBuffer().get(w);
            if (words == 0) return new byte[0];
            try (Tensor t = Tensor.fromArray(w, words)) {
                mpi.broadcast(t, 0);
                ByteBuffer back = ByteBuffer.allocate(words * 8).order(ByteOrder.LITTLE_ENDIAN);
                back.asLongBuffer().put(t.toLongArray());
                byte[] out = new byte[(int) n];
                back.get(out);
                return out;
            }
        }
    }

    @Override public void barrier() { mpi.barrier(); }

    @Override public void close() { mpi.close(); }
}
