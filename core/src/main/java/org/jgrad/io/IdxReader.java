package org.jgrad.io;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads the IDX format of MNIST and Fashion-MNIST (LeCun's format): a 4-byte magic number
 * {@code 00 00 <type> <ndim>}, ndim big-endian 32-bit dimensions, then the data, row-major.
 * Plain and gzip-compressed files are both read (gzip is recognised by its own magic bytes,
 * not by the file name). Only unsigned-byte data (type 0x08) is supported, which is what both
 * data sets use. Every error names the file and what was expected versus found.
 */
public final class IdxReader {
    /** Magic number of an unsigned-byte, 3-dimensional IDX file (images: count x rows x cols). */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic number of an unsigned-byte, 1-dimensional IDX file (labels). */
    public static final int LABELS_MAGIC = 0x00000801;
    private static final int UNSIGNED_BYTE = 0x08;
    /** The most data bytes one file may hold: what one Java array holds. */
    private static final long MAX_DATA = Integer.MAX_VALUE - 16;

    private IdxReader() {}

    /** The contents of one IDX file: its dimensions and its bytes (unsigned, row-major). */
    public record IdxData(String source, int magic, int[] dims, byte[] data) {
        public IdxData {
            dims = dims.clone();
        }

        @Override
        public int[] dims() { return dims.clone(); }

        /** dims[0]: the number of items (images or labels). */
        public int count() { return dims[0]; }
    }

    /** Reads an images file and checks it is one: magic 0x00000803 (2051), three dimensions. */
    public static IdxData readImages(Path path) { return expect(read(path), IMAGES_MAGIC, "images"); }

    /** Reads a labels file and checks it is one: magic 0x00000801 (2049), one dimension. */
    public static IdxData readLabels(Path path) { return expect(read(path), LABELS_MAGIC, "labels"); }

    public static IdxData readImages(InputStream in, String name) { return expect(read(in, name), IMAGES_MAGIC, "images"); }

    public static IdxData readLabels(InputStream in, String name) { return expect(read(in, name), LABELS_MAGIC, "labels"); }

    /** Reads any unsigned-byte IDX file, plain or gzip. */
    public static IdxData read(Path path) {
        if (path == null) throw new IllegalArgumentException("IdxReader.read: path must not be null");
        if (Files.isDirectory(path)) throw new UncheckedIOException(new IOException("IDX path " + path + " is a directory, not a file"));
        if (!Files.isRegularFile(path)) throw new UncheckedIOException(new IOException("IDX file not found: " + path));
        try (InputStream in = Files.newInputStream(path)) {
            return read(in, path.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("reading IDX file " + path + ": " + e.getMessage(), e);
        }
    }

    /** Reads an IDX stream (plain or gzip); {@code name} appears in error messages. Does not close {@code in}. */
    public static IdxData read(InputStream in, String name) {
        if (in == null) throw new IllegalArgumentException("IdxReader.read: stream must not be null (" + name + ")");
        try {
            BufferedInputStream buf = new BufferedInputStream(in, 1 << 16);
            buf.mark(2);
            int b0 = buf.read();
            int b1 = buf.read();
            buf.reset();
            InputStream body = (b0 == 0x1f && b1 == 0x8b) ? new GZIPInputStream(buf, 1 << 16) : buf;
            return parse(body, name);
        } catch (EOFException | ZipException e) {
            throw new IdxFormatException(name + ": truncated or corrupt gzip stream (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading IDX data " + name + ": " + e.getMessage(), e);
        }
    }

    private static IdxData parse(InputStream in, String name) throws IOException {
        byte[] head = in.readNBytes(4);
        if (head.length < 4) {
            throw new IdxFormatException(name + ": truncated: expected a 4-byte IDX magic number, found " + head.length + " bytes");
        }
        int magic = ((head[0] & 0xFF) << 24) | ((head[1] & 0xFF) << 16) | ((head[2] & 0xFF) << 8) | (head[3] & 0xFF);
        if (head[0] != 0 || head[1] != 0) {
            throw new IdxFormatException(name + ": not an IDX file: magic number " + hex(magic)
                    + " does not start with two zero bytes (expected e.g. " + hex(IMAGES_MAGIC) + " for images or "
                    + hex(LABELS_MAGIC) + " for labels)");
        }
        int type = head[2] & 0xFF;
        if (type != UNSIGNED_BYTE) {
            throw new IdxFormatException(name + ": IDX data type 0x" + String.format("%02X", type)
                    + " is not supported; expected 0x08 (unsigned byte), as in MNIST and Fashion-MNIST");
        }
        int ndim = head[3] & 0xFF;
        if (ndim == 0) throw new IdxFormatException(name + ": IDX header declares 0 dimensions (magic " + hex(magic) + ")");
        byte[] dimBytes = in.readNBytes(4 * ndim);
        if (dimBytes.length < 4 * ndim) {
            throw new IdxFormatException(name + ": truncated header: expected " + ndim + " dimensions (" + 4 * ndim
                    + " bytes) after the magic number, found " + dimBytes.length + " bytes");
        }
        int[] dims = new int[ndim];
        long total = 1;
        for (int d = 0; d < ndim; d++) {
            int o = 4 * d;
            long v = ((long) (dimBytes[o] & 0xFF) << 24) | ((dimBytes[o + 1] & 0xFF) << 16) | ((dimBytes[o + 2] & 0xFF) << 8)
                    | (dimBytes[o + 3] & 0xFF);
            if (v > Integer.MAX_VALUE) throw new IdxFormatException(name + ": dimension " + d + " is " + v + ", too large");
            dims[d] = (int) v;
            // exact: 255 dimensions of up to 2^31 - 1 each would wrap a long into a plausible small count
            total = total > MAX_DATA ? total : Math.multiplyExact(total, v);
        }
        if (total > MAX_DATA) {
            throw new IdxFormatException(name + ": dimensions " + Arrays.toString(dims) + " give at least " + total + " bytes, more than one array holds (" + MAX_DATA + ")");
        }
        byte[] data = in.readNBytes((int) total);
        if (data.length < total) {
            throw new IdxFormatException(name + ": truncated: dimensions " + Arrays.toString(dims) + " need " + total
                    + " bytes of data, found " + data.length);
        }
        if (in.read() != -1) {
            throw new IdxFormatException(name + ": dimensions " + Arrays.toString(dims) + " need " + total
                    + " bytes of data, but the file has more (trailing bytes); wrong header?");
        }
        return new IdxData(name, magic, dims, data);
    }

    private static IdxData expect(IdxData d, int magic, String what) {
        if (d.magic() != magic) {
            throw new IdxFormatException(d.source() + ": wrong magic number for " + what + ": expected " + hex(magic) + " ("
                    + magic + "), found " + hex(d.magic()) + " (" + d.magic() + ")");
        }
        return d;
    }

    static String hex(int v) { return String.format("0x%08X", v); }
}
