package org.jgrad.io;

import org.jgrad.data.FashionMnist;
import org.jgrad.data.Sample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.*;

/** Small IDX files written byte by byte here (the format: LeCun's MNIST page), plain and gzipped, good and broken. */
class IdxReaderTest {
    @TempDir
    Path dir;

    /** An IDX file: magic, big-endian dims, then {@code data}. */
    static byte[] idx(int magic, int[] dims, byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(magic);
        for (int d : dims) out.writeInt(d);
        out.write(data);
        return bytes.toByteArray();
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(raw);
        }
        return bytes.toByteArray();
    }

    Path write(String name, byte[] content) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, content);
        return p;
    }

    static byte[] ramp(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (i * 7 + 200); // wraps: exercises values above 127
        return b;
    }

    @Test
    void readsPlainAndGzipImagesAndLabels() throws IOException {
        byte[] px = ramp(2 * 3 * 4);
        byte[] raw = idx(0x00000803, new int[]{2, 3, 4}, px);
        for (Path p : new Path[]{write("imgs", raw), write("imgs.gz", gzip(raw)), write("gz-without-suffix", gzip(raw))}) {
            IdxReader.IdxData d = IdxReader.readImages(p);
            assertArrayEquals(new int[]{2, 3, 4}, d.dims(), p.toString());
            assertEquals(2, d.count());
            assertArrayEquals(px, d.data());
            assertEquals(0x803, d.magic());
        }
        byte[] lb = {3, 1, 4, 1, 5};
        IdxReader.IdxData l = IdxReader.readLabels(write("labels.gz", gzip(idx(0x00000801, new int[]{5}, lb))));
        assertArrayEquals(new int[]{5}, l.dims());
        assertArrayEquals(lb, l.data());
    }

    @Test
    void wrongMagicNamesFileExpectedAndFound() throws IOException {
        Path p = write("labels-as-images.gz", gzip(idx(0x00000801, new int[]{5}, new byte[5])));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.readImages(p));
        assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("expected 0x00000803 (2051)"), e.getMessage());
        assertTrue(e.getMessage().contains("found 0x00000801 (2049)"), e.getMessage());

        Path text = write("not-idx", "hello world, not an IDX file".getBytes());
        IdxFormatException e2 = assertThrows(IdxFormatException.class, () -> IdxReader.readLabels(text));
        assertTrue(e2.getMessage().contains("not an IDX file"), e2.getMessage());

        Path floats = write("floats", idx(0x00000D01, new int[]{1}, new byte[4]));
        IdxFormatException e3 = assertThrows(IdxFormatException.class, () -> IdxReader.read(floats));
        assertTrue(e3.getMessage().contains("0x0D"), e3.getMessage());
    }

    @Test
    void truncatedDataHeaderAndGzipStream() throws IOException {
        byte[] raw = idx(0x00000803, new int[]{2, 3, 4}, ramp(24));
        Path shortData = write("short", Arrays.copyOf(raw, raw.length - 5));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.readImages(shortData));
        assertTrue(e.getMessage().contains(shortData.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("need 24 bytes"), e.getMessage());
        assertTrue(e.getMessage().contains("found 19"), e.getMessage());

        Path shortHeader = write("short-header", Arrays.copyOf(raw, 9));
        IdxFormatException e2 = assertThrows(IdxFormatException.class, () -> IdxReader.readImages(shortHeader));
        assertTrue(e2.getMessage().contains("truncated header"), e2.getMessage());
        assertTrue(e2.getMessage().contains("found 5 bytes"), e2.getMessage());

        Path empty = write("empty", new byte[0]);
        assertThrows(IdxFormatException.class, () -> IdxReader.readLabels(empty));

        byte[] gz = gzip(idx(0x00000803, new int[]{50, 28, 28}, ramp(50 * 28 * 28)));
        Path cutGz = write("cut.gz", Arrays.copyOf(gz, gz.length / 2));
        IdxFormatException e3 = assertThrows(IdxFormatException.class, () -> IdxReader.readImages(cutGz));
        assertTrue(e3.getMessage().contains(cutGz.toString()), e3.getMessage());

        Path trailing = write("trailing", idx(0x00000801, new int[]{3}, new byte[]{1, 2, 3, 4}));
        IdxFormatException e4 = assertThrows(IdxFormatException.class, () -> IdxReader.readLabels(trailing));
        assertTrue(e4.getMessage().contains("trailing"), e4.getMessage());
    }

    @Test
    void fashionMnistChecksCountsLabelsAndImageSize() throws IOException {
        Path imgs = write("imgs.gz", gzip(idx(0x00000803, new int[]{2, 28, 28}, ramp(2 * 784))));
        Path threeLabels = write("labels3", idx(0x00000801, new int[]{3}, new byte[]{1, 2, 3}));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> FashionMnist.fromFiles(imgs, threeLabels));
        assertTrue(e.getMessage().contains("count mismatch"), e.getMessage());
        assertTrue(e.getMessage().contains(imgs + " has 2 images"), e.getMessage());
        assertTrue(e.getMessage().contains(threeLabels + " has 3 labels"), e.getMessage());

        Path badLabel = write("labels-bad", idx(0x00000801, new int[]{2}, new byte[]{9, 10}));
        IdxFormatException e2 = assertThrows(IdxFormatException.class, () -> FashionMnist.fromFiles(imgs, badLabel));
        assertTrue(e2.getMessage().contains("label 1 is 10"), e2.getMessage());

        Path small = write("small-imgs", idx(0x00000803, new int[]{2, 4, 4}, new byte[32]));
        Path twoLabels = write("labels2", idx(0x00000801, new int[]{2}, new byte[]{0, 9}));
        IdxFormatException e3 = assertThrows(IdxFormatException.class, () -> FashionMnist.fromFiles(small, twoLabels));
        assertTrue(e3.getMessage().contains("expected 28x28"), e3.getMessage());

        FashionMnist ok = FashionMnist.fromFiles(imgs, twoLabels);
        assertEquals(2, ok.size());
        assertEquals(9, ok.label(1));
        try (Sample s = ok.get(1)) {
            float[] v = s.input().toFloatArray();
            byte[] expected = ramp(2 * 784);
            assertEquals((expected[784] & 0xFF) / 255f, v[0], 0f);
            assertEquals((expected[784 + 783] & 0xFF) / 255f, v[783], 0f);
        }
    }

    @Test
    void missingFile() {
        var e = assertThrows(java.io.UncheckedIOException.class, () -> IdxReader.readImages(dir.resolve("absent.gz")));
        assertTrue(e.getMessage().contains("absent.gz"), e.getMessage());
    }
}
