#!/usr/bin/python3
"""Reference facts about the bundled Fashion-MNIST subset, computed with numpy (an IDX reader
independent of jgrad's), for FashionMnistTest. Run from the repository root:

    /usr/bin/python3 src-test/src/test/resources/data/refs/fashion_mnist_refs.py

Writes fashion_mnist_refs.json beside this script.
"""
import gzip
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
BUNDLED = os.path.join(HERE, "..", "..", "..", "..", "..", "..", "core", "src", "main", "resources",
                       "org", "jgrad", "data", "fashion-mnist")


def load(path, header):
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=header)


refs = {}
for split in ("train", "t10k"):
    labels = load(os.path.join(BUNDLED, f"{split}-labels-idx1-ubyte.gz"), 8)
    images = load(os.path.join(BUNDLED, f"{split}-images-idx3-ubyte.gz"), 16).reshape(-1, 28, 28)
    probe = [0, 1, 2, 100, len(labels) - 1]
    refs[split] = {
        "count": int(len(labels)),
        "label_histogram": np.bincount(labels, minlength=10).tolist(),
        "first_labels": labels[:20].tolist(),
        "probe_indices": probe,
        "probe_pixel_sums": [int(images[i].astype(np.int64).sum()) for i in probe],
        "probe_pixels_r14_c10": [int(images[i, 14, 10]) for i in probe],
        "total_pixel_sum": int(images.astype(np.int64).sum()),
    }

with open(os.path.join(HERE, "fashion_mnist_refs.json"), "w") as f:
    json.dump(refs, f, indent=1)
    f.write("\n")
print(json.dumps(refs))
