package org.jgrad.data;

import org.jgrad.tensor.Tensor;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Labelled images in class folders, like torchvision's {@code ImageFolder}:
 * {@code root/<class>/<image>.png}. Classes are the sub-folder names in sorted order (label =
 * position); images are read on demand with {@link ImageIO} (PNG, and whatever else it reads).
 * {@link #get} gives a [C,H,W] FLOAT32 tensor in [0,1] (C = 1 for grey-scale, 3 for colour,
 * alpha dropped) and a 0-d INT64 label.
 */
public final class ImageFolder implements Dataset<Sample> {
    private final Path root;
    private final List<String> classes;
    private final List<Path> files;
    private final int[] labels;
    private final boolean grey;

    private ImageFolder(Path root, List<String> classes, List<Path> files, int[] labels, boolean grey) {
        this.root = root;
        this.classes = List.copyOf(classes);
        this.files = List.copyOf(files);
        this.labels = labels;
        this.grey = grey;
    }

    /**
     * Scans {@code root}'s sub-folders for files ending in .png (case-insensitive).
     *
     * @param grey true: one channel (luma), false: three (RGB)
     */
    public static ImageFolder of(Path root, boolean grey) {
        if (root == null) throw new IllegalArgumentException("ImageFolder: root must not be null");
        if (!Files.isDirectory(root)) throw new UncheckedIOException(new IOException("ImageFolder: " + root + " is not a folder"));
        List<String> classes = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().forEach(classes::add);
            for (int c = 0; c < classes.size(); c++) {
                try (Stream<Path> imgs = Files.list(root.resolve(classes.get(c)))) {
                    List<Path> found = imgs.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png"))
                            .sorted().toList();
                    for (Path p : found) {
                        files.add(p);
                        labels.add(c);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("ImageFolder: listing " + root + ": " + e.getMessage(), e);
        }
        if (classes.isEmpty()) throw new IllegalArgumentException("ImageFolder: " + root + " has no class sub-folders");
        if (files.isEmpty()) throw new IllegalArgumentException("ImageFolder: no .png files under the class folders of " + root);
        return new ImageFolder(root, classes, files, labels.stream().mapToInt(Integer::intValue).toArray(), grey);
    }

    @Override
    public int size() { return files.size(); }

    /** Class names; label k is {@code classes().get(k)}. */
    public List<String> classes() { return classes; }

    public Path file(int index) {
        Dataset.checkIndex(index, files.size(), "ImageFolder");
        return files.get(index);
    }

    public int label(int index) {
        Dataset.checkIndex(index, files.size(), "ImageFolder");
        return labels[index];
    }

    @Override
    public Sample get(int index) {
        Path f = file(index);
        BufferedImage img;
        try {
            img = ImageIO.read(f.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("ImageFolder: reading " + f + ": " + e.getMessage(), e);
        }
        if (img == null) throw new IllegalStateException("ImageFolder: " + f + " is not an image ImageIO can read");
        int h = img.getHeight();
        int w = img.getWidth();
        int c = grey ? 1 : 3;
        float[] px = new float[c * h * w];
        boolean srcGrey = img.getType() == BufferedImage.TYPE_BYTE_GRAY;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int o = y * w + x;
                if (srcGrey) {
                    // read the raster: getRGB would apply the grey colour space's gamma
                    float v = img.getRaster().getSample(x, y, 0) / 255f;
                    for (int k = 0; k < c; k++) px[k * h * w + o] = v;
                    continue;
                }
                int rgb = img.getRGB(x, y);
                float r = ((rgb >> 16) & 0xFF) / 255f;
                float g = ((rgb >> 8) & 0xFF) / 255f;
                float b = (rgb & 0xFF) / 255f;
                if (grey) {
                    px[o] = 0.299f * r + 0.587f * g + 0.114f * b; // ITU-R 601 luma, as PIL's convert("L")
                } else {
                    px[o] = r;
                    px[h * w + o] = g;
                    px[2 * h * w + o] = b;
                }
            }
        }
        return new Sample(Tensor.fromArray(px, c, h, w), Tensor.fromArray(new long[]{labels[index]}));
    }

    public Path root() { return root; }
}
