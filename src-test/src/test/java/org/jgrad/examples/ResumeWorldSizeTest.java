package org.jgrad.examples;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A run's config records its number of processes; --resume with another number is a changed option. */
class ResumeWorldSizeTest {
    @Test
    void resumingWithAnotherWorldSizeIsReportedAsAChangedOption() {
        Options o = new Options();
        Map<String, Object> recorded = RunFolder.config(o);
        assertEquals(1, recorded.get("world_size"));
        o.worldSize = 2;
        assertEquals(List.of("the number of processes (mpirun -np) is 2 (recorded 1)"), RunFolder.changedOptions(recorded, RunFolder.config(o)));
        assertEquals(List.of(), RunFolder.changedOptions(RunFolder.config(o), RunFolder.config(o)));
    }
}
