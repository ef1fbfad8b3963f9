package org.jgrad.tensor;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Float32 sums along leading, trailing and middle dims against a float64 recomputation. */
class SumLayoutsTest {
    private static float[] values(int n, long seed) {
        java.util.Random r = new java.util.Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (r.nextDouble() * 2 - 1);
        return v;
    }

    @Test
    void fullSumOfALongVectorSplitsIntoChunks() {
        int n = (1 << 17) * 3 + 17; // several 64K chunks plus a ragged tail
        float[] v = values(n, 1);
        double ref = 0;
        for (float f : v) ref += f;
        assertEquals(ref, Tensor.fromArray(v, n).sum().item(), 1e-3);
    }

    @Test
    void sumsAlongEachLayoutMatchFloat64() {
        int a = 7, b = 33, c = 5;
        float[] v = values(a * b * c, 2);
        Tensor t = Tensor.fromArray(v, a, b, c);
        float[] lead = t.sum(new int[]{0}, false).toFloatArray();       // leading dim
        float[] trail = t.sum(new int[]{1, 2}, false).toFloatArray();   // trailing dims
        float[] mid = t.sum(new int[]{1}, true).toFloatArray();         // middle dim (generic path)
        for (int j = 0; j < b * c; j++) {
            double s = 0;
            for (int i = 0; i < a; i++) s += v[i * b * c + j];
            assertEquals(s, lead[j], 1e-5);
        }
        for (int i = 0; i < a; i++) {
            double s = 0;
            for (int j = 0; j < b * c; j++) s += v[i * b * c + j];
            assertEquals(s, trail[i], 1e-4);
        }
        for (int i = 0; i < a; i++) {
            for (int k = 0; k < c; k++) {
                double s = 0;
                for (int j = 0; j < b; j++) s += v[(i * b + j) * c + k];
                assertEquals(s, mid[i * c + k], 1e-5);
            }
        }
        // a non-contiguous input takes the generic walk and must agree
        float[] viaT = t.transpose(0, 2).sum(new int[]{2}, false).toFloatArray(); // [c, b]
        for (int k = 0; k < c; k++) for (int j = 0; j < b; j++) {
            double s = 0;
            for (int i = 0; i < a; i++) s += v[(i * b + j) * c + k];
            assertEquals(s, viaT[k * b + j], 1e-5);
        }
    }
}
