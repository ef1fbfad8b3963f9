package org.jgrad.metrics;

import org.jgrad.ops.Concat;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Scope;
import org.jgrad.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tensors behind a {@link StatefulMetric}'s declarations, and the one implementation of
 * reset, merge and sync for every metric. States are created on the device of the first batch
 * (or of the first merged state), outside every {@code Scope}; they never leave that device.
 * Several metrics of a {@link MetricCollection} compute group share one instance. Not
 * thread-safe by itself: callers hold the instance's monitor.
 */
final class MetricStates {
    private final List<StateDeclaration> declarations;
    private final Map<String, Tensor> fixed = new LinkedHashMap<>();      // SUM, MIN, MAX
    private final Map<String, List<Tensor>> appended = new LinkedHashMap<>(); // CAT: pieces in order
    private Device device; // null until the states exist
    private boolean synced;

    MetricStates(List<StateDeclaration> declarations) {
        MetricChecks.notNull(declarations, "declarations");
        List<String> names = new ArrayList<>();
        for (StateDeclaration d : declarations) {
            MetricChecks.notNull(d, "declaration");
            if (names.contains(d.name())) throw new IllegalArgumentException("state '" + d.name() + "' is declared twice");
            names.add(d.name());
        }
        this.declarations = List.copyOf(declarations);
    }

    List<StateDeclaration> declarations() { return declarations; }

    boolean exists() { return device != null; }

    Device device() { return device; }

    boolean synced() { return synced; }

    /**
     * Creates the states on {@code d} when they do not exist yet (each -1 dimension takes the next
     * of {@code deferredSizes}, in declaration order); afterwards checks the device and the
     * deferred sizes agree.
     */
    void ensure(Device d, int... deferredSizes) {
        if (device != null) {
            if (!device.equals(d)) {
                throw new IllegalArgumentException("this metric holds its state on " + device + " but the batch is on " + d
                        + "; use one accumulator per device and merge() them");
            }
            return;
        }
        int k = 0;
        Map<String, int[]> shapes = new LinkedHashMap<>();
        for (StateDeclaration s : declarations) {
            int[] shape = s.shape();
            for (int i = 0; i < shape.length; i++) {
                if (shape[i] >= 0) continue;
                if (deferredSizes == null || k >= deferredSizes.length) {
                    throw new IllegalStateException("state '" + s.name() + "' has a dimension fixed by the first update, and none was given");
                }
                shape[i] = deferredSizes[k++];
            }
            shapes.put(s.name(), shape);
        }
        create(d, shapes);
    }

    private void create(Device d, Map<String, int[]> shapes) {
        try {
            for (StateDeclaration s : declarations) {
                if (s.reduction() == StateReduction.CAT) appended.put(s.name(), new ArrayList<>());
                else fixed.put(s.name(), Scope.escape(Tensor.full(s.initial(), s.dtype(), d, shapes.get(s.name()))));
            }
        } catch (RuntimeException e) {
            clear();
            throw e;
        }
        device = d;
    }

    /** A fixed state; the states must exist. */
    Tensor get(String name) {
        Tensor t = fixed.get(name);
        if (t == null) {
            if (appended.containsKey(name)) throw new IllegalArgumentException("state '" + name + "' is a CAT state: use appended(name)");
            throw new IllegalArgumentException(device == null ? "no state exists before the first update" : "no state named '" + name + "'; declared: " + declarations);
        }
        return t;
    }

    /** Appends a copy of {@code piece} (dimension 0 is free, the others as declared) to a CAT state. */
    void append(String name, Tensor piece) {
        List<Tensor> list = appended.get(name);
        if (list == null) throw new IllegalArgumentException("no CAT state named '" + name + "'; declared: " + declarations);
        StateDeclaration d = declaration(name);
        checkPiece(d, piece);
        list.add(Scope.escape(piece.contiguousCopy()));
    }

    /** A CAT state's pieces concatenated (a new tensor), or an empty [0, ...] tensor. */
    Tensor concatenated(String name) {
        List<Tensor> list = appended.get(name);
        if (list == null) throw new IllegalArgumentException("no CAT state named '" + name + "'");
        StateDeclaration d = declaration(name);
        if (list.isEmpty()) return Tensor.zeros(d.dtype(), device, withRows(0, d.shape()));
        return list.size() == 1 ? list.get(0).contiguousCopy() : Concat.cat(list, 0);
    }

    private StateDeclaration declaration(String name) {
        for (StateDeclaration d : declarations) if (d.name().equals(name)) return d;
        throw new IllegalArgumentException("no state named '" + name + "'");
    }

    private static int[] withRows(int rows, int[] trailing) {
        int[] s = new int[trailing.length + 1];
        s[0] = rows;
        System.arraycopy(trailing, 0, s, 1, trailing.length);
        return s;
    }

