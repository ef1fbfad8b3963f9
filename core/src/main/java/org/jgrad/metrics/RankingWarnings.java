package org.jgrad.metrics;

/**
 * Where the ranking scores say that a value was defined by convention (a class without positive
 * or negative samples, a NaN class left out of an average), as torchmetrics' {@code rank_zero_warn}
 * does: a WARNING on the {@code org.jgrad.metrics} system logger. The value itself is documented
 * and tested; the warning only tells the user that the convention applied.
 */
final class RankingWarnings {
    private RankingWarnings() {}

    private static final System.Logger LOG = System.getLogger("org.jgrad.metrics");

    static void warn(String message) { LOG.log(System.Logger.Level.WARNING, message); }
}
