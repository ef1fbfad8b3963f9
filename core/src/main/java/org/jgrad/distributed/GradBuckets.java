package org.jgrad.distributed;

import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How {@link DistributedDataParallel} groups gradients into flat all-reduce buffers, as
 * PyTorch's reducer does ({@code compute_bucket_assignment_by_size}): parameters in reverse
 * registration order (roughly the order backward produces their gradients), one list of
 * open buckets per (dtype, device); a parameter joins its open bucket, and a bucket whose size
 * reaches its cap is closed. The first bucket of each kind is capped small (1 MiB by default)
 * so that its all-reduce can start early; later ones at the large cap (25 MiB).
 */
final class GradBuckets {
    static final long FIRST_BUCKET_BYTES = 1L << 20;
    static final long BUCKET_BYTES = 25L << 20;

    /** One bucket: its parameters (in bucket order), their offsets in the flat buffer, its element count. */
    record Bucket(DType dtype, Device device, List<Tensor> params, int[] offsets, int numel) {
        long bytes() { return (long) numel * dtype.byteSize(); }
    }

    private GradBuckets() {}

    static List<Bucket> plan(List<Tensor> parameters, long firstCapBytes, long capBytes) {
        if (firstCapBytes < 1 || capBytes < 1) {
            throw new IllegalArgumentException("bucket caps must be >= 1 byte, got " + firstCapBytes + " and " + capBytes);
        }
        record Key(DType dtype, Device device) {}
        Map<Key, List<Tensor>> open = new LinkedHashMap<>();
        Map<Key, Integer> closedCount = new LinkedHashMap<>();
        Map<Key, Long> openBytes = new LinkedHashMap<>();
        List<List<Tensor>> done = new ArrayList<>();
        for (int i = parameters.size() - 1; i >= 0; i--) {
            Tensor p = Objects.requireNonNull(parameters.get(i), "parameter " + i);
            if (!p.requiresGrad()) continue;
            Key k = new Key(p.dtype(), p.device());
            List<Tensor> b = open.computeIfAbsent(k, x -> new ArrayList<>());
            b.add(p);
            long bytes = openBytes.merge(k, (long) p.numel() * p.dtype().byteSize(), Long::sum);
            long cap = closedCount.getOrDefault(k, 0) == 0 ? firstCapBytes : capBytes;
            if (bytes >= cap) {
                done.add(b);
                open.remove(k);
                openBytes.remove(k);
                closedCount.merge(k, 1, Integer::sum);
            }
        }
        done.addAll(open.values());
        List<Bucket> out = new ArrayList<>(done.size());
        for (List<Tensor> ps : done) {
            int[] offsets = new int[ps.size()];
            long n = 0;
            for (int j = 0; j < ps.size(); j++) {
                offsets[j] = (int) n;
                n += ps.get(j).numel();
            }
            if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("a gradient bucket would hold " + n + " elements, more than 2^31-1");
            out.add(new Bucket(ps.get(0).dtype(), ps.get(0).device(), List.copyOf(ps), offsets, (int) n));
        }
        return out;
    }
}
