package org.jgrad.io;

import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Hand-made hostile files: each is refused with an error naming the file and the entry at fault. */
class HostileFilesTest {
    @TempDir
    Path dir;

    private Path safetensors(String header, int dataBytes) throws IOException {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + json.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(json.length).put(json);
        Path f = dir.resolve("h" + System.nanoTime() + ".safetensors");
        Files.write(f, b.array());
        return f;
    }

    private FileFormatException refused(Path f, String... fragments) {
        FileFormatException e = assertThrows(FileFormatException.class, () -> Safetensors.load(f));
        assertTrue(e.getMessage().contains(f.getFileName().toString()), e.getMessage());
        for (String s : fragments) assertTrue(e.getMessage().contains(s), "expected '" + s + "' in: " + e.getMessage());
        return e;
    }

    @Test
    void shapeMustBeExactNonNegativeIntegers() throws IOException {
        // 4294967297 = 2^32 + 1 was read as 1 by an int cast
        refused(safetensors("{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967297],\"data_offsets\":[0,4]}}", 4), "'w.shape[0]'", "4294967297");
        refused(safetensors("{\"w\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", 4), "'w.shape[0]'", "1.5");
        refused(safetensors("{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4), "'w.shape[0]'", "-1");
        refused(safetensors("{\"w\":{\"dtype\":\"F32\",\"shape\":\"2\",\"data_offsets\":[0,4]}}", 4), "'w.shape'", "array");
        refused(safetensors("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4e0]}}", 4), "'w.data_offsets[1]'");
    }

    @Test
    void productsAreExact() throws IOException {
        // 65536^4 wraps a long to 0: with 0 bytes of data it used to read as an empty tensor
        refused(safetensors("{\"w\":{\"dtype\":\"F32\",\"shape\":[65536,65536,65536,65536],\"data_offsets\":[0,0]}}", 0), "'w'", "overflows");
        refused(safetensors("{\"w\":{\"dtype\":\"F64\",\"shape\":[2147483647,2147483647,2147483647],\"data_offsets\":[0,0]}}", 0), "'w'");
    }

    @Test
    void byteRangesInBoundsMatchingAndNotOverlapping() throws IOException {
        refused(safetensors("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4), "'w'", "truncated");
        refused(safetensors("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4), "'w'", "needs 8");
        refused(safetensors("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12), "overlap");
        refused(safetensors("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8), "'a'", "hole");
        refused(safetensors("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 8), "cover 4 bytes");
        refused(safetensors("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", 4), "'a.data_offsets'");
    }

    @Test
    void keysUniqueTypesCheckedDtypesKnown() throws IOException {
        refused(safetensors("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8), "duplicate key 'a'");
        refused(safetensors("{\"a\":[1,2]}", 0), "'a'", "object");
        refused(safetensors("{\"a\":{\"dtype\":7,\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "'a.dtype'");
        refused(safetensors("{\"a\":{\"dtype\":\"Q4\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "'a'", "Q4");
        refused(safetensors("{\"a\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "'a'", "dtype");
        refused(safetensors("{\"__metadata__\":{\"k\":1}}", 0), "'__metadata__.k'");
        refused(safetensors("[1]", 0), "'header'");
    }

    @Test
    void deepNestingIsAClearErrorNotAStackOverflow() throws IOException {
        String deep = "[".repeat(200_000);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse(deep));
        assertTrue(e.getMessage().contains("nesting deeper than " + Json.MAX_DEPTH), e.getMessage());
        refused(safetensors("{\"a\":" + deep + "}", 0), "nesting");
        assertInstanceOf(java.util.List.class, Json.parse("[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH)));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("[".repeat(Json.MAX_DEPTH + 1) + "]".repeat(Json.MAX_DEPTH + 1)));
    }

    @Test
    void jsonIsStrictAboutNumbersStringsAndKeys() {
        for (String bad : new String[]{"01", "1.", ".5", "1e", "--1", "+1", "1" + "0".repeat(Json.MAX_NUMBER_CHARS),
                "99999999999999999999", "\"a\\x\"", "\"a\\u12\"", "\"a\\", "\"\u0001\"", "{\"a\":1,\"a\":2}", "[1,]", "{,}"}) {
            assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
        }
        assertEquals(-0.5e3, Json.parse("-0.5e3"));
        assertEquals(Long.MIN_VALUE, Json.parse(Long.toString(Long.MIN_VALUE)));
        assertEquals("a\u00e9/\"", Json.parse("\"a\\u00e9\\/\\\"\""));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\":[1,{\"b\":tru}]}"));
        assertTrue(e.getMessage().contains("$.a[1].b"), e.getMessage());
    }

    @Test
    void directoriesAndMissingFilesAreNamed() throws IOException {
        Path d = Files.createDirectory(dir.resolve("not-a-file.safetensors"));
        IOException e = assertThrows(IOException.class, () -> Safetensors.load(d));
        assertTrue(e.getMessage().contains(d.toString()), e.getMessage());
        IOException e2 = assertThrows(IOException.class, () -> Checkpoint.load(dir.resolve("absent")));
        assertTrue(e2.getMessage().contains("absent"), e2.getMessage());
        var e3 = assertThrows(java.io.UncheckedIOException.class, () -> IdxReader.readImages(d));
        assertTrue(e3.getMessage().contains(d.toString()) && e3.getMessage().contains("directory"), e3.getMessage());
    }

    private Path checkpointRoot() throws IOException {
        Path root = dir.resolve("ckpt");
        Map<String, Tensor> model = new LinkedHashMap<>();
        model.put("w", Tensor.ones(2));
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("epoch", 1L);
        state.put("buf", Tensor.zeros(3));
        Checkpoint.save(root, 1, model, state);
        return root;
    }

    @Test
    void checkpointPointerNeverLeavesTheFolder() throws IOException {
        Path root = checkpointRoot();
        Files.createDirectories(dir.resolve("outside"));
        for (String target : new String[]{"../outside", "/tmp", "..", ".", "epoch-0001/../../outside", "a\u0000b"}) {
            Files.writeString(root.resolve(Checkpoint.LATEST), target + "\n");
            FileFormatException e = assertThrows(FileFormatException.class, () -> Checkpoint.latest(root), target);
            assertTrue(e.getMessage().contains(Checkpoint.LATEST), e.getMessage());
        }
        // a link inside the folder that leads outside it
        Path link = root.resolve("epoch-0009");
        try {
            Files.createSymbolicLink(link, dir.resolve("outside"));
        } catch (UnsupportedOperationException | IOException noLinks) {
            return;
        }
        Files.writeString(root.resolve(Checkpoint.LATEST), "epoch-0009\n");
        FileFormatException e = assertThrows(FileFormatException.class, () -> Checkpoint.latest(root));
        assertTrue(e.getMessage().contains("outside"), e.getMessage());
        Files.writeString(root.resolve(Checkpoint.LATEST), "epoch-0001\n");
        assertEquals(root.resolve("epoch-0001"), Checkpoint.latest(root));
    }

    @Test
    void checkpointStateJsonIsChecked() throws IOException {
        Path folder = checkpointRoot().resolve("epoch-0001");
        Path sj = folder.resolve("state.json");
        Files.writeString(sj, "{\"buf\": {\"$tensor\": \"nope\"}}");
        FileFormatException e = assertThrows(FileFormatException.class, () -> Checkpoint.load(folder));
        assertTrue(e.getMessage().contains("state.json") && e.getMessage().contains("$.buf") && e.getMessage().contains("nope"), e.getMessage());
        Files.writeString(sj, "{\"buf\": {\"$tensor\": 3}}");
        assertThrows(FileFormatException.class, () -> Checkpoint.load(folder));
        Files.writeString(sj, "[1, 2]");
        FileFormatException e2 = assertThrows(FileFormatException.class, () -> Checkpoint.load(folder));
        assertTrue(e2.getMessage().contains("state.json"), e2.getMessage());
        Files.writeString(sj, "{\"a\": " + "[".repeat(200_000));
        FileFormatException e3 = assertThrows(FileFormatException.class, () -> Checkpoint.load(folder));
        assertTrue(e3.getMessage().contains("state.json") && e3.getMessage().contains("nesting"), e3.getMessage());
        Files.write(sj, new byte[]{'{', '"', (byte) 0xC3, '"', ':', '1', '}'});
        FileFormatException e4 = assertThrows(FileFormatException.class, () -> Checkpoint.load(folder));
        assertTrue(e4.getMessage().contains("UTF-8"), e4.getMessage());
    }

    @Test
    void idxDimensionProductsAreExact() throws IOException {
        // 255 dimensions of 2^31 - 1: the long product wraps, but the file must be refused as too large
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * 255).order(ByteOrder.BIG_ENDIAN);
        b.put((byte) 0).put((byte) 0).put((byte) 8).put((byte) 255);
        for (int i = 0; i < 255; i++) b.putInt(Integer.MAX_VALUE);
        Path f = dir.resolve("huge.idx");
        Files.write(f, b.array());
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(f));
        assertTrue(e.getMessage().contains("huge.idx") && e.getMessage().contains("more than one array holds"), e.getMessage());
    }
}
