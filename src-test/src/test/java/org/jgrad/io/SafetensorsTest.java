package org.jgrad.io;

import org.jgrad.tensor.DType;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class SafetensorsTest {
    @TempDir
    Path dir;

    /** A file written by an independent writer that follows the published format (refs/train). */
    @Test
    void readsAFileWrittenByTheReferenceWriter() throws IOException {
        Path f = dir.resolve("ref.safetensors");
        try (InputStream in = getClass().getResourceAsStream("/train/reference.safetensors")) {
            Files.copy(in, f);
        }
        Safetensors.Contents c = Safetensors.read(f);
        assertEquals("pt", c.metadata().get("format"));
        Tensor w = c.tensors().get("conv.weight");
        assertArrayEquals(new int[]{2, 3, 2, 2}, w.shape());
        float[] v = w.toFloatArray();
        for (int i = 0; i < v.length; i++) assertEquals(i * 0.5f - 3f, v[i]);
        assertArrayEquals(new double[]{1.0 / 3, -2.5, 1e-7}, c.tensors().get("fc.bias").toDoubleArray());
        Tensor nbt = c.tensors().get("bn.num_batches_tracked");
        assertEquals(0, nbt.dim());
        assertEquals(7, nbt.item());
        assertArrayEquals(new byte[]{0, (byte) 255, 17, 3}, c.tensors().get("labels").toByteArray());
        assertEquals(DType.INT32, c.tensors().get("counts").dtype());
        assertArrayEquals(new int[]{-1, Integer.MAX_VALUE, 5}, c.tensors().get("counts").toIntArray());
    }

    @Test
    void roundTripKeepsValuesBitForBitAndAlignsTheHeader() throws IOException {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("a", Tensor.fromArray(new float[]{Float.MIN_VALUE, -0f, Float.NaN, 1e30f}, 2, 2).t()); // a non-contiguous view
        m.put("b", Tensor.fromArray(new long[]{Long.MIN_VALUE, Long.MAX_VALUE}, 2));
        Path f = dir.resolve("x.safetensors");
        Safetensors.save(m, Map.of("k", "v"), f);
        byte[] raw = Files.readAllBytes(f);
        long n = java.nio.ByteBuffer.wrap(raw, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, n % 8, "header length is padded to 8 bytes");
        var back = Safetensors.load(f);
        float[] a = back.get("a").toFloatArray();
        assertEquals(Float.floatToRawIntBits(Float.MIN_VALUE), Float.floatToRawIntBits(a[0]));
        assertEquals(Float.floatToRawIntBits(Float.NaN), Float.floatToRawIntBits(a[1]));
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(a[2]));
        assertArrayEquals(new long[]{Long.MIN_VALUE, Long.MAX_VALUE}, back.get("b").toLongArray());
    }

    @Test
    void truncatedFileIsNamedInTheError() throws IOException {
        Path f = dir.resolve("t.safetensors");
        Safetensors.save(Map.of("w", Tensor.ones(100)), null, f);
        byte[] raw = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(raw, raw.length - 10));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Safetensors.load(f));
        assertTrue(e.getMessage().contains("t.safetensors") && e.getMessage().contains("'w'"), e.getMessage());
        Files.write(f, new byte[]{1, 2, 3});
        assertThrows(IllegalArgumentException.class, () -> Safetensors.load(f));
    }
}
