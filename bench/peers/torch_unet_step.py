"""PyTorch CPU peer for bench/src/main/java/org/jgrad/bench/cpu/UNetStepBench.java.

Times one SGD-with-momentum training step (zero_grad, forward, BCE-with-logits, backward,
step) of the small U-Net of torch_train_step.py (16-32-64 encoder of conv3x3-BN-ReLU pairs,
2x2 max pooling, ConvTranspose2d(2, stride 2) decoder with skip concatenation, 1x1 head),
batch 8, 1x128x128, a binary mask target. Prints median, min and max milliseconds as JSON.

Run with Debian's interpreter: /usr/bin/python3 bench/peers/torch_unet_step.py [--threads 2]
"as installed" = default settings; "tuned" (PEERS.md) = --threads 2 with OPENBLAS_CORETYPE and
OPENBLAS_L2_SIZE unset, OMP/OpenBLAS threads 2 and glibc malloc thresholds raised, as
bench/peers/run_unet_step.sh sets them.
"""
import argparse
import json
import os
import statistics
import sys
import time

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_train_step import UNet  # noqa: E402  the one definition of the peer model


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=0, help="torch.set_num_threads (0 = leave as installed)")
    ap.add_argument("--reps", type=int, default=15)
    ap.add_argument("--warmup", type=int, default=3)
    a = ap.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = UNet()
    model.train()
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    loss_fn = nn.BCEWithLogitsLoss()
    x = torch.randn(8, 1, 128, 128)
    y = (torch.rand(8, 1, 128, 128) > 0.8).float()

    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()

    for _ in range(a.warmup):
        step()
    ts = []
    for _ in range(a.reps):
        t0 = time.perf_counter()
        step()
        ts.append((time.perf_counter() - t0) * 1e3)
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(),
                      "unet_step_ms_median": statistics.median(ts), "min": min(ts), "max": max(ts), "reps": a.reps}))


if __name__ == "__main__":
    main()
