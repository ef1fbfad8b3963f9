package org.jgrad.cuda;

import org.jgrad.distributed.DistributedException;
import org.jgrad.distributed.ReduceOp;
import org.jgrad.distributed.Rendezvous;
import org.jgrad.distributed.Work;
import org.jgrad.distributed.DeviceProcessGroup;
import org.jgrad.distributed.nccl.NcclCollectives;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The NCCL binding and the NCCL process group against a stand-in libnccl ({@link FakeLibrary}
 * behind {@link NcclSignatures}, which checks every declared C signature against nccl.h's
 * prototypes) and stand-in CUDA libraries. What runs is the real downcall path: the 128-byte
 * ncclUniqueId really travels by value, device addresses, counts, ncclDataType_t and
 * ncclRedOp_t codes really cross into C, and the stream and event calls around each
 * collective are the driver's.
 */
class NcclBindingsFakeTest {
    static final long COMPUTE = 0x5E, COMM_STREAM = 0xC5, COMM = 0xC044;
    static final Device DEVICE = Device.cuda(6); // a device index nothing else in the suite uses
    FakeLibrary cu, blas, dnn, ncclFake;
    NcclSignatures nccl;
    CudaBackend backend;
    final AtomicLong nextAddress = new AtomicLong(0x7000_0000L);
    final AtomicLong nextHandle = new AtomicLong(0x100);
    final AtomicInteger streams = new AtomicInteger();
    final List<String> order = Collections.synchronizedList(new ArrayList<>());
    final Map<String, Object> seen = new ConcurrentHashMap<>();
    final byte[] id = new byte[128];

    @BeforeEach
    void setUp() {
        for (int i = 0; i < id.length; i++) id[i] = (byte) (255 - i); // every byte differs, the last one included
        cu = new FakeLibrary("libcuda.so.1")
                .on("cuDeviceGetCount", a -> { FakeLibrary.putInt(a[0], 1); return 0; })
                .on("cuDeviceGet", a -> { FakeLibrary.putInt(a[0], (Integer) a[1]); return 0; })
                .on("cuDeviceGetName", a -> {
                    byte[] n = "Fake H100\0".getBytes(StandardCharsets.US_ASCII);
                    MemorySegment.copy(n, 0, ((MemorySegment) a[0]).reinterpret((Integer) a[1]), ValueLayout.JAVA_BYTE, 0, n.length);
                    return 0;
                })
                .on("cuDeviceGetAttribute", a -> { FakeLibrary.putInt(a[0], (Integer) a[1] == 75 ? 9 : (Integer) a[1] == 115 ? 1 : 0); return 0; })
                .on("cuDevicePrimaryCtxRetain", a -> { FakeLibrary.putPtr(a[0], MemorySegment.ofAddress(0xC0)); return 0; })
                .on("cuStreamCreate", a -> {
                    FakeLibrary.putPtr(a[0], MemorySegment.ofAddress(streams.getAndIncrement() == 0 ? COMPUTE : COMM_STREAM));
                    return 0;
                })
                .on("cuEventCreate", a -> { FakeLibrary.putPtr(a[0], MemorySegment.ofAddress(nextHandle.incrementAndGet())); return 0; })
                .on("cuEventRecord", a -> { order.add("record e" + FakeLibrary.addr(a[0]) + " on " + stream(a[1])); return 0; })
                .on("cuStreamWaitEvent", a -> { order.add(stream(a[0]) + " waits for e" + FakeLibrary.addr(a[1])); return 0; })
                .on("cuDeviceGetDefaultMemPool", a -> { FakeLibrary.putPtr(a[0], MemorySegment.ofAddress(0x9001)); return 0; })
                .on("cuMemAllocAsync", a -> { FakeLibrary.putLong(a[0], nextAddress.getAndAdd(((Long) a[1] + 255) & ~255L)); return 0; });
        blas = new FakeLibrary("libcublas.so.13").on("cublasCreate_v2", a -> { FakeLibrary.putPtr(a[0], MemorySegment.ofAddress(0xB1A5)); return 0; });
        dnn = new FakeLibrary("libcudnn.so.9").on("cudnnCreate", a -> { FakeLibrary.putPtr(a[0], MemorySegment.ofAddress(0xD11)); return 0; });
        CudaContext ctx = CudaContext.create(new Driver(cu), new Cublas(blas, "libcublas.so.13"), new Cudnn(dnn), 0, "fake libraries");
        backend = new CudaBackend(0, ctx, DeviceRuntime.of(ctx), DEVICE);

        ncclFake = new FakeLibrary("libnccl.so.2")
                .on("ncclGetVersion", a -> { FakeLibrary.putInt(a[0], 22105); return 0; })
                .on("ncclGetUniqueId", a -> {
                    MemorySegment.copy(id, 0, ((MemorySegment) a[0]).reinterpret(128), ValueLayout.JAVA_BYTE, 0, 128);
                    return 0;
                })
                .on("ncclCommInitRank", a -> {
                    MemorySegment byValue = (MemorySegment) a[2];
                    seen.put("idSize", byValue.byteSize());
                    seen.put("id", byValue.toArray(ValueLayout.JAVA_BYTE));
                    FakeLibrary.putPtr(a[0], MemorySegment.ofAddress(COMM));
                    return 0;
                })
                .on("ncclAllReduce", a -> { order.add("ncclAllReduce on " + stream(a[6])); return 0; })
                .on("ncclBroadcast", a -> { order.add("ncclBroadcast on " + stream(a[6])); return 0; })
                .on("ncclAllGather", a -> { order.add("ncclAllGather on " + stream(a[5])); return 0; })
                .on("ncclGroupStart", a -> { order.add("ncclGroupStart"); return 0; })
                .on("ncclGroupEnd", a -> { order.add("ncclGroupEnd"); return 0; });
        MemorySegment invalid = ncclFake.cString("invalid argument (run with NCCL_DEBUG=WARN for details)");
        MemorySegment remote = ncclFake.cString("remote process exited or there was a network error");
        ncclFake.on("ncclGetErrorString", a -> (Integer) a[0] == 6 ? remote : invalid);
        nccl = new NcclSignatures(ncclFake);
    }

