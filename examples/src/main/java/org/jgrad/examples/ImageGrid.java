package org.jgrad.examples;

import org.jgrad.io.AtomicFiles;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;

/**
 * segmentation_samples.png: one row per sample, three columns: the input image, the true mask and
 * the predicted mask, each upscaled with nearest-neighbour pixels so the masks stay crisp.
 */
final class ImageGrid {
    private static final String[] HEADERS = {"input", "true mask", "predicted"};

    private ImageGrid() {}

    /**
     * @param inputs [n][h*w] grey values in [0, 1]
     * @param masks [n][h*w] 0/1
     * @param predicted [n][h*w] 0/1
     */
    static void write(Path file, float[][] inputs, float[][] masks, float[][] predicted, int h, int w, int scale) throws IOException {
        int n = inputs.length;
        if (masks.length != n || predicted.length != n) {
            throw new IllegalArgumentException("ImageGrid.write: " + n + " inputs, " + masks.length + " masks, " + predicted.length + " predictions");
        }
        int pad = 6, head = 18, cw = w * scale, ch = h * scale;
        int width = pad + 3 * (cw + pad), height = head + pad + n * (ch + pad);
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.DARK_GRAY);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int c = 0; c < 3; c++) g.drawString(HEADERS[c], pad + c * (cw + pad), head - 4);
        g.dispose();
        for (int i = 0; i < n; i++) {
            int top = head + pad + i * (ch + pad);
            float[][] cols = {inputs[i], masks[i], predicted[i]};
            for (int c = 0; c < 3; c++) {
                int left = pad + c * (cw + pad);
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        float v = Math.max(0f, Math.min(1f, cols[c][y * w + x]));
                        int grey = Math.round(v * 255);
                        // masks in the garment colour over black; the input in grey
                        int rgb = c == 0 ? (grey << 16 | grey << 8 | grey) : (v > 0.5f ? 0xFFC04D : 0x202020);
                        for (int dy = 0; dy < scale; dy++) {
                            for (int dx = 0; dx < scale; dx++) img.setRGB(left + x * scale + dx, top + y * scale + dy, rgb);
                        }
                    }
                }
            }
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(img, "png", bytes);
        AtomicFiles.write(file, bytes.toByteArray());
    }
}
