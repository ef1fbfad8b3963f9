#!/usr/bin/env python3
"""PyTorch peer for GpuTensorBench (org.jgrad.bench.gpu), measured in the same call on the same GPU.

Same cases: softmax over dim 1 of [256,10], [16,1000,33], [16,21,128,128]; argmax (max with
indices) over dim 1 of [16,10,128,128]; a uniform draw of 2^24 floats. Outputs are
preallocated (out= / in-place uniform_), as the Java benchmark's are. Timing: CUDA events
around 10 back-to-back operations after warm-up; the median of the repetitions, in
microseconds per operation.

Usage: peer_torch_tensor.py OUT.json
"""
import json
import sys

import torch

from cuda_timing import median_ms

def median_us(fn):
    return median_ms(fn) * 1000


def main():
    out_path = sys.argv[1] if len(sys.argv) > 1 else "peer_torch_tensor.json"
    dev = torch.device("cuda")
    res = {"device": torch.cuda.get_device_name(0), "torch": torch.__version__, "us": {}}
    for name, shape in (("softmax_256x10", (256, 10)), ("softmax_16x1000x33", (16, 1000, 33)),
                        ("softmax_16x21x128x128", (16, 21, 128, 128))):
        x = torch.randn(*shape, device=dev)
        out = torch.empty_like(x)
        res["us"][name] = median_us(lambda: torch.softmax(x, 1, out=out))
    x = torch.randn(16, 10, 128, 128, device=dev)
    vals = torch.empty(16, 1, 128, 128, device=dev)
    idx = torch.empty(16, 1, 128, 128, dtype=torch.int64, device=dev)
    res["us"]["argmax_16x10x128x128"] = median_us(lambda: torch.max(x, 1, keepdim=True, out=(vals, idx)))
    u = torch.empty(1 << 24, device=dev)
    res["us"]["uniform_16M"] = median_us(lambda: u.uniform_(0, 1))
    with open(out_path, "w") as f:
        json.dump(res, f, indent=1)
    print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
