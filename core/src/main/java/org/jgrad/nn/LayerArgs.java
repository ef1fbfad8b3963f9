package org.jgrad.nn;

import java.util.Arrays;

/** Constructor argument checks shared by the convolution and pooling layers. */
final class LayerArgs {
    private LayerArgs() {}

    /** {height, width} from one value (both) or two, each at least {@code min}. */
    static int[] pair(String layer, String name, int[] v, int min) {
        if (v == null || (v.length != 1 && v.length != 2)) {
            throw new IllegalArgumentException(layer + ": " + name + " must have 1 or 2 values, got " + (v == null ? "null" : Arrays.toString(v)));
        }
        int[] p = v.length == 1 ? new int[]{v[0], v[0]} : v.clone();
        for (int x : p) {
            if (x < min) {
                throw new IllegalArgumentException(layer + ": " + name + " must be " + (min == 0 ? "non-negative" : ">= " + min)
                        + ", got " + Arrays.toString(v));
            }
        }
        return p;
    }
}
