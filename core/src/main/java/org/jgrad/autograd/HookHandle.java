package org.jgrad.autograd;

/** Unregisters a hook; {@link #remove()} is idempotent and {@link #close()} is the same call. */
public interface HookHandle extends AutoCloseable {
    void remove();

    @Override
    default void close() { remove(); }
}
