"""Is GarmentSegmentation learnable, and is it beyond a threshold? Trains a small U-Net
(8-16-32 channels, BN, two poolings) with PyTorch on samples exported by ExportGarments.java
and prints the test Dice next to the best global-threshold Dice on the same test samples.

    /usr/bin/python3 core/scripts/garment_segmentation/unet_check.py /tmp/seg-train.bin /tmp/seg-test.bin [epochs]
"""
import sys
import time

import numpy as np
import torch
import torch.nn as nn


def load(path):
    raw = open(path, "rb").read()
    n, s = np.frombuffer(raw[:8], dtype="<i4")
    x = np.frombuffer(raw[8:8 + 4 * n * s * s], dtype="<f4").reshape(n, 1, s, s)
    m = np.frombuffer(raw[8 + 4 * n * s * s:], dtype=np.uint8).reshape(n, 1, s, s)
    return torch.from_numpy(x.copy()), torch.from_numpy(m.astype(np.float32))


def block(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(),
                         nn.Conv2d(cout, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU())


class UNet(nn.Module):
    def __init__(self, w=8):
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


def dice(pred, target):
    tp = (pred * target).sum()
    return float(2 * tp / (pred.sum() + target.sum()))


def main():
    torch.manual_seed(0)
    torch.set_num_threads(2)
    xtr, ytr = load(sys.argv[1])
    xte, yte = load(sys.argv[2])
    epochs = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    best_t = max(((dice((xte > t).float(), yte), t) for t in np.arange(0, 1, 0.005)))
    print(f"test: {len(xte)} samples, foreground {float(yte.mean()):.3f}; best global threshold {best_t[1]:.3f} -> Dice {best_t[0]:.3f}")
    model = UNet()
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    loss_fn = nn.BCEWithLogitsLoss()
    t0 = time.time()
    for epoch in range(epochs):
        model.train()
        perm = torch.randperm(len(xtr))
        for i in range(0, len(xtr), 32):
            idx = perm[i:i + 32]
            opt.zero_grad()
            loss = loss_fn(model(xtr[idx]), ytr[idx])
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            pred = (model(xte) > 0).float()
        acc = float((pred == yte).float().mean())
        print(f"epoch {epoch}: loss {float(loss):.4f}, test Dice {dice(pred, yte):.3f}, pixel accuracy {acc:.3f}, "
              f"{time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
