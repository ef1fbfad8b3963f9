#!/usr/bin/env python3
"""PyTorch eager peer for GpuTrainStepBench, measured in the same call on the same GPU.

The same two training steps as bench/src/main/java/org/jgrad/bench/gpu/GpuTrainStepBench.java
(zero_grad, forward, loss, backward, SGD-with-momentum step):
  - cnn: conv32-pool-conv64-pool-fc128-fc10, batch 256, 1x28x28, cross-entropy;
  - unet: U-Net 16-32-64 with batch norm (bench/peers/torch_train_step.py's), batch 16,
    1x128x128, BCE-with-logits.
Timing: CUDA events around 10 back-to-back steps after warm-up (no .item() inside, as jgrad's
benchmark reads the loss once per 10 steps); median of the repetitions, ms per step. "fp32"
disables TF32 in cuDNN and cuBLAS (jgrad's default math); "tf32" allows it in both (PyTorch's
default for convolutions). cudnn.benchmark stays False, PyTorch's default.

Usage: peer_torch_train.py OUT.json
"""
import json
import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "peers"))
from torch_train_step import UNet, small_cnn  # noqa: E402  (the CPU peer's models)
from cuda_timing import median_ms  # noqa: E402

STEPS = 10


def median_step_ms(model, x, y, loss_fn, warmup=3, reps=15):
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss

    return median_ms(step, warmup=warmup, reps=reps, inner=STEPS, after=lambda loss: loss.item())


def main():
    out_path = sys.argv[1] if len(sys.argv) > 1 else "peer_torch_train.json"
    dev = torch.device("cuda")
    torch.backends.cudnn.benchmark = False
    torch.manual_seed(0)
    res = {"device": torch.cuda.get_device_name(0), "torch": torch.__version__,
           "cudnn": torch.backends.cudnn.version(), "cuda": torch.version.cuda, "train_ms": {}}
    for math in ("fp32", "tf32"):
        torch.backends.cudnn.allow_tf32 = math == "tf32"
        torch.backends.cuda.matmul.allow_tf32 = math == "tf32"
        x = torch.randn(256, 1, 28, 28, device=dev)
        y = (torch.arange(256, device=dev) % 10)
        res["train_ms"]["cnn|" + math] = median_step_ms(small_cnn().to(dev), x, y, nn.CrossEntropyLoss())
        x = torch.randn(16, 1, 128, 128, device=dev)
        y = (torch.rand(16, 1, 128, 128, device=dev) > 0.8).float()
        res["train_ms"]["unet|" + math] = median_step_ms(UNet().to(dev), x, y, nn.BCEWithLogitsLoss())
    torch.backends.cudnn.allow_tf32 = True
    torch.backends.cuda.matmul.allow_tf32 = False
    with open(out_path, "w") as f:
        json.dump(res, f, indent=1)
    print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