    @AfterEach
    void noHandlerFailed() {
        for (FakeLibrary f : List.of(cu, blas, dnn, ncclFake)) {
            if (!f.handlerFailures.isEmpty()) throw new AssertionError(f.handlerFailures.get(0));
        }
    }

    private static String stream(Object p) {
        long s = FakeLibrary.addr(p);
        return s == COMPUTE ? "compute" : s == COMM_STREAM ? "comm" : "stream " + s;
    }

    private Nccl bind() {
        Nccl n = new Nccl(nccl, "libnccl.so.2 (stand-in)");
        assertEquals(List.of(), nccl.mismatches);
        return n;
    }

    private DeviceProcessGroup group(Duration timeout) {
        Nccl n = bind();
        NcclCommunicator comm = NcclCommunicator.open(n, backend, 0, 1, n.uniqueId(), timeout);
        return NcclCollectives.group(comm, Rendezvous.single(), DEVICE, "nccl (stand-in)");
    }

    private Tensor fresh(DType dtype, int... shape) {
        long n = 1;
        for (int s : shape) n *= s;
        return new Tensor(backend.allocate(dtype, n), shape);
    }

    @Test
    void everyFunctionIsDeclaredWithNcclHsSignature() {
        bind();
        assertEquals(NcclSignatures.NCCL_H.keySet(), nccl.declared.keySet(), "every function of the table is bound, and nothing else");
        assertEquals("int32 (pointer, int32, struct{char[128]}, int32)", nccl.declared.get("ncclCommInitRank"),
                "the unique id is a 128-byte struct passed by value");
        // the checker itself refuses a plausible wrong declaration: the id as a pointer
        NcclSignatures probe = new NcclSignatures(ncclFake);
        probe.find("ncclCommInitRank", java.lang.foreign.FunctionDescriptor.of(Native.INT, Native.PTR, Native.INT, Native.PTR, Native.INT));
        assertEquals(List.of("ncclCommInitRank: nccl.h says int32 (pointer, int32, struct{char[128]}, int32), the binding declares "
                + "int32 (pointer, int32, pointer, int32)"), probe.mismatches);
    }

    @Test
    void theUniqueIdTravelsByValueIntoCommInitRank() {
        Nccl n = bind();
        byte[] made = n.uniqueId();
        assertArrayEquals(id, made, "ncclGetUniqueId's 128 bytes");
        assertEquals(COMM, n.commInitRank(4, made, 3));
        assertEquals(128L, seen.get("idSize"));
        assertArrayEquals(id, (byte[]) seen.get("id"), "the callee received the id's bytes themselves, not an address");
        Object[] init = ncclFake.last("ncclCommInitRank").args();
        assertEquals(4, (Integer) init[1], "nranks");
        assertEquals(3, (Integer) init[3], "rank");
        var bad = assertThrows(IllegalArgumentException.class, () -> n.commInitRank(2, new byte[64], 0));
        assertTrue(bad.getMessage().contains("an ncclUniqueId has 128 bytes, got 64"), bad.getMessage());
        assertEquals(22105, n.version());
    }

