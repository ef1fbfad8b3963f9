package org.jgrad.distributed;

import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Without mpirun the MPI tests skip on a developer's machine but fail in CI, which installs it. */
class MpiRunSkipTest {
    @Test
    void missingMpirunSkipsOutsideCiAndFailsInCi() {
        var skip = assertThrows(TestAbortedException.class, () -> MpiRun.requireMpirun(null, null));
        assertTrue(skip.getMessage().contains("mpirun is not on PATH"), skip.getMessage());
        assertThrows(TestAbortedException.class, () -> MpiRun.requireMpirun(null, "false"));
        var fail = assertThrows(AssertionError.class, () -> MpiRun.requireMpirun(null, "true"));
        assertTrue(fail.getMessage().contains("CI is set"), fail.getMessage());
        assertEquals("/usr/bin/mpirun", MpiRun.requireMpirun("/usr/bin/mpirun", "true"));
    }
}
