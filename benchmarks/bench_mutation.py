"""Benchmark: cost of mutation testing — enumeration, the traced baseline of the kill suite,
and the wall time per mutant (fork + apply + covering tests, 2 at a time) on a fixed sample.

Run: OPENBLAS_NUM_THREADS=1 python benchmarks/bench_mutation.py [n_mutants]
"""

import os
import sys
import time
from pathlib import Path

os.environ["HYPOTHESIS_PROFILE"] = "mutation"
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from verify.selftest import mutation as M  # noqa: E402
from verify.selftest.runner import _sample  # noqa: E402

n = int(sys.argv[1]) if len(sys.argv) > 1 else 20
cfg = M.load_config()
t = time.perf_counter()
items = M.enumerate_mutants(cfg["modules"], set(cfg["exclude"]))
print(f"enumerate: {len(items)} mutants in {time.perf_counter() - t:.2f} s")
base = M.run_baseline(cfg["kill_suite"], cfg["modules"])
print(f"baseline (traced): {len(base.covered)} tests in {base.wall:.1f} s")
sample = _sample(items, n)
t = time.perf_counter()
out = M.run_mutants(sample, base, jobs=2, last=tuple(cfg["change_detectors"]))
wall = time.perf_counter() - t
print(f"{len(sample)} mutants in {wall:.1f} s = {wall / len(sample):.2f} s per mutant (2 jobs); "
      f"outcomes: {sorted(o.status for o in out)}")
