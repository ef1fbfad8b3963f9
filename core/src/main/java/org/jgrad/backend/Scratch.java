package org.jgrad.backend;

import org.jgrad.tensor.View;

/**
 * A view a primitive works on for a while: either the caller's own view (left alone on close)
 * or a buffer the backend made for itself, such as a contiguous copy, whose storage reference
 * is given back on close. Lets backends keep temporaries without the front end's Tensor.
 */
public record Scratch(View view, boolean owned) implements AutoCloseable {

    /** The caller's view, used as it is; closing does nothing. */
    public static Scratch borrowed(View view) { return new Scratch(view, false); }

    /** A view over a storage just made by the backend; takes a reference, given back on close. */
    public static Scratch owned(View view) {
        view.storage().retain();
        return new Scratch(view, true);
    }

    @Override
    public void close() {
        if (owned) view.storage().release();
    }
}
