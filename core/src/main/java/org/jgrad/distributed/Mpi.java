package org.jgrad.distributed;

import org.jgrad.tensor.DType;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The C MPI functions jgrad calls, bound through FFM on the first library found: the file
 * named by {@code JGRAD_MPI_LIB}, then Open MPI's {@code libmpi.so.40}, then MPICH's
 * {@code libmpi.so.12} / {@code libmpich.so.12}, by the system loader's search. Every call
 * checks its status and throws {@link DistributedException} naming the function, the rank and
 * MPI's own error string. Not thread-safe: {@link MpiProcessGroup} calls it from one thread.
 */
final class Mpi {
    static final String LIB_ENV = "JGRAD_MPI_LIB";
    static final List<String> LIBRARY_NAMES = List.of("libmpi.so.40", "libmpi.so.12", "libmpich.so.12");

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout PTR = ValueLayout.ADDRESS;

    final GlobalLibrary lib;
    final MpiAbi abi;
    private final MethodHandle initThread, initialized, finalized, finalize, abort, commRank, commSize,
            allreduce, bcast, allgather, barrier, errorString, libraryVersion;
    private final Object world;
    private int rank = -1;

    private Mpi(GlobalLibrary lib) {
        this.lib = lib;
        this.abi = MpiAbi.of(lib);
        MemoryLayout h = abi.handleLayout();
        initThread = fn("MPI_Init_thread", PTR, PTR, INT, PTR);
        initialized = fn("MPI_Initialized", PTR);
        finalized = fn("MPI_Finalized", PTR);
        finalize = fn("MPI_Finalize");
        abort = fn("MPI_Abort", h, INT);
        commRank = fn("MPI_Comm_rank", h, PTR);
        commSize = fn("MPI_Comm_size", h, PTR);
        allreduce = fn("MPI_Allreduce", PTR, PTR, INT, h, h, h);
        bcast = fn("MPI_Bcast", PTR, INT, h, INT, h);
        allgather = fn("MPI_Allgather", PTR, INT, h, PTR, INT, h, h);
        barrier = fn("MPI_Barrier", h);
        errorString = fn("MPI_Error_string", INT, PTR, PTR);
        libraryVersion = fn("MPI_Get_library_version", PTR, PTR);
        world = abi.arg(abi.commWorld(lib));
    }

    /** Loads the first MPI library that opens; the error lists every name tried and why it failed. */
    static Mpi load() {
        List<String> names = new ArrayList<>();
        String custom = System.getenv(LIB_ENV);
        if (custom != null && !custom.isBlank()) names.add(custom.trim());
        names.addAll(LIBRARY_NAMES);
        StringBuilder why = new StringBuilder();
        for (String name : names) {
            try {
                return new Mpi(GlobalLibrary.open(name));
            } catch (UnsatisfiedLinkError | IllegalStateException e) {
                why.append("\n  ").append(name).append(": ").append(e.getMessage());
            }
        }
        throw new DistributedException("launched by an MPI launcher, but no MPI library could be loaded (install Open MPI, "
                + "e.g. 'apt-get install openmpi-bin', or set " + LIB_ENV + " to the library file). Tried:" + why);
    }

    private MethodHandle fn(String name, MemoryLayout... args) {
        MemorySegment s = lib.find(name).orElseThrow(() -> new DistributedException(lib.name() + " has no symbol " + name));
        return Linker.nativeLinker().downcallHandle(s, FunctionDescriptor.of(INT, args));
    }

