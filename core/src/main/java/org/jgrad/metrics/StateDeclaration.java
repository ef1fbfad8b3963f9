package org.jgrad.metrics;

import org.jgrad.tensor.DType;

import java.util.Arrays;

/**
 * One declared state of a {@link StatefulMetric}, as torchmetrics'
 * {@code add_state(name, default, dist_reduce_fx)}: its name, dtype, shape, how it combines across
 * accumulators and ranks ({@link StateReduction}), and the value it starts from after
 * {@code reset()}. The metric base derives {@code reset}, {@code merge} and {@code sync} from
 * these declarations, so no metric writes its own.
 *
 * <p>Shape: a fixed state (SUM, MIN, MAX) has one; a dimension of {@code -1} is fixed by the first
 * update (say the number of channels), see {@link StatefulMetric#ensureStates}. A CAT state is a
 * list of tensors concatenated along dimension 0 (collected scores, say); its {@code shape} gives
 * the dimensions after the first, which every appended tensor must have.
 *
 * <p>The initial value must be the reduction's identity for merge and sync to be exact: 0 for
 * SUM, +inf (or the dtype's largest value) for MIN, -inf (or the smallest) for MAX; a CAT state
 * starts empty.
 *
 * @param name      unique within its metric
 * @param dtype     the state's dtype (counts are INT64, so sums of counts are exact)
 * @param shape     see above
 * @param reduction SUM, MIN, MAX or CAT
 * @param initial   the value every element holds after reset (ignored for CAT)
 */
public record StateDeclaration(String name, DType dtype, int[] shape, StateReduction reduction, double initial) {

    public StateDeclaration {
        MetricChecks.notNull(name, "name");
        MetricChecks.notNull(dtype, "dtype");
        MetricChecks.notNull(shape, "shape");
        MetricChecks.notNull(reduction, "reduction");
        if (name.isEmpty()) throw new IllegalArgumentException("a state name must not be empty");
        for (int d : shape) {
            if (d < -1) throw new IllegalArgumentException("state '" + name + "' has dimension " + d + " in shape " + Arrays.toString(shape) + "; sizes are >= 0, or -1 for one fixed by the first update");
        }
        if (reduction == StateReduction.CAT && Arrays.stream(shape).anyMatch(d -> d < 0)) {
            throw new IllegalArgumentException("CAT state '" + name + "' must give its trailing dimensions, got " + Arrays.toString(shape));
        }
        shape = shape.clone();
    }

    /** A sum of counts or values starting at 0, such as tp/fp/fn/tn or a confusion matrix. */
    public static StateDeclaration sum(String name, DType dtype, int... shape) {
        return new StateDeclaration(name, dtype, shape, StateReduction.SUM, 0);
    }

    /** An element-wise minimum starting at {@code initial} (the reduction's identity: +inf, or the dtype's largest value). */
    public static StateDeclaration min(String name, DType dtype, double initial, int... shape) {
        return new StateDeclaration(name, dtype, shape, StateReduction.MIN, initial);
    }

    /** An element-wise maximum starting at {@code initial} (the reduction's identity: -inf, or the dtype's smallest value). */
    public static StateDeclaration max(String name, DType dtype, double initial, int... shape) {
        return new StateDeclaration(name, dtype, shape, StateReduction.MAX, initial);
    }

    /** Tensors appended by updates, concatenated along dimension 0; {@code trailing} are the other dimensions. */
    public static StateDeclaration cat(String name, DType dtype, int... trailing) {
        return new StateDeclaration(name, dtype, trailing, StateReduction.CAT, 0);
    }

    /** True when some dimension is fixed by the first update. */
    public boolean deferred() { return Arrays.stream(shape).anyMatch(d -> d < 0); }

    @Override
    public int[] shape() { return shape.clone(); }

    @Override
    public boolean equals(Object o) {
        return o instanceof StateDeclaration d && d.name.equals(name) && d.dtype == dtype && Arrays.equals(d.shape, shape)
                && d.reduction == reduction && Double.compare(d.initial, initial) == 0;
    }

    @Override
    public int hashCode() { return name.hashCode() * 31 + Arrays.hashCode(shape); }

    @Override
    public String toString() {
        String dims = reduction != StateReduction.CAT ? Arrays.toString(shape)
                : shape.length == 0 ? "[*]" : "[*, " + Arrays.toString(shape).substring(1);
        return name + ": " + dtype + " " + dims
                + " " + reduction + (reduction == StateReduction.CAT ? "" : " from " + initial);
    }
}
