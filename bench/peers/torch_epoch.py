"""PyTorch peer of `./jgrad train` with its classification defaults, for the whole-epoch table.

The same recipe as the command line's defaults (examples/.../Options.java, TrainCommand.java):
  - data: the full Fashion-MNIST from a folder of IDX files (Debian's dataset-fashion-mnist puts
    them in /usr/share/datasets/fashion-mnist); each item is made on demand from the uint8
    images, scaled to [0, 1] and normalised with mean 0.2860 / std 0.3530, as jgrad's
    FashionMnist.get + Transforms.normalize do;
  - model: conv(1->32,3x3,p1)-ReLU-maxpool2 - conv(32->64,3x3,p1)-ReLU-maxpool2 -
    fc(64*7*7->128)-ReLU - fc(128->10) (ConvModels.cnn at width 32);
  - cross-entropy, SGD(lr 0.05, momentum 0.9), CosineAnnealingLR(T_max = epochs) stepped per epoch;
  - DataLoader: batch 64, shuffled, 1 worker, prefetch factor 2; validation over the 10,000 test
    images each epoch (loss, accuracy, confusion matrix) through its own 1-worker loader;
  - a checkpoint (model + optimizer state) written after each epoch, as jgrad does.

Prints one JSON line: seconds per epoch (train, validation, both) and the whole script's time.
Usage: /usr/bin/python3 bench/peers/torch_epoch.py [--data DIR] [--epochs 1] [--threads 2] [--out DIR]
"""
import argparse
import gzip
import json
import os
import time

T_START = time.perf_counter()

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

MEAN, STD = 0.2860, 0.3530


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def find(folder, base):
    for name in (base + ".gz", base):
        p = os.path.join(folder, name)
        if os.path.isfile(p):
            return p
    raise FileNotFoundError(f"neither {base}.gz nor {base} is in {folder}")


class FashionMnist(Dataset):
    def __init__(self, folder, train):
        prefix = "train" if train else "t10k"
        self.images = read_idx(find(folder, prefix + "-images-idx3-ubyte"))
        self.labels = read_idx(find(folder, prefix + "-labels-idx1-ubyte")).astype(np.int64)

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        x = torch.from_numpy(self.images[i].astype(np.float32) / 255.0).unsqueeze(0)
        return (x - MEAN) / STD, int(self.labels[i])


def cnn(w=32):
    return nn.Sequential(
        nn.Conv2d(1, w, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(w, 2 * w, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(2 * w * 7 * 7, 4 * w), nn.ReLU(), nn.Linear(4 * w, 10))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--threads", type=int, default=0, help="torch.set_num_threads (0 = as installed)")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--out", default="/tmp/torch_epoch_run")
    a = ap.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    torch.manual_seed(42)
    train_ds, val_ds = FashionMnist(a.data, True), FashionMnist(a.data, False)
    train_dl = DataLoader(train_ds, batch_size=64, shuffle=True, num_workers=a.workers,
                          prefetch_factor=2 if a.workers else None, persistent_workers=False)
    val_dl = DataLoader(val_ds, batch_size=64, shuffle=False, num_workers=a.workers,
                        prefetch_factor=2 if a.workers else None)
    model = cnn()
    loss_fn = nn.CrossEntropyLoss()
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=a.epochs)
    os.makedirs(a.out, exist_ok=True)
    epochs = []
    for epoch in range(a.epochs):
        t0 = time.perf_counter()
        model.train()
        total, correct, loss_sum = 0, 0, 0.0
        for x, y in train_dl:
            opt.zero_grad()
            out = model(x)
            loss = loss_fn(out, y)
            loss.backward()
            opt.step()
            loss_sum += loss.item() * len(y)
            correct += (out.max(1).indices == y).sum().item()
            total += len(y)
        t1 = time.perf_counter()
        model.eval()
        confusion = torch.zeros(10, 10, dtype=torch.int64)
        vloss, vtotal = 0.0, 0
        with torch.no_grad():
            for x, y in val_dl:
                out = model(x)
                vloss += loss_fn(out, y).item() * len(y)
                pred = out.max(1).indices
                confusion += torch.bincount(y * 10 + pred, minlength=100).reshape(10, 10)
                vtotal += len(y)
        t2 = time.perf_counter()
        sched.step()
        torch.save({"model": model.state_dict(), "optimizer": opt.state_dict(), "scheduler": sched.state_dict()},
                   os.path.join(a.out, f"epoch-{epoch + 1}.pt"))
        t3 = time.perf_counter()
        epochs.append({"train_s": t1 - t0, "val_s": t2 - t1, "epoch_s": t3 - t0,
                       "train_loss": loss_sum / total, "train_acc": correct / total,
                       "val_loss": vloss / vtotal, "val_acc": confusion.diag().sum().item() / vtotal})
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "epochs": epochs,
                      "script_s": time.perf_counter() - T_START}))


if __name__ == "__main__":
    main()
