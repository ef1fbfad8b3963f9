package org.jgrad.cuda;

import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Generator;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The non-float32 path (wide.ptx) on a real GPU against the CPU, at training sizes, through the
 * Tensor API: accuracy counting (argmax, ==, sum), per-class pixel counts of a segmentation
 * batch, exact int64 arithmetic past 2^53, and float64 reductions.
 */
@Tag("gpu")
class CudaWideOpsGpuTest {

    @Test
    void accuracyAndPixelCountsMatchTheCpu() {
        Device cuda = GpuSupport.cuda();
        Generator g = new Generator(5);
        Tensor logits = Tensor.randn(g, 16, 10, 128, 128);
        Random r = new Random(6);
        long[] labels = new long[16 * 128 * 128];
        for (int i = 0; i < labels.length; i++) labels[i] = r.nextInt(10);
        Tensor target = Tensor.fromArray(labels, 16, 128, 128);
        Tensor pred = logits.argmax(1), predG = logits.to(cuda).argmax(1);
        Tensor targetG = target.to(cuda);
        long correct = (long) pred.eq(target).sum().item();
        assertEquals(correct, (long) predG.eq(targetG).sum().item(), "correct pixels");
        // pixels of each predicted class, summed over batch and space: uint8 one-hot counts into int64
        Tensor classes = Tensor.arange(0, 10, 1, DType.INT64, Device.cpu()).reshape(1, 10, 1, 1);
        Tensor counts = pred.unsqueeze(1).eq(classes).sum(new int[] {0, 2, 3}, false);
        Tensor countsG = predG.unsqueeze(1).eq(classes.to(cuda)).sum(new int[] {0, 2, 3}, false);
        assertArrayEquals(counts.toLongArray(), countsG.toLongArray(), "per-class pixel counts");
        assertEquals(16L * 128 * 128, java.util.Arrays.stream(countsG.toLongArray()).sum());
    }

    @Test
    void int64IsExactAndFloat64ReductionsAgree() {
        Device cuda = GpuSupport.cuda();
        long[] big = new long[1000];
        for (int i = 0; i < big.length; i++) big[i] = (1L << 55) + i;
        Tensor a = Tensor.fromArray(big, 1000);
        Tensor sumG = a.to(cuda).add(a.to(cuda));
        assertArrayEquals(a.add(a).toLongArray(), sumG.toLongArray(), "int64 add past 2^53");
        double[] d = new double[4099 * 3];
        Random r = new Random(7);
        for (int i = 0; i < d.length; i++) d[i] = r.nextGaussian() * 1e3;
        Tensor x = Tensor.fromArray(d, 3, 4099);
        double[] cpu = x.sum(1, false).toDoubleArray(), gpu = x.to(cuda).sum(1, false).toDoubleArray();
        for (int i = 0; i < 3; i++) assertEquals(cpu[i], gpu[i], 1e-9 * Math.abs(cpu[i]) + 1e-9, "float64 row sum " + i);
    }
}
