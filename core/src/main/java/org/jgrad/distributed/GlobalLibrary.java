package org.jgrad.distributed;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A shared library opened with {@code dlopen(RTLD_NOW | RTLD_GLOBAL)}. MPI libraries load
 * their own plug-ins (Open MPI's MCA components) which expect the library's symbols to be
 * global, as they are when a C program links against it; {@link SymbolLookup#libraryLookup}
 * opens libraries locally, which breaks those plug-ins on some builds.
 */
final class GlobalLibrary implements SymbolLookup {
    private static final int RTLD_NOW = 0x2;
    private static final int RTLD_GLOBAL = 0x100;
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle DLOPEN = libc("dlopen", FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle DLSYM = libc("dlsym", FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
    private static final MethodHandle DLERROR = libc("dlerror", FunctionDescriptor.of(ValueLayout.ADDRESS));

    private final String name;
    private final MemorySegment handle;

    private GlobalLibrary(String name, MemorySegment handle) {
        this.name = name;
        this.handle = handle;
    }

    /** Opens {@code nameOrPath} (a bare name is searched by the system loader); throws with dlerror's reason. */
    static GlobalLibrary open(String nameOrPath) {
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            MemorySegment h = (MemorySegment) DLOPEN.invokeExact(arena.allocateFrom(nameOrPath), RTLD_NOW | RTLD_GLOBAL);
            if (h.address() == 0) throw new UnsatisfiedLinkError(nameOrPath + ": " + lastError());
            return new GlobalLibrary(nameOrPath, h);
        } catch (UnsatisfiedLinkError e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("dlopen(" + nameOrPath + ") failed: " + t, t);
        }
    }

    String name() { return name; }

    @Override
    public Optional<MemorySegment> find(String symbol) {
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            MemorySegment s = (MemorySegment) DLSYM.invokeExact(handle, arena.allocateFrom(symbol));
            return s.address() == 0 ? Optional.empty() : Optional.of(s);
        } catch (Throwable t) {
            throw new IllegalStateException("dlsym(" + symbol + ") failed: " + t, t);
        }
    }

    private static String lastError() throws Throwable {
        MemorySegment p = (MemorySegment) DLERROR.invokeExact();
        return p.address() == 0 ? "unknown reason" : p.reinterpret(4096).getString(0, StandardCharsets.UTF_8);
    }

    private static MethodHandle libc(String fn, FunctionDescriptor fd) {
        MemorySegment s = LINKER.defaultLookup().find(fn)
                .orElseThrow(() -> new IllegalStateException("the C library has no " + fn + "; cannot load MPI"));
        return LINKER.downcallHandle(s, fd);
    }
}
