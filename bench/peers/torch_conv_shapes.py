"""PyTorch CPU peer (oneDNN convolutions) for bench/src/main/java/org/jgrad/bench/cpu/ConvShapesBench.java:
conv2d (3x3, padding 1, bias) forward + backward for a given output gradient on the small CNN's
shapes (batch 128: conv1 1->32 @28x28 without input gradient, conv2 32->64 @14x14) and the
U-Net's (batch 8: unet128 16->16 @128x128, unet64 32->32 @64x64, unet32 64->64 @32x32).

Run with Debian's interpreter: /usr/bin/python3 bench/peers/torch_conv_shapes.py [--threads 2]
"tuned" (PEERS.md): --threads 2 with OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE unset, OMP threads 2 and
glibc malloc thresholds raised, as bench/peers/run_conv_unet.sh sets them.
Prints one JSON object: median, min and max milliseconds per shape.
"""
import argparse
import json
import statistics
import time

import torch

SHAPES = {  # batch, in, out, size
    "conv1": (128, 1, 32, 28), "conv2": (128, 32, 64, 14),
    "unet128": (8, 16, 16, 128), "unet64": (8, 32, 32, 64), "unet32": (8, 64, 64, 32),
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--seconds", type=float, default=2.0)
    a = ap.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    torch.manual_seed(7)
    out = {"torch": torch.__version__, "threads": torch.get_num_threads(), "mkldnn": torch.backends.mkldnn.is_available()}
    for name, (n, cin, cout, hw) in SHAPES.items():
        x = torch.randn(n, cin, hw, hw, requires_grad=(name != "conv1"))
        w = (torch.randn(cout, cin, 3, 3) * 0.1).requires_grad_(True)
        b = torch.randn(cout, requires_grad=True)
        g = torch.randn(n, cout, hw, hw)

        def step():
            y = torch.nn.functional.conv2d(x, w, b, 1, 1)
            y.backward(g)
            x.grad = None
            w.grad = None
            b.grad = None

        for _ in range(3):
            step()
        ts = []
        t_end = time.perf_counter() + a.seconds
        while time.perf_counter() < t_end or len(ts) < 5:
            t0 = time.perf_counter()
            step()
            ts.append((time.perf_counter() - t0) * 1e3)
        out[name] = {"median_ms": statistics.median(ts), "min": min(ts), "max": max(ts), "n": len(ts)}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
