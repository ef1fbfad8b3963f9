#!/usr/bin/env python3
"""Reference trajectories for jgrad's optimizers and learning-rate schedulers, from PyTorch 1.13 (CPU).

Run from the repository root with the Python that has torch:
    python3 src-test/refs/optim/make_refs.py
It writes small JSON files into src-test/src/test/resources/optim/.

Optimizers: every parameter group holds one vector; at step t its gradient is
    g = 2 * p + shift[t]
(shift is a fixed table written into the file), so the gradient depends on the trajectory and any
error compounds. Both float64 (for a tight check) and float32 (jgrad's working dtype) are written.
Schedulers: the learning rate of every group after construction and after each step.
"""
import itertools
import json
import math
import os
import random

import torch
from torch.optim import SGD, Adam, AdamW
from torch.optim import lr_scheduler as S

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'src', 'test', 'resources', 'optim')
STEPS = 10
LEN = 5
INIT = [[0.5, -1.25, 2.0, 0.0, -0.3], [1.5, 0.75, -2.5, 0.125, 3.0]]
SHIFT = [[math.sin(t + 0.5 * i) for i in range(LEN)] for t in range(STEPS)]


def run_optimizer(kind, groups, dtype, skip=()):
    """groups: list of option dicts (without params). skip: (step, group) pairs that get no gradient."""
    params = [torch.tensor(INIT[g], dtype=dtype, requires_grad=True) for g in range(len(groups))]
    pg = [dict(o, params=[params[g]]) for g, o in enumerate(groups)]
    ctor = {'SGD': SGD, 'Adam': Adam, 'AdamW': AdamW}[kind]
    # SGD has no default lr; every case names lr in each group
    opt = ctor(pg, lr=groups[0]['lr'])
    traj = []
    for t in range(STEPS):
        opt.zero_grad()  # set_to_none=False in 1.13's default: grads become zero tensors, not None
        for g, p in enumerate(params):
            if (t, g) in skip:
                p.grad = None
                continue
            shift = torch.tensor(SHIFT[t], dtype=dtype)
            with torch.no_grad():
                p.grad = p.detach() * 2.0 + shift
        opt.step()
        traj.append([p.detach().tolist() for p in params])
    return traj


def optimizer_cases():
    cases = []
    for mom, damp, wd, nest in itertools.product([0.0, 0.9], [0.0, 0.5], [0.0, 1e-2], [False, True]):
        if nest and (mom == 0 or damp != 0):
            continue
        o = dict(lr=0.05, momentum=mom, dampening=damp, weight_decay=wd, nesterov=nest)
        cases.append(dict(name=f'sgd m{mom} d{damp} wd{wd} nesterov{nest}', optimizer='SGD', groups=[o, o]))
    cases.append(dict(name='sgd maximize', optimizer='SGD',
                      groups=[dict(lr=0.01, momentum=0.9, dampening=0.0, weight_decay=1e-2, nesterov=True, maximize=True)] * 2))
    # two groups with their own hyper-parameters
    cases.append(dict(name='sgd two groups', optimizer='SGD',
                      groups=[dict(lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.0, nesterov=False),
                              dict(lr=0.01, momentum=0.5, dampening=0.0, weight_decay=0.1, nesterov=True)]))
    # a parameter without a gradient is skipped; its momentum buffer starts at its first gradient
    cases.append(dict(name='sgd late gradient', optimizer='SGD', skip=[[0, 1], [1, 1], [4, 1], [5, 0]],
                      groups=[dict(lr=0.05, momentum=0.9, dampening=0.3, weight_decay=1e-2, nesterov=False)] * 2))
    for kind in ['Adam', 'AdamW']:
        for wd, ams in itertools.product([0.0, 0.1], [False, True]):
            o = dict(lr=0.01, betas=[0.9, 0.999], eps=1e-8, weight_decay=wd, amsgrad=ams)
            cases.append(dict(name=f'{kind} wd{wd} amsgrad{ams}', optimizer=kind, groups=[o, o]))
        cases.append(dict(name=f'{kind} two groups', optimizer=kind,
                          groups=[dict(lr=0.1, betas=[0.5, 0.9], eps=1e-3, weight_decay=0.05, amsgrad=False),
                                  dict(lr=0.002, betas=[0.0, 0.99], eps=0.0, weight_decay=0.0, amsgrad=True, maximize=True)]))
        cases.append(dict(name=f'{kind} late gradient', optimizer=kind, skip=[[0, 1], [1, 1], [6, 0]],
                          groups=[dict(lr=0.03, betas=[0.8, 0.95], eps=1e-6, weight_decay=0.02, amsgrad=True)] * 2))
    return cases


