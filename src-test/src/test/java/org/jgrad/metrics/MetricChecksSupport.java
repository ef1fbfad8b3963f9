package org.jgrad.metrics;

import org.junit.jupiter.api.function.Executable;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

final class MetricChecksSupport {
    private MetricChecksSupport() {}

    /** Asserts an IllegalArgumentException whose message contains {@code part}. */
    static void assertMessage(Executable e, String part) {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
        assertTrue(x.getMessage().contains(part), "message '" + x.getMessage() + "' should contain '" + part + "'");
    }
}
