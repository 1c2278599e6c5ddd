"""Benchmark: exact certificates — the solver-free check of each shipped certificate beside the
reference it replaces in the audit (`salign prove`: z3 and cvc5 on the same obligation).

Run: python benchmarks/bench_certify.py [--timeout 30] [--no-solvers]
Budget (issue 22): checking every shipped certificate ≤ 10 s on 2 cores.
"""

import argparse
import json
import time

from verify.proofs.certcheck import load_and_check
from verify.proofs.command import certificate_size, shipped_dir

ap = argparse.ArgumentParser()
ap.add_argument("--timeout", type=float, default=30.0)
ap.add_argument("--no-solvers", action="store_true", help="only the certificate check")
args = ap.parse_args()
print(f"{'claim':18s} {'lemmas':>6s} {'products':>8s} {'bytes':>7s} {'check [s]':>9s} "
      f"{'z3+cvc5 wall [s]':>16s}")
tc = ts = 0.0
for path in sorted(shipped_dir().glob("*.cert.json")):
    size = certificate_size(json.loads(path.read_text(encoding="utf-8")))
    t = time.perf_counter()
    cid = load_and_check(path)
    dc = time.perf_counter() - t
    tc += dc
    solve = "—"
    if not args.no_solvers:
        from verify.proofs.driver import prove

        t = time.perf_counter()
        (r,) = prove([cid], args.timeout)
        ds = time.perf_counter() - t
        ts += ds
        solve = f"{ds:.2f} ({r['status']})"
    print(f"{cid:18s} {size['lemmas']:6d} {size['products']:8d} {size['bytes']:7d} {dc:9.3f} "
          f"{solve:>16s}", flush=True)
print(f"total: check {tc:.2f} s" + ("" if args.no_solvers else f", solvers {ts:.1f} s"))
