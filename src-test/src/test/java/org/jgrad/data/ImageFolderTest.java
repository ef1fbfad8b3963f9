package org.jgrad.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** PNGs written here pixel by pixel, read back through ImageFolder and a DataLoader. */
class ImageFolderTest {
    @TempDir
    Path root;

    void png(String cls, String name, BufferedImage img) throws IOException {
        Path dir = root.resolve(cls);
        Files.createDirectories(dir);
        assertTrue(ImageIO.write(img, "png", dir.resolve(name).toFile()));
    }

    static BufferedImage grey(int w, int h, int base) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.getRaster().setSample(x, y, 0, base + 10 * y + x);
        return img;
    }

    @Test
    void classesAreSortedFolderNamesAndPixelsRoundTrip() throws IOException {
        png("shoe", "a.png", grey(3, 2, 100));
        png("bag", "b.png", grey(3, 2, 0));
        png("bag", "a.png", grey(3, 2, 50));
        Files.writeString(root.resolve("bag").resolve("notes.txt"), "ignored");
        ImageFolder ds = ImageFolder.of(root, true);
        assertEquals(List.of("bag", "shoe"), ds.classes());
        assertEquals(3, ds.size());
        assertEquals("a.png", ds.file(0).getFileName().toString()); // sorted within a class
        assertEquals(0, ds.label(0));
        assertEquals(1, ds.label(2));
        try (Sample s = ds.get(0)) {
            assertArrayEquals(new int[]{1, 2, 3}, s.input().shape());
            float[] expected = new float[6];
            for (int y = 0; y < 2; y++) for (int x = 0; x < 3; x++) expected[y * 3 + x] = (50 + 10 * y + x) / 255f;
            assertArrayEquals(expected, s.input().toFloatArray(), 1e-7f);
            assertEquals(0L, (long) s.target().item());
        }
        try (DataLoader<Sample> loader = DataLoader.builder(ds).batchSize(3).numWorkers(2).build()) {
            for (Batch b : loader) {
                try (b) {
                    assertArrayEquals(new int[]{3, 1, 2, 3}, b.inputs().shape());
                    assertArrayEquals(new long[]{0, 0, 1}, b.targets().toLongArray());
                }
            }
        }
    }

    @Test
    void colourImagesGiveThreeChannels() throws IOException {
        BufferedImage rgb = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        rgb.setRGB(0, 0, 0xFF8000);
        rgb.setRGB(1, 0, 0x0000FF);
        png("c", "x.png", rgb);
        try (Sample s = ImageFolder.of(root, false).get(0)) {
            assertArrayEquals(new int[]{3, 1, 2}, s.input().shape());
            assertArrayEquals(new float[]{1, 0, 128 / 255f, 0, 0, 1}, s.input().toFloatArray(), 1e-7f);
        }
        try (Sample s = ImageFolder.of(root, true).get(0)) {
            assertEquals(0.299f + 0.587f * 128 / 255f, s.input().toFloatArray()[0], 1e-6f);
            assertEquals(0.114f, s.input().toFloatArray()[1], 1e-6f);
        }
    }

    @Test
    void emptyOrMissingFoldersAreErrors() throws IOException {
        assertThrows(IllegalArgumentException.class, () -> ImageFolder.of(root, true));
        Files.createDirectories(root.resolve("empty-class"));
        var e = assertThrows(IllegalArgumentException.class, () -> ImageFolder.of(root, true));
        assertTrue(e.getMessage().contains("no .png files"), e.getMessage());
        assertThrows(java.io.UncheckedIOException.class, () -> ImageFolder.of(root.resolve("missing"), true));
    }
}
