package org.jgrad.tensor;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** INT64 add/sub/mul and floor/trunc division must be exact beyond 2^53, where a double detour would round. */
class Int64ArithmeticTest {
    @Test
    void addsExactlyBeyondTwoToThe53() {
        long big = (1L << 53) + 1;
        Tensor a = Tensor.fromArray(new long[]{big, Long.MAX_VALUE - 5, -big}, 3);
        Tensor b = Tensor.fromArray(new long[]{2, 5, -2}, 3);
        assertArrayEquals(new long[]{big + 2, Long.MAX_VALUE, -big - 2}, a.add(b).toLongArray());
        assertArrayEquals(new long[]{big - 2, Long.MAX_VALUE - 10, -big + 2}, a.sub(b).toLongArray());
        Tensor acc = Tensor.fromArray(new long[]{big, big}, 2);
        acc.add_(Tensor.fromArray(new long[]{1, 3}, 2));
        assertArrayEquals(new long[]{big + 1, big + 3}, acc.toLongArray());
    }

    @Test
    void dividesExactlyBeyondTwoToThe53() {
        long big = (1L << 62) + 2; // a double holds 2^62 + 2 as 2^62: any detour through doubles gives ...301, not ...302
        Tensor a = Tensor.fromArray(new long[]{big, -big, Long.MAX_VALUE}, 3);
        Tensor b = Tensor.fromArray(new long[]{3, 3, 7}, 3);
        assertArrayEquals(new long[]{Math.floorDiv(big, 3), Math.floorDiv(-big, 3), Long.MAX_VALUE / 7}, a.floorDivide(b).toLongArray());
        assertArrayEquals(new long[]{big / 3, -big / 3, Long.MAX_VALUE / 7}, a.div(b, RoundingMode.TRUNC).toLongArray());
    }
}
