"""Benchmark: eigenbasis engine vs the published dense code path; grouped sampler per step.

Run: python benchmarks/bench_engines.py [steps] [dense_runs]
     (full §7 sweep: steps = 30000; dense_runs = 63 times every run, fewer extrapolate)
"""

import sys
import time

import numpy as np

from verify.core.families import paper_spectrum
from verify.simulation.engines import grouped_sgd, simulate_dense_published
from verify.simulation.reproduce import PAPER_M, PAPER_SEEDS, run_sweep

steps = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
dense_runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
t = time.perf_counter()
run_sweep(steps=steps, window=min(10000, steps // 3))
fast = time.perf_counter() - t
total_runs = len(PAPER_M) * len(PAPER_SEEDS)
t = time.perf_counter()
for i in range(dense_runs):
    m = PAPER_M[i % len(PAPER_M)]
    lam = np.array([float(x) for x in paper_spectrum(m)])
    simulate_dense_published(lam, 50, 0.5, 0.003, steps, PAPER_SEEDS[i % len(PAPER_SEEDS)])
dense_measured = time.perf_counter() - t
dense = dense_measured / dense_runs * total_runs
how = "measured" if dense_runs >= total_runs else f"extrapolated from {dense_runs} runs"
print(f"{len(PAPER_M)} gaps x {len(PAPER_SEEDS)} seeds x {steps} steps, d=500: eigenbasis "
      f"{fast:.1f} s; dense published path {dense:.1f} s ({how}); speed-up {dense / fast:.1f}x")
for d in (10**3, 10**5, 10**7, 10**9):
    sizes = np.array([d // 10, d - d // 10])
    t = time.perf_counter()
    grouped_sgd(np.array([4.0, 1.0]), sizes, 1, np.array([1.0, 1.0]),
                np.tile(sizes * 1.0, (7, 1)), 0.01, 2000, 0)
    print(f"grouped sampler d={d:.0e}, 7 paths: {(time.perf_counter() - t) / 2000 * 1e6:.1f} µs/step")