    /** MPI_Init_thread asking for MPI_THREAD_MULTIPLE; returns the level provided (0..3). */
    int initThread(int required) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment flag = a.allocate(INT);
            check("MPI_Initialized", (int) initialized.invokeExact(flag));
            if (flag.get(INT, 0) != 0) throw new DistributedException("MPI is already initialized in this process");
            MemorySegment provided = a.allocate(INT);
            check("MPI_Init_thread", (int) initThread.invokeExact(MemorySegment.NULL, MemorySegment.NULL, required, provided));
            MemorySegment out = a.allocate(INT);
            check("MPI_Comm_rank", (int) commRank.invokeWithArguments(world, out));
            rank = out.get(INT, 0);
            return provided.get(INT, 0);
        } catch (DistributedException e) {
            throw e;
        } catch (Throwable t) {
            throw failed("MPI_Init_thread", t);
        }
    }

    int commRank() { return queryInt("MPI_Comm_rank", commRank); }

    int commSize() { return queryInt("MPI_Comm_size", commSize); }

    private int queryInt(String name, MethodHandle mh) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(INT);
            check(name, (int) mh.invokeWithArguments(world, out));
            return out.get(INT, 0);
        } catch (DistributedException e) {
            throw e;
        } catch (Throwable t) {
            throw failed(name, t);
        }
    }

    /** In-place all-reduce of {@code count} elements at {@code buf}. */
    void allreduceInPlace(MemorySegment buf, int count, DType dtype, ReduceOp op) {
        call("MPI_Allreduce", allreduce, abi.inPlace(), buf, count, abi.arg(abi.datatype(lib, dtype)), abi.arg(abi.op(lib, op)), world);
    }

    void bcast(MemorySegment buf, int count, DType dtype, int root) {
        call("MPI_Bcast", bcast, buf, count, abi.arg(abi.datatype(lib, dtype)), root, world);
    }

    void allgather(MemorySegment send, MemorySegment recv, int count, DType dtype) {
        Object t = abi.arg(abi.datatype(lib, dtype));
        call("MPI_Allgather", allgather, send, count, t, recv, count, t, world);
    }

    void barrier() { call("MPI_Barrier", barrier, world); }

    void finalizeOnce() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment flag = a.allocate(INT);
            check("MPI_Finalized", (int) finalized.invokeExact(flag));
            if (flag.get(INT, 0) != 0) return;
            check("MPI_Finalize", (int) finalize.invokeExact());
        } catch (DistributedException e) {
            throw e;
        } catch (Throwable t) {
            throw failed("MPI_Finalize", t);
        }
    }

    /** MPI_Abort on MPI_COMM_WORLD: the launcher stops every rank. Does not return when MPI honours it. */
    void abort(int code) {
        try {
            int unused = (int) abort.invokeWithArguments(world, code);
        } catch (Throwable t) {
            // aborting is the last resort already; the caller halts the JVM next
        }
    }

    /** The library's own description, e.g. "Open MPI v4.1.4, ...", first line only. */
    String libraryVersion() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(8192);
            MemorySegment len = a.allocate(INT);
            int rc = (int) libraryVersion.invokeExact(buf, len);
            if (rc != MpiAbi.SUCCESS) return abi.name();
            String s = buf.getString(0, StandardCharsets.UTF_8).strip();
            int nl = s.indexOf('\n');
            return nl < 0 ? s : s.substring(0, nl).strip();
        } catch (Throwable t) {
            return abi.name();
        }
    }

    private void call(String name, MethodHandle mh, Object... args) {
        int rc;
        try {
            rc = (int) mh.invokeWithArguments(args);
        } catch (Throwable t) {
            throw failed(name, t);
        }
        check(name, rc);
    }

    private void check(String name, int rc) {
        if (rc != MpiAbi.SUCCESS) {
            throw new DistributedException("rank " + rank + ": " + name + " failed with MPI error " + rc + ": " + errorText(rc));
        }
    }

    String errorText(int code) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(MpiAbi.MAX_ERROR_STRING);
            MemorySegment len = a.allocate(INT);
            int rc = (int) errorString.invokeExact(code, buf, len);
            if (rc != MpiAbi.SUCCESS) return "(no description)";
            return buf.getString(0, StandardCharsets.UTF_8);
        } catch (Throwable t) {
            return "(no description: " + t + ")";
        }
    }

    private DistributedException failed(String name, Throwable t) {
        if (t instanceof DistributedException d) return d;
        return new DistributedException("rank " + rank + ": calling " + name + " failed: " + t, t);
    }
}
