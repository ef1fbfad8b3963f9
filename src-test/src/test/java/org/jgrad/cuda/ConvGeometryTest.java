package org.jgrad.cuda;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Convolution shape rules and argument messages (the cuDNN plan cache key). */
class ConvGeometryTest {
    @Test
    void outputShapesFollowPyTorch() {
        ConvGeometry g = ConvGeometry.of(new int[] {8, 3, 32, 32}, new int[] {16, 3, 3, 3}, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, 1);
        assertArrayEquals(new int[] {8, 16, 32, 32}, g.outputShape());
        ConvGeometry s = ConvGeometry.of(new int[] {2, 4, 7, 9}, new int[] {6, 2, 3, 2}, new int[] {2, 3}, new int[] {1, 0}, new int[] {2, 1}, 2);
        // H: (7 + 2 - 2*2 - 1)/2 + 1 = 3; W: (9 - 1 - 1)/3 + 1 = 3
        assertArrayEquals(new int[] {2, 6, 3, 3}, s.outputShape());
        assertArrayEquals(new int[] {6, 2, 3, 2}, s.weightShape());
    }

    @Test
    void badArgumentsAreNamed() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ConvGeometry.of(new int[] {1, 4, 5, 5}, new int[] {2, 3, 3, 3},
                new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1}, 1)).getMessage().contains("expects 3 input channels"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ConvGeometry.of(new int[] {1, 4, 5, 5}, new int[] {2, 4, 3, 3},
                new int[] {0, 1}, new int[] {0, 0}, new int[] {1, 1}, 1)).getMessage().contains("stride values must be >= 1"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ConvGeometry.of(new int[] {1, 4, 2, 2}, new int[] {2, 4, 3, 3},
                new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1}, 1)).getMessage().contains("does not fit"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ConvGeometry.of(new int[] {1, 6, 5, 5}, new int[] {4, 2, 3, 3},
                new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1}, 4)).getMessage().contains("not divisible by groups"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ConvGeometry.of(new int[] {1, 4, 5}, new int[] {2, 4, 3, 3},
                new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1}, 1)).getMessage().contains("input must be 4-D"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ConvGeometry.of(new int[] {1, 4, 5, 5}, new int[] {2, 4, 3, 3},
                new int[] {1}, new int[] {0, 0}, new int[] {1, 1}, 1)).getMessage().contains("stride must have 2 values"));
    }

    @Test
    void equalGeometriesShareACacheEntry() {
        ConvGeometry a = ConvGeometry.of(new int[] {1, 4, 5, 5}, new int[] {2, 4, 3, 3}, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, 1);
        ConvGeometry b = ConvGeometry.of(new int[] {1, 4, 5, 5}, new int[] {2, 4, 3, 3}, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, 1);
        ConvGeometry c = ConvGeometry.of(new int[] {1, 4, 5, 5}, new int[] {2, 4, 3, 3}, new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1}, 1);
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, c);
    }
}
