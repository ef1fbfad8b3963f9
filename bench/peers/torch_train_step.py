"""PyTorch CPU peer for the training-step benchmarks (bench/.../TrainStepBench).

Times one SGD-with-momentum training step (forward, cross-entropy, backward, step) of
  - the small CNN: conv(1->32,3x3,p1)-relu-maxpool2 - conv(32->64,3x3,p1)-relu-maxpool2 -
    fc(64*7*7->128)-relu - fc(128->10), batch 128, 1x28x28;
  - optionally the small U-Net (16-32-64, BN), batch 8, 1x128x128, BCE-with-logits.
Median of repetitions after warm-up, in milliseconds, printed as JSON.

Run it with Debian's interpreter: /usr/bin/python3 bench/peers/torch_train_step.py [--threads 2]
"as installed" = default settings; "tuned" = see PEERS.md (threads, allocator env), set by the
caller (bench/peers/run_tuned.sh).
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn as nn


def small_cnn():
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, 10))


def block(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(),
                         nn.Conv2d(cout, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU())


class UNet(nn.Module):
    def __init__(self, w=16):
        super().__init__()
        self.d1, self.d2, self.mid = block(1, w), block(w, 2 * w), block(2 * w, 4 * w)
        self.pool = nn.MaxPool2d(2)
        self.u2, self.c2 = nn.ConvTranspose2d(4 * w, 2 * w, 2, stride=2), block(4 * w, 2 * w)
        self.u1, self.c1 = nn.ConvTranspose2d(2 * w, w, 2, stride=2), block(2 * w, w)
        self.head = nn.Conv2d(w, 1, 1)

    def forward(self, x):
        a = self.d1(x)
        b = self.d2(self.pool(a))
        m = self.mid(self.pool(b))
        y = self.c2(torch.cat([self.u2(m), b], 1))
        y = self.c1(torch.cat([self.u1(y), a], 1))
        return self.head(y)


def time_step(model, x, y, loss_fn, reps, warmup):
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()

    for _ in range(warmup):
        step()
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        step()
        ts.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(ts)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=0, help="torch.set_num_threads (0 = leave as installed)")
    ap.add_argument("--reps", type=int, default=20)
    ap.add_argument("--unet", action="store_true")
    a = ap.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    out = {"torch": torch.__version__, "threads": torch.get_num_threads()}
    x = torch.randn(128, 1, 28, 28)
    y = torch.randint(0, 10, (128,))
    out["small_cnn_step_ms"] = time_step(small_cnn(), x, y, nn.CrossEntropyLoss(), a.reps, 5)
    if a.unet:
        x = torch.randn(8, 1, 128, 128)
        y = (torch.rand(8, 1, 128, 128) > 0.8).float()
        out["unet_step_ms"] = time_step(UNet(), x, y, nn.BCEWithLogitsLoss(), max(5, a.reps // 2), 2)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
