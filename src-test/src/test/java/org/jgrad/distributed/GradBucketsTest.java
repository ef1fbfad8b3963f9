package org.jgrad.distributed;

import org.jgrad.nn.Linear;
import org.jgrad.nn.ReLU;
import org.jgrad.nn.Sequential;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Generator;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** The reducer's bucket assignment: reverse order, a small first bucket, then the large cap, per dtype. */
class GradBucketsTest {
    private static Tensor param(DType d, int n) {
        return Tensor.zeros(d, Device.cpu(), n).requiresGrad(true);
    }

    @Test
    void bucketsFollowReverseOrderWithASmallFirstCap() {
        // caps 40 and 100 bytes; float32 params of 4, 8, 20, 5, 30 elements (16, 32, 80, 20, 120 bytes)
        List<Tensor> ps = List.of(param(DType.FLOAT32, 4), param(DType.FLOAT32, 8), param(DType.FLOAT32, 20),
                param(DType.FLOAT32, 5), param(DType.FLOAT32, 30));
        List<GradBuckets.Bucket> b = GradBuckets.plan(ps, 40, 100);
        // reverse: 30 (120 B >= 40: closes the first bucket), then 5+20 = 100 B >= 100, then 8+4 left open
        assertEquals(3, b.size());
        assertSame(ps.get(4), b.get(0).params().get(0));
        assertEquals(30, b.get(0).numel());
        assertEquals(List.of(ps.get(3), ps.get(2)), b.get(1).params());
        assertArrayEquals(new int[]{0, 5}, b.get(1).offsets());
        assertEquals(List.of(ps.get(1), ps.get(0)), b.get(2).params());
        assertEquals(12, b.get(2).numel());
    }

    @Test
    void dtypesNeverShareABucketAndFrozenParametersAreLeftOut() {
        Tensor frozen = Tensor.zeros(3);
        List<Tensor> ps = List.of(param(DType.FLOAT32, 2), param(DType.FLOAT64, 2), frozen, param(DType.FLOAT32, 2));
        List<GradBuckets.Bucket> b = GradBuckets.plan(ps, 1 << 20, 25 << 20);
        assertEquals(2, b.size());
        assertEquals(DType.FLOAT32, b.get(0).dtype());
        assertEquals(List.of(ps.get(3), ps.get(0)), b.get(0).params());
        assertEquals(List.of(ps.get(1)), b.get(1).params());
    }

    @Test
    void defaultCapsGiveAOneMebibyteFirstBucket() {
        // 600x600 float32 weights are 1.44 MB each: the first bucket holds one, later ones up to 25 MiB
        Sequential m = new Sequential(new Linear(600, 600, new Generator(1)), new ReLU(), new Linear(600, 600, new Generator(2)));
        try (ProcessGroup pg = ProcessGroup.single()) {
            DistributedDataParallel ddp = new DistributedDataParallel(m, pg);
            assertArrayEquals(new int[]{600 + 600 * 600, 600 + 600 * 600}, ddp.bucketSizes());
        }
    }
}
