package org.jgrad.io;

import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Mutates valid files (truncation, byte flips, random bytes over the header, inserted bytes) and
 * reads them back: only the documented exceptions may come out, never an Error or an undocumented
 * RuntimeException, and what does load must be consistent with the bytes (a truncated file never
 * loads). Seeded: a failure names the seed and the case; rerun one seed with
 * {@code -Djgrad.fuzz.seed=N}.
 */
class ReaderFuzzTest {
    private static final long SEED = Long.getLong("jgrad.fuzz.seed", 20_151_207L);
    private static final int CASES = Integer.getInteger("jgrad.fuzz.cases", 1500);

    @TempDir
    Path dir;

    private enum Mutation { TRUNCATE, FLIP, RANDOM_HEADER, INSERT }

    private static byte[] mutate(byte[] valid, Mutation m, int headerEnd, SplittableRandom r) {
        return switch (m) {
            case TRUNCATE -> Arrays.copyOf(valid, r.nextInt(valid.length));
            case FLIP -> {
                byte[] b = valid.clone();
                int flips = 1 + r.nextInt(4);
                for (int k = 0; k < flips; k++) {
                    int at = r.nextInt(r.nextBoolean() ? Math.min(headerEnd, b.length) : b.length);
                    b[at] ^= (byte) (1 << r.nextInt(8));
                }
                yield b;
            }
            case RANDOM_HEADER -> {
                byte[] b = valid.clone();
                int from = r.nextInt(Math.min(headerEnd, b.length));
                int len = 1 + r.nextInt(16);
                String alphabet = "{}[]\":,0123456789-.eE \\ntrufalsNI";
                for (int k = from; k < Math.min(from + len, b.length); k++) {
                    b[k] = r.nextBoolean() ? (byte) alphabet.charAt(r.nextInt(alphabet.length())) : (byte) r.nextInt(256);
                }
                yield b;
            }
            case INSERT -> {
                int at = r.nextInt(valid.length + 1);
                byte[] extra = new byte[1 + r.nextInt(8)];
                r.nextBytes(extra);
                byte[] b = new byte[valid.length + extra.length];
                System.arraycopy(valid, 0, b, 0, at);
                System.arraycopy(extra, 0, b, at, extra.length);
                System.arraycopy(valid, at, b, at + extra.length, valid.length - at);
                yield b;
            }
        };
    }

    @Test
    void mutatedSafetensorsGiveOnlyDocumentedErrors() throws IOException {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("conv.weight", Tensor.fromArray(new float[]{1, 2, 3, 4, 5, 6}, 2, 3));
        m.put("bias", Tensor.fromArray(new double[]{0.5, -1}, 2));
        m.put("steps", Tensor.fromArray(new long[]{7}, 1));
        m.put("labels", Tensor.fromArray(new byte[]{1, 2, 3}, 3));
        m.put("idx", Tensor.fromArray(new int[]{-1, 9}, 2));
        Path valid = dir.resolve("valid.safetensors");
        Safetensors.save(m, Map.of("format", "pt"), valid);
        byte[] bytes = Files.readAllBytes(valid);
        int headerEnd = 8 + (int) ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        int loaded = 0;
        SplittableRandom root = new SplittableRandom(SEED);
        Path f = dir.resolve("case.safetensors");
        for (int c = 0; c < CASES; c++) {
            SplittableRandom r = root.split();
            Mutation mu = Mutation.values()[r.nextInt(Mutation.values().length)];
            byte[] bad = mutate(bytes, mu, headerEnd, r);
            Files.write(f, bad);
            String what = "seed " + SEED + ", case " + c + " (" + mu + ")";
            try {
                Safetensors.Contents got = Safetensors.read(f);
                loaded++;
                assertNotEquals(Mutation.TRUNCATE, mu, what + ": a truncated file loaded");
                // what loaded must account for every data byte, as the header declared it
                long n = ByteBuffer.wrap(bad, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
                long data = 0;
                for (Tensor t : got.tensors().values()) data += (long) t.numel() * t.dtype().byteSize();
                assertEquals(bad.length - 8 - n, data, what + ": tensors do not account for the data section");
                got.tensors().values().forEach(Tensor::close);
            } catch (FileFormatException | IOException expected) {
                assertTrue(expected.getMessage() != null && expected.getMessage().contains("case.safetensors"), what + ": " + expected);
            } catch (RuntimeException | Error e) {
                fail(what + ": undocumented " + e, e);
            }
        }
        assertTrue(loaded > 0, "some mutations (data byte flips) leave a valid file");
    }

    @Test
    void mutatedStateJsonGivesOnlyDocumentedErrors() throws IOException {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("epoch", 3L);
        state.put("lr", List.of(0.1, Double.NaN, 1e-300));
        state.put("nested", Map.of("buf", Tensor.zeros(2), "name", "a\"b\\c\u00e9"));
        Path root = dir.resolve("ckpt");
        Path folder = Checkpoint.save(root, 3, Map.of("w", Tensor.ones(2)), state);
        Path sj = folder.resolve("state.json");
        byte[] bytes = Files.readAllBytes(sj);
        SplittableRandom rootRandom = new SplittableRandom(SEED ^ 0x5A5A);
        for (int c = 0; c < CASES / 2; c++) {
            SplittableRandom r = rootRandom.split();
            Mutation mu = Mutation.values()[r.nextInt(Mutation.values().length)];
            Files.write(sj, mutate(bytes, mu, bytes.length, r));
            String what = "seed " + SEED + ", case " + c + " (" + mu + ")";
            try {
                Checkpoint.Loaded l = Checkpoint.load(folder);
                assertNotNull(l.state(), what);
            } catch (FileFormatException | IOException expected) {
                assertTrue(expected.getMessage().contains("state.json"), what + ": " + expected);
            } catch (RuntimeException | Error e) {
                fail(what + ": undocumented " + e, e);
            }
        }
    }

    @Test
    void mutatedIdxGivesOnlyDocumentedErrors() throws IOException {
        byte[] data = new byte[4 + 12 + 2 * 3 * 4];
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.BIG_ENDIAN);
        b.putInt(IdxReader.IMAGES_MAGIC).putInt(2).putInt(3).putInt(4);
        for (int i = 16; i < data.length; i++) data[i] = (byte) i;
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(data);
        }
        SplittableRandom rootRandom = new SplittableRandom(SEED ^ 0x1D8);
        for (byte[] valid : new byte[][]{data, gz.toByteArray()}) {
            for (int c = 0; c < CASES / 2; c++) {
                SplittableRandom r = rootRandom.split();
                Mutation mu = Mutation.values()[r.nextInt(Mutation.values().length)];
                byte[] bad = mutate(valid, mu, 16, r);
                String what = "seed " + SEED + ", case " + c + " (" + mu + ", " + (valid == data ? "plain" : "gzip") + ")";
                try {
                    IdxReader.IdxData d = IdxReader.read(new ByteArrayInputStream(bad), "case.idx");
                    long n = 1;
                    for (int v : d.dims()) n *= v;
                    assertEquals(n, d.data().length, what + ": data length does not match the dimensions");
                    if (valid == data) assertNotEquals(Mutation.TRUNCATE, mu, what + ": a truncated file loaded");
                } catch (IdxFormatException | UncheckedIOException expected) {
                    assertTrue(expected.getMessage().contains("case.idx"), what + ": " + expected);
                } catch (RuntimeException | Error e) {
                    fail(what + ": undocumented " + e, e);
                }
            }
        }
    }
}
