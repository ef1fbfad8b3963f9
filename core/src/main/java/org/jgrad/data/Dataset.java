package org.jgrad.data;

/**
 * A map-style data set, like {@code torch.utils.data.Dataset}: a fixed number of samples read
 * by index. {@link DataLoader} calls {@link #get} from its worker threads, so implementations
 * must be safe to read concurrently (immutable state, or per-call objects).
 *
 * <p>Each call to {@code get} returns fresh tensor handles that the caller owns: the loader
 * closes a sample's tensors once they are copied into a batch.
 *
 * @param <S> the sample type, usually {@link Sample}
 */
public interface Dataset<S> {
    /** Number of samples, {@code len(dataset)}. */
    int size();

    /** Sample {@code index}, 0 &lt;= index &lt; size(); other indices throw {@link IndexOutOfBoundsException}. */
    S get(int index);

    /** Throws an {@link IndexOutOfBoundsException} naming the data set and its size unless 0 &lt;= index &lt; size. */
    static void checkIndex(int index, int size, String what) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException(what + ": index " + index + " is out of range for a data set of " + size + " samples");
        }
    }
}
