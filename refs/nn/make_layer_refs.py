#!/usr/bin/python3
"""Reference values for jgrad's batch norm and losses, computed by PyTorch 1.13 (CPU, float64).

Run from the repository root with a Python that has torch (Debian's python3-torch):
    /usr/bin/python3 refs/nn/make_layer_refs.py
Writes small JSON files to src-test/src/test/resources/nn/. Every case stores its inputs, so
the Java tests recompute nothing from this script except the expected outputs and gradients.
A tensor is {"shape": [...], "data": [flat row-major values]}.
"""
import json
import os

import torch
import torch.nn.functional as F

OUT = os.path.join("src-test", "src", "test", "resources", "nn")
torch.manual_seed(1234)
D = torch.float64


def t(x):
    x = x.detach()
    return {"shape": list(x.shape), "data": [float(v) for v in x.reshape(-1).tolist()]}


def leaf(*shape, scale=1.0):
    return (torch.randn(*shape, dtype=D) * scale).requires_grad_(True)


def backward_weighted(out):
    """Scalar outputs backprop 1; others a stored random weighting gw (so every element counts)."""
    if out.dim() == 0:
        out.backward()
        return None
    gw = torch.randn(out.shape, dtype=D)
    (out * gw).sum().backward()
    return gw


def batch_norm_cases():
    cases = []
    for name, shape, training in [("train4d", (3, 4, 2, 3), True), ("eval4d", (3, 4, 2, 3), False),
                                  ("train2d", (5, 3), True), ("eval2d", (5, 3), False)]:
        c = shape[1]
        x = leaf(*shape, scale=2.0)
        with torch.no_grad():
            x += 0.5
        w = leaf(c)
        b = leaf(c)
        rm = torch.randn(c, dtype=D)
        rv = torch.rand(c, dtype=D) + 0.5
        rm0, rv0 = rm.clone(), rv.clone()
        out = F.batch_norm(x, rm, rv, w, b, training=training, momentum=0.1, eps=1e-5)
        gw = backward_weighted(out)
        cases.append({"name": name, "training": training, "momentum": 0.1, "eps": 1e-5,
                      "x": t(x), "weight": t(w), "bias": t(b), "running_mean": t(rm0), "running_var": t(rv0),
                      "out": t(out), "running_mean_after": t(rm), "running_var_after": t(rv),
                      "grad_weights": t(gw), "grad_x": t(x.grad), "grad_weight": t(w.grad), "grad_bias": t(b.grad)})
    # the module: two training steps with momentum=None (cumulative average), then eval
    bn = torch.nn.BatchNorm2d(3, momentum=None).double()
    x1, x2, x3 = torch.randn(2, 3, 2, 2, dtype=D), torch.randn(2, 3, 2, 2, dtype=D) * 3, torch.randn(2, 3, 2, 2, dtype=D)
    bn(x1)
    bn(x2)
    bn.eval()
    y3 = bn(x3)
    cases.append({"name": "module_cumulative", "x1": t(x1), "x2": t(x2), "x3": t(x3),
                  "running_mean_after": t(bn.running_mean), "running_var_after": t(bn.running_var),
                  "num_batches_tracked": int(bn.num_batches_tracked), "eval_out": t(y3)})
    return cases


def cross_entropy_cases():
    cases = []
    shapes = [("2d", (6, 5)), ("4d", (2, 4, 3, 2))]
    for sname, shape in shapes:
        n, c = shape[0], shape[1]
        tshape = (n,) + shape[2:]
        for reduction in ["mean", "sum", "none"]:
            for use_weight in [False, True]:
                for ignore in [None, 2]:
                    for smoothing in [0.0, 0.15]:
                        x = leaf(*shape, scale=1.5)
                        tgt = torch.randint(0, c, tshape)
                        if ignore is not None:
                            flat = tgt.view(-1)
                            flat[0] = ignore
                            flat[-1] = ignore
                        w = torch.rand(c, dtype=D) + 0.2 if use_weight else None
                        ii = ignore if ignore is not None else -100
                        out = F.cross_entropy(x, tgt, weight=w, ignore_index=ii, reduction=reduction, label_smoothing=smoothing)
                        gw = backward_weighted(out)
                        cases.append({"name": f"ce_{sname}_{reduction}_w{int(use_weight)}_ig{ignore}_ls{smoothing}",
                                      "reduction": reduction, "ignore_index": ii, "label_smoothing": smoothing,
                                      "input": t(x), "target": {"shape": list(tgt.shape), "data": [int(v) for v in tgt.view(-1)]},
                                      "weight": t(w) if w is not None else None, "out": t(out),
                                      "grad_weights": t(gw) if gw is not None else None, "grad_input": t(x.grad)})
    return cases


