"""Planted errors against the simulation suite: how soon does `pytest -m simulation` fail?

Run: python benchmarks/bench_planted.py [--limit 300] [plant ...]

For each plant of tests/simulation/plants.py (default: all), runs

    HYPOTHESIS_PROFILE=ci SALIGN_PLANT=<plant> python -m pytest -m simulation -x -q \
        -p tests.simulation.plants tests/simulation

in a fresh process and prints the exit code, the wall time to the first failure and the failing
test. Budget (issue 19): every plant fails within 5 minutes (`--limit`, seconds) on 2 cores.
A run with no plant (`none`) is the control: it must pass. The wall time depends on the
machine's load; the load average is printed.
"""

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.simulation.plants import PLANTS  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("plants", nargs="*")
ap.add_argument("--limit", type=float, default=300.0, help="seconds allowed per plant")
args = ap.parse_args()
names = args.plants or [*PLANTS, "none"]
print(f"load average: {os.getloadavg()[0]:.2f}; limit {args.limit:.0f} s per plant", flush=True)
print(f"{'plant':18s} {'rc':>3s} {'wall [s]':>9s}  first failure")
worst = 0.0
ok = True
for name in names:
    env = dict(os.environ, HYPOTHESIS_PROFILE="ci")
    if name != "none":
        env["SALIGN_PLANT"] = name
    else:
        env.pop("SALIGN_PLANT", None)
    t = time.perf_counter()
    try:
        p = subprocess.run([sys.executable, "-m", "pytest", "-m", "simulation", "-x", "-q",
                            "-p", "tests.simulation.plants", "-p", "no:cacheprovider",
                            "tests/simulation"], cwd=ROOT, env=env, capture_output=True,
                           text=True, timeout=args.limit)
        rc, out = p.returncode, p.stdout
    except subprocess.TimeoutExpired:
        rc, out = None, ""
    wall = time.perf_counter() - t
    failed = re.search(r"^FAILED (\S+)", out, re.M)
    first = failed.group(1) if failed else ("(passed)" if rc == 0 else "(no failure within limit)")
    caught = rc == 1 if name != "none" else rc == 0
    ok &= caught
    if name != "none":
        worst = max(worst, wall)
    print(f"{name:18s} {'—' if rc is None else rc:>3} {wall:9.1f}  {first}", flush=True)
print(f"slowest failure: {worst:.1f} s; all as expected: {ok}")
sys.exit(0 if ok else 1)
