#!/usr/bin/env python3
"""PyTorch peer for jgrad's GPU benchmarks, measured in the same call on the same GPU.

Same shapes as bench/src/main/java/org/jgrad/bench/gpu/*Bench.java: SGEMM 4096^3 (FP32 and
TF32) and conv2d forward + backward-data + backward-filter (3x3, stride 1, padding 1) for the
small-CNN and U-Net layers. Timing: CUDA events around 10 back-to-back operations, after
warm-up; the median of the repetitions, in milliseconds per operation. cuDNN is left on its
heuristics (torch.backends.cudnn.benchmark = False, PyTorch's default, which is also what
jgrad does by default). Also measures the device-to-device copy bandwidth.

Usage: peer_torch.py OUT.json
"""
import json
import sys

import torch
import torch.nn.functional as F

from cuda_timing import median_ms

CONV_SHAPES = ["128,1,28,28,32", "128,32,14,14,64", "8,1,128,128,16", "8,16,64,64,32", "8,32,32,32,64", "8,48,128,128,16"]
def main():
    out_path = sys.argv[1] if len(sys.argv) > 1 else "peer_torch.json"
    dev = torch.device("cuda")
    torch.backends.cudnn.benchmark = False
    res = {"device": torch.cuda.get_device_name(0), "torch": torch.__version__,
           "cudnn": torch.backends.cudnn.version(), "cuda": torch.version.cuda}

    # device-to-device copy bandwidth (bytes read + written)
    src = torch.empty(1 << 28, dtype=torch.float32, device=dev)  # 1 GiB
    dst = torch.empty_like(src)
    ms = median_ms(lambda: dst.copy_(src), warmup=3, reps=10)
    res["copy_gbps"] = 2 * src.numel() * 4 / (ms * 1e-3) / 1e9
    del src, dst

    n = 4096
    a = torch.randn(n, n, device=dev)
    b = torch.randn(n, n, device=dev)
    c = torch.empty(n, n, device=dev)
    res["sgemm_ms"] = {}
    for math in ("fp32", "tf32"):
        torch.backends.cuda.matmul.allow_tf32 = math == "tf32"
        res["sgemm_ms"][math] = median_ms(lambda: torch.mm(a, b, out=c))
    torch.backends.cuda.matmul.allow_tf32 = False
    del a, b, c

    res["conv_ms"] = {}
    for shape in CONV_SHAPES:
        N, C, H, W, K = map(int, shape.split(","))
        x = torch.randn(N, C, H, W, device=dev)
        w = torch.randn(K, C, 3, 3, device=dev)
        dy = torch.randn(N, K, H, W, device=dev)
        for math in ("fp32", "tf32"):
            torch.backends.cudnn.allow_tf32 = math == "tf32"

            def step():
                F.conv2d(x, w, None, 1, 1)
                torch.ops.aten.convolution_backward(dy, x, w, None, [1, 1], [1, 1], [1, 1], False, [0, 0], 1,
                                                    [True, True, False])

            res["conv_ms"][shape + "|" + math] = median_ms(step)
    torch.backends.cudnn.allow_tf32 = True  # PyTorch's default
    with open(out_path, "w") as f:
        json.dump(res, f, indent=1)
    print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
