"""Reference values for jgrad's convolution, pooling and upsampling tests, from PyTorch (CPU, float64).

Run with a Python that has torch 1.13 (Debian's python3-torch):  python3 refs/nn/make_conv_refs.py
Writes src-test/src/test/resources/nn/conv_refs.json: for each case the inputs, the parameters,
the output, a random output gradient and the gradients of every input it produces.
"""
import json
import os

import torch
import torch.nn.functional as F

torch.manual_seed(1234)
OUT = os.path.join(os.path.dirname(__file__), "..", "..", "src-test", "src", "test", "resources", "nn", "conv_refs.json")


def t(x):
    return {"shape": list(x.shape), "data": [float(v) for v in x.detach().reshape(-1).tolist()]}


def rnd(*shape):
    return (torch.rand(*shape, dtype=torch.float64) * 2 - 1).requires_grad_(True)


cases = []


def record(name, op, params, inputs, fn):
    out = fn(*[inputs[k] for k in inputs])
    gout = torch.rand(out.shape, dtype=torch.float64) * 2 - 1
    out.backward(gout)
    case = {"name": name, "op": op, "params": params, "out": t(out), "gout": t(gout)}
    for k, v in inputs.items():
        if v is None:
            continue
        case[k] = t(v)
        case["g" + k] = t(v.grad)
    cases.append(case)


def conv(name, xs, ws, bias, stride, padding, dilation, groups):
    inputs = {"x": rnd(*xs), "w": rnd(*ws), "b": rnd(ws[0]) if bias else None}
    params = {"stride": stride, "padding": padding, "dilation": dilation, "groups": groups}
    record(name, "conv2d", params, inputs,
           lambda x, w, b: F.conv2d(x, w, b, stride=stride, padding=padding, dilation=dilation, groups=groups))


def convt(name, xs, ws, bias, stride, padding, output_padding, dilation, groups):
    inputs = {"x": rnd(*xs), "w": rnd(*ws), "b": rnd(ws[1] * groups) if bias else None}
    params = {"stride": stride, "padding": padding, "output_padding": output_padding, "dilation": dilation, "groups": groups}
    record(name, "conv_transpose2d", params, inputs,
           lambda x, w, b: F.conv_transpose2d(x, w, b, stride=stride, padding=padding, output_padding=output_padding,
                                              groups=groups, dilation=dilation))


conv("conv_plain", (2, 3, 8, 8), (5, 3, 3, 3), True, [1, 1], [1, 1], [1, 1], 1)
conv("conv_stride_pad_dil_groups", (2, 4, 9, 7), (6, 2, 3, 2), True, [2, 1], [1, 2], [1, 2], 2)
conv("conv_nobias_5x5_stride3", (1, 2, 11, 10), (3, 2, 5, 5), False, [3, 3], [2, 0], [1, 1], 1)
conv("conv_pointwise_groups", (2, 6, 5, 4), (9, 2, 1, 1), True, [1, 1], [0, 0], [1, 1], 3)
convt("convt_stride2_outpad", (2, 4, 5, 5), (4, 3, 3, 3), True, [2, 2], [1, 1], [1, 1], [1, 1], 1)
convt("convt_groups_dil", (1, 4, 4, 6), (4, 1, 3, 2), True, [1, 2], [0, 1], [0, 1], [2, 1], 2)
convt("convt_unet_up", (2, 3, 4, 4), (3, 2, 2, 2), False, [2, 2], [0, 0], [0, 0], [1, 1], 1)


def pool(name, op, xs, params, fn):
    # distinct values so that ties do not make the max-pooling gradient ambiguous
    n = 1
    for s in xs:
        n *= s
    x = (torch.randperm(n, dtype=torch.float64) / n * 2 - 1).reshape(xs).requires_grad_(True)
    record(name, op, params, {"x": x}, fn)


pool("maxpool_2x2", "max_pool2d", (2, 3, 8, 8), {"kernel": [2, 2], "stride": [2, 2], "padding": [0, 0], "dilation": [1, 1], "ceil_mode": False},
     lambda x: F.max_pool2d(x, 2))
pool("maxpool_k3s2p1_ceil", "max_pool2d", (2, 2, 8, 7), {"kernel": [3, 3], "stride": [2, 2], "padding": [1, 1], "dilation": [1, 1], "ceil_mode": True},
     lambda x: F.max_pool2d(x, 3, 2, 1, ceil_mode=True))
pool("maxpool_overlap_dil", "max_pool2d", (1, 2, 9, 8), {"kernel": [3, 2], "stride": [1, 2], "padding": [1, 0], "dilation": [2, 1], "ceil_mode": False},
     lambda x: F.max_pool2d(x, (3, 2), (1, 2), (1, 0), dilation=(2, 1)))
pool("avgpool_ceil_include_pad", "avg_pool2d", (2, 2, 7, 8), {"kernel": [3, 3], "stride": [2, 2], "padding": [1, 1], "ceil_mode": True, "count_include_pad": True},
     lambda x: F.avg_pool2d(x, 3, 2, 1, ceil_mode=True, count_include_pad=True))
pool("avgpool_ceil_exclude_pad", "avg_pool2d", (2, 2, 7, 8), {"kernel": [3, 3], "stride": [2, 2], "padding": [1, 1], "ceil_mode": True, "count_include_pad": False},
     lambda x: F.avg_pool2d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False))
pool("avgpool_rect", "avg_pool2d", (1, 3, 6, 9), {"kernel": [2, 3], "stride": [1, 2], "padding": [0, 1], "ceil_mode": False, "count_include_pad": True},
     lambda x: F.avg_pool2d(x, (2, 3), (1, 2), (0, 1)))
pool("upsample_size", "upsample_nearest2d", (2, 2, 3, 4), {"size": [7, 5]},
     lambda x: F.interpolate(x, size=(7, 5), mode="nearest"))
pool("upsample_scale2", "upsample_nearest2d", (1, 3, 4, 5), {"scale": [2.0, 2.0]},
     lambda x: F.interpolate(x, scale_factor=2, mode="nearest"))
pool("upsample_scale_frac", "upsample_nearest2d", (1, 2, 5, 7), {"scale": [1.5, 0.7]},
     lambda x: F.interpolate(x, scale_factor=(1.5, 0.7), mode="nearest"))

with open(OUT, "w") as f:
    json.dump({"generator": "refs/nn/make_conv_refs.py", "torch": torch.__version__, "cases": cases}, f)
print("wrote", len(cases), "cases to", os.path.normpath(OUT))
