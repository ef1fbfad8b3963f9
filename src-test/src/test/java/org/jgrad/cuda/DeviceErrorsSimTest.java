package org.jgrad.cuda;

import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kernel-error protocol of {@link DeviceErrors}: a kernel claims the block with
 * {@code atom.cas}, the first error wins, and the backend throws it, naming the value, at the
 * next synchronising call only. The kernel here is written for the test and follows the
 * protocol the library's kernels use.
 */
class DeviceErrorsSimTest {
    /** Every thread whose value[i] is outside [0, limit) reports (code, value, limit). */
    private static final String REPORTER = """
            .version 7.0
            .target sm_80
            .address_size 64
            .visible .entry test_report_bad(.param .u64 p_err, .param .u64 p_vals, .param .u32 p_n, .param .u32 p_limit, .param .u32 p_code)
            {
                .reg .pred %p<4>;
                .reg .b32 %r<8>;
                .reg .b64 %rd<8>;
                ld.param.u64 %rd1, [p_err];
                ld.param.u64 %rd2, [p_vals];
                ld.param.u32 %r1, [p_n];
                ld.param.u32 %r2, [p_limit];
                ld.param.u32 %r3, [p_code];
                mov.u32 %r4, %tid.x;
                setp.ge.u32 %p1, %r4, %r1;
                @%p1 bra DONE;
                mul.wide.u32 %rd3, %r4, 8;
                add.s64 %rd3, %rd2, %rd3;
                ld.global.s64 %rd4, [%rd3];
                cvt.u64.u32 %rd5, %r2;
                setp.lt.u64 %p2, %rd4, %rd5;
                @%p2 bra DONE;
                atom.global.cas.b32 %r5, [%rd1], 0, %r3;
                setp.ne.u32 %p3, %r5, 0;
                @%p3 bra DONE;
                st.global.u64 [%rd1+8], %rd4;
                st.global.u64 [%rd1+16], %rd5;
            DONE:
                ret;
            }
            """;

    private final SimulatedRuntime rt = new SimulatedRuntime(1 << 20);
    private final CudaBackend gpu = new CudaBackend(0, null, rt, Device.cpu());

    private long values(long... v) {
        Tensor t = new Tensor(gpu.fromHost(v, DType.INT64), v.length);
        return gpu.address(t.raw());
    }

    private void report(long vals, int n, int limit, DeviceErrorCode code) {
        rt.sim.load(REPORTER);
        rt.sim.launch("test_report_bad", 1, 32, List.of(gpu.errors().address(), vals, n, limit, code.code));
    }

    @Test
    void firstErrorWinsAndSurfacesAtTheNextToHostNamingTheValue() {
        long vals = values(0, 3, 7, 12, 2);
        report(vals, 5, 5, DeviceErrorCode.CROSS_ENTROPY_TARGET);
        Tensor any = new Tensor(gpu.fromHost(new float[]{1f}, DType.FLOAT32), 1);
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> gpu.toHost(any.raw(), new float[1]));
        // threads run in order in the simulator, so lane 2 (value 7) claims the block before lane 3 (value 12)
        assertTrue(e.getMessage().contains("target 7 is out of bounds for 5 classes"), e.getMessage());
        // reported once: the block is clear afterwards
        assertDoesNotThrow(() -> gpu.toHost(any.raw(), new float[1]));
        assertDoesNotThrow(gpu::synchronize);
    }

    @Test
    void synchronizeAlsoReportsAndCleanInputReportsNothing() {
        report(values(0, 1, 2), 3, 3, DeviceErrorCode.GATHER_INDEX);
        assertDoesNotThrow(gpu::synchronize);
        report(values(-4, 1), 2, 3, DeviceErrorCode.GATHER_INDEX);
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, gpu::synchronize);
        // -4 compares as a huge unsigned value, and the message prints it signed
        assertTrue(e.getMessage().contains("gather: index -4 is out of range for a dimension of size 3"), e.getMessage());
    }

    @Test
    void codesAreDistinctAndStable() {
        assertEquals(1, DeviceErrorCode.CROSS_ENTROPY_TARGET.code);
        assertEquals(2, DeviceErrorCode.GATHER_INDEX.code);
        assertEquals(3, DeviceErrorCode.SCATTER_ADD_INDEX.code);
        assertEquals(DeviceErrorCode.values().length, java.util.Arrays.stream(DeviceErrorCode.values()).mapToInt(c -> c.code).distinct().count());
    }
}
