package org.jgrad.distributed;

/**
 * The environment rendezvous: rank 0 puts the value into its {@link TcpStore}, the others
 * wait for it there, and a barrier makes sure every rank has it (and so that every rank
 * arrived with the same world size) before anyone goes on.
 */
final class StoreRendezvous implements Rendezvous {
    private final TcpStore store;
    private final int localRank;

    StoreRendezvous(TcpStore store, int localRank) {
        if (store == null) throw new IllegalArgumentException("store must not be null");
        if (localRank < 0) throw new IllegalArgumentException("localRank must be >= 0, got " + localRank);
        this.store = store;
        this.localRank = localRank;
    }

    @Override public int rank() { return store.rank(); }
    @Override public int worldSize() { return store.worldSize(); }
    @Override public int localRank() { return localRank; }
    @Override public String describe() { return "TCP store " + store.address(); }

    @Override
    public byte[] shareFromRankZero(String key, byte[] value) {
        byte[] out;
        if (store.rank() == 0) {
            if (value == null) throw new IllegalArgumentException("shareFromRankZero('" + key + "'): rank 0 must pass the value, got null");
            store.set(key, value);
            out = value.clone();
        } else {
            out = store.get(key);
        }
        store.barrier();
        return out;
    }

    @Override public void barrier() { store.barrier(); }

    @Override public void close() { store.close(); }
}
