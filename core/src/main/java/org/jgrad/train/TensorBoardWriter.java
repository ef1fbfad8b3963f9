package org.jgrad.train;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Writes TensorBoard event files ({@code events.out.tfevents.<seconds>.<host>}) holding scalars
 * as PyTorch's {@code SummaryWriter.add_scalar} writes them, without TensorFlow: TFRecord framing
 * (uint64 length, masked CRC-32C of the length, the data, masked CRC-32C of the data, all little
 * endian) around protobuf {@code Event} messages, the first carrying {@code file_version
 * "brain.Event:2"}, the others a {@code Summary} with one {@code Value {tag, simple_value}}.
 */
public final class TensorBoardWriter implements AutoCloseable {
    private final Path file;
    private final OutputStream out;

    /** Creates {@code dir} if needed and a new event file in it. */
    public TensorBoardWriter(Path dir) throws IOException {
        Files.createDirectories(dir);
        long now = System.currentTimeMillis();
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "localhost";
        }
        Path f = dir.resolve("events.out.tfevents." + now / 1000 + "." + host);
        for (int i = 1; Files.exists(f); i++) f = dir.resolve("events.out.tfevents." + now / 1000 + "." + host + "." + i);
        this.file = f;
        this.out = Files.newOutputStream(f);
        writeRecord(event(now / 1000.0, 0, "brain.Event:2", null));
        out.flush();
    }

    public Path file() { return file; }

    /** One scalar at a global step, stamped with the current wall time. */
    public void addScalar(String tag, double value, long step) throws IOException {
        addScalar(tag, value, step, System.currentTimeMillis() / 1000.0);
    }

    public void addScalar(String tag, double value, long step, double wallTime) throws IOException {
        ByteArrayOutputStream v = new ByteArrayOutputStream();
        bytesField(v, 1, tag.getBytes(StandardCharsets.UTF_8));
        v.write(tag(2, 5)); // simple_value: float, fixed32
        v.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat((float) value).array());
        ByteArrayOutputStream summary = new ByteArrayOutputStream();
        bytesField(summary, 1, v.toByteArray());
        writeRecord(event(wallTime, step, null, summary.toByteArray()));
    }

    public void flush() throws IOException { out.flush(); }

    @Override
    public void close() throws IOException { out.close(); }

    private static byte[] event(double wallTime, long step, String fileVersion, byte[] summary) {
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        e.write(tag(1, 1)); // wall_time: double, fixed64
        e.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(wallTime).array());
        if (step != 0) {
            e.write(tag(2, 0)); // step: int64, varint (proto3 leaves the default 0 out)
            varint(e, step);
        }
        if (fileVersion != null) bytesField(e, 3, fileVersion.getBytes(StandardCharsets.UTF_8));
        if (summary != null) bytesField(e, 5, summary);
        return e.toByteArray();
    }

    private void writeRecord(byte[] data) throws IOException {
        byte[] len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(data.length).array();
        out.write(len);
        out.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(maskedCrc(len)).array());
        out.write(data);
        out.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(maskedCrc(data)).array());
    }

    /** TFRecord's masked CRC-32C: rotate right by 15 and add 0xa282ead8. */
    static int maskedCrc(byte[] b) {
        CRC32C c = new CRC32C();
        c.update(b);
        int crc = (int) c.getValue();
        return ((crc >>> 15) | (crc << 17)) + 0xa282ead8;
    }

    private static int tag(int field, int wireType) { return field << 3 | wireType; }

    private static void bytesField(ByteArrayOutputStream o, int field, byte[] b) {
        o.write(tag(field, 2));
        varint(o, b.length);
        o.writeBytes(b);
    }

    private static void varint(ByteArrayOutputStream o, long v) {
        while ((v & ~0x7FL) != 0) {
            o.write((int) (v & 0x7F) | 0x80);
            v >>>= 7;
        }
        o.write((int) v);
    }
}
