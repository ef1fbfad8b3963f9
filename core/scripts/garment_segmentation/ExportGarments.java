import org.jgrad.data.GarmentSegmentation;
import org.jgrad.data.Sample;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes the first N samples of GarmentSegmentation.bundled(train) as raw little-endian data for
 * unet_check.py: int32 N, int32 S, then N*S*S float32 inputs, then N*S*S uint8 masks.
 * Run from the repository root after building core:
 *   java -cp core/target/classes core/scripts/garment_segmentation/ExportGarments.java train 3000 /tmp/seg-train.bin
 */
public class ExportGarments {
    public static void main(String[] args) throws IOException {
        boolean train = args[0].equals("train");
        int n = Integer.parseInt(args[1]);
        GarmentSegmentation ds = GarmentSegmentation.bundled(train);
        int s = ds.canvas();
        ByteBuffer buf = ByteBuffer.allocate(8 + n * s * s * 5).order(ByteOrder.LITTLE_ENDIAN);
        buf.putInt(n).putInt(s);
        byte[] masks = new byte[n * s * s];
        for (int i = 0; i < n; i++) {
            try (Sample x = ds.get(i)) {
                for (float v : x.input().toFloatArray()) buf.putFloat(v);
                float[] m = x.target().toFloatArray();
                for (int k = 0; k < m.length; k++) masks[i * s * s + k] = (byte) m[k];
            }
        }
        buf.put(masks).flip();
        try (FileChannel ch = FileChannel.open(Path.of(args[2]), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (buf.hasRemaining()) ch.write(buf);
        }
    }
}