    @Test
    void theConstantsAreNcclHs() {
        // ncclRedOp_t: ncclSum 0, ncclProd 1, ncclMax 2, ncclMin 3, ncclAvg 4
        assertEquals(List.of(0, 1, 2, 3, 4), List.of(Nccl.SUM, Nccl.PROD, Nccl.MAX, Nccl.MIN, Nccl.AVG));
        // ncclDataType_t: ncclInt64 4, ncclFloat32 7, ncclFloat64 8
        assertEquals(List.of(4, 7, 8), List.of(Nccl.dataType(DType.INT64), Nccl.dataType(DType.FLOAT32), Nccl.dataType(DType.FLOAT64)));
        assertEquals("2.21.5", Nccl.versionText(22105));
        assertEquals("2.8.4", Nccl.versionText(2804));
    }

    @Test
    void anAllReduceRunsOnTheCommStreamBetweenEvents() {
        try (DeviceProcessGroup pg = group(Duration.ofSeconds(30))) {
            for (DType d : List.of(DType.FLOAT32, DType.FLOAT64, DType.INT64)) {
                for (ReduceOp op : ReduceOp.values()) {
                    Tensor t = fresh(d, 2, 3);
                    int version = t.raw().storage().version();
                    order.clear();
                    Work w = pg.allReduceAsync(t, op);
                    Object[] a = ncclFake.last("ncclAllReduce").args();
                    assertEquals(backend.address(t.raw()), FakeLibrary.addr(a[0]), "sendbuff");
                    assertEquals(backend.address(t.raw()), FakeLibrary.addr(a[1]), "in place: recvbuff is sendbuff");
                    assertEquals(6L, (Long) a[2], "count in elements");
                    assertEquals(d == DType.FLOAT32 ? 7 : d == DType.FLOAT64 ? 8 : 4, (Integer) a[3], "ncclDataType_t of " + d);
                    assertEquals(switch (op) { case SUM -> 0; case MAX -> 2; case MIN -> 3; case AVG -> 4; }, (Integer) a[4], "ncclRedOp_t of " + op);
                    assertEquals(COMM, FakeLibrary.addr(a[5]));
                    assertTrue(t.raw().storage().version() > version, "an in-place write bumps the version counter");
                    w.await();
                    List<String> o = new ArrayList<>(order);
                    assertEquals(5, o.size(), o.toString());
                    String ready = o.get(0).substring("record ".length(), o.get(0).indexOf(' ', "record ".length()));
                    assertEquals("record " + ready + " on compute", o.get(0), "an event marks the compute stream's work so far");
                    assertEquals("comm waits for " + ready, o.get(1), "the comm stream waits for it, on the device");
                    assertEquals("ncclAllReduce on comm", o.get(2));
                    String done = o.get(3).substring("record ".length(), o.get(3).indexOf(' ', "record ".length()));
                    assertEquals("record " + done + " on comm", o.get(3));
                    assertEquals("compute waits for " + done, o.get(4), "await orders later compute after the collective");
                    t.close();
                }
            }
            assertTrue(ncclFake.calls("ncclCommGetAsyncError").size() >= 12, "await polls NCCL's asynchronous error");
        }
        assertEquals(List.of("ncclCommDestroy"), ncclFake.calls.stream().map(FakeLibrary.Call::name)
                .filter(n -> n.startsWith("ncclComm") && !n.equals("ncclCommInitRank") && !n.equals("ncclCommGetAsyncError")).toList());
        assertEquals(COMM, FakeLibrary.addr(ncclFake.last("ncclCommDestroy").args()[0]));
        assertEquals(0, cu.calls("cuStreamSynchronize").size(), "close waits by polling an event (with the timeout), never without a limit");
        assertTrue(order.get(order.size() - 2).endsWith(" on comm"), "close first marks the comm stream's queued work: " + order);
        assertEquals(COMM_STREAM, FakeLibrary.addr(cu.last("cuStreamDestroy_v2").args()[0]));
    }

