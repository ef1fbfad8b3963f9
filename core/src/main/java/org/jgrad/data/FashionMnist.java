package org.jgrad.data;

import org.jgrad.io.IdxFormatException;
import org.jgrad.io.IdxReader;
import org.jgrad.tensor.Tensor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fashion-MNIST (Zalando, MIT licence): 28x28 grey-scale images of ten kinds of garment.
 * {@link #get} gives a [1,28,28] FLOAT32 image scaled to [0,1] (as torchvision's ToTensor) and
 * a 0-d INT64 label in 0..9 ({@link #CLASSES}).
 *
 * <p>{@link #bundled(boolean)} needs nothing installed: jgrad-core carries the first 6,000
 * training and 1,000 test images. For the full 60,000 / 10,000, install Debian's package
 * ({@code apt-get install dataset-fashion-mnist}, which puts the four gzipped IDX files in
 * {@link #DEBIAN_FOLDER}) or download them from the project, and call {@link #fromFolder}.
 */
public final class FashionMnist implements Dataset<Sample> {
    public static final String[] CLASSES = {
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"};
    /** Where Debian's {@code dataset-fashion-mnist} package installs the full set. */
    public static final String DEBIAN_FOLDER = "/usr/share/datasets/fashion-mnist";
    private static final String RESOURCE_DIR = "/org/jgrad/data/fashion-mnist/";
    private static final Object LOCK = new Object();
    private static FashionMnist bundledTrain;
    private static FashionMnist bundledTest;

    private final String source;
    private final byte[] images;
    private final byte[] labels;
    private final int count;
    private final int rows;
    private final int cols;

    private FashionMnist(IdxReader.IdxData images, IdxReader.IdxData labels) {
        int[] d = images.dims();
        if (d[1] != 28 || d[2] != 28) {
            throw new IdxFormatException(images.source() + ": expected 28x28 Fashion-MNIST images, found " + d[1] + "x" + d[2]);
        }
        if (images.count() != labels.count()) {
            throw new IdxFormatException("image/label count mismatch: " + images.source() + " has " + images.count()
                    + " images but " + labels.source() + " has " + labels.count() + " labels");
        }
        byte[] lb = labels.data();
        for (int i = 0; i < lb.length; i++) {
            int v = lb[i] & 0xFF;
            if (v >= CLASSES.length) {
                throw new IdxFormatException(labels.source() + ": label " + i + " is " + v + ", expected a class in 0.." + (CLASSES.length - 1));
            }
        }
        this.source = images.source();
        this.images = images.data();
        this.labels = lb;
        this.count = images.count();
        this.rows = d[1];
        this.cols = d[2];
    }

    /** The subset shipped in jgrad-core: 6,000 training images, or 1,000 test images. Read once, then shared. */
    public static FashionMnist bundled(boolean train) {
        synchronized (LOCK) {
            if (train && bundledTrain != null) return bundledTrain;
            if (!train && bundledTest != null) return bundledTest;
            String prefix = train ? "train" : "t10k";
            FashionMnist ds = new FashionMnist(
                    IdxReader.readImages(resource(prefix + "-images-idx3-ubyte.gz"), "bundled " + prefix + "-images-idx3-ubyte.gz"),
                    IdxReader.readLabels(resource(prefix + "-labels-idx1-ubyte.gz"), "bundled " + prefix + "-labels-idx1-ubyte.gz"));
            if (train) bundledTrain = ds;
            else bundledTest = ds;
            return ds;
        }
    }

    private static InputStream resource(String name) {
        InputStream in = FashionMnist.class.getResourceAsStream(RESOURCE_DIR + name);
        if (in == null) throw new UncheckedIOException(new IOException("bundled Fashion-MNIST resource " + RESOURCE_DIR + name + " is missing from jgrad-core"));
        return in;
    }

    /**
     * The full set from a folder holding {@code train-images-idx3-ubyte(.gz)},
     * {@code train-labels-idx1-ubyte(.gz)}, {@code t10k-images-idx3-ubyte(.gz)} and
     * {@code t10k-labels-idx1-ubyte(.gz)}, plain or gzipped.
     */
    public static FashionMnist fromFolder(Path folder, boolean train) {
        if (folder == null) throw new IllegalArgumentException("FashionMnist.fromFolder: folder must not be null");
        if (!Files.isDirectory(folder)) {
            throw new UncheckedIOException(new IOException("Fashion-MNIST folder " + folder + " does not exist; "
                    + "on Debian the full set installs with: apt-get install dataset-fashion-mnist (into " + DEBIAN_FOLDER + ")"));
        }
        String prefix = train ? "train" : "t10k";
        return fromFiles(find(folder, prefix + "-images-idx3-ubyte"), find(folder, prefix + "-labels-idx1-ubyte"));
    }

    /** The set from an images file and a labels file (IDX, plain or gzipped). */
    public static FashionMnist fromFiles(Path images, Path labels) {
        return new FashionMnist(IdxReader.readImages(images), IdxReader.readLabels(labels));
    }

    private static Path find(Path folder, String base) {
        for (String name : new String[]{base + ".gz", base}) {
            Path p = folder.resolve(name);
            if (Files.isRegularFile(p)) return p;
        }
        throw new UncheckedIOException(new IOException("Fashion-MNIST: neither " + base + ".gz nor " + base + " is in " + folder
                + "; on Debian the full set installs with: apt-get install dataset-fashion-mnist"));
    }

    @Override
    public int size() { return count; }

    @Override
    public Sample get(int index) {
        Dataset.checkIndex(index, count, "FashionMnist");
        int n = rows * cols;
        float[] px = new float[n];
        int base = index * n;
        for (int k = 0; k < n; k++) px[k] = (images[base + k] & 0xFF) / 255f;
        return new Sample(Tensor.fromArray(px, 1, rows, cols), Tensor.fromArray(new long[]{labels[index] & 0xFF}));
    }

    /** The class of image {@code index}, 0..9. */
    public int label(int index) {
        Dataset.checkIndex(index, count, "FashionMnist");
        return labels[index] & 0xFF;
    }

    /** Pixel (row, col) of image {@code index}, 0..255. */
    public int pixel(int index, int row, int col) {
        Dataset.checkIndex(index, count, "FashionMnist");
        if (row < 0 || row >= rows || col < 0 || col >= cols) {
            throw new IndexOutOfBoundsException("FashionMnist.pixel: (" + row + ", " + col + ") is outside a " + rows + "x" + cols + " image");
        }
        return images[index * rows * cols + row * cols + col] & 0xFF;
    }

    /** A copy of image {@code index}'s raw bytes, row-major. */
    public byte[] rawImage(int index) {
        Dataset.checkIndex(index, count, "FashionMnist");
        byte[] out = new byte[rows * cols];
        System.arraycopy(images, index * rows * cols, out, 0, out.length);
        return out;
    }

    public int rows() { return rows; }

    public int cols() { return cols; }

    /** The images file this set was read from. */
    public String source() { return source; }
}
