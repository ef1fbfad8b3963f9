package org.jgrad.data;

import org.jgrad.tensor.DType;
import org.jgrad.testing.Json;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The bundled subset against facts computed by numpy (refs/fashion_mnist_refs.py), and the full
 * set from Debian's dataset-fashion-mnist package, when installed, against its published class
 * counts (6,000 per class in training, 1,000 per class in test).
 */
class FashionMnistTest {
    @SuppressWarnings("unchecked")
    static final Map<String, Object> REFS = (Map<String, Object>) Json.resource("/data/refs/fashion_mnist_refs.json");

    @SuppressWarnings("unchecked")
    static Map<String, Object> obj(Map<String, Object> o, String key) { return (Map<String, Object>) o.get(key); }

    @SuppressWarnings("unchecked")
    static long[] longs(Map<String, Object> o, String key) {
        List<Object> l = (List<Object>) o.get(key);
        long[] out = new long[l.size()];
        for (int k = 0; k < out.length; k++) out[k] = ((Number) l.get(k)).longValue();
        return out;
    }

    static long number(Map<String, Object> o, String key) { return ((Number) o.get(key)).longValue(); }

    @Test
    void bundledTrainMatchesNumpy() { checkBundled(true, "train"); }

    @Test
    void bundledTestMatchesNumpy() { checkBundled(false, "t10k"); }

    private static void checkBundled(boolean train, String key) {
        Map<String, Object> ref = obj(REFS, key);
        FashionMnist ds = FashionMnist.bundled(train);
        assertEquals(number(ref, "count"), ds.size());
        long[] hist = new long[10];
        for (int i = 0; i < ds.size(); i++) hist[ds.label(i)]++;
        assertArrayEquals(longs(ref, "label_histogram"), hist);
        long[] first = longs(ref, "first_labels");
        for (int i = 0; i < first.length; i++) assertEquals(first[i], ds.label(i), "label " + i);
        long[] probes = longs(ref, "probe_indices");
        long[] sums = longs(ref, "probe_pixel_sums");
        long[] px = longs(ref, "probe_pixels_r14_c10");
        for (int k = 0; k < probes.length; k++) {
            int i = (int) probes[k];
            try (Sample s = ds.get(i)) {
                assertArrayEquals(new int[]{1, 28, 28}, s.input().shape());
                assertEquals(DType.FLOAT32, s.input().dtype());
                assertEquals(DType.INT64, s.target().dtype());
                assertEquals(0, s.target().dim(), "a label is a 0-d tensor");
                assertEquals(first.length > i ? first[i] : ds.label(i), (long) s.target().item());
                float[] v = s.input().toFloatArray();
                double sum = 0;
                for (float f : v) sum += Math.round(f * 255f);
                assertEquals(sums[k], (long) sum, "pixel sum of image " + i);
                assertEquals(px[k] / 255f, v[14 * 28 + 10], 1e-7, "pixel (14,10) of image " + i);
                assertEquals(px[k], ds.pixel(i, 14, 10));
            }
        }
        long total = 0;
        for (int i = 0; i < ds.size(); i++) for (byte b : ds.rawImage(i)) total += b & 0xFF;
        assertEquals(number(ref, "total_pixel_sum"), total);
    }

    @Test
    void fullSetFromDebianPackageWhenInstalled() {
        Path folder = Path.of(FashionMnist.DEBIAN_FOLDER);
        assumeTrue(Files.isDirectory(folder), "dataset-fashion-mnist is not installed");
        for (boolean train : new boolean[]{true, false}) {
            FashionMnist full = FashionMnist.fromFolder(folder, train);
            int perClass = train ? 6000 : 1000;
            assertEquals(perClass * 10, full.size());
            long[] hist = new long[10];
            for (int i = 0; i < full.size(); i++) hist[full.label(i)]++;
            for (int c = 0; c < 10; c++) assertEquals(perClass, hist[c], "class " + c + " count (published: " + perClass + ")");
            // the bundled subset is the head of the full set
            FashionMnist sub = FashionMnist.bundled(train);
            for (int i : new int[]{0, 1, 77, sub.size() - 1}) {
                assertEquals(full.label(i), sub.label(i));
                assertArrayEquals(full.rawImage(i), sub.rawImage(i), "image " + i);
            }
        }
    }

    @Test
    void missingFolderSaysHowToInstall(@org.junit.jupiter.api.io.TempDir Path dir) {
        var e = assertThrows(java.io.UncheckedIOException.class, () -> FashionMnist.fromFolder(dir.resolve("nope"), true));
        assertTrue(e.getMessage().contains("apt-get install dataset-fashion-mnist"), e.getMessage());
        var e2 = assertThrows(java.io.UncheckedIOException.class, () -> FashionMnist.fromFolder(dir, false));
        assertTrue(e2.getMessage().contains("t10k-images-idx3-ubyte"), e2.getMessage());
    }

    @Test
    void indexOutOfRange() {
        FashionMnist ds = FashionMnist.bundled(false);
        var e = assertThrows(IndexOutOfBoundsException.class, () -> ds.get(1000));
        assertTrue(e.getMessage().contains("1000"), e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> ds.get(-1));
    }
}
