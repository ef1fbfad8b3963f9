package org.jgrad.distributed;

/** One process, no launcher: rank 0 of 1, and sharing a value returns it. */
final class SingleRendezvous implements Rendezvous {
    @Override public int rank() { return 0; }
    @Override public int worldSize() { return 1; }
    @Override public int localRank() { return 0; }
    @Override public String describe() { return "single process"; }

    @Override
    public byte[] shareFromRankZero(String key, byte[] value) {
        if (value == null) throw new IllegalArgumentException("shareFromRankZero('" + key + "'): rank 0 must pass the value, got null");
        return value.clone();
    }

    @Override public void barrier() {}

    @Override public void close() {}
}