    private void checkPiece(StateDeclaration d, Tensor piece) {
        MetricChecks.open(piece, d.name());
        int[] want = d.shape();
        int[] got = piece.shape();
        if (piece.dtype() != d.dtype() || got.length != want.length + 1 || !Arrays.equals(Arrays.copyOfRange(got, 1, got.length), want)) {
            throw new IllegalArgumentException("state '" + d.name() + "' takes " + d.dtype() + " " + Arrays.toString(withRows(-1, want)).replace("-1", "*")
                    + " pieces, got " + piece.dtype() + " " + Arrays.toString(got));
        }
        if (device != null && !piece.device().equals(device)) {
            throw new IllegalArgumentException("state '" + d.name() + "' is on " + device + " but the piece is on " + piece.device());
        }
    }

    /** Frees every state; the next update starts from the declared initial values. */
    void clear() {
        for (Tensor t : fixed.values()) t.close();
        for (List<Tensor> l : appended.values()) for (Tensor t : l) t.close();
        fixed.clear();
        appended.clear();
        device = null;
        synced = false;
    }

    void checkNotSynced(String what) {
        if (synced) {
            throw new IllegalStateException("cannot " + what + " a metric after sync(): it holds the global state of every rank; reset() it first");
        }
    }

    /** Contiguous copies of every state (the caller closes them with {@link #clear()}); null when no state exists. */
    MetricStates snapshot() {
        if (device == null) return null;
        MetricStates copy = new MetricStates(declarations);
        copy.device = device;
        for (var e : fixed.entrySet()) copy.fixed.put(e.getKey(), Scope.escape(e.getValue().contiguousCopy()));
        for (var e : appended.entrySet()) {
            List<Tensor> l = new ArrayList<>();
            for (Tensor t : e.getValue()) l.add(Scope.escape(t.contiguousCopy()));
            copy.appended.put(e.getKey(), l);
        }
        return copy;
    }

    /**
     * Combines {@code other}'s states (same declarations) into these, each by its declared
     * reduction; creates these on other's device first when they do not exist.
     */
    void mergeFrom(MetricStates other) {
        if (!other.declarations.equals(declarations)) {
            throw new IllegalArgumentException("cannot merge states " + other.declarations + " into " + declarations);
        }
        if (other.device == null) return;
        if (device == null) {
            Map<String, int[]> shapes = new LinkedHashMap<>();
            for (var e : other.fixed.entrySet()) shapes.put(e.getKey(), e.getValue().shape());
            create(other.device, shapes);
        } else if (!device.equals(other.device)) {
            throw new IllegalArgumentException("cannot merge state on " + other.device + " into state on " + device + "; compute() each, or move one");
        }
        for (StateDeclaration d : declarations) {
            String n = d.name();
            if (d.reduction() == StateReduction.CAT) {
                for (Tensor t : other.appended.get(n)) appended.get(n).add(Scope.escape(t.contiguousCopy()));
                continue;
            }
            Tensor mine = fixed.get(n), theirs = other.fixed.get(n);
            if (!Arrays.equals(mine.shape(), theirs.shape())) {
                throw new IllegalArgumentException("cannot merge state '" + n + "' of shape " + Arrays.toString(theirs.shape()) + " into one of shape "
                        + Arrays.toString(mine.shape()) + " (fixed by each metric's first update)");
            }
            combine(d.reduction(), mine, theirs);
        }
    }

    /** mine = mine (op) theirs, element-wise, in place. */
    static void combine(StateReduction r, Tensor mine, Tensor theirs) {
        switch (r) {
            case SUM -> mine.add_(theirs);
            case MIN -> { try (Tensor m = mine.minimum(theirs)) { mine.copy_(m); } }
            case MAX -> { try (Tensor m = mine.maximum(theirs)) { mine.copy_(m); } }
            case CAT -> throw new IllegalArgumentException("CAT states are appended, not combined element-wise");
        }
    }

    /**
     * Replaces every state by its combination over all ranks, in declaration order (so every rank
     * issues the same collective calls). A rank that saw no batch joins with initial-valued states
     * on the CPU; that needs every shape declared (no -1), else the error says so.
     */
    void sync(StateReducer reducer) {
        MetricChecks.notNull(reducer, "reducer");
        checkNotSynced("sync");
        if (device == null) {
            for (StateDeclaration d : declarations) {
                if (d.deferred()) {
                    throw new IllegalStateException("cannot sync before the first update: state '" + d.name() + "' has shape "
                            + Arrays.toString(d.shape()) + ", fixed by the first update (update every rank at least once)");
                }
            }
            ensure(Device.cpu());
        }
        for (StateDeclaration d : declarations) {
            String n = d.name();
            if (d.reduction() == StateReduction.CAT) {
                Tensor local = concatenated(n);
                Tensor gathered = Scope.escape(reducer.allGatherCat(local));
                if (gathered != local) local.close();
                for (Tensor t : appended.get(n)) t.close();
                appended.get(n).clear();
                appended.get(n).add(gathered);
            } else {
                reducer.allReduce(fixed.get(n), d.reduction());
            }
        }
        synced = true;
    }
}
