"""`salign conjecture`: decide a reviewer's statement in the paper's quantities.

    salign conjecture --hyp "theta >= e_B/(e_B + e_D)" --claim "eta_star <= 3*(lambda_1 - lambda_d)/(…)"
    salign conjecture --file statement.toml        # hyp = ["…"], claim = "…"

Exit codes: 0 decided (whatever the verdict), 1 with --strict and refuted, 2 bad input (one line),
3 inconclusive (solver disagreement or undecided signs), 130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from verify.core.errors import UsageError

MAX_FILE = 20_000


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "conjecture", help="decide your own statement (search, exact margins, both solvers)",
        description="Decide a statement written in salign eval's quantity names: the claim search "
        "of `salign check` (exact margins, certified signs, a strict witness when it fails) and, "
        "when every name has an encoding over the moment aggregates, z3 and cvc5 for every d.")
    p.add_argument("--hyp", action="append", default=[], metavar="REL",
                   help="a hypothesis (relations joined by 'and'); repeatable")
    p.add_argument("--claim", metavar="STATEMENT",
                   help="the claim: 'REL', 'REL => REL' or 'REL <=> REL' (also ⇒, ⇔, ≤, ≥)")
    p.add_argument("--file", metavar="TOML", help="a TOML file with hyp = [...] and claim = '...'")
    p.add_argument("--profile", choices=("quick", "ci", "thorough"), default="ci",
                   help="search budget (as salign check; default: ci)")
    p.add_argument("--seed", type=int, default=0, help="seed of the search (default: 0)")
    p.add_argument("--timeout", type=float, default=30.0,
                   help="seconds per solver (default: 30)")
    p.add_argument("--no-prove", action="store_true", help="search only, no solvers")
    p.add_argument("--json", action="store_true", help="JSON result with inputs and provenance")
    p.add_argument("--strict", action="store_true", help="exit 1 if the statement is refuted")
    p.add_argument("--cases-dir", metavar="DIR",
                   help="write the witness as a case file DIR/conjecture.json (re-check it with "
                        "`salign eval --case DIR/conjecture.json`)")
    return p


def read_file(path: str) -> tuple[list[str], str]:
    """(hypotheses, claim) from a TOML file."""
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(raw) > MAX_FILE:
        raise UsageError(f"{path}: file too large (at most {MAX_FILE} bytes)")
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"{path}: not a TOML file ({exc})") from None
    unknown = set(data) - {"hyp", "claim", "name"}
    if unknown:
        raise UsageError(f"{path}: unknown keys {sorted(unknown)} (expected hyp, claim, name)")
    hyp, claim = data.get("hyp", []), data.get("claim")
    if isinstance(hyp, str):
        hyp = [hyp]
    if not isinstance(hyp, list) or not all(isinstance(h, str) for h in hyp):
        raise UsageError(f"{path}: hyp must be a string or a list of strings")
    if not isinstance(claim, str):
        raise UsageError(f"{path}: claim must be a string")
    return hyp, claim


def run(args: argparse.Namespace) -> int:
    from verify.conjecture.decide import decide_statement
    from verify.conjecture.language import parse_statement
    from verify.core import results as R

    if args.file and (args.claim or args.hyp):
        raise UsageError("give the statement either with --file or with --hyp/--claim, not both")
    if args.file:
        hyps, claim = read_file(args.file)
    elif args.claim is None:
        raise UsageError("no statement: give --claim (and --hyp) or --file")
    else:
        hyps, claim = args.hyp, args.claim
    if not 0 < args.timeout <= 3600:  # also refuses NaN (every comparison with it is false)
        raise UsageError(f"--timeout must lie in (0, 3600] seconds, got {args.timeout}")
    st = parse_statement(hyps, claim)
    if args.cases_dir is not None:
        from verify.core.atomic import check_writable

        check_writable(Path(args.cases_dir), "--cases-dir", kind="dir")
    res = decide_statement(st, args.profile, args.seed, args.timeout, prove=not args.no_prove)
    if args.cases_dir is not None and res["counterexample"] is not None:
        from verify.core.atomic import write_atomic

        target = Path(args.cases_dir) / "conjecture.json"
        write_atomic(target, json.dumps(res["counterexample"], sort_keys=True, indent=1) + "\n")
        res["witness_file"] = str(target)
    if args.json:
        from verify.core.provenance import provenance

        sys.stdout.write(json.dumps({"schema_version": 1, "inputs": {
            "hyp": hyps, "claim": claim, "profile": args.profile, "seed": args.seed,
            "timeout": args.timeout, "prove": not args.no_prove}, "result": res,
            "provenance": provenance()}, sort_keys=True, indent=1, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(render(res))
    if res["status"] == R.INCONCLUSIVE:
        return 3
    return 1 if args.strict and res["status"] == R.REFUTED else 0


def render(res: dict[str, Any]) -> str:
    lines = [f"statement: {res['statement']}", f"verdict:   {res['status']}",
             f"evidence:  {res['evidence']}"]
    if res.get("proof"):
        pr = res["proof"]
        lines.append(f"solvers:   {pr['status']}" + (f" ({pr.get('why')})" if pr.get("why") else ""))
    if res["counterexample"] is not None:
        lines.append("witness:   " + json.dumps(res["counterexample"], sort_keys=True))
        if res.get("failing"):
            lines.append("at the witness: " + ", ".join(f"{k} = {v}" for k, v in res["failing"].items()))
        if res.get("witness_file"):
            lines.append(f"witness written to {res['witness_file']} (re-check: salign eval --case "
                         f"{res['witness_file']})")
    return "\n".join(lines) + "\n"
