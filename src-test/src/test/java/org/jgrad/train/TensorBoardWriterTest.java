package org.jgrad.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The event file read back by decoders written here from the formats' specifications, not from
 * the writer: a Java one (CRC-32C bit by bit from its polynomial, protobuf wire format by hand)
 * and, where a Python 3 is installed, a Python one (tensorboard's own reader when it is
 * importable, else struct and a CRC-32C from the spec).
 */
class TensorBoardWriterTest {
    record Scalar(long step, String tag, float value, double wallTime) {}

    /** CRC-32C (Castagnoli), reflected polynomial 0x82F63B78, bit by bit. */
    static int crc32c(byte[] b, int off, int len) {
        int crc = ~0;
        for (int i = off; i < off + len; i++) {
            crc ^= b[i] & 0xFF;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0x82F63B78 : crc >>> 1;
        }
        return ~crc;
    }

    static int masked(int crc) { return Integer.rotateRight(crc, 15) + 0xa282ead8; }

    /** Decodes every record; returns the file_version of the first event and the scalars of the rest. */
    static List<Scalar> decode(byte[] f, String[] version) {
        ByteBuffer bb = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN);
        List<Scalar> out = new ArrayList<>();
        while (bb.hasRemaining()) {
            int start = bb.position();
            long len = bb.getLong();
            assertEquals(masked(crc32c(f, start, 8)), bb.getInt(), "length CRC");
            int dataStart = bb.position();
            byte[] data = new byte[(int) len];
            bb.get(data);
            assertEquals(masked(crc32c(f, dataStart, (int) len)), bb.getInt(), "data CRC");
            Proto e = new Proto(data);
            double wall = Double.NaN;
            long step = 0;
            while (e.more()) {
                int t = e.varint32();
                switch (t) {
                    case 1 << 3 | 1 -> wall = e.fixed64();
                    case 2 << 3 -> step = e.varint();
                    case 3 << 3 | 2 -> version[0] = new String(e.bytes(), StandardCharsets.UTF_8);
                    case 5 << 3 | 2 -> {
                        Proto summary = new Proto(e.bytes());
                        while (summary.more()) {
                            assertEquals(1 << 3 | 2, summary.varint32(), "Summary.value");
                            Proto value = new Proto(summary.bytes());
                            String tag = null;
                            float v = Float.NaN;
                            while (value.more()) {
                                int vt = value.varint32();
                                if (vt == (1 << 3 | 2)) tag = new String(value.bytes(), StandardCharsets.UTF_8);
                                else if (vt == (2 << 3 | 5)) v = value.fixed32();
                                else throw new AssertionError("unexpected Summary.Value field " + vt);
                            }
                            out.add(new Scalar(step, tag, v, wall));
                        }
                    }
                    default -> throw new AssertionError("unexpected Event field tag " + t);
                }
            }
        }
        return out;
    }

    static final class Proto {
        final ByteBuffer b;

        Proto(byte[] data) { b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN); }

        boolean more() { return b.hasRemaining(); }

        long varint() {
            long r = 0;
            for (int shift = 0; ; shift += 7) {
                int x = b.get() & 0xFF;
                r |= (long) (x & 0x7F) << shift;
                if ((x & 0x80) == 0) return r;
            }
        }

        int varint32() { return (int) varint(); }

        double fixed64() { return b.getDouble(); }

        float fixed32() { return b.getFloat(); }

        byte[] bytes() {
            byte[] r = new byte[(int) varint()];
            b.get(r);
            return r;
        }
    }

    @Test
    void scalarsDecodeWithAnIndependentReader(@TempDir Path dir) throws Exception {
        Path file;
        try (TensorBoardWriter w = new TensorBoardWriter(dir)) {
            w.addScalar("train/loss", 2.5, 1, 1000.25);
            w.addScalar("epoch/val_accuracy", 0.861, 300, 1001.5);
            w.addScalar("épsilon/lr", 1e-4, 0, 1002);
            file = w.file();
        }
        assertTrue(file.getFileName().toString().startsWith("events.out.tfevents."), file.toString());
        String[] version = new String[1];
        List<Scalar> s = decode(Files.readAllBytes(file), version);
        assertEquals("brain.Event:2", version[0]);
        assertEquals(List.of(new Scalar(1, "train/loss", 2.5f, 1000.25), new Scalar(300, "epoch/val_accuracy", 0.861f, 1001.5),
                new Scalar(0, "épsilon/lr", 1e-4f, 1002)), s);
        pythonReads(file);
    }

    private static final String PYTHON = """
            import struct, sys
            path = sys.argv[1]
            try:
                from tensorboard.backend.event_processing.event_file_loader import EventFileLoader
                for e in EventFileLoader(path).Load():
                    for v in e.summary.value:
                        val = v.simple_value if v.HasField('simple_value') else v.tensor.float_val[0]
                        print('%d %s %.6g' % (e.step, v.tag, val))
                sys.exit(0)
            except ImportError:
                pass
            def crc32c(b):
                crc = 0xFFFFFFFF
                for x in b:
                    crc ^= x
                    for _ in range(8):
                        crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
                return crc ^ 0xFFFFFFFF
            def masked(c):
                return (((c >> 15) | (c << 17)) + 0xa282ead8) & 0xFFFFFFFF
            def varint(b, i):
                r = s = 0
                while True:
                    x = b[i]; i += 1; r |= (x & 0x7F) << s; s += 7
                    if not x & 0x80: return r, i
            def fields(b):
                i = 0
                while i < len(b):
                    t, i = varint(b, i); f, w = t >> 3, t & 7
                    if w == 0: v, i = varint(b, i)
                    elif w == 1: v = b[i:i+8]; i += 8
                    elif w == 5: v = b[i:i+4]; i += 4
                    elif w == 2:
                        n, i = varint(b, i); v = b[i:i+n]; i += n
                    else: raise ValueError(w)
                    yield f, v
            data = open(path, 'rb').read(); i = 0
            while i < len(data):
                header = data[i:i+8]; (n,) = struct.unpack('<Q', header)
                assert struct.unpack('<I', data[i+8:i+12])[0] == masked(crc32c(header)), 'length crc'
                body = data[i+12:i+12+n]
                assert struct.unpack('<I', data[i+12+n:i+16+n])[0] == masked(crc32c(body)), 'data crc'
                i += 16 + n
                step = 0
                for f, v in fields(body):
                    if f == 2: step = v
                    if f == 5:
                        for _, value in fields(v):
                            d = dict(fields(value))
                            print('%d %s %.6g' % (step, d[1].decode('utf-8'), struct.unpack('<f', d[2])[0]))
            """;

    private static void pythonReads(Path file) throws IOException, InterruptedException {
        Path py = Path.of("/usr/bin/python3");
        if (!Files.isExecutable(py)) return; // the Java decoder above has checked the file
        Path script = file.resolveSibling("read_events.py");
        Files.writeString(script, PYTHON);
        Process p = new ProcessBuilder(py.toString(), script.toString(), file.toString()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        assertEquals("1 train/loss 2.5\n300 epoch/val_accuracy 0.861\n0 épsilon/lr 0.0001\n", out);
    }

    @Test
    void theLoggerWritesEpochScalars(@TempDir Path dir) throws Exception {
        java.util.Map<String, Object> row = new java.util.LinkedHashMap<>();
        row.put("epoch", 1);
        row.put("train_loss", 0.5);
        row.put("val", java.util.Map.of("accuracy", 0.75));
        try (TensorBoardLogger log = new TensorBoardLogger(dir, 10)) {
            FitState s = new FitState(null, null, new History(), 3);
            log.onEpochEnd(s, row);
            log.close();
            List<Scalar> got = decode(Files.readAllBytes(log.file()), new String[1]);
            assertEquals(2, got.size());
            assertEquals("epoch/train_loss", got.get(0).tag());
            assertEquals(new Scalar(1, "epoch/val_accuracy", 0.75f, got.get(1).wallTime()), got.get(1));
        }
    }
}
