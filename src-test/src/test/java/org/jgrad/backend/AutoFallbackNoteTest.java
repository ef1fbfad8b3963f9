package org.jgrad.backend;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The note of Backends.auto's CPU fallback reads as a short line plus an indented hint, whatever the backend's explanation. */
class AutoFallbackNoteTest {

    @Test
    void aShortLineThenAnIndentedReason() {
        String explanation = "CUDA is unavailable: libcuda.so.1 was not found." + " Looked for: " + "/usr/lib/x86_64-linux-gnu, ".repeat(60)
                + "\nsecond line of the full search";
        List<String> lines = Backends.autoFallbackNote(explanation).lines().toList();
        assertEquals(2, lines.size(), lines::toString);
        assertEquals("jgrad: no usable CUDA device, running on the CPU", lines.get(0));
        assertTrue(lines.get(1).startsWith("  (CUDA is unavailable: libcuda.so.1 was not found;"), lines.get(1));
        assertTrue(lines.get(1).length() <= 240, () -> lines.get(1).length() + " characters: " + lines.get(1));
    }

    @Test
    void aVeryLongFirstLineIsCut() {
        String note = Backends.autoFallbackNote("x".repeat(2000));
        assertTrue(note.lines().allMatch(l -> l.length() <= 240), note);
        assertTrue(note.contains("..."), note);
    }
}
