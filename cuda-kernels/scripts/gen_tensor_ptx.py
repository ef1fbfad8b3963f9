#!/usr/bin/env python3
"""Writes the generated tensor kernels (elementwise, copy, reduce, softmax, argreduce, gather,
philox) into cuda-kernels/src/main/ptx from the ptxgen package beside this script.

    python3 cuda-kernels/scripts/gen_tensor_ptx.py            # write the files; commit them
    python3 cuda-kernels/scripts/gen_tensor_ptx.py --check    # exit 1 naming every stale file

--check generates into a temporary directory and compares byte for byte with the committed
files, so a hand edit of a generated file, or a generator edit without regenerating, is caught
(org.jgrad.cuda.PtxFreshnessTest runs it). --out DIR writes somewhere else.
"""
import argparse
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import ptxgen  # noqa: E402

PTX_DIR = os.path.normpath(os.path.join(HERE, "..", "src", "main", "ptx"))


def write(out_dir):
    for name, text in ptxgen.families().items():
        with open(os.path.join(out_dir, name), "w", newline="\n") as f:
            f.write(text)
    return sorted(ptxgen.families())


def check(committed_dir):
    stale = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in write(tmp):
            with open(os.path.join(tmp, name), "rb") as f:
                fresh = f.read()
            path = os.path.join(committed_dir, name)
            if not os.path.exists(path):
                stale.append(f"{name}: missing (run cuda-kernels/scripts/gen_tensor_ptx.py and commit it)")
                continue
            with open(path, "rb") as f:
                old = f.read()
            if old != fresh:
                line = first_difference(old, fresh)
                stale.append(f"{name}: stale, first difference at line {line} "
                             f"(run cuda-kernels/scripts/gen_tensor_ptx.py and commit it; never edit it by hand)")
    return stale


def first_difference(a, b):
    la, lb = a.split(b"\n"), b.split(b"\n")
    for i, (x, y) in enumerate(zip(la, lb)):
        if x != y:
            return i + 1
    return min(len(la), len(lb)) + 1


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="compare instead of writing; exit 1 if any file is stale")
    ap.add_argument("--out", default=PTX_DIR, help="directory of the PTX files (default: the project's)")
    args = ap.parse_args()
    if args.check:
        stale = check(args.out)
        for s in stale:
            print("STALE", s)
        if stale:
            return 1
        print("fresh:", ", ".join(sorted(ptxgen.families())))
        return 0
    for name in write(args.out):
        print("wrote", name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
