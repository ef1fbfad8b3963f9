package org.jgrad.io;

import java.nio.file.Path;

/**
 * A file's contents are malformed, inconsistent or hostile (a safetensors header, a checkpoint's
 * {@code state.json} or {@code latest} pointer): the message names the file and, where there is
 * one, the entry at fault. An IllegalArgumentException, as the readers threw before it existed,
 * so callers catching that keep working; I/O failures stay {@link java.io.IOException}s.
 */
public final class FileFormatException extends IllegalArgumentException {
    private final transient Path file;
    private final String entry;

    public FileFormatException(Path file, String entry, String detail) {
        this(file, entry, detail, null);
    }

    public FileFormatException(Path file, String entry, String detail, Throwable cause) {
        super(file + ": " + (entry == null ? "" : "entry '" + entry + "': ") + detail, cause);
        this.file = file;
        this.entry = entry;
    }

    /** The file at fault. */
    public Path file() { return file; }

    /** The entry at fault (a tensor name, a JSON path), or null when the file as a whole is. */
    public String entry() { return entry; }
}
