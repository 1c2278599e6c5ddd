"""Benchmark: eigenbasis engine vs the published dense code path; grouped sampler per step.

Run: python benchmarks/bench_engines.py [steps]   (full §7 sweep: steps = 30000)
"""

import sys
import time

import numpy as np

from verify.engines import grouped_sgd, simulate_dense_published
from verify.families import paper_spectrum
from verify.reproduce import PAPER_M, PAPER_SEEDS, run_sweep

steps = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
t = time.perf_counter()
run_sweep(steps=steps, window=min(10000, steps // 3))
fast = time.perf_counter() - t
lam = np.array([float(x) for x in paper_spectrum(50)])
t = time.perf_counter()
simulate_dense_published(lam, 50, 0.5, 0.003, steps, 42)
one = time.perf_counter() - t
dense = one * len(PAPER_M) * len(PAPER_SEEDS)
print(f"9 gaps x 7 seeds x {steps} steps, d=500: eigenbasis {fast:.1f} s; dense published path "
      f"{dense:.1f} s (one run {one:.2f} s x 63); speed-up {dense / fast:.1f}x")
for d in (10**3, 10**6, 10**9):
    sizes = np.array([d // 10, d - d // 10])
    t = time.perf_counter()
    grouped_sgd(np.array([4.0, 1.0]), sizes, 1, np.array([1.0, 1.0]),
                np.tile(sizes * 1.0, (7, 1)), 0.01, 2000, 0)
    print(f"grouped sampler d={d:.0e}: {(time.perf_counter() - t) / 2000 * 1e6:.1f} µs/step")
