package org.jgrad.examples;

import org.jgrad.data.Dataset;

/** The first {@code size} samples of a data set ({@code --train-samples}, {@code --val-samples}). */
record Subset<S>(Dataset<S> source, int size) implements Dataset<S> {
    Subset {
        if (size < 0 || size > source.size()) {
            throw new IllegalArgumentException("Subset: size must be in [0, " + source.size() + "], got " + size);
        }
    }

    static <S> Dataset<S> first(Dataset<S> source, int n) {
        return n < 0 || n >= source.size() ? source : new Subset<>(source, n);
    }

    @Override
    public S get(int index) {
        Dataset.checkIndex(index, size, "Subset");
        return source.get(index);
    }
}