def bce_cases():
    cases = []
    for sname, shape, pw_shape in [("2d", (4, 3), (3,)), ("4d", (2, 3, 2, 2), (3, 1, 1))]:
        for reduction in ["mean", "sum", "none"]:
            for use_pw in [False, True]:
                for use_w in [False, True]:
                    x = leaf(*shape, scale=3.0)
                    y = torch.rand(shape, dtype=D)
                    y[..., 0] = (y[..., 0] > 0.5).to(D)  # some hard labels too
                    pw = (torch.rand(pw_shape, dtype=D) * 3 + 0.1) if use_pw else None
                    w = (torch.rand(shape[-1], dtype=D) + 0.5) if use_w else None
                    out = F.binary_cross_entropy_with_logits(x, y, weight=w, pos_weight=pw, reduction=reduction)
                    gw = backward_weighted(out)
                    cases.append({"name": f"bce_{sname}_{reduction}_pw{int(use_pw)}_w{int(use_w)}", "reduction": reduction,
                                  "input": t(x), "target": t(y), "pos_weight": t(pw) if pw is not None else None,
                                  "weight": t(w) if w is not None else None, "out": t(out),
                                  "grad_weights": t(gw) if gw is not None else None, "grad_input": t(x.grad)})
    # large logits: the stable form must not overflow
    x = torch.tensor([[-800.0, 800.0, 30.0, -30.0]], dtype=D, requires_grad=True)
    y = torch.tensor([[1.0, 0.0, 0.0, 1.0]], dtype=D)
    out = F.binary_cross_entropy_with_logits(x, y, reduction="sum")
    out.backward()
    cases.append({"name": "bce_extreme", "reduction": "sum", "input": t(x), "target": t(y), "pos_weight": None, "weight": None,
                  "out": t(out), "grad_weights": None, "grad_input": t(x.grad)})
    return cases


def mse_cases():
    cases = []
    for reduction in ["mean", "sum", "none"]:
        x = leaf(3, 4)
        y = torch.randn(3, 4, dtype=D)
        out = F.mse_loss(x, y, reduction=reduction)
        gw = backward_weighted(out)
        cases.append({"name": f"mse_{reduction}", "reduction": reduction, "input": t(x), "target": t(y), "out": t(out),
                      "grad_weights": t(gw) if gw is not None else None, "grad_input": t(x.grad)})
    return cases


def soft_dice(y_pred, y_true, mode, from_logits, smooth, eps, log_loss):
    """segmentation_models_pytorch's DiceLoss.forward (v0.3), written out with torch ops."""
    if from_logits:
        y_pred = y_pred.log_softmax(dim=1).exp() if mode == "multiclass" else F.logsigmoid(y_pred).exp()
    bs = y_true.size(0)
    num_classes = y_pred.size(1)
    dims = (0, 2)
    if mode == "binary":
        y_true = y_true.view(bs, 1, -1)
        y_pred = y_pred.view(bs, 1, -1)
    if mode == "multiclass":
        y_true = y_true.view(bs, -1)
        y_pred = y_pred.view(bs, num_classes, -1)
        y_true = F.one_hot(y_true, num_classes).permute(0, 2, 1)
    if mode == "multilabel":
        y_true = y_true.view(bs, num_classes, -1)
        y_pred = y_pred.view(bs, num_classes, -1)
    y_true = y_true.type_as(y_pred)
    intersection = torch.sum(y_pred * y_true, dim=dims)
    cardinality = torch.sum(y_pred + y_true, dim=dims)
    scores = (2.0 * intersection + smooth) / (cardinality + smooth).clamp_min(eps)
    loss = -torch.log(scores.clamp_min(eps)) if log_loss else 1.0 - scores
    mask = y_true.sum(dims) > 0
    loss = loss * mask.to(loss.dtype)
    return loss.mean()


def dice_cases():
    cases = []
    for mode in ["binary", "multiclass", "multilabel"]:
        for from_logits, smooth, log_loss in [(True, 0.0, False), (True, 1.0, False), (False, 0.5, False), (True, 0.0, True)]:
            c = 1 if mode == "binary" else 3
            x = leaf(2, c, 3, 3, scale=2.0)
            if not from_logits:  # probabilities in (0, 1)
                with torch.no_grad():
                    x.copy_(torch.rand(2, c, 3, 3, dtype=D))
            if mode == "multiclass":
                y = torch.randint(0, c - 1, (2, 3, 3))  # class c-1 absent: its loss is masked out
            else:
                y = (torch.rand(2, c, 3, 3) > 0.5).to(D)
                if mode == "multilabel":
                    y[:, 1] = 0  # channel 1 empty
            out = soft_dice(x, y, mode, from_logits, smooth, 1e-7, log_loss)
            out.backward()
            tgt = {"shape": list(y.shape), "data": [int(v) for v in y.view(-1)]} if mode == "multiclass" else t(y)
            cases.append({"name": f"dice_{mode}_logits{int(from_logits)}_s{smooth}_log{int(log_loss)}", "mode": mode,
                          "from_logits": from_logits, "smooth": smooth, "eps": 1e-7, "log_loss": log_loss,
                          "input": t(x), "target": tgt, "out": t(out), "grad_input": t(x.grad)})
    return cases


def main():
    os.makedirs(OUT, exist_ok=True)
    files = {"batch_norm.json": batch_norm_cases(), "cross_entropy.json": cross_entropy_cases(),
             "bce_with_logits.json": bce_cases(), "mse.json": mse_cases(), "dice.json": dice_cases()}
    for fname, cases in files.items():
        with open(os.path.join(OUT, fname), "w") as f:
            json.dump({"torch": torch.__version__, "cases": cases}, f, separators=(",", ":"))
            f.write("\n")
        print(fname, len(cases), "cases")


if __name__ == "__main__":
    main()
