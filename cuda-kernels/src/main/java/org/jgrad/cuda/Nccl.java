package org.jgrad.cuda;

import org.jgrad.tensor.DType;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.List;
import java.util.Map;

import static org.jgrad.cuda.Native.BYTE;
import static org.jgrad.cuda.Native.INT;
import static org.jgrad.cuda.Native.LONG;
import static org.jgrad.cuda.Native.PTR;
import static org.jgrad.cuda.Native.rethrow;

/**
 * NCCL ({@code libnccl.so.2}, shipped in PyTorch's CUDA wheels as {@code nvidia/nccl/lib}, or
 * the system's {@code libnccl2}) through FFM. Signatures and constants are nccl.h's (NCCL's
 * {@code src/nccl.h.in}): buffers are {@code void*} and streams {@code cudaStream_t}, both
 * addresses; counts are {@code size_t}; {@code ncclComm_t} is a pointer; and
 * {@code ncclCommInitRank} takes the 128-byte {@code ncclUniqueId} struct by value, declared
 * here as a struct layout of 128 bytes so the linker copies it as C does. Every call checks
 * its {@code ncclResult_t} and throws {@link CudaException} with NCCL's own error string.
 */
public final class Nccl {
    /** nccl.h: {@code #define NCCL_UNIQUE_ID_BYTES 128}; {@code typedef struct { char internal[128]; } ncclUniqueId;} */
    public static final int UNIQUE_ID_BYTES = 128;
    static final StructLayout UNIQUE_ID = MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(UNIQUE_ID_BYTES, BYTE).withName("internal")).withName("ncclUniqueId");

    // ncclResult_t (nccl.h): ncclSuccess = 0, ncclUnhandledCudaError = 1, ncclSystemError = 2, ncclInternalError = 3,
    // ncclInvalidArgument = 4, ncclInvalidUsage = 5, ncclRemoteError = 6, ncclInProgress = 7, ncclTimeout = 8
    public static final int SUCCESS = 0, IN_PROGRESS = 7;
    static final Map<Integer, String> RESULT_NAMES = Map.of(0, "ncclSuccess", 1, "ncclUnhandledCudaError", 2, "ncclSystemError",
            3, "ncclInternalError", 4, "ncclInvalidArgument", 5, "ncclInvalidUsage", 6, "ncclRemoteError", 7, "ncclInProgress",
            8, "ncclTimeout");

    // ncclRedOp_t (nccl.h): ncclSum = 0, ncclProd = 1, ncclMax = 2, ncclMin = 3, ncclAvg = 4 (ncclAvg since NCCL 2.10)
    public static final int SUM = 0, PROD = 1, MAX = 2, MIN = 3, AVG = 4;

    // ncclDataType_t (nccl.h): ncclInt8 = 0, ncclUint8 = 1, ncclInt32 = 2, ncclUint32 = 3, ncclInt64 = 4, ncclUint64 = 5,
    // ncclFloat16 = 6, ncclFloat32 = 7, ncclFloat64 = 8, ncclBfloat16 = 9
    public static final int INT8 = 0, UINT8 = 1, INT32 = 2, UINT32 = 3, INT64 = 4, UINT64 = 5, FLOAT16 = 6, FLOAT32 = 7, FLOAT64 = 8;

    /** NCCL_VERSION(2,10,0) = 2*10000 + 10*100 + 0: the first release with ncclAvg. */
    public static final int MIN_VERSION = 21000;

    /** The library file, looked for as the other CUDA libraries are ({@link LibrarySearch}). */
    public static final CudaLibraries.Wanted LIBRARY = new CudaLibraries.Wanted("NCCL", List.of("libnccl.so.2"),
            "collectives between GPUs (install the nvidia-nccl-cu12 or -cu13 Python wheel, or the libnccl2 package)");

    private final String libName;
    private final MethodHandle getVersion, getUniqueId, commInitRank, allReduce, broadcast, allGather, groupStart, groupEnd,
            commGetAsyncError, commAbort, commDestroy, getErrorString;

    /** Binds every function up front, so a library that lacks one fails at load time with its name. */
    public Nccl(SymbolLookup lib, String libName) {
        this.libName = libName;
        // ncclResult_t ncclGetVersion(int* version);
        getVersion = Native.status(lib, libName, "ncclGetVersion", PTR);
        // ncclResult_t ncclGetUniqueId(ncclUniqueId* uniqueId);
        getUniqueId = Native.status(lib, libName, "ncclGetUniqueId", PTR);
        // ncclResult_t ncclCommInitRank(ncclComm_t* comm, int nranks, ncclUniqueId commId, int rank);
        commInitRank = Native.status(lib, libName, "ncclCommInitRank", PTR, INT, UNIQUE_ID, INT);
        // ncclResult_t ncclAllReduce(const void* sendbuff, void* recvbuff, size_t count, ncclDataType_t datatype,
        //                            ncclRedOp_t op, ncclComm_t comm, cudaStream_t stream);
        allReduce = Native.status(lib, libName, "ncclAllReduce", PTR, PTR, LONG, INT, INT, PTR, PTR);
        // ncclResult_t ncclBroadcast(const void* sendbuff, void* recvbuff, size_t count, ncclDataType_t datatype, int root,
        //                            ncclComm_t comm, cudaStream_t stream);
        broadcast = Native.status(lib, libName, "ncclBroadcast", PTR, PTR, LONG, INT, INT, PTR, PTR);
        // ncclResult_t ncclAllGather(const void* sendbuff, void* recvbuff, size_t sendcount, ncclDataType_t datatype,
        //                            ncclComm_t comm, cudaStream_t stream);
        allGather = Native.status(lib, libName, "ncclAllGather", PTR, PTR, LONG, INT, PTR, PTR);
        // ncclResult_t ncclGroupStart(); ncclResult_t ncclGroupEnd();
        groupStart = Native.status(lib, libName, "ncclGroupStart");
        groupEnd = Native.status(lib, libName, "ncclGroupEnd");
        // ncclResult_t ncclCommGetAsyncError(ncclComm_t comm, ncclResult_t* asyncError);
        commGetAsyncError = Native.status(lib, libName, "ncclCommGetAsyncError", PTR, PTR);
        // ncclResult_t ncclCommAbort(ncclComm_t comm); ncclResult_t ncclCommDestroy(ncclComm_t comm);
        commAbort = Native.status(lib, libName, "ncclCommAbort", PTR);
        commDestroy = Native.status(lib, libName, "ncclCommDestroy", PTR);
        // const char* ncclGetErrorString(ncclResult_t result);
        getErrorString = Native.downcall(lib, libName, "ncclGetErrorString", FunctionDescriptor.of(PTR, INT));
    }

    /** Opens {@code libnccl.so.2} where {@code search} finds it; the error names every place searched. */
    public static Nccl load(LibrarySearch search) {
        CudaLibraries.Outcome o = CudaLibraries.open(search, LIBRARY, CudaLibraries.DLOPEN);
        if (!o.found()) {
            StringBuilder sb = new StringBuilder("NCCL is unavailable: could not load libnccl.so.2, needed for ").append(LIBRARY.why()).append('\n');
            for (String a : o.attempts()) sb.append("  tried ").append(a).append('\n');
            sb.append("Searched, in order:\n").append(search.describePlaces()).append('\n');
            sb.append("Fix: install NCCL or set ").append(LibrarySearch.ENV).append(" to the folder holding libnccl.so.2.");
            throw new IllegalStateException(sb.toString());
        }
        return new Nccl(o.lookup(), o.loadedName() + " from " + o.loadedFrom());
    }

    /** Where the library was loaded from, for messages. */
    public String libraryName() { return libName; }

    /** The ncclDataType_t of a dtype the collectives carry. */
    public static int dataType(DType d) {
        return switch (d) {
            case FLOAT32 -> FLOAT32;
            case FLOAT64 -> FLOAT64;
            case INT64 -> INT64;
            default -> throw new IllegalArgumentException("NCCL collectives here carry FLOAT32, FLOAT64 and INT64, got " + d);
        };
    }

    /** NCCL's name for a result code and its own description: "ncclInvalidArgument: invalid argument (...)". */
    public String errorText(int result) {
        String name = RESULT_NAMES.getOrDefault(result, "ncclResult_t " + result);
        try {
            return name + ": " + Native.cString((MemorySegment) getErrorString.invokeExact(result));
        } catch (Throwable t) {
            return name;
        }
    }

    void check(int result, String fn) {
        if (result != SUCCESS) throw new CudaException(fn + " (" + libName + ")", result, errorText(result));
    }

    /** NCCL_VERSION_CODE of the loaded library: 2*10000 + minor*100 + patch for 2.9 and later (21805 is 2.18.5). */
    public int version() {
        try (Arena a = Native.call()) {
            MemorySegment v = a.allocate(INT);
            check((int) getVersion.invokeExact(v), "ncclGetVersion");
            return v.get(INT, 0);
        } catch (Throwable t) { throw rethrow("ncclGetVersion", t); }
    }

    /** NCCL_VERSION_CODE as "2.21.5": nccl.h's NCCL_VERSION(X,Y,Z) is X*1000 + Y*100 + Z up to 2.8, X*10000 + Y*100 + Z from 2.9. */
    public static String versionText(int code) {
        if (code >= 10000) return code / 10000 + "." + code / 100 % 100 + "." + code % 100;
        return code / 1000 + "." + code / 100 % 10 + "." + code % 100;
    }

    /** A new ncclUniqueId, made on rank 0 and handed to every rank. */
    public byte[] uniqueId() {
        try (Arena a = Native.call()) {
            MemorySegment id = a.allocate(UNIQUE_ID);
            check((int) getUniqueId.invokeExact(id), "ncclGetUniqueId");
            return id.toArray(BYTE);
        } catch (Throwable t) { throw rethrow("ncclGetUniqueId", t); }
    }

    /** Joins the communicator of {@code nranks} ranks named by {@code id}; blocks until every rank has joined. */
    public long commInitRank(int nranks, byte[] id, int rank) {
        if (id == null || id.length != UNIQUE_ID_BYTES) {
            throw new IllegalArgumentException("an ncclUniqueId has " + UNIQUE_ID_BYTES + " bytes, got " + (id == null ? "null" : id.length));
        }
        try (Arena a = Native.call()) {
            MemorySegment comm = a.allocate(PTR);
            MemorySegment value = a.allocate(UNIQUE_ID);
            MemorySegment.copy(id, 0, value, BYTE, 0, UNIQUE_ID_BYTES);
            check((int) commInitRank.invokeExact(comm, nranks, value, rank), "ncclCommInitRank(nranks " + nranks + ", rank " + rank + ")");
            return comm.get(PTR, 0).address();
        } catch (Throwable t) { throw rethrow("ncclCommInitRank", t); }
    }

    public void allReduce(long send, long recv, long count, int dataType, int op, long comm, long stream) {
        try {
            check((int) allReduce.invokeExact(Native.ptr(send), Native.ptr(recv), count, dataType, op, Native.ptr(comm), Native.ptr(stream)),
                    "ncclAllReduce(count " + count + ", datatype " + dataType + ", op " + op + ")");
        } catch (Throwable t) { throw rethrow("ncclAllReduce", t); }
    }

    public void broadcast(long send, long recv, long count, int dataType, int root, long comm, long stream) {
        try {
            check((int) broadcast.invokeExact(Native.ptr(send), Native.ptr(recv), count, dataType, root, Native.ptr(comm), Native.ptr(stream)),
                    "ncclBroadcast(count " + count + ", datatype " + dataType + ", root " + root + ")");
        } catch (Throwable t) { throw rethrow("ncclBroadcast", t); }
    }

    public void allGather(long send, long recv, long sendCount, int dataType, long comm, long stream) {
        try {
            check((int) allGather.invokeExact(Native.ptr(send), Native.ptr(recv), sendCount, dataType, Native.ptr(comm), Native.ptr(stream)),
                    "ncclAllGather(sendcount " + sendCount + ", datatype " + dataType + ")");
        } catch (Throwable t) { throw rethrow("ncclAllGather", t); }
    }

    /** Collectives called until {@link #groupEnd} are launched together (one launch for many small tensors). */
    public void groupStart() {
        try { check((int) groupStart.invokeExact(), "ncclGroupStart"); } catch (Throwable t) { throw rethrow("ncclGroupStart", t); }
    }

    public void groupEnd() {
        try { check((int) groupEnd.invokeExact(), "ncclGroupEnd"); } catch (Throwable t) { throw rethrow("ncclGroupEnd", t); }
    }

    /** The communicator's asynchronous error (a peer failed, a network error): {@link #SUCCESS}, {@link #IN_PROGRESS} or an error code. */
    public int commGetAsyncError(long comm) {
        try (Arena a = Native.call()) {
            MemorySegment e = a.allocate(INT);
            check((int) commGetAsyncError.invokeExact(Native.ptr(comm), e), "ncclCommGetAsyncError");
            return e.get(INT, 0);
        } catch (Throwable t) { throw rethrow("ncclCommGetAsyncError", t); }
    }

    /** Stops the communicator's pending work and frees it (after an error or a timeout). */
    public void commAbort(long comm) {
        try { check((int) commAbort.invokeExact(Native.ptr(comm)), "ncclCommAbort"); } catch (Throwable t) { throw rethrow("ncclCommAbort", t); }
    }

    /** Frees the communicator once its pending work has finished. */
    public void commDestroy(long comm) {
        try { check((int) commDestroy.invokeExact(Native.ptr(comm)), "ncclCommDestroy"); } catch (Throwable t) { throw rethrow("ncclCommDestroy", t); }
    }
}
