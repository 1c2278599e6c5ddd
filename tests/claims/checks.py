"""Shared assertions for the per-section claim tests (tests/claims/test_secN.py).

Each section's test module declares, for every claim of its section, the verdict the toolkit
must reach (EXPECTED) and calls these helpers; the claim itself lives in verify/claims/secN.py.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
from collections import Counter
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


#: Floors of the Hypothesis margin properties (assert_margin_property under decision_floors).
#: An *example* is decided when at least one of its step sizes reaches the sign assertion; an
#: *evaluation* (one step size of one example) is discarded when the margin divides by zero, the
#: state does not meet the claim's hypotheses (margin None) or no precision of the ladder
#: certifies the sign; an example whose η rule gives no step size is discarded whole.
#: Every run must decide at least one example (the explicit examples HIGH_ALIGNMENT and
#: LOW_ALIGNMENT meet the hypotheses of every true margin claim between them). A run of at least
#: FLOOR_MIN_EXAMPLES examples (the ci and thorough profiles; dev and mutation run 30 and 12) must
#: decide at least MIN_DECIDED_EXAMPLES of its examples and MIN_DECIDED_EVALUATIONS of its
#: evaluations (the latter bounds partial discards). The ci profile's lowest shares today:
#: thm4-corrected 33/63 examples (52 %), 99/227 evaluations (44 %).
FLOOR_MIN_EXAMPLES = 50
MIN_DECIDED_EXAMPLES = 0.40
MIN_DECIDED_EVALUATIONS = 0.33


@dataclasses.dataclass
class Tally:
    """What one property run decided: examples run / decided, evaluations run / decided, and
    the discarded evaluations by reason."""
    claim_id: str
    examples: int = 0
    decided_examples: int = 0
    evaluations: int = 0
    decided_evaluations: int = 0
    discarded: Counter = dataclasses.field(default_factory=Counter)

    def summary(self) -> str:
        ex = self.decided_examples / self.examples if self.examples else 0.0
        ev = self.decided_evaluations / self.evaluations if self.evaluations else 0.0
        return (f"{self.claim_id}: decided {self.decided_examples}/{self.examples} examples "
                f"({ex:.0%}), {self.decided_evaluations}/{self.evaluations} evaluations ({ev:.0%}); "
                f"discarded {dict(self.discarded)}")


_TALLIES: dict[str, Tally] = {}


@contextlib.contextmanager
def decision_floors(claim_id: str):
    """Run a margin property (the body of the `with`), then fail unless it decided at least one
    example and, in a run of at least FLOOR_MIN_EXAMPLES examples, at least MIN_DECIDED_EXAMPLES
    of its examples and MIN_DECIDED_EVALUATIONS of its evaluations; the message gives the shares
    and the discards by reason."""
    tally = _TALLIES[claim_id] = Tally(claim_id)
    try:
        yield tally
    finally:
        del _TALLIES[claim_id]
    print(tally.summary())
    assert tally.decided_examples >= 1, f"no example decided: {tally.summary()}"
    if tally.examples < FLOOR_MIN_EXAMPLES:
        return
    assert tally.decided_examples >= MIN_DECIDED_EXAMPLES * tally.examples, (
        f"decided share of examples below the floor {MIN_DECIDED_EXAMPLES:.0%}: {tally.summary()}")
    assert tally.decided_evaluations >= MIN_DECIDED_EVALUATIONS * tally.evaluations, (
        f"decided share of evaluations below the floor {MIN_DECIDED_EVALUATIONS:.0%}: "
        f"{tally.summary()}")


def assert_margin_property(claim_id: str, case, seed: int) -> None:
    """Hypothesis property body: at every step size of the claim's η rule, the margin is > 0
    (≥ 0 for non-strict claims) with certified sign; the search is steered to small margins.
    Discarded evaluations (see MIN_DECIDED_EXAMPLES) are counted in the tally of the enclosing
    decision_floors, which fails the property when too few were decided."""
    claim = claims_pkg.CLAIMS_BY_ID[claim_id]
    tally = _TALLIES.get(claim_id) or Tally(claim_id)
    tally.examples += 1
    smallest = None
    etas = _etas(claim, case, np.random.default_rng(seed))
    if not etas:
        tally.discarded["no step size"] += 1
    for eta in etas:
        c = case.with_eta(eta) if eta is not None else case
        tally.evaluations += 1
        try:
            sign, val, _ = certified_sign(lambda c=c: claim.margin(c))
        except ZeroDivisionError:
            tally.discarded["division by zero"] += 1
            continue
        if val is None or sign is None:
            tally.discarded["hypotheses not met" if val is None else "sign uncertified"] += 1
            continue
        fval = float(val) if isinstance(val, Fraction) else float(val.mid())
        smallest = fval if smallest is None else min(smallest, fval)
        note(c.to_json())
        assert sign > 0 or (not claim.strict and sign == 0), (claim_id, fval)
        tally.decided_evaluations += 1
    if smallest is not None:
        tally.decided_examples += 1
        target(-smallest, label=claim_id)
