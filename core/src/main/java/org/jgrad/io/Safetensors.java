package org.jgrad.io;

import org.jgrad.tensor.DType;
import org.jgrad.tensor.Tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
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

    static DType dtype(String code, Path file, String name) {
        return switch (code) {
            case "F32" -> DType.FLOAT32;
            case "F64" -> DType.FLOAT64;
            case "I32" -> DType.INT32;
            case "I64" -> DType.INT64;
            case "U8", "BOOL" -> DType.UINT8;
            default -> throw new IllegalArgumentException(file + ": tensor '" + name + "' has dtype " + code + ", which jgrad does not hold");
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
        ByteBuffer b = ByteBuffer.allocate(n * t.dtype().byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        switch (t.dtype()) {
            case FLOAT32 -> b.asFloatBuffer().put(t.toFloatArray());
            case FLOAT64 -> b.asDoubleBuffer().put(t.toDoubleArray());
            case INT32 -> b.asIntBuffer().put(t.toIntArray());
            case INT64 -> b.asLongBuffer().put(t.toLongArray());
            case UINT8 -> b.put(t.toByteArray()).flip();
        }
        b.position(0).limit(n * t.dtype().byteSize());
        return b;
    }

    /** All tensors of {@code file} on the CPU, in file order. */
    public static LinkedHashMap<String, Tensor> load(Path file) throws IOException {
        return read(file).tensors();
    }

    public record Contents(LinkedHashMap<String, Tensor> tensors, Map<String, String> metadata) {}

    @SuppressWarnings("unchecked")
    public static Contents read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) throw new IllegalArgumentException(file + ": not a safetensors file (" + size + " bytes)");
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long n = lenBuf.flip().getLong();
            if (n <= 0 || n > MAX_HEADER || 8 + n > size) {
                throw new IllegalArgumentException(file + ": corrupt safetensors header length " + n + " (file has " + size + " bytes)");
            }
            ByteBuffer hb = ByteBuffer.allocate((int) n);
            readFully(ch, hb, 8);
            Object parsed;
            try {
                parsed = Json.parse(new String(hb.array(), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": corrupt safetensors header: " + e.getMessage(), e);
            }
            if (!(parsed instanceof Map<?, ?> header)) throw new IllegalArgumentException(file + ": safetensors header is not an object");
            long dataStart = 8 + n, dataLen = size - dataStart;
            LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
            Map<String, String> meta = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : header.entrySet()) {
                String name = (String) e.getKey();
                if (name.equals("__metadata__")) {
                    ((Map<String, Object>) e.getValue()).forEach((k, v) -> meta.put(k, String.valueOf(v)));
                    continue;
                }
                Map<String, Object> info = (Map<String, Object>) e.getValue();
                String code = (String) info.get("dtype");
                boolean half = HalfFloats.isHalf(code); // F16 or BF16: widened to float32, exactly
                DType dt = half ? DType.FLOAT32 : dtype(code, file, name);
                int elementBytes = half ? 2 : dt.byteSize();
                List<Object> shapeL = (List<Object>) info.get("shape");
                List<Object> offs = (List<Object>) info.get("data_offsets");
                int[] shape = new int[shapeL.size()];
                long numel = 1;
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = ((Number) shapeL.get(i)).intValue();
                    numel *= shape[i];
                }
                long begin = ((Number) offs.get(0)).longValue(), end = ((Number) offs.get(1)).longValue();
                if (begin < 0 || end < begin || end > dataLen || end - begin != numel * elementBytes) {
                    throw new IllegalArgumentException(file + ": tensor '" + name + "' has offsets [" + begin + ", " + end
                            + ") that do not match its shape or the file size (truncated file?)");
                }
                ByteBuffer b = ByteBuffer.allocate((int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN);
                readFully(ch, b, dataStart + begin);
                b.flip();
                int cnt = (int) numel;
                Tensor t = half ? Tensor.fromArray(HalfFloats.toFloat32(code, b, cnt), shape) : switch (dt) {
                    case FLOAT32 -> { float[] a = new float[cnt]; b.asFloatBuffer().get(a); yield Tensor.fromArray(a, shape); }
                    case FLOAT64 -> { double[] a = new double[cnt]; b.asDoubleBuffer().get(a); yield Tensor.fromArray(a, shape); }
                    case INT32 -> { int[] a = new int[cnt]; b.asIntBuffer().get(a); yield Tensor.fromArray(a, shape); }
                    case INT64 -> { long[] a = new long[cnt]; b.asLongBuffer().get(a); yield Tensor.fromArray(a, shape); }
                    case UINT8 -> { byte[] a = new byte[cnt]; b.get(a); yield Tensor.fromArray(a, shape); }
                };
                out.put(name, t);
            }
            return new Contents(out, meta);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            int r = ch.read(b, pos);
            if (r < 0) throw new IOException("unexpected end of file");
            pos += r;
        }
    }
}
