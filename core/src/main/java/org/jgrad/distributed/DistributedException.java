package org.jgrad.distributed;

/** A collective, the MPI library or the launcher environment failed; the message names the rank and the call. */
public class DistributedException extends RuntimeException {
    public DistributedException(String message) { super(message); }

    public DistributedException(String message, Throwable cause) { super(message, cause); }
}
