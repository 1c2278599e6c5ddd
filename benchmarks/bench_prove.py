"""Benchmark: `salign prove` — per-claim z3 and cvc5 times and the verdicts, plus the total.

Run: python benchmarks/bench_prove.py [--timeout 60] [ids ...]
Budget (issue 11): each obligation ≤ 60 s per solver, the whole run ≤ 5 min on 2 cores
(z3 and cvc5 run side by side on one obligation at a time).
"""

import argparse
import time

from verify.proofs.driver import prove
from verify.proofs.registry import ENCODINGS

ap = argparse.ArgumentParser()
ap.add_argument("ids", nargs="*")
ap.add_argument("--timeout", type=float, default=60.0)
args = ap.parse_args()
t0 = time.perf_counter()
print(f"{'claim':18s} {'status':22s} {'z3':>16s} {'cvc5':>16s} {'wall [s]':>9s}")
for cid in args.ids or list(ENCODINGS):
    t = time.perf_counter()
    (r,) = prove([cid], args.timeout)
    z, c = r["solvers"]["z3"], r["solvers"]["cvc5"]
    print(f"{cid:18s} {r['status']:22s} {z['answer']:>8s} {z['seconds']:7.2f} {c['answer']:>8s} "
          f"{c['seconds']:7.2f} {time.perf_counter() - t:9.2f}", flush=True)
print(f"total: {time.perf_counter() - t0:.1f} s")
