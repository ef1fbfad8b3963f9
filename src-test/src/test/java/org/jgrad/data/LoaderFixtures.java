package org.jgrad.data;

import org.jgrad.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Small data sets for the loader tests, whose samples say which index they came from. */
final class LoaderFixtures {
    private LoaderFixtures() {}

    /** Sample i: input [i, -i] (FLOAT32), target i (0-d INT64); optionally a jittery delay to scramble worker timing. */
    static final class IndexDataset implements Dataset<Sample> {
        final int size;
        final boolean jitter;
        final AtomicInteger gets = new AtomicInteger();

        IndexDataset(int size, boolean jitter) {
            this.size = size;
            this.jitter = jitter;
        }

        @Override
        public int size() { return size; }

        @Override
        public Sample get(int i) {
            Dataset.checkIndex(i, size, "IndexDataset");
            gets.incrementAndGet();
            if (jitter && (i * 2654435761L) % 7 == 0) {
                try {
                    Thread.sleep(0, 300_000 + (int) ((i * 40503L) % 700_000));
                } catch (InterruptedException e) {
                    throw new IllegalStateException("interrupted", e);
                }
            }
            return new Sample(Tensor.fromArray(new float[]{i, -i}, 2), Tensor.fromArray(new long[]{i}));
        }
    }

    /**
     * Sample i: a 1x6x6 image whose pixel p is 1000*(i+1) + p + 1 and a 1x6x6 mask whose pixel p is
     * p + 1, so after any joint flip/crop, image - 1000*(i+1) must equal the mask (0 where padded).
     */
    static final class AlignedDataset implements Dataset<Sample> {
        final int size;

        AlignedDataset(int size) { this.size = size; }

        @Override
        public int size() { return size; }

        @Override
        public Sample get(int i) {
            float[] img = new float[36];
            float[] mask = new float[36];
            for (int p = 0; p < 36; p++) {
                img[p] = 1000f * (i + 1) + p + 1;
                mask[p] = p + 1;
            }
            if (i % 5 == 0) {
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            return new Sample(Tensor.fromArray(img, 1, 6, 6), Tensor.fromArray(mask, 1, 6, 6));
        }
    }

    /** Live threads whose name starts with {@code prefix}. */
    static List<String> liveThreads(String prefix) {
        List<String> names = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().startsWith(prefix)) names.add(t.getName());
        }
        return names;
    }

    /** Everything observable about one batch, for comparing epochs across worker counts. */
    record Snapshot(int index, int epoch, List<Integer> indices, List<Float> inputs, List<Float> targets) {
        static Snapshot of(Batch b) {
            List<Integer> idx = new ArrayList<>();
            for (int i : b.indices()) idx.add(i);
            List<Float> in = new ArrayList<>();
            for (float f : b.inputs().toFloatArray()) in.add(f);
            List<Float> tg = new ArrayList<>();
            for (float f : b.targets().toFloatArray()) tg.add(f);
            return new Snapshot(b.index(), b.epoch(), idx, in, tg);
        }
    }
}
