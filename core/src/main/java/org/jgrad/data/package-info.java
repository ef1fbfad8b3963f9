/**
 * Data loading: {@link org.jgrad.data.Dataset} and ready sets ({@link org.jgrad.data.TensorDataset},
 * {@link org.jgrad.data.FashionMnist} with a bundled subset, {@link org.jgrad.data.GarmentSegmentation},
 * {@link org.jgrad.data.ImageFolder}), the IDX reader, and {@link org.jgrad.data.DataLoader}: batches
 * in a deterministic order from worker threads with bounded prefetch, transforms and a staging hook
 * for device backends.
 *
 * <p>The full Fashion-MNIST set is not bundled (only its first 6,000 / 1,000 images are). On Debian
 * or Ubuntu, {@code apt-get install dataset-fashion-mnist} installs it, and
 * {@code FashionMnist.fromFolder(Path.of(FashionMnist.DEBIAN_FOLDER), train)} reads it.
 */
package org.jgrad.data;
