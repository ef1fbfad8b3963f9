package org.jgrad.cuda;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hazards a GPU has and the one-thread-at-a-time interpreter would hide, refused instead: races
 * the basic check in {@link PtxSimulatorStrictnessTest} does not show (a block reading another
 * block's output, a shared buffer reused without a second barrier, a plain read of a word other
 * threads update atomically), a register read before any write on the thread's path, and launch
 * configurations the driver rejects. Each is shown refusing a small broken kernel and, where
 * there is one, accepting its corrected form.
 */
class PtxSimulatorHazardTest {
    private static final String HEAD = """
            .version 7.0
            .target sm_80
            .address_size 64
            .shared .align 4 .b32 race_buf[64];
            """;

    private static PtxSimulator sim(String body) {
        return new PtxSimulator(1 << 16).load(HEAD + """
                .visible .entry k(.param .u64 p_out)
                {
                    .reg .pred %p<4>;
                    .reg .b32 %r<12>;
                    .reg .b64 %rd<8>;
                    .reg .f32 %f<4>;
                    ld.param.u64 %rd1, [p_out];
                    mov.u32 %r1, %tid.x;
                    mov.u32 %r2, %ctaid.x;
                """ + body + """
                DONE:
                    ret;
                }
                """);
    }

    private static IllegalStateException refused(PtxSimulator sim, long out, int grid, int block) {
        return assertThrows(IllegalStateException.class, () -> sim.launch("k", grid, block, List.<Object>of(out)));
    }

    @Test
    void readingAnotherBlocksOutputInTheSameLaunchIsARace() {
        // block b writes out[b], then reads out[b ^ 1]: needs a second launch on a GPU
        String body = """
                    mul.wide.u32 %rd2, %r2, 4;
                    add.s64 %rd3, %rd1, %rd2;
                    st.global.u32 [%rd3], %r2;
                    xor.b32 %r3, %r2, 1;
                    mul.wide.u32 %rd4, %r3, 4;
                    add.s64 %rd5, %rd1, %rd4;
                    ld.global.u32 %r4, [%rd5];
                """;
        PtxSimulator s = sim(body);
        long out = s.alloc(64);
        IllegalStateException e = refused(s, out, 2, 1);
        assertTrue(e.getMessage().contains("data race in k on global") && e.getMessage().contains("of block 0"), e.getMessage());
    }

    /** Thread 0 writes a shared slot that thread 1 reads: only a bar.sync between them makes it defined. */
    /**
     * A shared buffer reused by a loop: each round thread t writes slot t, bar.sync, then reads
     * slot t ^ 1. Without a second bar.sync before the next round's write, a fast thread
     * overwrites a slot its neighbour has not read yet.
     */
    @Test
    void reusingASharedBufferAcrossRoundsNeedsASecondBarrier() {
        String loop = """
                    mov.u32 %r5, race_buf;
                    shl.b32 %r6, %r1, 2;
                    add.u32 %r7, %r5, %r6;
                    xor.b32 %r8, %r1, 1;
                    shl.b32 %r8, %r8, 2;
                    add.u32 %r8, %r5, %r8;
                    mov.u32 %r9, 0;
                ROUND:
                    st.shared.u32 [%r7], %r9;
                    bar.sync 0;
                    ld.shared.u32 %r10, [%r8];
                SECOND_BARRIER
                    add.u32 %r9, %r9, 1;
                    setp.lt.u32 %p2, %r9, 3;
                    @%p2 bra ROUND;
                """;
        PtxSimulator racy = sim(loop.replace("SECOND_BARRIER", ""));
        long out = racy.alloc(64);
        IllegalStateException e = refused(racy, out, 1, 2);
        assertTrue(e.getMessage().contains("data race in k on shared"), e.getMessage());

        PtxSimulator ok = sim(loop.replace("SECOND_BARRIER", "    bar.sync 0;"));
        long o2 = ok.alloc(64);
        assertDoesNotThrow(() -> ok.launch("k", 1, 2, List.<Object>of(o2)));
    }

    @Test
    void atomicsDoNotRaceEachOtherButAPlainReadOfTheirTargetDoes() {
        String add = """
                    red.global.add.f32 [%rd1], 0f3F800000;
                """;
        PtxSimulator ok = sim(add);
        long out = ok.alloc(64);
        ok.launch("k", 3, 64, List.<Object>of(out));
        assertTrue(ok.getFloats(out, 1)[0] == 192f, "192 atomic adds of 1");

        PtxSimulator racy = sim(add + """
                    ld.global.f32 %f1, [%rd1];
                """);
        long o2 = racy.alloc(64);
        IllegalStateException e = refused(racy, o2, 1, 2);
        assertTrue(e.getMessage().contains("updates it atomically"), e.getMessage());
    }

    @Test
    void aRegisterReadBeforeAnyWriteOnThePathIsRefused() {
        // %r4 is written only by thread 0, but every thread stores it
        String body = """
                    setp.ne.u32 %p1, %r1, 0;
                    @!%p1 mov.u32 %r4, 5;
                    mul.wide.u32 %rd2, %r1, 4;
                    add.s64 %rd3, %rd1, %rd2;
                    st.global.u32 [%rd3], %r4;
                """;
        PtxSimulator s = sim(body);
        long out = s.alloc(64);
        IllegalStateException e = refused(s, out, 1, 2);
        assertTrue(e.getMessage().contains("%r4") && e.getMessage().contains("before any write"), e.getMessage());
        PtxSimulator one = sim(body);
        long o2 = one.alloc(64);
        assertDoesNotThrow(() -> one.launch("k", 1, 1, List.<Object>of(o2)));
    }

    @Test
    void selpReadsOnlyTheOperandItSelects() {
        // hardware reads both, but an unused garbage value is harmless: only the chosen one must be set
        PtxSimulator s = sim("""
                    setp.eq.u32 %p1, %r1, 0;
                    @!%p1 bra DONE;
                    selp.u32 %r4, 9, %r3, %p1;
                    st.global.u32 [%rd1], %r4;
                """);
        long out = s.alloc(64);
        assertDoesNotThrow(() -> s.launch("k", 1, 2, List.<Object>of(out)));
        assertArrayEquals(new byte[]{9, 0, 0, 0}, s.getBytes(out, 4));
    }

    @Test
    void launchesTheDriverWouldRejectAreRefused() {
        PtxSimulator s = sim("");
        long out = s.alloc(64);
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> s.launch("k", 0, 32, List.<Object>of(out)));
        assertTrue(empty.getMessage().contains("grid of 0"), empty.getMessage());
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class, () -> s.launch("k", 1, 1025, List.<Object>of(out)));
        assertTrue(big.getMessage().contains("block of 1025"), big.getMessage());
    }
}
