package org.jgrad.examples;

/** A run that cannot go on (bad data folder, output folder, checkpoint): one line, exit code 1. */
final class AppException extends RuntimeException {
    AppException(String message) { super(message); }
}
