package org.jgrad.cuda;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A loop over a by-value metadata block takes the parameter's address ({@code mov.u64 %rd,
 * p_meta}) and reads it with register-addressed {@code ld.param}: the generated stride decode
 * does this. The simulator reads the launch's bytes there and refuses reads past the block.
 */
class PtxSimulatorParamAddressTest {
    /** Copies the first {@code count} words of p_meta to out, walking a register pointer. */
    private static String kernel(int count) {
        return """
                .version 8.0
                .target sm_80
                .address_size 64
                .visible .entry walk(.param .u64 p_out, .param .align 4 .b8 p_meta[16])
                {
                    .reg .pred %p;
                    .reg .b32 %v, %i;
                    .reg .b64 %m, %o;
                    ld.param.u64 %o, [p_out];
                    mov.u64 %m, p_meta;
                    mov.u32 %i, 0;
                L:
                    ld.param.u32 %v, [%m+0];
                    st.global.u32 [%o], %v;
                    add.u64 %m, %m, 4;
                    add.u64 %o, %o, 4;
                    add.u32 %i, %i, 1;
                    setp.lt.u32 %p, %i, COUNT;
                    @%p bra L;
                    ret;
                }
                """.replace("COUNT", Integer.toString(count));
    }

    private static byte[] meta() {
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(7).putInt(-3).putInt(1 << 20).putInt(42);
        return b.array();
    }

    @Test
    void aLoopReadsTheBlockThroughItsAddress() {
        PtxSimulator sim = new PtxSimulator(1 << 16).load(kernel(4));
        long out = sim.alloc(5 * 4);
        sim.launch("walk", 1, 1, List.<Object>of(out, meta()));
        ByteBuffer got = sim.view(out, 16);
        int[] words = {got.getInt(0), got.getInt(4), got.getInt(8), got.getInt(12)};
        assertArrayEquals(new int[] {7, -3, 1 << 20, 42}, words);
    }

    @Test
    void readingPastTheBlockIsRefused() {
        PtxSimulator sim = new PtxSimulator(1 << 16).load(kernel(5));
        long out = sim.alloc(5 * 4);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> sim.launch("walk", 1, 1, List.<Object>of(out, meta())));
        assertTrue(e.getMessage().contains("out-of-bounds param access"), e.getMessage());
    }
}
