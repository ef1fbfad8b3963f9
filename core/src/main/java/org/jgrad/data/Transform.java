package org.jgrad.data;

import java.util.random.RandomGenerator;

/**
 * A per-sample transform applied on the loader's worker thread, before collate. Random
 * transforms must draw only from {@code rng}: the loader seeds it from (seed, epoch, batch
 * index, position in batch), so the result does not depend on which worker ran it or when.
 *
 * @param <S> the sample type
 */
@FunctionalInterface
public interface Transform<S> {
    S apply(S sample, RandomGenerator rng);

    /** This transform, then {@code next}. */
    default Transform<S> andThen(Transform<S> next) {
        if (next == null) throw new IllegalArgumentException("andThen: next transform must not be null");
        return (s, rng) -> next.apply(apply(s, rng), rng);
    }
}
