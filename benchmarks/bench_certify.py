"""Benchmark: exact certificates — the solver-free check of each shipped certificate beside the
reference it replaces in the audit (`salign prove`: z3 and cvc5 on the same obligation); and the
audit's prove stage as shipped (certificates and counterexamples re-checked) beside
`salign audit --resolve` (z3 and cvc5 on every claim and edge).

Run: python benchmarks/bench_certify.py [--timeout 30] [--no-solvers] [--audit-stage]
Budgets (issue 22): checking every shipped certificate ≤ 10 s; the audit's prove stage ≤ 15 s
(2 cores).
"""

import argparse
import json
import tempfile
import time
from pathlib import Path

from verify.proofs.certcheck import load_and_check
from verify.proofs.command import certificate_size, shipped_dir

ap = argparse.ArgumentParser()
ap.add_argument("--timeout", type=float, default=30.0)
ap.add_argument("--no-solvers", action="store_true", help="only the certificate check")
ap.add_argument("--audit-stage", action="store_true",
                help="also time the audit's prove stage, shipped evidence vs --resolve")
args = ap.parse_args()
print(f"{'obligation':20s} {'lemmas':>6s} {'products':>8s} {'bytes':>7s} {'check [s]':>9s} "
      f"{'z3+cvc5 wall [s]':>16s}")
tc = ts = 0.0
for path in sorted(shipped_dir().glob("*.cert.json")):
    size = certificate_size(json.loads(path.read_text(encoding="utf-8")))
    t = time.perf_counter()
    oid = load_and_check(path)
    dc = time.perf_counter() - t
    tc += dc
    solve = "—"
    if not args.no_solvers:
        from verify.proofs.driver import decide_edge, prove
        from verify.proofs.registry import split_id

        cid, edge = split_id(oid)
        t = time.perf_counter()
        if edge is None:
            (r,) = prove([cid], args.timeout)
        else:
            with tempfile.TemporaryDirectory() as tmp:
                r = decide_edge(cid, edge, args.timeout, Path(tmp))
        ds = time.perf_counter() - t
        ts += ds
        solve = f"{ds:.2f} ({r['status']})"
    print(f"{oid:20s} {size['lemmas']:6d} {size['products']:8d} {size['bytes']:7d} {dc:9.3f} "
          f"{solve:>16s}", flush=True)
print(f"total: check {tc:.2f} s" + ("" if args.no_solvers else f", solvers {ts:.1f} s"))
if args.audit_stage:
    import verify.report.audit as audit

    audit._progress = lambda *a, **k: None  # quiet
    for resolve in (False, True):
        t = time.perf_counter()
        rows = audit._run_proofs(args.timeout, resolve=resolve)
        dt = time.perf_counter() - t
        counts: dict[str, int] = {}
        for r in rows:
            counts[r["status"]] = counts.get(r["status"], 0) + 1
        print(f"audit prove stage{' --resolve' if resolve else ''}: {dt:.1f} s  {counts}", flush=True)
