"""`salign prove [ids…] [--json] [--smt-dir DIR] [--timeout S]`: decide claims for every d.

Exit codes: 0 done (whatever the verdicts), 2 usage errors (unknown id, bad timeout), 3
inconclusive: the two solvers disagreed or a solver failed on an obligation (printed loudly on
stderr; exit 1 is reserved for `--strict` with a refuted claim), 130 interrupted.
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
                   help="seconds per solver and obligation (default: 30; 30 s gives the same "
                        "verdicts as 60 s, docs/proofs.md)")
    p.add_argument("--list", action="store_true", help="list encoded and not-encoded claims")
    p.add_argument("--witness-dir", metavar="DIR",
                   help="write DIR/ID.witness.json for each refuted claim: its realised counterexample "
                        "and the obligation's SHA-256 (the audit re-checks shipped ones exactly)")
    return p


def run(args: argparse.Namespace) -> int:
    from verify.claims import CLAIMS_BY_ID
    from verify.proofs.driver import DISAGREE, ERROR
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
    from verify.core.atomic import check_writable

    if args.smt_dir is not None:  # an empty path is an error, not "no output"
        check_writable(args.smt_dir, "--smt-dir", kind="dir")  # before any solving
    if args.witness_dir is not None:
        check_writable(args.witness_dir, "--witness-dir", kind="dir")
    from verify.execution.progress import Progress

    results = []
    todo = list(args.ids or ENCODINGS)
    progress = Progress(len(todo), unit="claims")  # done/total, rate, ETA after each claim
    for i, cid in enumerate(todo, 1):
        r = _prove_one(cid, args.timeout, args.smt_dir)
        results.append(r)
        sys.stderr.write(f"  {cid}: {r['status']} ({progress.line(i)})\n")
        sys.stderr.flush()
    if args.witness_dir is not None:
        write_witnesses(results, args.witness_dir)
    bad = [r for r in results if r["status"] in (DISAGREE, ERROR)]
    for r in bad:
        sys.stderr.write(f"salign: inconclusive: {r['claim_id']}: {r['status']}: "
                         f"{r['evidence']}\n")
    if args.json:
        from verify.core.provenance import provenance

        obj = {"provenance": provenance(), "timeout_seconds": args.timeout, "results": results,
               "inputs": {"ids": list(args.ids or ENCODINGS), "timeout": args.timeout,
                          "smt_dir": args.smt_dir},
               "not_encoded": {k: v for k, v in NOT_ENCODED.items() if not args.ids or k in args.ids}}
        sys.stdout.write(json.dumps(obj, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(render(results))
    return 3 if bad else 0  # no verdict could be trusted: inconclusive, as elsewhere


def write_witnesses(results: list[dict[str, Any]], directory: str) -> None:
    """DIR/ID.witness.json (atomically) for each refuted result (verify.proofs.driver.witness_record)."""
    from pathlib import Path

    from verify.core.atomic import write_atomic
    from verify.proofs.driver import witness_record

    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    for r in results:
        rec = witness_record(r)
        if rec is not None:
            write_atomic(out / f"{r['claim_id']}.witness.json",
                         json.dumps(rec, indent=1, sort_keys=True, ensure_ascii=False) + "\n")


def _prove_one(cid: str, timeout: float, smt_dir: str | None) -> dict[str, Any]:
    """prove([cid]) with its obligations written to --smt-dir only once the claim is decided: they
    are staged in a hidden directory inside it and moved in at the end (each file atomically),
    so an interrupted run leaves the complete obligation sets of the claims it finished and no
    partial set (the staging directory is removed)."""
    import os
    import shutil
    import tempfile
    from pathlib import Path

    from verify.proofs.driver import prove

    if not smt_dir:
        return prove([cid], timeout, None)[0]
    final = Path(smt_dir)
    final.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".salign-prove-{cid}-", dir=final))
    try:
        r = prove([cid], timeout, staging)[0]
        for p in sorted(staging.iterdir()):
            os.replace(p, final / p.name)
        for x in [r, *r.get("edges", [])]:
            if x.get("obligation_file"):
                x["obligation_file"] = str(final / Path(x["obligation_file"]).name)
        return r
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def render(results: list[dict[str, Any]]) -> str:
    lines = [f"{'claim':18s} {'status':22s} {'z3 [s]':>10s} {'cvc5 [s]':>10s}  note"]
    for r in results:
        z, c = r["solvers"]["z3"], r["solvers"]["cvc5"]
        note = r["evidence"][:70] if r["status"] != "proved (two solvers)" else ""
        zt, ct = (f"{a['answer']} {a['seconds']:.2f}" for a in (z, c))
        lines.append(f"{r['claim_id']:18s} {r['status']:22s} {zt:>10s} {ct:>10s}  {note}")
        for i, e in enumerate(r.get("edges", []), 1):  # the statement's edges, one obligation each
            ez, ec = (f"{e['solvers'][n]['answer']} {e['solvers'][n]['seconds']:.2f}"
                      for n in ("z3", "cvc5"))
            lines.append(f"{'  edge ' + str(i):18s} {e['status']:22s} {ez:>10s} {ec:>10s}  {e['label']}")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ salign certify
SHIPPED = "certificates"  # verify/proofs/certificates/ID.cert.json, checked by the audit
_SHIPPED_ARG = "<shipped>"  # `--check` without DIR


def cert_name(oid: str) -> str:
    """The file name of an obligation's certificate: ID.cert.json, or ID.edgeN.cert.json for an
    edge ("ID#edgeN"; no '#' in file names, which would break links in the report)."""
    return oid.replace("#", ".") + ".cert.json"


def shipped_dir():
    """The certificates shipped with the package (verify/proofs/certificates)."""
    from pathlib import Path

    return Path(__file__).resolve().parent / SHIPPED


def add_certify_parser(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "certify", help="exact certificates for the proved claims, and their solver-free check",
        description="Search an exact Positivstellensatz certificate for each encoded claim's proof "
        "obligation and write DIR/ID.cert.json; or, with --check DIR, re-check every certificate in "
        "DIR with the project's own checker (no solver, no floating point). docs/proofs.md §6.")
    p.add_argument("ids", nargs="*", help="claim ids, or an edge of one as ID#edgeN (default: every "
                                          "encoded claim and every edge)")
    p.add_argument("--out", metavar="DIR", help="write DIR/ID.cert.json (an edge: DIR/ID.edgeN.cert.json) "
                                                "for each certificate found")
    p.add_argument("--check", metavar="DIR", nargs="?", const=_SHIPPED_ARG,
                   help="check every *.cert.json in DIR (default: the certificates shipped in "
                        "verify/proofs/certificates); exit 2 at the first invalid one")
    p.add_argument("--budget", type=_timeout, default=240.0,
                   help="seconds of search per claim (default: 240)")
    p.add_argument("--json", action="store_true", help="JSON with provenance and results")
    return p


def run_certify(args: argparse.Namespace) -> int:
    from pathlib import Path

    from verify.claims import CLAIMS_BY_ID
    from verify.proofs.registry import ENCODINGS, NOT_ENCODED

    if (args.check is None) == (args.out is None):
        raise UsageError("certify needs exactly one of --out DIR (search) and --check DIR (check)")
    if args.check is not None:
        if args.ids:
            raise UsageError("--check DIR checks every certificate in DIR; give no claim ids")
        return _check_dir(shipped_dir() if args.check == _SHIPPED_ARG else Path(args.check), args.json)
    from verify.proofs.registry import obligation_ids, split_id

    for oid in args.ids:
        cid = oid.partition("#edge")[0]
        if cid not in CLAIMS_BY_ID:
            raise UsageError(f"unknown claim id '{cid}' (see `salign check --list`)")
        if cid not in ENCODINGS:
            raise UsageError(f"claim '{cid}' has no encoding: {NOT_ENCODED.get(cid, 'not first-order')}")
        try:
            split_id(oid)
        except ValueError as exc:
            raise UsageError(f"certify: {exc}") from None
    from verify.core.atomic import check_writable, write_atomic

    check_writable(args.out, "--out", kind="dir")
    from verify.execution.progress import Progress
    from verify.proofs.certificate import certify_claim

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    todo = list(args.ids or obligation_ids())
    progress = Progress(len(todo), unit="obligations")
    results = []
    for i, cid in enumerate(todo, 1):
        r = certify_claim(cid, budget=args.budget)
        row = {"claim_id": cid, "found": r["found"], "seconds": r["seconds"]}
        if r["found"]:
            path = out / cert_name(cid)
            write_atomic(path, json.dumps(r["certificate"], indent=1, sort_keys=True) + "\n")
            row.update(file=str(path), **certificate_size(r["certificate"]))
        else:
            row["reason"] = r["reason"]
        results.append(row)
        sys.stderr.write(f"  {cid}: {'certificate' if r['found'] else 'none'} ({progress.line(i)})\n")
        sys.stderr.flush()
    if args.json:
        from verify.core.provenance import provenance

        sys.stdout.write(json.dumps({"provenance": provenance(), "results": results,
                                     "inputs": {"ids": todo, "out": args.out, "budget": args.budget}},
                                    indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    else:
        for r in results:
            what = (f"certificate: {r['lemmas']} lemmas, {r['products']} products, "
                    f"{r['bytes']} bytes" if r["found"] else f"no certificate: {r['reason']}")
            sys.stdout.write(f"{r['claim_id']:20s} {r['seconds']:8.2f} s  {what}\n")
    return 0


def certificate_size(cert: dict[str, Any]) -> dict[str, int]:
    """Lemma and product counts and the JSON size of a certificate."""
    systems = cert.get("systems", [])
    lem = sum(len(s["lemmas"]) for s in systems)
    prods = sum(len(s["identity"]["products"]) + sum(len(lm["proof"]["products"]) for lm in s["lemmas"])
                for s in systems)
    return {"lemmas": lem, "products": prods,
            "bytes": len(json.dumps(cert, indent=1, sort_keys=True)) + 1}


def check_certificates(directory) -> list[dict[str, Any]]:
    """Check every DIR/*.cert.json (sorted): one row per file with claim_id, valid, reason, seconds."""
    import time

    from verify.proofs.certcheck import InvalidCertificate, load_and_check

    rows = []
    for path in sorted(directory.glob("*.cert.json")):
        t0 = time.perf_counter()
        try:
            cid = load_and_check(path)
            rows.append({"file": path.name, "claim_id": cid, "valid": True, "reason": "",
                         "seconds": round(time.perf_counter() - t0, 3)})
        except InvalidCertificate as exc:
            rows.append({"file": path.name, "claim_id": path.name.removesuffix(".cert.json"),
                         "valid": False, "reason": str(exc),
                         "seconds": round(time.perf_counter() - t0, 3)})
    return rows


def _check_dir(directory, as_json: bool) -> int:
    if not directory.is_dir():
        raise UsageError(f"--check: not a directory: {directory}")
    rows = check_certificates(directory)
    if not rows:
        raise UsageError(f"--check: no *.cert.json in {directory}")
    if as_json:
        from verify.core.provenance import provenance

        sys.stdout.write(json.dumps({"provenance": provenance(), "results": rows}, indent=1,
                                    sort_keys=True, ensure_ascii=False) + "\n")
    else:
        for r in rows:
            sys.stdout.write(f"{r['claim_id']:20s} {'valid' if r['valid'] else 'INVALID'} "
                             f"({r['seconds']:.3f} s)\n")
    bad = next((r for r in rows if not r["valid"]), None)
    if bad is not None:
        sys.stderr.write(f"salign: error: invalid certificate {bad['file']}: {bad['reason']}\n")
        return 2
    return 0
