package org.jgrad.optim;

/** Argument checks whose messages name the argument and its value. */
final class Checks {
    private Checks() {}

    static void finite(String name, double v) {
        if (!Double.isFinite(v)) throw new IllegalArgumentException("Invalid " + name + ": " + v + " (must be finite)");
    }

    static void nonNegative(String name, double v) {
        finite(name, v);
        if (v < 0) throw new IllegalArgumentException("Invalid " + name + ": " + v + " (must be >= 0)");
    }

    /** lo &lt;= v &lt; hi. */
    static void inHalfOpen(String name, double v, double lo, double hi) {
        if (!(v >= lo && v < hi)) throw new IllegalArgumentException("Invalid " + name + ": " + v + " (must be in [" + lo + ", " + hi + "))");
    }

    /** lo &lt;= v &lt;= hi. */
    static void inClosed(String name, double v, double lo, double hi) {
        if (!(v >= lo && v <= hi)) throw new IllegalArgumentException("Invalid " + name + ": " + v + " (must be in [" + lo + ", " + hi + "])");
    }

    static void positive(String name, long v) {
        if (v <= 0) throw new IllegalArgumentException("Invalid " + name + ": " + v + " (must be > 0)");
    }

    static void nonNegative(String name, long v) {
        if (v < 0) throw new IllegalArgumentException("Invalid " + name + ": " + v + " (must be >= 0)");
    }
}
