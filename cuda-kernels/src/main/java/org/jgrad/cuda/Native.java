package org.jgrad.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;

/** Small helpers shared by the FFM bindings: downcall handles, C strings, layouts. */
final class Native {
    static final Linker LINKER = Linker.nativeLinker();
    static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG; // size_t, CUdeviceptr, long long
    static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;
    static final ValueLayout.OfDouble DOUBLE = ValueLayout.JAVA_DOUBLE;
    static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;
    static final java.lang.foreign.AddressLayout PTR = ValueLayout.ADDRESS;

    private Native() {}

    /** A downcall to {@code name} returning int (every status-returning API here). */
    static MethodHandle status(SymbolLookup lib, String libName, String name, MemoryLayout... args) {
        return downcall(lib, libName, name, FunctionDescriptor.of(INT, args));
    }

    static MethodHandle downcall(SymbolLookup lib, String libName, String name, FunctionDescriptor fd) {
        MemorySegment sym = find(lib, name, fd).orElseThrow(() -> new IllegalStateException(
                libName + " has no symbol " + name + " (a library too old for jgrad?)"));
        return LINKER.downcallHandle(sym, fd);
    }

    /** Like {@link #status} but null when the symbol is absent (optional, newer entry points). */
    static MethodHandle optionalStatus(SymbolLookup lib, String name, MemoryLayout... args) {
        FunctionDescriptor fd = FunctionDescriptor.of(INT, args);
        return find(lib, name, fd).map(s -> LINKER.downcallHandle(s, fd)).orElse(null);
    }

    /**
     * A lookup that is also told each symbol's C signature. The CPU tests implement it with
     * upcall stubs standing in for libcuda, cuBLAS and cuDNN, so every binding's downcall (and
     * every invokeExact call site's types) runs without a GPU.
     */
    interface DescribedLookup extends SymbolLookup {
        java.util.Optional<MemorySegment> find(String name, FunctionDescriptor signature);
    }

    private static java.util.Optional<MemorySegment> find(SymbolLookup lib, String name, FunctionDescriptor fd) {
        return lib instanceof DescribedLookup d ? d.find(name, fd) : lib.find(name);
    }

    /** Reads a NUL-terminated string at a native address (null or NULL gives "?"). */
    static String cString(MemorySegment p) {
        if (p == null || p.address() == 0) return "?";
        return p.reinterpret(4096).getString(0, StandardCharsets.UTF_8);
    }

    static MemorySegment ptr(long address) { return MemorySegment.ofAddress(address); }

    /** Turns an unexpected Throwable from invokeExact into an unchecked exception. */
    static RuntimeException rethrow(String fn, Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new CudaException("calling " + fn + " failed: " + t);
    }

    /** A confined arena for the out-parameters of one call. */
    static Arena call() { return Arena.ofConfined(); }
}
