package org.jgrad.tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Closes, when it closes, every tensor created inside it (on this thread) that was not kept.
 * <pre>{@code
 * try (var s = Scope.open()) {
 *     Tensor loss = criterion.apply(model.forward(x), y);
 *     loss.backward();
 *     optimizer.step();
 *     return s.keep(loss.detach());   // survives; moves to the enclosing scope if any
 * }
 * }</pre>
 * Parameters, their gradients, optimizer state and metric state are never tracked (they are
 * created outside any scope or {@linkplain #escape escaped}). Scopes nest; a tensor belongs to
 * the innermost one open when it was created.
 */
public final class Scope implements AutoCloseable {
    private static final ThreadLocal<ArrayDeque<Scope>> STACK = ThreadLocal.withInitial(ArrayDeque::new);

    private final Set<Tensor> tracked = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Thread owner = Thread.currentThread();
    private boolean closed;

    private Scope() {}

    public static Scope open() {
        Scope s = new Scope();
        STACK.get().push(s);
        return s;
    }

    static void track(Tensor t) {
        Scope s = STACK.get().peek();
        if (s != null) s.tracked.add(t);
    }

    /** Removes {@code t} from every open scope of this thread: it lives until closed by hand or collected. */
    public static <T extends Tensor> T escape(T t) {
        for (Scope s : STACK.get()) s.tracked.remove(t);
        return t;
    }

    /** Keeps {@code t} alive past this scope; it becomes owned by the enclosing scope, if any. */
    public <T extends Tensor> T keep(T t) {
        if (tracked.remove(t)) {
            ArrayDeque<Scope> stack = STACK.get();
            boolean seenSelf = false;
            for (Scope s : stack) { // innermost first
                if (seenSelf) {
                    s.tracked.add(t);
                    break;
                }
                if (s == this) seenSelf = true;
            }
        }
        return t;
    }

    /** Number of tensors this scope will close. */
    public int size() { return tracked.size(); }

    @Override
    public void close() {
        if (closed) return;
        if (Thread.currentThread() != owner) throw new IllegalStateException("a Scope must be closed on the thread that opened it");
        closed = true;
        ArrayDeque<Scope> stack = STACK.get();
        stack.remove(this);
        List<Tensor> toClose = new ArrayList<>(tracked);
        tracked.clear();
        for (Tensor t : toClose) t.close();
    }
}
