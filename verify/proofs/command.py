"""`salign prove [ids…] [--json] [--smt-dir DIR] [--timeout S]`: decide claims for every d.

Exit codes: 0 done (whatever the verdicts), 1 the two solvers disagreed or a solver failed on
an obligation (printed loudly on stderr), 2 usage errors (unknown id, bad timeout).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from verify.core.errors import UsageError

MAX_TIMEOUT = 3600.0


def _timeout(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 < v <= MAX_TIMEOUT:  # also rejects NaN
        raise argparse.ArgumentTypeError(f"must lie in (0, {MAX_TIMEOUT:g}] seconds, got {text!r}")
    return v


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser("prove", help="decide claims for all d (moment reduction + z3 and cvc5)")
    p.add_argument("ids", nargs="*", help="claim ids (default: every encoded claim)")
    p.add_argument("--json", action="store_true", help="JSON with provenance and results")
    p.add_argument("--smt-dir", help="write the SMT-LIB2 obligations here (ID.smt2)")
    p.add_argument("--timeout", type=_timeout, default=30.0,
                   help="seconds per solver and obligation (30 s gives the same verdicts as 60 s; "
                        "docs/proofs.md)")
    p.add_argument("--list", action="store_true", help="list encoded and not-encoded claims")
    return p


def run(args: argparse.Namespace) -> int:
    from verify.claims import CLAIMS_BY_ID
    from verify.proofs.driver import DISAGREE, ERROR, prove
    from verify.proofs.registry import ENCODINGS, NOT_ENCODED

    if args.list:
        for cid in ENCODINGS:
            sys.stdout.write(f"{cid:18s} encoded\n")
        for cid, why in NOT_ENCODED.items():
            sys.stdout.write(f"{cid:18s} not encoded: {why}\n")
        return 0
    for cid in args.ids:
        if cid not in CLAIMS_BY_ID:
            raise UsageError(f"unknown claim id '{cid}' (see `salign check --list`)")
        if cid not in ENCODINGS:
            raise UsageError(f"claim '{cid}' has no encoding: {NOT_ENCODED.get(cid, 'not first-order')}")
    if args.smt_dir:
        from pathlib import Path

        d = Path(args.smt_dir)
        if d.exists() and not d.is_dir():
            raise UsageError(f"--smt-dir {args.smt_dir} exists and is not a directory")
    results = []
    for cid in args.ids or list(ENCODINGS):
        r = prove([cid], args.timeout, args.smt_dir)[0]
        results.append(r)
        if not args.json:
            sys.stderr.write(f"  {cid}: {r['status']}\n")
    bad = [r for r in results if r["status"] in (DISAGREE, ERROR)]
    for r in bad:
        sys.stderr.write(f"salign: error: {r['claim_id']}: {r['status']}: {r['evidence']}\n")
    if args.json:
        from verify.core.provenance import provenance

        obj = {"provenance": provenance(), "timeout_seconds": args.timeout, "results": results,
               "not_encoded": {k: v for k, v in NOT_ENCODED.items() if not args.ids or k in args.ids}}
        sys.stdout.write(json.dumps(obj, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(render(results))
    return 1 if bad else 0


def render(results: list[dict[str, Any]]) -> str:
    lines = [f"{'claim':18s} {'status':22s} {'z3 [s]':>10s} {'cvc5 [s]':>10s}  note"]
    for r in results:
        z, c = r["solvers"]["z3"], r["solvers"]["cvc5"]
        note = r["evidence"][:70] if r["status"] != "proved (all d)" else ""
        zt, ct = (f"{a['answer']} {a['seconds']:.2f}" for a in (z, c))
        lines.append(f"{r['claim_id']:18s} {r['status']:22s} {zt:>10s} {ct:>10s}  {note}")
    return "\n".join(lines) + "\n"
