package org.jgrad.tensor;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Division follows PyTorch: {@code div} is true division (int64 [1, 3] / [2, 2] used to give
 * INT64 [0, 1]), rounding modes give integral quotients for integers, and integer division by
 * zero is an error (it used to give Long.MAX_VALUE).
 */
class IntegerDivisionTest {
    private static Tensor i64(long... v) { return Tensor.fromArray(v, v.length); }

    @Test
    void integerDivIsTrueDivisionInFloat32() {
        Tensor q = i64(1, 3).div(i64(2, 2));
        assertEquals(DType.FLOAT32, q.dtype());
        assertArrayEquals(new float[]{0.5f, 1.5f}, q.toFloatArray());
        Tensor s = Tensor.fromArray(new int[]{7, -7}, 2).div(2);
        assertEquals(DType.FLOAT32, s.dtype());
        assertArrayEquals(new float[]{3.5f, -3.5f}, s.toFloatArray());
    }

    @Test
    void trueDivisionByZeroOfIntegersIsInfinityAsInPyTorch() {
        assertArrayEquals(new float[]{Float.POSITIVE_INFINITY, Float.NaN}, i64(1, 0).div(i64(0, 0)).toFloatArray());
    }

    @Test
    void roundingModesOnIntegersStayIntegral() {
        Tensor a = i64(7, -7, 7, -7, 6), b = i64(2, 2, -2, -2, 3);
        Tensor floor = a.div(b, RoundingMode.FLOOR);
        assertEquals(DType.INT64, floor.dtype());
        assertArrayEquals(new long[]{3, -4, -4, 3, 2}, floor.toLongArray());
        assertArrayEquals(new long[]{3, -4, -4, 3, 2}, a.floorDivide(b).toLongArray());
        Tensor trunc = a.div(b, RoundingMode.TRUNC);
        assertEquals(DType.INT64, trunc.dtype());
        assertArrayEquals(new long[]{3, -3, -3, 3, 2}, trunc.toLongArray());
    }

    @Test
    void roundingModesOnFloats() {
        Tensor a = Tensor.fromArray(new float[]{7, -7, 7.5f, -4.5f, Float.POSITIVE_INFINITY, 1e30f}, 6);
        Tensor b = Tensor.fromArray(new float[]{2, 2, -2, 4, 1, 3}, 6);
        assertArrayEquals(new float[]{3, -4, -4, -2, Float.POSITIVE_INFINITY, 1e30f / 3}, a.div(b, RoundingMode.FLOOR).toFloatArray());
        assertArrayEquals(new float[]{3, -3, -3, -1, Float.POSITIVE_INFINITY, 1e30f / 3}, a.div(b, RoundingMode.TRUNC).toFloatArray());
    }

    @Test
    void integerDivisionByZeroWithARoundingModeThrowsNamingTheOp() {
        ArithmeticException e = assertThrows(ArithmeticException.class, () -> i64(1, 2).div(i64(0, 1), RoundingMode.FLOOR));
        assertTrue(e.getMessage().contains("div(rounding_mode=floor)") && e.getMessage().contains("division by zero"), e.getMessage());
        ArithmeticException t = assertThrows(ArithmeticException.class, () -> i64(1).floorDivide(i64(0)));
        assertTrue(t.getMessage().contains("1 zero element"), t.getMessage());
        assertThrows(ArithmeticException.class, () -> Tensor.fromArray(new int[]{5}, 1).div(Tensor.fromArray(new int[]{0}, 1), RoundingMode.TRUNC));
    }
}
