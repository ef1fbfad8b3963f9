#!/usr/bin/python3
"""Makes the Fashion-MNIST subset bundled in jgrad-core (org/jgrad/data/fashion-mnist/).

Takes the first 6,000 training and the first 1,000 test images (and their labels) of the
full set, as installed by `apt-get install dataset-fashion-mnist`, and writes them as gzipped
IDX files with the same magic numbers and layout as the originals. gzip's timestamp is fixed
so the output is byte-for-byte reproducible.

    python3 core/scripts/fashion_mnist_subset.py [SOURCE_DIR] [OUT_DIR]

Only the standard library is used (no numpy), so it runs anywhere Python 3 does.
"""
import gzip
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"
OUT = sys.argv[2] if len(sys.argv) > 2 else os.path.join(
    HERE, "..", "src", "main", "resources", "org", "jgrad", "data", "fashion-mnist")
COUNTS = {"train": 6000, "t10k": 1000}


def read_idx(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    zero, dtype, ndim = struct.unpack(">HBB", raw[:4])
    assert zero == 0 and dtype == 0x08, f"{path}: not an unsigned-byte IDX file"
    dims = list(struct.unpack(">" + "I" * ndim, raw[4:4 + 4 * ndim]))
    return raw[:2], dtype, dims, raw[4 + 4 * ndim:]


def write_idx(path, dtype, dims, data):
    header = struct.pack(">HBB", 0, dtype, len(dims)) + struct.pack(">" + "I" * len(dims), *dims)
    with open(path, "wb") as raw:
        # mtime=0 and no file name in the header: the same input gives the same bytes
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as f:
            f.write(header + data)


def main():
    os.makedirs(OUT, exist_ok=True)
    for split, n in COUNTS.items():
        for kind in ("images-idx3-ubyte", "labels-idx1-ubyte"):
            name = f"{split}-{kind}.gz"
            _, dtype, dims, data = read_idx(os.path.join(SOURCE, name))
            per_item = 1
            for d in dims[1:]:
                per_item *= d
            write_idx(os.path.join(OUT, name), dtype, [n] + dims[1:], data[:n * per_item])
            print(f"{name}: {n} of {dims[0]} items")


if __name__ == "__main__":
    main()
