package org.jgrad.io;

import org.jgrad.tensor.DType;
import org.jgrad.tensor.Tensor;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format, so PyTorch (and the Hugging Face tools) read jgrad's weights:
 * an 8-byte little-endian header length N, N bytes of JSON mapping each name to
 * {dtype, shape, data_offsets [begin, end)} relative to the data section (plus an optional
 * "__metadata__" object of strings), then the tensors' bytes, little-endian, row-major.
 * Files are written atomically. Reading also takes PyTorch's float16 ("F16") and bfloat16
 * ("BF16") tensors: jgrad holds neither, so they load as float32, which represents every such
 * value exactly (nothing is rounded; the file just takes twice the memory once loaded).
 */
public final class Safetensors {
    private static final long MAX_HEADER = 100L << 20;

    private Safetensors() {}

    static String code(DType t) {
        return switch (t) {
            case FLOAT32 -> "F32";
            case FLOAT64 -> "F64";
            case INT32 -> "I32";
            case INT64 -> "I64";
            case UINT8 -> "U8";
        };
    }

    static DType dtype(String code, JsonFields f, String name) {
        return switch (code) {
            case "F32" -> DType.FLOAT32;
            case "F64" -> DType.FLOAT64;
            case "I32" -> DType.INT32;
            case "I64" -> DType.INT64;
            case "U8", "BOOL" -> DType.UINT8;
            default -> throw f.error(name, "dtype " + code + " is not one jgrad holds (F32, F64, I32, I64, U8, BOOL)");
        };
    }

