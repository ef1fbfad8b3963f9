package org.jgrad.cuda.metrics;

/**
 * How the metric kernels cut their work: units of at most {@code chunkLen} elements inside one
 * row (a unit never crosses a row, so its block adds to one counter group), as many blocks of
 * {@link #THREADS} threads per multiprocessor as fit at once (seg_stats: {@link #BLOCKS_PER_SM},
 * under 32 registers a thread), taking units in a grid-stride loop. A block folds its counts once per unit, so a unit is kept at least
 * {@link #MIN_CHUNK} elements long: the atomics stay a vanishing fraction of the traffic.
 */
record Grid(long chunksPerRow, long chunkLen, int blocks) {
    static final int THREADS = 256;
    static final int BLOCKS_PER_SM = 8;
    static final long MIN_CHUNK = 8192;
    /** Counters inside a block are 32-bit: a block must see fewer elements than this. */
    static final long MAX_PER_BLOCK = 1L << 31;

    static Grid of(long rows, long rowLen, int multiprocessors) {
        return of(rows, rowLen, multiprocessors, BLOCKS_PER_SM);
    }

    /**
     * @param blocksPerSm blocks of {@link #THREADS} that fit one multiprocessor at once (registers,
     *                    shared memory): a grid of exactly that many per SM runs in one wave
     */
    static Grid of(long rows, long rowLen, int multiprocessors, int blocksPerSm) {
        if (rows < 0 || rowLen < 0) throw new IllegalArgumentException("rows and rowLen must be >= 0, got " + rows + ", " + rowLen);
        if (multiprocessors < 1) throw new IllegalArgumentException("multiprocessors must be >= 1, got " + multiprocessors);
        if (blocksPerSm < 1) throw new IllegalArgumentException("blocksPerSm must be >= 1, got " + blocksPerSm);
        long maxBlocks = (long) multiprocessors * blocksPerSm;
        long total = rows * rowLen;
        if (total == 0) return new Grid(1, 1, 0);
        long want = Math.max(MIN_CHUNK, ceilDiv(total, maxBlocks));
        want = Math.min(want, MAX_PER_BLOCK / 2);
        long chunksPerRow = Math.max(1, ceilDiv(rowLen, want));
        long chunkLen = ceilDiv(rowLen, chunksPerRow);
        chunkLen = Math.min(rowLen, (chunkLen + 3) & ~3L); // a multiple of 4 keeps later chunks' phase
        chunksPerRow = ceilDiv(rowLen, chunkLen);
        long units = rows * chunksPerRow;
        long blocks = Math.min(units, maxBlocks);
        // each block takes ceil(units / blocks) units; its 32-bit counters must not wrap
        while (ceilDiv(units, blocks) * chunkLen >= MAX_PER_BLOCK && blocks < Integer.MAX_VALUE) blocks = Math.min(units, blocks * 2);
        if (ceilDiv(units, blocks) * chunkLen >= MAX_PER_BLOCK) {
            throw new IllegalArgumentException("tensor too large for the metric kernels: " + total + " elements");
        }
        return new Grid(chunksPerRow, chunkLen, (int) blocks);
    }

    static long ceilDiv(long a, long b) { return (a + b - 1) / b; }
}