def write(name, obj):
    """Compact JSON with one case per line (small files, readable diffs)."""
    path = os.path.join(OUT, name)
    obj = dict(obj)
    cases = obj.pop('cases')
    head = json.dumps(obj, separators=(',', ':'))[:-1]
    body = ',\n'.join(json.dumps(c, separators=(',', ':')) for c in cases)
    with open(path, 'w') as f:
        f.write(head + ',"cases":[\n' + body + '\n]}\n')
    print('wrote', path)


def optimizers():
    for dtype, label in [(torch.float64, 'float64'), (torch.float32, 'float32')]:
        cases = []
        for c in optimizer_cases():
            skip = {tuple(s) for s in c.get('skip', [])}
            groups = [dict(o, betas=tuple(o['betas'])) if 'betas' in o else dict(o) for o in c['groups']]
            traj = run_optimizer(c['optimizer'], groups, dtype, skip)
            cases.append(dict(c, skip=[list(s) for s in sorted(skip)], trajectory=traj))
        write(f'optimizers_{label}.json', dict(
            torch=torch.__version__, dtype=label, steps=STEPS, init=INIT,
            shift=torch.tensor(SHIFT, dtype=dtype).tolist(), cases=cases))


# ----------------------------------------------------------------------------------- schedulers

EPOCHS = 30
BASE_LRS = [0.1, 0.03]


def fresh_optimizer():
    ps = [torch.zeros(1, requires_grad=True) for _ in BASE_LRS]
    return SGD([dict(params=[p], lr=lr) for p, lr in zip(ps, BASE_LRS)], lr=BASE_LRS[0])


def lrs(opt):
    return [g['lr'] for g in opt.param_groups]


def sched_sequence(build):
    opt = fresh_optimizer()
    s = build(opt)
    seq = [lrs(opt)]
    for _ in range(EPOCHS):
        opt.step()
        s.step()
        seq.append(lrs(opt))
    return seq, s.get_last_lr()


def schedulers():
    cases = []

    def add(name, spec, build):
        seq, last = sched_sequence(build)
        cases.append(dict(name=name, spec=spec, lrs=seq, last_lr=last))

    add('StepLR 7 0.5', dict(type='StepLR', step_size=7, gamma=0.5), lambda o: S.StepLR(o, 7, 0.5))
    add('StepLR 1 0.9', dict(type='StepLR', step_size=1, gamma=0.9), lambda o: S.StepLR(o, 1, 0.9))
    add('MultiStepLR', dict(type='MultiStepLR', milestones=[3, 10, 10, 25], gamma=0.3),
        lambda o: S.MultiStepLR(o, [3, 10, 10, 25], 0.3))
    add('ExponentialLR', dict(type='ExponentialLR', gamma=0.87), lambda o: S.ExponentialLR(o, 0.87))
    add('CosineAnnealingLR', dict(type='CosineAnnealingLR', T_max=8, eta_min=0.001),
        lambda o: S.CosineAnnealingLR(o, 8, 0.001))
    add('CosineAnnealingLR no floor', dict(type='CosineAnnealingLR', T_max=13, eta_min=0.0),
        lambda o: S.CosineAnnealingLR(o, 13, 0.0))
    add('LinearLR', dict(type='LinearLR', start_factor=0.25, end_factor=1.0, total_iters=6),
        lambda o: S.LinearLR(o, 0.25, 1.0, 6))
    add('LinearLR down', dict(type='LinearLR', start_factor=1.0, end_factor=0.1, total_iters=20),
        lambda o: S.LinearLR(o, 1.0, 0.1, 20))
    # LambdaLR with a function jgrad's test writes the same way: 1 / (1 + epoch) ** 0.5 for group 0,
    # 0.95 ** epoch for group 1
    add('LambdaLR', dict(type='LambdaLR', fn=['inv_sqrt', 'pow095']),
        lambda o: S.LambdaLR(o, [lambda e: 1 / (1 + e) ** 0.5, lambda e: 0.95 ** e]))
    add('SequentialLR warmup cosine', dict(type='SequentialLR', milestones=[5],
                                           schedulers=[dict(type='LinearLR', start_factor=0.1, end_factor=1.0, total_iters=5),
                                                       dict(type='CosineAnnealingLR', T_max=25, eta_min=0.0)]),
        lambda o: S.SequentialLR(o, [S.LinearLR(o, 0.1, 1.0, 5), S.CosineAnnealingLR(o, 25, 0.0)], [5]))
    add('SequentialLR three', dict(type='SequentialLR', milestones=[4, 12],
                                   schedulers=[dict(type='LinearLR', start_factor=0.5, end_factor=1.0, total_iters=4),
                                               dict(type='ExponentialLR', gamma=0.9),
                                               dict(type='StepLR', step_size=5, gamma=0.5)]),
        lambda o: S.SequentialLR(o, [S.LinearLR(o, 0.5, 1.0, 4), S.ExponentialLR(o, 0.9), S.StepLR(o, 5, 0.5)], [4, 12]))
    add('ChainedScheduler', dict(type='ChainedScheduler',
                                 schedulers=[dict(type='ExponentialLR', gamma=0.95),
                                             dict(type='StepLR', step_size=4, gamma=0.5)]),
        lambda o: S.ChainedScheduler([S.ExponentialLR(o, 0.95), S.StepLR(o, 4, 0.5)]))
    write('schedulers.json', dict(torch=torch.__version__, epochs=EPOCHS, base_lrs=BASE_LRS, cases=cases))