    public static void save(Map<String, Tensor> tensors, Map<String, String> metadata, Path file) throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        if (metadata != null && !metadata.isEmpty()) header.put("__metadata__", new LinkedHashMap<>(metadata));
        List<ByteBuffer> data = new ArrayList<>();
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            ByteBuffer b = bytes(t);
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("dtype", code(t.dtype()));
            List<Object> shape = new ArrayList<>();
            for (int s : t.shape()) shape.add((long) s);
            info.put("shape", shape);
            info.put("data_offsets", List.of(offset, offset + b.remaining()));
            header.put(e.getKey(), info);
            offset += b.remaining();
            data.add(b);
        }
        byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8; // the reference writer pads the header to 8 bytes with spaces
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) head.put((byte) ' ');
        head.flip();
        List<ByteBuffer> all = new ArrayList<>();
        all.add(head);
        all.addAll(data);
        AtomicFiles.write(file, all.toArray(new ByteBuffer[0]));
    }

    private static ByteBuffer bytes(Tensor t) {
        int n = t.numel();
        long bytes = (long) n * t.dtype().byteSize(); // exact: an int product would wrap past 2 GiB
        if (bytes > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("Safetensors.save: a " + t.dtype() + " tensor of shape " + java.util.Arrays.toString(t.shape())
                    + " has " + bytes + " bytes, more than one buffer holds (" + (Integer.MAX_VALUE - 16) + ")");
        }
        ByteBuffer b = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
        switch (t.dtype()) {
            case FLOAT32 -> b.asFloatBuffer().put(t.toFloatArray());
            case FLOAT64 -> b.asDoubleBuffer().put(t.toDoubleArray());
            case INT32 -> b.asIntBuffer().put(t.toIntArray());
            case INT64 -> b.asLongBuffer().put(t.toLongArray());
            case UINT8 -> b.put(t.toByteArray()).flip();
        }
        b.position(0).limit((int) bytes);
        return b;
    }

    /** All tensors of {@code file} on the CPU, in file order. */
    public static LinkedHashMap<String, Tensor> load(Path file) throws IOException {
        return read(file).tensors();
    }

    public record Contents(LinkedHashMap<String, Tensor> tensors, Map<String, String> metadata) {}

    /** One header entry, checked: where its bytes are and what they hold. */
    /** One tensor of the header; {@code halfCode} is "F16" or "BF16" for a half-precision tensor read as float32, else null. */
    private record Entry(String name, DType dtype, String halfCode, int[] shape, int numel, long begin, long end) {}

    /**
     * Reads a safetensors file. Untrusted input is expected: the header length, the JSON (see
     * {@link Json#parse} for its limits), every entry's dtype, shape (exact non-negative integers
     * whose product, times the dtype's size, is computed without overflow and fits one jgrad
     * tensor) and byte range (in bounds, matching dtype x shape, ranges neither overlapping nor
     * leaving holes, as the reference reader requires) are all checked before any tensor is made.
     *
     * @throws FileFormatException naming the file and the entry when the contents are malformed
     * @throws IOException         when the file cannot be read (missing, a directory, I/O error)
     */
    public static Contents read(Path file) throws IOException {
        if (file == null) throw new IllegalArgumentException("Safetensors.read: file must not be null");
        if (Files.isDirectory(file)) throw new FileSystemException(file.toString(), null, "is a directory, not a safetensors file");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) throw new FileFormatException(file, null, "not a safetensors file (" + size + " bytes, less than the 8-byte header length)");
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0, file);
            long n = lenBuf.flip().getLong();
            if (n <= 0 || n > MAX_HEADER || n > size - 8) {
                throw new FileFormatException(file, null, "corrupt safetensors header length " + n + " (file has " + size
                        + " bytes; the header may hold at most " + MAX_HEADER + ")");
            }
            ByteBuffer hb = ByteBuffer.allocate((int) n);
            readFully(ch, hb, 8, file);
            Object parsed;
            try {
                parsed = Json.parse(utf8(hb.array(), file));
            } catch (FileFormatException e) {
                throw e;
            } catch (IllegalArgumentException e) {
                throw new FileFormatException(file, null, "corrupt safetensors header: " + e.getMessage(), e);
            }
            JsonFields f = new JsonFields(file);
            Map<String, Object> header = f.object(parsed, "header");
            long dataStart = 8 + n, dataLen = size - dataStart;
            Map<String, String> meta = new LinkedHashMap<>();
            List<Entry> entries = new ArrayList<>();
            for (Map.Entry<String, Object> e : header.entrySet()) {
                String name = e.getKey();
                if (name.equals("__metadata__")) {
                    for (Map.Entry<String, Object> m : f.object(e.getValue(), name).entrySet()) {
                        meta.put(m.getKey(), f.string(m.getValue(), "__metadata__." + m.getKey()));
                    }
                    continue;
                }
                entries.add(entry(f, name, e.getValue(), dataLen));
            }
            checkLayout(f, entries, dataLen);
            LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
            try {
                for (Entry en : entries) out.put(en.name(), tensor(ch, en, dataStart, file));
            } catch (IOException | RuntimeException e) {
                for (Tensor t : out.values()) t.close();
                throw e;
            }
            return new Contents(out, meta);
        }
    }

    private static Entry entry(JsonFields f, String name, Object value, long dataLen) {
        Map<String, Object> info = f.object(value, name);
        String code = f.string(f.field(info, "dtype", name), name + ".dtype");
        boolean half = HalfFloats.isHalf(code); // F16 or BF16: widened to float32, exactly
        DType dt = half ? DType.FLOAT32 : dtype(code, f, name);
        int elementBytes = half ? 2 : dt.byteSize();
        List<Object> shapeL = f.list(f.field(info, "shape", name), name + ".shape");
        int[] shape = new int[shapeL.size()];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
            shape[i] = (int) f.integer(shapeL.get(i), 0, Integer.MAX_VALUE, name + ".shape[" + i + "]");
            numel = multiply(f, name, numel, shape[i], shapeL);
        }
        if (numel > Integer.MAX_VALUE) {
            throw f.error(name, "shape " + shapeL + " has " + numel + " elements, more than a jgrad tensor holds (" + Integer.MAX_VALUE + ")");
        }
        long bytes = multiply(f, name, numel, elementBytes, shapeL);
        List<Object> offs = f.list(f.field(info, "data_offsets", name), name + ".data_offsets");
        if (offs.size() != 2) throw f.error(name + ".data_offsets", "expected [begin, end], found " + offs.size() + " values");
        long begin = f.integer(offs.get(0), 0, Long.MAX_VALUE, name + ".data_offsets[0]");
        long end = f.integer(offs.get(1), 0, Long.MAX_VALUE, name + ".data_offsets[1]");
        if (end > dataLen || begin > dataLen) {
            throw f.error(name, "data_offsets [" + begin + ", " + end + ") reach past the " + dataLen + " bytes of data in the file (truncated file?)");
        }
        if (end < begin || end - begin != bytes) {
            throw f.error(name, "data_offsets [" + begin + ", " + end + ") hold " + (end - begin) + " bytes but dtype " + code
                    + " x shape " + shapeL + " needs " + bytes + " (truncated or corrupt file?)");
        }
        return new Entry(name, dt, half ? code : null, shape, (int) numel, begin, end);
    }

    private static long multiply(JsonFields f, String name, long a, long b, List<Object> shape) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw f.error(name, "shape " + shape + " overflows a 64-bit count");
        }
    }

    /** The byte ranges must tile the data section exactly: no overlap (two tensors sharing bytes), no hole, nothing trailing. */
    private static void checkLayout(JsonFields f, List<Entry> entries, long dataLen) {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(java.util.Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long at = 0;
        String previous = null;
        for (Entry e : sorted) {
            if (e.begin() < at) throw f.error(e.name(), "bytes [" + e.begin() + ", " + e.end() + ") overlap those of '" + previous + "'");
            if (e.begin() > at) {
                throw f.error(e.name(), "bytes start at " + e.begin() + " but the previous tensor ends at " + at + " (a hole in the data section)");
            }
            at = e.end();
            previous = e.name();
        }
        if (at != dataLen) {
            throw f.error(null, "the tensors cover " + at + " bytes of data but the file holds " + dataLen + " after the header (truncated or padded file?)");
        }
    }

    private static Tensor tensor(FileChannel ch, Entry en, long dataStart, Path file) throws IOException {
        ByteBuffer b = ByteBuffer.allocate((int) (en.end() - en.begin())).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, b, dataStart + en.begin(), file);
        b.flip();
        int cnt = en.numel();
        int[] shape = en.shape();
        if (en.halfCode() != null) return Tensor.fromArray(HalfFloats.toFloat32(en.halfCode(), b, cnt), shape);
        return switch (en.dtype()) {
            case FLOAT32 -> { float[] a = new float[cnt]; b.asFloatBuffer().get(a); yield Tensor.fromArray(a, shape); }
            case FLOAT64 -> { double[] a = new double[cnt]; b.asDoubleBuffer().get(a); yield Tensor.fromArray(a, shape); }
            case INT32 -> { int[] a = new int[cnt]; b.asIntBuffer().get(a); yield Tensor.fromArray(a, shape); }
            case INT64 -> { long[] a = new long[cnt]; b.asLongBuffer().get(a); yield Tensor.fromArray(a, shape); }
            case UINT8 -> { byte[] a = new byte[cnt]; b.get(a); yield Tensor.fromArray(a, shape); }
        };
    }

    /** Strict UTF-8: a damaged byte is an error naming the file, not a silent replacement character. */
    static String utf8(byte[] bytes, Path file) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new FileFormatException(file, null, "is not valid UTF-8 text (" + e + ")", e);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long pos, Path file) throws IOException {
        while (b.hasRemaining()) {
            int r = ch.read(b, pos);
            if (r < 0) throw new EOFException(file + ": unexpected end of file at byte " + pos);
            pos += r;
        }
    }
}
