#!/usr/bin/env python3
"""PyTorch weights in and out of jgrad: fixtures from PyTorch 1.13 (CPU), and the reverse check.

Run from the repository root with the Python that has torch:
    python3 src-test/refs/interop/make_torch_fixtures.py
builds the PyTorch equivalents of jgrad's small CNN (Sequential) and U-Net (org.jgrad.nn.UNet,
base width 4, depth 3), trains each a few steps (so BatchNorm's running statistics and
num_batches_tracked move), and writes into src-test/src/test/resources/interop/:
    torch_<model>.safetensors     the state_dict, with PyTorch's names
    torch_<model>_io.safetensors  "input" (a fixed batch) and "output" (the eval-mode output)
    torch_half.safetensors        a CNN weight as F16 and BF16, and the float32 values they hold
jgrad's PyTorchWeightsTest loads them and must reproduce the outputs.

    python3 src-test/refs/interop/make_torch_fixtures.py --check-jgrad DIR
is the other direction: DIR holds jgrad_<model>.safetensors (a state dict saved by jgrad) and
jgrad_<model>_io.safetensors (input and jgrad's eval output); each is loaded into the PyTorch
model with load_state_dict(strict=True) and its output compared. jgrad's test runs this.

safetensors is written and read by hand (no safetensors package): an 8-byte little-endian
header length, a JSON header {name: {dtype, shape, data_offsets}}, then the raw little-endian
row-major data.
"""
import json
import os
import struct
import sys

import numpy as np
import torch
from torch import nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'src', 'test', 'resources', 'interop')
TOLERANCE = 1e-5
DTYPES = {'F32': (torch.float32, np.float32), 'F64': (torch.float64, np.float64),
          'I64': (torch.int64, np.int64), 'I32': (torch.int32, np.int32), 'U8': (torch.uint8, np.uint8)}
CODES = {torch.float32: 'F32', torch.float64: 'F64', torch.int64: 'I64', torch.int32: 'I32', torch.uint8: 'U8',
         torch.float16: 'F16', torch.bfloat16: 'BF16'}