def plateau():
    cases = []

    def add(name, metrics, **kw):
        opt = fresh_optimizer()
        s = S.ReduceLROnPlateau(opt, **kw)
        seq = []
        trace = []
        for m in metrics:
            opt.step()
            s.step(m)
            seq.append(lrs(opt))
            trace.append(dict(best=s.best, bad=s.num_bad_epochs, cooldown=s.cooldown_counter))
        cases.append(dict(name=name, options=kw, metrics=metrics, lrs=seq, trace=trace))

    flat = [1.0] * 30
    add('plateau default patience', flat, patience=10)
    add('plateau patience 2', flat, patience=2)
    add('plateau patience 0', [1.0, 0.9, 0.9, 0.8, 0.8, 0.8, 0.7] + [0.7] * 5, patience=0)
    # improvements smaller than the relative threshold (1e-2 of best) do not count
    rel = [1.0, 0.995, 0.991, 0.985, 0.98, 0.97, 0.969, 0.968, 0.9, 0.899, 0.898, 0.897, 0.896, 0.895]
    add('rel threshold', rel, patience=2, threshold=1e-2, threshold_mode='rel')
    # absolute threshold 0.05
    ab = [1.0, 0.96, 0.94, 0.93, 0.90, 0.85, 0.849, 0.80, 0.799, 0.798, 0.797, 0.70, 0.699, 0.698, 0.697]
    add('abs threshold', ab, patience=1, threshold=0.05, threshold_mode='abs')
    # cooldown: bad epochs during cooldown are ignored
    add('cooldown', [5.0] + [5.0] * 20, patience=1, cooldown=3, factor=0.5)
    add('cooldown with improvement', [5.0, 5.0, 5.0, 4.0, 4.0, 4.0, 4.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0],
        patience=1, cooldown=2, factor=0.5)
    # floors: per-group min_lr
    add('min_lr per group', [1.0] * 30, patience=1, factor=0.5, min_lr=[0.02, 0.01])
    add('min_lr scalar', [1.0] * 30, patience=0, factor=0.3, min_lr=0.005)
    # eps suppresses reductions smaller than eps
    add('eps suppresses', [1.0] * 30, patience=0, factor=0.5, eps=0.01)
    add('mode max rel', [0.1, 0.2, 0.2, 0.2005, 0.2, 0.3, 0.3, 0.3, 0.3, 0.31, 0.3, 0.3, 0.3, 0.3],
        mode='max', patience=2, factor=0.2, threshold=1e-2)
    add('mode max abs', [0.1, 0.12, 0.13, 0.2, 0.21, 0.215, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3],
        mode='max', patience=1, threshold=0.05, threshold_mode='abs', factor=0.5)
    add('negative metrics min rel', [-1.0, -1.0, -1.05, -1.2, -1.2, -1.2, -1.2, -1.5, -1.5, -1.5, -1.5],
        patience=1, threshold=0.1, factor=0.5)
    # random options and metric walks with repeats and ties (values on a 0.01 grid), for "any sequence"
    rng = random.Random(4)
    for k in range(24):
        kw = dict(mode=rng.choice(['min', 'max']), threshold_mode=rng.choice(['rel', 'abs']),
                  patience=rng.randint(0, 3), cooldown=rng.randint(0, 3), factor=rng.choice([0.0, 0.1, 0.5, 0.9]),
                  threshold=rng.choice([0.0, 1e-4, 0.01, 0.1]), eps=rng.choice([1e-8, 1e-3, 0.02]),
                  min_lr=rng.choice([0.0, 0.001, [0.01, 0.0]]))
        m, metrics = rng.uniform(-1, 1), []
        for _ in range(40):
            m += rng.choice([0.0, 0.0, 0.01, -0.01, 0.05, -0.05, 0.3, -0.3])
            metrics.append(round(m, 2))
        add(f'random {k}', metrics, **kw)
    write('plateau.json', dict(torch=torch.__version__, base_lrs=BASE_LRS, cases=cases))


if __name__ == '__main__':
    os.makedirs(OUT, exist_ok=True)
    optimizers()
    schedulers()
    plateau()