    @Test
    void broadcastAllGatherAndGroupedAllReducePassTheirArguments() {
        try (DeviceProcessGroup pg = group(Duration.ofSeconds(30))) {
            Tensor t = fresh(DType.FLOAT64, 5);
            pg.broadcast(t, 0);
            Object[] b = ncclFake.last("ncclBroadcast").args();
            assertEquals(backend.address(t.raw()), FakeLibrary.addr(b[0]));
            assertEquals(backend.address(t.raw()), FakeLibrary.addr(b[1]));
            assertEquals(5L, (Long) b[2]);
            assertEquals(8, (Integer) b[3]);
            assertEquals(0, (Integer) b[4], "root");
            assertEquals(COMM_STREAM, FakeLibrary.addr(b[6]));

            Tensor in = fresh(DType.INT64, 2, 2), out = fresh(DType.INT64, 1, 2, 2);
            pg.allGather(out, in);
            Object[] g = ncclFake.last("ncclAllGather").args();
            assertEquals(backend.address(in.raw()), FakeLibrary.addr(g[0]), "sendbuff is the input");
            assertEquals(backend.address(out.raw()), FakeLibrary.addr(g[1]), "recvbuff is the output");
            assertEquals(4L, (Long) g[2], "sendcount: the input's elements");
            assertEquals(4, (Integer) g[3]);

            order.clear();
            Tensor x = fresh(DType.FLOAT32, 3), y = fresh(DType.FLOAT32, 4);
            pg.allReduceAsync(List.of(x, y), ReduceOp.SUM).await();
            assertEquals(List.of("ncclGroupStart", "ncclAllReduce on comm", "ncclAllReduce on comm", "ncclGroupEnd"),
                    order.stream().filter(s -> s.startsWith("nccl")).toList(), "one group, one launch");
        }
    }

    @Test
    void anAsynchronousErrorAbortsTheCommunicatorAndNamesTheRank() {
        try (DeviceProcessGroup pg = group(Duration.ofSeconds(30))) {
            cu.on("cuEventQuery", a -> 600); // CUDA_ERROR_NOT_READY: the collective hangs on a dead peer
            ncclFake.on("ncclCommGetAsyncError", a -> { FakeLibrary.putInt(a[1], 6); return 0; }); // ncclRemoteError
            Work w = pg.allReduceAsync(fresh(DType.FLOAT32, 4), ReduceOp.SUM);
            DistributedException e = assertThrows(DistributedException.class, w::await);
            assertEquals("rank 0 of 1: allReduce(FLOAT32[4], op 0) failed: NCCL reported the asynchronous error ncclRemoteError: "
                    + "remote process exited or there was a network error (a peer rank has probably failed). Aborting the NCCL "
                    + "communicator (ncclCommAbort).", e.getMessage());
            assertEquals(1, ncclFake.calls("ncclCommAbort").size());
            assertEquals(COMM, FakeLibrary.addr(ncclFake.last("ncclCommAbort").args()[0]));
            var after = assertThrows(IllegalStateException.class, () -> pg.allReduce(fresh(DType.FLOAT32, 1), ReduceOp.SUM));
            assertTrue(after.getMessage().contains("rank 0 of 1: the NCCL communicator was aborted"), after.getMessage());
        }
        assertEquals(0, ncclFake.calls("ncclCommDestroy").size(), "an aborted communicator is not destroyed again");
    }

    @Test
    void aCollectiveThatNeverFinishesIsAbortedAfterTheTimeout() {
        try (DeviceProcessGroup pg = group(Duration.ofSeconds(1))) {
            cu.on("cuEventQuery", a -> 600);
            ncclFake.on("ncclCommGetAsyncError", a -> { FakeLibrary.putInt(a[1], 7); return 0; }); // ncclInProgress: not an error
            long t0 = System.nanoTime();
            Work w = pg.broadcastAsync(fresh(DType.FLOAT32, 4), 0);
            assertTrue(!w.isDone());
            DistributedException e = assertThrows(DistributedException.class, w::await);
            double s = (System.nanoTime() - t0) / 1e9;
            assertTrue(e.getMessage().startsWith("rank 0 of 1: broadcast(FLOAT32[4], root 0) did not finish within 1 s"), e.getMessage());
            assertTrue(s >= 0.9 && s < 10, "gave up after " + s + " s");
            assertEquals(1, ncclFake.calls("ncclCommAbort").size());
        }
    }

    @Test
    void closingWithAHungCollectiveAbortsAfterTheTimeoutInsteadOfWaitingForever() {
        DeviceProcessGroup pg = group(Duration.ofSeconds(1));
        pg.allReduceAsync(fresh(DType.FLOAT32, 4), ReduceOp.SUM); // never awaited
        cu.on("cuEventQuery", a -> 600);
        DistributedException e = assertThrows(DistributedException.class, pg::close);
        assertTrue(e.getMessage().contains("rank 0 of 1: closing the communicator (waiting for its queued collectives) did not finish within 1 s"),
                e.getMessage());
        assertEquals(1, ncclFake.calls("ncclCommAbort").size());
        assertEquals(0, ncclFake.calls("ncclCommDestroy").size());
        pg.close(); // idempotent
    }

