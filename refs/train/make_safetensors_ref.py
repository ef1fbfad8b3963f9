"""Writes a safetensors file by following the published format description only (struct, json,
numpy) -- no jgrad code and no safetensors package -- so jgrad's reader is tested against an
independent writer. Values are simple formulas that the Java test recomputes.

Run: /usr/bin/python3 refs/train/make_safetensors_ref.py
"""
import json
import struct
import numpy as np

tensors = {
    "conv.weight": np.arange(2 * 3 * 2 * 2, dtype=np.float32).reshape(2, 3, 2, 2) * np.float32(0.5) - np.float32(3.0),
    "fc.bias": np.array([1.0 / 3, -2.5, 1e-7], dtype=np.float64),
    "bn.num_batches_tracked": np.array(7, dtype=np.int64),
    "labels": np.array([[0, 255], [17, 3]], dtype=np.uint8),
    "counts": np.array([-1, 2**31 - 1, 5], dtype=np.int32),
}
codes = {np.float32: "F32", np.float64: "F64", np.int64: "I64", np.uint8: "U8", np.int32: "I32"}
header, blobs, off = {"__metadata__": {"format": "pt"}}, [], 0
for name, a in tensors.items():
    b = a.astype(a.dtype.newbyteorder("<")).tobytes(order="C")
    header[name] = {"dtype": codes[a.dtype.type], "shape": list(a.shape), "data_offsets": [off, off + len(b)]}
    blobs.append(b)
    off += len(b)
h = json.dumps(header).encode()
h += b" " * ((8 - len(h) % 8) % 8)
with open("src-test/src/test/resources/train/reference.safetensors", "wb") as f:
    f.write(struct.pack("<Q", len(h)))
    f.write(h)
    for b in blobs:
        f.write(b)