def save_safetensors(tensors, path):
    header, chunks, offset = {}, [], 0
    for name, t in tensors.items():
        t = t.detach().contiguous().cpu()
        arr = t.view(torch.int16).numpy() if t.dtype in (torch.float16, torch.bfloat16) else t.numpy()  # numpy has no bfloat16
        data = arr.astype(arr.dtype.newbyteorder('<'), copy=False).tobytes()
        header[name] = {'dtype': CODES[t.dtype], 'shape': list(t.shape), 'data_offsets': [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    head = json.dumps(header, separators=(',', ':')).encode('utf-8')
    head += b' ' * (-len(head) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(head)))
        f.write(head)
        for c in chunks:
            f.write(c)


def load_safetensors(path):
    with open(path, 'rb') as f:
        raw = f.read()
    n = struct.unpack('<Q', raw[:8])[0]
    header = json.loads(raw[8:8 + n].decode('utf-8'))
    out = {}
    for name, info in header.items():
        if name == '__metadata__':
            continue
        begin, end = info['data_offsets']
        torch_dtype, np_dtype = DTYPES[info['dtype']]
        arr = np.frombuffer(raw[8 + n + begin:8 + n + end], dtype=np.dtype(np_dtype).newbyteorder('<'))
        out[name] = torch.from_numpy(arr.astype(np_dtype).reshape(info['shape']).copy())
    return out


def cnn(w=4):
    """jgrad's ConvModels.cnn: conv-ReLU-pool twice, then fc(4w)-ReLU-fc(10), on 1x28x28."""
    return nn.Sequential(
        nn.Conv2d(1, w, 3, 1, 1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(w, 2 * w, 3, 1, 1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(2 * w * 7 * 7, 4 * w), nn.ReLU(), nn.Linear(4 * w, 10))


def double_conv(i, o):
    return nn.Sequential(nn.Conv2d(i, o, 3, 1, 1), nn.BatchNorm2d(o), nn.ReLU(),
                         nn.Conv2d(o, o, 3, 1, 1), nn.BatchNorm2d(o), nn.ReLU())


class UNet(nn.Module):
    """org.jgrad.nn.UNet with transposed-convolution upsampling; children registered in jgrad's order and names."""

    def __init__(self, in_ch, out_ch, base=4, depth=3):
        super().__init__()
        self.depth = depth
        prev = in_ch
        for level in range(depth):
            setattr(self, f'enc{level}', double_conv(prev, base << level))
            if level < depth - 1:
                setattr(self, f'pool{level}', nn.MaxPool2d(2))
            prev = base << level
        for level in range(depth - 2, -1, -1):
            w = base << level
            setattr(self, f'up{level}', nn.ConvTranspose2d(base << (level + 1), w, 2, 2))
            setattr(self, f'dec{level}', double_conv(2 * w, w))
        self.head = nn.Conv2d(base, out_ch, 1)

    def forward(self, x):
        skips = []
        for level in range(self.depth):
            x = getattr(self, f'enc{level}')(x)
            if level < self.depth - 1:
                skips.append(x)
                x = getattr(self, f'pool{level}')(x)
        for level in range(self.depth - 2, -1, -1):
            up = getattr(self, f'up{level}')(x)
            x = getattr(self, f'dec{level}')(torch.cat([skips[level], up], 1))
        return self.head(x)


MODELS = {
    'cnn': (cnn, (1, 28, 28), lambda g, n: (torch.randint(0, 10, (n,), generator=g), nn.CrossEntropyLoss())),
    'unet': (lambda: UNet(1, 1), (1, 16, 16),
             lambda g, n: ((torch.rand(n, 1, 16, 16, generator=g) > 0.5).float(), nn.BCEWithLogitsLoss())),
}


def make(name):
    build, sample, target = MODELS[name]
    torch.manual_seed(0)
    model = build()
    g = torch.Generator().manual_seed(1)
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    model.train()
    for _ in range(5):  # a few steps: weights and running statistics leave their initial values
        x = torch.randn(4, *sample, generator=g)
        y, loss = target(g, 4)
        opt.zero_grad()
        loss(model(x), y).backward()
        opt.step()
    model.eval()
    x = torch.randn(3, *sample, generator=g)
    with torch.no_grad():
        out = model(x)
    save_safetensors(model.state_dict(), os.path.join(OUT, f'torch_{name}.safetensors'))
    save_safetensors({'input': x, 'output': out}, os.path.join(OUT, f'torch_{name}_io.safetensors'))
    print(f'{name}: {len(model.state_dict())} tensors, output {tuple(out.shape)}')
    if name == 'cnn':  # 16-bit weights as PyTorch saves them, with the float32 values they stand for
        w = model.state_dict()['0.weight']
        save_safetensors({'f16': w.half(), 'bf16': w.bfloat16(), 'f16_as_f32': w.half().float(), 'bf16_as_f32': w.bfloat16().float()},
                         os.path.join(OUT, 'torch_half.safetensors'))


def check_jgrad(directory):
    checked = 0
    for name, (build, _, _) in MODELS.items():
        weights = os.path.join(directory, f'jgrad_{name}.safetensors')
        if not os.path.exists(weights):
            continue
        model = build()
        model.load_state_dict(load_safetensors(weights), strict=True)
        model.eval()
        io = load_safetensors(os.path.join(directory, f'jgrad_{name}_io.safetensors'))
        with torch.no_grad():
            out = model(io['input'])
        expected = io['output']
        if out.shape != expected.shape:
            sys.exit(f'{name}: PyTorch output shape {tuple(out.shape)}, jgrad {tuple(expected.shape)}')
        diff = (out - expected).abs()
        worst = (diff / expected.abs().clamp(min=1)).max().item()
        if worst > TOLERANCE:
            sys.exit(f'{name}: PyTorch and jgrad outputs differ by {diff.max().item():.3g} (relative {worst:.3g})')
        print(f'{name}: PyTorch reproduces jgrad within {diff.max().item():.3g}')
        checked += 1
    if checked == 0:
        sys.exit(f'no jgrad_<model>.safetensors in {directory}')


if __name__ == '__main__':
    if len(sys.argv) == 3 and sys.argv[1] == '--check-jgrad':
        check_jgrad(sys.argv[2])
    elif len(sys.argv) == 1:
        os.makedirs(OUT, exist_ok=True)
        for model_name in MODELS:
            make(model_name)
    else:
        sys.exit(__doc__)
