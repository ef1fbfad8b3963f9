package org.jgrad.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A stand-in for libcuda, cuBLAS or cuDNN: every symbol the bindings ask for becomes an upcall
 * stub with exactly the C signature the binding declared, so the bindings' downcalls (and
 * their invokeExact call sites) really run, through native code, on a machine without a GPU.
 * Handlers write out-parameters and choose status codes; every call is recorded. A handler
 * must not throw (an exception in an upcall ends the JVM): failures are caught and kept.
 */
final class FakeLibrary implements Native.DescribedLookup {
    interface Handler {
        Object call(Object[] args);
    }

    record Call(String name, Object[] args) {}

    final String libName;
    final Map<String, Handler> handlers = new HashMap<>();
    final List<Call> calls = new ArrayList<>();
    final List<Throwable> handlerFailures = new ArrayList<>();
    private final Arena arena = Arena.ofShared();
    private static final MethodHandle DISPATCH;

    static {
        try {
            DISPATCH = MethodHandles.lookup().findVirtual(FakeLibrary.class, "dispatch",
                    MethodType.methodType(Object.class, String.class, FunctionDescriptor.class, Object[].class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    FakeLibrary(String libName) {
        this.libName = libName;
    }

    FakeLibrary on(String name, Handler h) {
        handlers.put(name, h);
        return this;
    }

    @Override
    public Optional<MemorySegment> find(String name) {
        throw new IllegalStateException("the bindings must look symbols up with their signature: " + name);
    }

    @Override
    public Optional<MemorySegment> find(String name, FunctionDescriptor fd) {
        MethodHandle target = MethodHandles.insertArguments(DISPATCH, 0, this, name, fd)
                .asCollector(Object[].class, fd.argumentLayouts().size())
                .asType(fd.toMethodType());
        return Optional.of(Native.LINKER.upcallStub(target, fd, arena));
    }

    @SuppressWarnings("unused") // reached through DISPATCH
    private Object dispatch(String name, FunctionDescriptor fd, Object[] args) {
        synchronized (this) {
            calls.add(new Call(name, args));
        }
        Object r = null;
        try {
            Handler h = handlers.get(name);
            if (h != null) r = h.call(args);
        } catch (Throwable t) {
            synchronized (this) {
                handlerFailures.add(new AssertionError("handler of " + name + " failed", t));
            }
            r = null;
        }
        if (r != null) return r;
        MemoryLayout ret = fd.returnLayout().orElse(null);
        if (ret == null) return null;
        if (ret instanceof ValueLayout.OfInt) return 0;
        if (ret instanceof ValueLayout.OfLong) return 0L;
        return MemorySegment.NULL;
    }

    /** A NUL-terminated string that lives as long as this library. */
    MemorySegment cString(String s) { return arena.allocateFrom(s); }

    synchronized List<Call> calls(String name) {
        return calls.stream().filter(c -> c.name().equals(name)).toList();
    }

    synchronized Call last(String name) {
        List<Call> l = calls(name);
        if (l.isEmpty()) throw new AssertionError(libName + ": " + name + " was never called; calls: " + calls.stream().map(Call::name).toList());
        return l.get(l.size() - 1);
    }

    // helpers for handlers
    static void putInt(Object ptr, int v) { ((MemorySegment) ptr).reinterpret(4).set(ValueLayout.JAVA_INT, 0, v); }

    static void putLong(Object ptr, long v) { ((MemorySegment) ptr).reinterpret(8).set(ValueLayout.JAVA_LONG, 0, v); }

    static void putFloat(Object ptr, float v) { ((MemorySegment) ptr).reinterpret(4).set(ValueLayout.JAVA_FLOAT, 0, v); }

    static void putPtr(Object ptr, MemorySegment v) { ((MemorySegment) ptr).reinterpret(8).set(ValueLayout.ADDRESS, 0, v); }

    static float getFloat(Object ptr) { return ((MemorySegment) ptr).reinterpret(4).get(ValueLayout.JAVA_FLOAT, 0); }

    static long getLong(Object ptr) { return ((MemorySegment) ptr).reinterpret(8).get(ValueLayout.JAVA_LONG, 0); }

    static long addr(Object ptr) { return ((MemorySegment) ptr).address(); }
}
