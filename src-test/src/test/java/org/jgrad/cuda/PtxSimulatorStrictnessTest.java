package org.jgrad.cuda;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The interpreter refuses what would be undefined on a GPU instead of quietly computing
 * something: here, a full-mask shfl.sync that some lanes of the warp never reach.
 */
class PtxSimulatorStrictnessTest {
    private static String kernel(String beforeShuffle) {
        return """
                .version 7.0
                .target sm_80
                .address_size 64
                .visible .entry test_shfl(.param .u64 p_out)
                {
                    .reg .pred %p<2>;
                    .reg .b32 %r<6>;
                    .reg .b64 %rd<4>;
                    mov.u32 %r1, %tid.x;
                """ + beforeShuffle + """
                    shfl.sync.down.b32 %r2, %r1, 1, 31, -1;
                    ld.param.u64 %rd1, [p_out];
                    mul.wide.u32 %rd2, %r1, 4;
                    add.s64 %rd3, %rd1, %rd2;
                    st.global.u32 [%rd3], %r2;
                DONE:
                    ret;
                }
                """;
    }

    @Test
    void aFullMaskShuffleThatEveryLaneReachesRuns() {
        PtxSimulator sim = new PtxSimulator(1 << 16).load(kernel(""));
        long out = sim.alloc(32 * 4);
        assertDoesNotThrow(() -> sim.launch("test_shfl", 1, 32, List.<Object>of(out)));
    }

    @Test
    void aFullMaskShuffleAfterSomeLanesExitedIsRefused() {
        PtxSimulator sim = new PtxSimulator(1 << 16).load(kernel("""
                    setp.ge.u32 %p1, %r1, 16;
                    @%p1 bra DONE;
                """));
        long out = sim.alloc(32 * 4);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> sim.launch("test_shfl", 1, 32, List.<Object>of(out)));
        assertTrue(e.getMessage().contains("has exited"), e.getMessage());
    }

    /** mov.b64 with a {lo, hi} register pair, as 64-bit values cross a 32-bit shuffle. */
    @Test
    void vectorMovPacksAndUnpacksHalves() {
        String ptx = """
                .version 7.0
                .target sm_80
                .address_size 64
                .visible .entry test_mov(.param .u64 p_out)
                {
                    .reg .b32 %r<4>;
                    .reg .b64 %rd<6>;
                    ld.param.u64 %rd1, [p_out];
                    mov.b64 %rd2, 1234605616436508552;
                    mov.b64 {%r1, %r2}, %rd2;
                    st.global.u32 [%rd1], %r1;
                    st.global.u32 [%rd1+4], %r2;
                    mov.b64 %rd3, {%r2, %r1};
                    st.global.u64 [%rd1+8], %rd3;
                    ret;
                }
                """;
        PtxSimulator sim = new PtxSimulator(1 << 16).load(ptx);
        long out = sim.alloc(16);
        sim.launch("test_mov", 1, 1, List.<Object>of(out));
        var v = sim.view(out, 16);
        org.junit.jupiter.api.Assertions.assertEquals(0x55667788, v.getInt(0), "low half");
        org.junit.jupiter.api.Assertions.assertEquals(0x11223344, v.getInt(4), "high half");
        org.junit.jupiter.api.Assertions.assertEquals(0x5566778811223344L, v.getLong(8), "halves swapped and packed");
    }
}