    @Test
    void aFailedCallCarriesNcclsOwnErrorString() {
        try (DeviceProcessGroup pg = group(Duration.ofSeconds(30))) {
            ncclFake.on("ncclAllGather", a -> 4); // ncclInvalidArgument
            DistributedException e = assertThrows(DistributedException.class, () -> pg.allGather(fresh(DType.FLOAT32, 1, 3), fresh(DType.FLOAT32, 3)));
            assertTrue(e.getMessage().startsWith("rank 0 of 1: allGather(FLOAT32[3]) could not be queued: ncclAllGather(sendcount 3, datatype 7) "
                    + "(libnccl.so.2 (stand-in)) failed with status 4: ncclInvalidArgument: invalid argument (run with NCCL_DEBUG=WARN for details)"),
                    e.getMessage());
        }
    }

    @Test
    void badTensorsAreRefusedByName() {
        try (DeviceProcessGroup pg = group(Duration.ofSeconds(30))) {
            var cpu = assertThrows(IllegalArgumentException.class, () -> pg.allReduce(Tensor.zeros(3), ReduceOp.SUM));
            assertEquals("allReduce: tensor is on cpu, but rank 0's NCCL group works on cuda:6; move it with .to(cuda:6)", cpu.getMessage());
            var dtype = assertThrows(IllegalArgumentException.class, () -> pg.broadcast(fresh(DType.INT32, 3), 0));
            assertTrue(dtype.getMessage().startsWith("broadcast: tensor has dtype INT32"), dtype.getMessage());
            var strided = assertThrows(IllegalArgumentException.class, () -> pg.allReduce(fresh(DType.FLOAT32, 4, 6).slice(1, 0, 6, 2), ReduceOp.SUM));
            assertTrue(strided.getMessage().startsWith("allReduce: tensor must be contiguous (shape [4, 3], strides [6, 2])"), strided.getMessage());
            var root = assertThrows(IllegalArgumentException.class, () -> pg.broadcast(fresh(DType.FLOAT32, 3), 1));
            assertEquals("broadcast: root 1 is not a rank of this group (0..0)", root.getMessage());
            var shape = assertThrows(IllegalArgumentException.class, () -> pg.allGather(fresh(DType.FLOAT32, 2, 3), fresh(DType.FLOAT32, 3)));
            assertEquals("allGather: output must have shape [1, 3] (world size, then input's shape), got [2, 3]", shape.getMessage());
            assertEquals(0, ncclFake.calls("ncclAllReduce").size() + ncclFake.calls("ncclBroadcast").size() + ncclFake.calls("ncclAllGather").size(),
                    "nothing reached NCCL");
        }
    }

    @Test
    void anOldNcclIsRefusedWithItsVersion() {
        ncclFake.on("ncclGetVersion", a -> { FakeLibrary.putInt(a[0], 2804); return 0; });
        Nccl n = bind();
        var e = assertThrows(IllegalStateException.class, () -> NcclCommunicator.open(n, backend, 0, 1, id, Duration.ofSeconds(5)));
        assertTrue(e.getMessage().startsWith("rank 0 of 1: libnccl.so.2 (stand-in) is NCCL version code 2804; jgrad needs NCCL 2.10"), e.getMessage());
    }

    @Test
    void aRankThatNeverJoinsEndsCommInitRankWithATimeout() {
        ncclFake.on("ncclCommInitRank", a -> {
            try { Thread.sleep(2500); } catch (InterruptedException ignored) { /* the test is over */ }
            FakeLibrary.putPtr(a[0], MemorySegment.ofAddress(COMM));
            return 0;
        });
        Nccl n = bind();
        CudaException e = assertThrows(CudaException.class, () -> NcclCommunicator.open(n, backend, 1, 2, id, Duration.ofSeconds(1)));
        assertEquals("rank 1 of 2: ncclCommInitRank did not finish within 1 s; another rank has probably failed or was never started", e.getMessage());
    }

    /** Through the factory, as a user calls it: here (no GPU, no libnccl) the error names the rank and what is missing. */
    @Test
    void withoutNcclOrAGpuTheFactoryNamesTheRankAndWhatIsMissing() {
        org.junit.jupiter.api.Assumptions.assumeFalse(org.jgrad.backend.Backends.isAvailable(Device.cuda(0)), "a GPU is present: NcclGpuTest covers it");
        var e = assertThrows(DistributedException.class, () -> org.jgrad.distributed.ProcessGroup.fromEnvironment(Device.cuda(0)));
        String m = e.getMessage();
        assertTrue(m.startsWith("rank 0 of 1: NCCL is unavailable: could not load libnccl.so.2")
                || m.startsWith("rank 0 of 1: local rank 0 uses cuda:0, which is unusable"), m);
    }
}
