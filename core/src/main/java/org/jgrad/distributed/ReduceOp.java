package org.jgrad.distributed;

/**
 * How {@link ProcessGroup#allReduce} combines the ranks' values, element by element.
 * {@link #AVG} is a sum followed by a division by the world size on every rank (for INT64 the
 * division truncates toward zero, as Java's {@code /} does).
 */
public enum ReduceOp {
    SUM, AVG, MAX, MIN
}
