"""Peer timings for bench/src/main/java/org/jgrad/bench/cpu/{GemmBench,ConvBench}.java:
numpy float32 matmul (OpenBLAS sgemm) at n = 512, 1024, 2048 and PyTorch CPU conv2d (3x3,
padding 1, bias) on the small CNN's shapes at batch 128, forward and forward + backward.

Usage (Debian's python3 with python3-numpy and python3-torch):
    python3 bench/peers/cpu_gemm_conv.py            # both settings, each in a fresh process
    python3 bench/peers/cpu_gemm_conv.py --child    # one setting, the current environment

"as installed": the environment and library defaults untouched.
"tuned" (PEERS.md): OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset so OpenBLAS picks its own
kernel, OpenBLAS and torch on 2 threads, glibc malloc thresholds raised.
Prints median and best milliseconds per call; GFLOP/s for the matmuls.
"""
import json
import os
import statistics
import subprocess
import sys
import time


def timeit(fn, seconds=2.0, warmup=3):
    for _ in range(warmup):
        fn()
    times = []
    start = time.perf_counter()
    while time.perf_counter() - start < seconds or len(times) < 5:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1e3, min(times) * 1e3


def child(setting):
    import numpy as np
    import torch
    info = {"setting": setting, "numpy": np.__version__, "torch": torch.__version__}
    if setting == "tuned":
        torch.set_num_threads(2)
    info["torch_threads"] = torch.get_num_threads()
    try:
        from threadpoolctl import threadpool_info
        info["blas"] = [{k: d.get(k) for k in ("internal_api", "num_threads", "version", "architecture", "threading_layer")}
                        for d in threadpool_info() if d.get("user_api") == "blas"]
    except ImportError:
        info["blas"] = "threadpoolctl not installed"
    rows = []
    rng = np.random.default_rng(42)
    for n in (512, 1024, 2048):
        a = rng.uniform(-1, 1, (n, n)).astype(np.float32)
        b = rng.uniform(-1, 1, (n, n)).astype(np.float32)
        med, best = timeit(lambda: a @ b)
        rows.append({"bench": "gemm", "n": n, "median_ms": med, "best_ms": best, "gflops_median": 2 * n ** 3 / med / 1e6})
    torch.manual_seed(7)
    for name, cin, cout, hw in (("conv1", 1, 32, 28), ("conv2", 32, 64, 14)):
        x = torch.randn(128, cin, hw, hw, requires_grad=(name != "conv1"))
        w = (torch.randn(cout, cin, 3, 3) * 0.1).requires_grad_(True)
        bias = torch.randn(cout, requires_grad=True)
        gout = torch.randn(128, cout, hw, hw)

        def fwd():
            with torch.no_grad():
                torch.nn.functional.conv2d(x, w, bias, 1, 1)

        def fwd_bwd():
            y = torch.nn.functional.conv2d(x, w, bias, 1, 1)
            y.backward(gout)
            x.grad = None
            w.grad = None
            bias.grad = None

        for kind, fn in (("forward", fwd), ("forwardBackward", fwd_bwd)):
            med, best = timeit(fn)
            rows.append({"bench": "conv", "layer": name, "kind": kind, "median_ms": med, "best_ms": best})
    info["rows"] = rows
    print(json.dumps(info))


def main():
    envs = {"as installed": dict(os.environ)}
    tuned = dict(os.environ)
    tuned.pop("OPENBLAS_CORETYPE", None)
    tuned.pop("OPENBLAS_L2_SIZE", None)
    tuned.update({"OPENBLAS_NUM_THREADS": "2", "OMP_NUM_THREADS": "2",
                  "MALLOC_MMAP_THRESHOLD_": str(1 << 30), "MALLOC_TRIM_THRESHOLD_": str(1 << 30)})
    envs["tuned"] = tuned
    for setting, env in envs.items():
        out = subprocess.run([sys.executable, __file__, "--child", setting], env=env, check=True, capture_output=True, text=True)
        info = json.loads(out.stdout)
        print(f"== {setting}: numpy {info['numpy']}, torch {info['torch']} ({info['torch_threads']} threads), BLAS {info['blas']}")
        for r in info["rows"]:
            if r["bench"] == "gemm":
                print(f"  sgemm n={r['n']:5d}: median {r['median_ms']:8.2f} ms  best {r['best_ms']:8.2f} ms  {r['gflops_median']:7.1f} GFLOP/s")
            else:
                print(f"  {r['layer']} {r['kind']:15s}: median {r['median_ms']:8.2f} ms  best {r['best_ms']:8.2f} ms")


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "--child":
        child(sys.argv[2])
    else:
        main()
