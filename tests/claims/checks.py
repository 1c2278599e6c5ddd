"""Shared assertions for the per-section claim tests (tests/claims/test_secN.py).

Each section's test module declares, for every claim of its section, the verdict the toolkit
must reach (EXPECTED) and calls these helpers; the claim itself lives in verify/claims/secN.py.
"""

from __future__ import annotations

import dataclasses
import json
from fractions import Fraction

import numpy as np
from hypothesis import note, target

from verify import claims as claims_pkg
from verify.claims.search import _etas, run_claim
from verify.cli import main
from verify.core.cases import loads_case
from verify.core.results import REFUTED
from verify.core.signs import certified_sign


def assert_verdict(claim_id: str, expected: str | set[str]) -> None:
    """`salign check` (quick profile) reaches the expected verdict."""
    r = run_claim(claim_id, "quick", 0)
    allowed = {expected} if isinstance(expected, str) else expected
    assert r.status in allowed, (claim_id, r.status, r.evidence)


def with_margin(monkeypatch, claim_id: str, margin) -> None:
    """Replace a claim's margin for one test (the registry entry is swapped, not mutated)."""
    claim = claims_pkg.CLAIMS_BY_ID[claim_id]
    monkeypatch.setitem(claims_pkg.CLAIMS_BY_ID, claim_id, dataclasses.replace(claim, margin=margin))


def assert_reversed_is_refuted(monkeypatch, claim_id: str) -> None:
    """Negative control: the same search refutes the claim with its inequality reversed."""
    orig = claims_pkg.CLAIMS_BY_ID[claim_id].margin

    def reversed_margin(case):
        v = orig(case)
        return None if v is None else -v

    with_margin(monkeypatch, claim_id, reversed_margin)
    assert run_claim(claim_id, "quick", 0).status == REFUTED


def assert_counterexample_rechecks(claim_id: str, tmp_path, capsys) -> tuple[dict, dict]:
    """Round-trip the counterexample through its JSON case file, re-evaluate the claim's margin
    from scratch (exact or certified balls) — it must violate the claim STRICTLY (negative, or
    zero only for a strict claim) — and run `salign eval` on it. Returns (eval's JSON, the case)."""
    claim = claims_pkg.CLAIMS_BY_ID[claim_id]
    r = run_claim(claim_id, "quick", 0)
    assert r.status == REFUTED and r.counterexample is not None
    case = loads_case(json.dumps(r.counterexample))
    sign, _, _ = certified_sign(lambda: claim.margin(case))
    # strictly violated: negative, or zero only where equality is what a strict inequality excludes
    # (never for an equivalence, whose zero margin is a boundary point)
    assert sign is not None and claim.violated_by(sign), (claim_id, sign)
    p = tmp_path / f"{claim_id}.json"
    p.write_text(json.dumps(r.counterexample))
    assert main(["eval", "--case", str(p), "--json", "--dps", "60", "--claim", claim_id]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["claim"]["verdict"] == "violated", out["claim"]
    return out, r.counterexample


def assert_margin_property(claim_id: str, case, seed: int) -> None:
    """Hypothesis property body: at every step size of the claim's η rule, the margin is > 0
    (≥ 0 for non-strict claims) with certified sign; the search is steered to small margins."""
    claim = claims_pkg.CLAIMS_BY_ID[claim_id]
    smallest = None
    for eta in _etas(claim, case, np.random.default_rng(seed)):
        c = case.with_eta(eta) if eta is not None else case
        try:
            sign, val, _ = certified_sign(lambda c=c: claim.margin(c))
        except ZeroDivisionError:
            continue
        if val is None or sign is None:
            continue
        fval = float(val) if isinstance(val, Fraction) else float(val.mid())
        smallest = fval if smallest is None else min(smallest, fval)
        note(c.to_json())
        assert sign > 0 or (not claim.strict and sign == 0), (claim_id, fval)
    if smallest is not None:
        target(-smallest, label=claim_id)
