#!/usr/bin/env python3
"""One round of PyTorch's torch.mm (OpenBLAS) over the shapes of shapes.json, as native_gemm.js does.

Prints one JSON line {side: "torch", threads, results: [{name, seconds, gflops, cpuSeconds, cpuGflops}]}; transposed operands
are stored transposed and passed as .t() views, so BLAS gets the transpose flag (no copy).
Usage: python3 torch_gemm.py [--threads N] [--budget SECONDS_PER_SHAPE] [--only REGEX]
Re-executes itself with glibc malloc tuned to keep freed memory, as the project's PyTorch reference does.
"""
import argparse
import json
import os
import re
import sys
import time

MALLOC_ENV = {"MALLOC_MMAP_THRESHOLD_": "67108864", "MALLOC_TRIM_THRESHOLD_": "268435456", "MALLOC_TOP_PAD_": "67108864"}
if any(k not in os.environ for k in MALLOC_ENV):  # malloc reads these at start-up only
    os.environ.update({k: v for k, v in MALLOC_ENV.items() if k not in os.environ})
    os.execv(sys.executable, [sys.executable] + sys.argv)

p = argparse.ArgumentParser()
p.add_argument("--threads", type=int, default=1)
p.add_argument("--budget", type=float, default=0.3)
p.add_argument("--only", default=None, help="regular expression: only the shapes whose name matches")
args = p.parse_args()
# torch.set_num_threads does not reach OpenBLAS's own thread pool (Debian's torch calls OpenBLAS),
# which by default uses every core: its thread count is read from the environment when torch loads.
for k in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS"):
    os.environ[k] = str(args.threads)

import torch  # noqa: E402

torch.set_num_threads(args.threads)
torch.manual_seed(0)
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "shapes.json")) as f:
    shapes = [s for s in json.load(f) if args.only is None or re.search(args.only, s["name"])]

results = []
with torch.no_grad():
    for s in shapes:
        M, N, K = s["M"], s["N"], s["K"]
        a = (torch.rand(K, M) - 0.5).t() if s["tA"] else torch.rand(M, K) - 0.5
        b = (torch.rand(N, K) - 0.5).t() if s["tB"] else torch.rand(K, N) - 0.5
        c = torch.empty(M, N)

        def call():
            torch.mm(a, b, out=c)

        call()
        call()
        t0 = time.perf_counter()
        call()
        one = max(1e-7, time.perf_counter() - t0)
        reps = max(1, round(args.budget / 5 / one))
        # Wall time, and the process's CPU time (what it got of a shared, loaded machine).
        best = best_cpu = float("inf")
        for _ in range(5):
            c0 = time.process_time()
            t0 = time.perf_counter()
            for _ in range(reps):
                call()
            best = min(best, (time.perf_counter() - t0) / reps)
            best_cpu = min(best_cpu, (time.process_time() - c0) / reps)
        flop = 2 * M * N * K
        results.append({"name": s["name"], "seconds": best, "gflops": flop / best / 1e9,
                        "cpuSeconds": best_cpu, "cpuGflops": flop / best_cpu / 1e9})
print(json.dumps({"side": "torch", "threads": args.threads, "results": results}))
