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

    @Test
    void aFullMaskShuffleInAPartialWarpIsRefused() {
        PtxSimulator sim = new PtxSimulator(1 << 16).load(kernel(""));
        long out = sim.alloc(48 * 4);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> sim.launch("test_shfl", 1, 48, List.<Object>of(out)));
        assertTrue(e.getMessage().contains("has 16 lanes"), e.getMessage());
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

    /** Thread 0 writes a shared word that thread 33 (another warp) then reads: ordered only by a barrier. */
    private static String sharedHandOff(String between) {
        return """
                .version 7.0
                .target sm_80
                .address_size 64
                .shared .align 4 .b32 slot[1];
                .visible .entry test_shared(.param .u64 p_out)
                {
                    .reg .pred %p<2>;
                    .reg .b32 %r<6>;
                    .reg .b64 %rd<4>;
                    mov.u32 %r1, %tid.x;
                    mov.u32 %r2, slot;
                    setp.eq.u32 %p1, %r1, 0;
                    @%p1 st.shared.u32 [%r2], 7;
                """ + between + """
                    setp.ne.u32 %p1, %r1, 33;
                    @%p1 bra DONE;
                    ld.shared.u32 %r3, [%r2];
                    ld.param.u64 %rd1, [p_out];
                    st.global.u32 [%rd1], %r3;
                DONE:
                    ret;
                }
                """;
    }

    @Test
    void aSharedHandOffAcrossABarrierRuns() {
        PtxSimulator sim = new PtxSimulator(1 << 16).load(sharedHandOff("    bar.sync 0;\n"));
        long out = sim.alloc(4);
        sim.launch("test_shared", 1, 64, List.<Object>of(out));
        org.junit.jupiter.api.Assertions.assertEquals(7, sim.view(out, 4).getInt(0));
    }

    @Test
    void aSharedHandOffWithoutABarrierIsARace() {
        PtxSimulator sim = new PtxSimulator(1 << 16).load(sharedHandOff(""));
        long out = sim.alloc(4);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> sim.launch("test_shared", 1, 64, List.<Object>of(out)));
        assertTrue(e.getMessage().contains("data race in test_shared on shared"), e.getMessage());
        // the interpreter's order would have made it look right
        PtxSimulator lenient = new PtxSimulator(1 << 16).load(sharedHandOff("")).raceCheck(false);
        long out2 = lenient.alloc(4);
        lenient.launch("test_shared", 1, 64, List.<Object>of(out2));
        org.junit.jupiter.api.Assertions.assertEquals(7, lenient.view(out2, 4).getInt(0));
    }

    /** Every thread stores its %tid to out[index]; index = tid (disjoint) or 0 (all on one word). */
    private static String store(String index) {
        return """
                .version 7.0
                .target sm_80
                .address_size 64
                .visible .entry test_store(.param .u64 p_out)
                {
                    .reg .b32 %r<6>;
                    .reg .b64 %rd<4>;
                    mov.u32 %r1, %tid.x;
                    mov.u32 %r2, %ctaid.x;
                    ld.param.u64 %rd1, [p_out];
                """ + index + """
                    mul.wide.u32 %rd2, %r3, 4;
                    add.s64 %rd3, %rd1, %rd2;
                    st.global.u32 [%rd3], %r1;
                    ret;
                }
                """;
    }

    @Test
    void disjointGlobalStoresRunAndOneWordStoredByManyThreadsIsARace() {
        PtxSimulator ok = new PtxSimulator(1 << 16).load(store("    mov.u32 %r3, %tid.x;\n"));
        long out = ok.alloc(32 * 4);
        assertDoesNotThrow(() -> ok.launch("test_store", 1, 32, List.<Object>of(out)));
        PtxSimulator bad = new PtxSimulator(1 << 16).load(store("    mov.u32 %r3, 0;\n"));
        long out2 = bad.alloc(4);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> bad.launch("test_store", 1, 32, List.<Object>of(out2)));
        assertTrue(e.getMessage().contains("both write"), e.getMessage());
        // blocks are never ordered: one word per thread index, written by every block
        PtxSimulator blocks = new PtxSimulator(1 << 16).load(store("    mov.u32 %r3, %tid.x;\n"));
        long out3 = blocks.alloc(32 * 4);
        e = assertThrows(IllegalStateException.class, () -> blocks.launch("test_store", 2, 32, List.<Object>of(out3)));
        assertTrue(e.getMessage().contains("of block 1") && e.getMessage().contains("of block 0"), e.getMessage());
    }
}
