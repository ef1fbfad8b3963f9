package org.jgrad.io;

/** An IDX file is malformed: wrong magic number, truncated, trailing bytes, or counts that do not match. */
public final class IdxFormatException extends RuntimeException {
    public IdxFormatException(String message) { super(message); }

    public IdxFormatException(String message, Throwable cause) { super(message, cause); }
}
