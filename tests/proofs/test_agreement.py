"""One formula, two uses: the encoded statement (hypotheses ∧ definitions ∧ ¬claim, evaluated at a
state's exact aggregates) says "violated" exactly when the claim's margin function does."""

from __future__ import annotations

from fractions import Fraction as F

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from verify.claims import CLAIMS_BY_ID, MARGINS
from verify.core.cases import make_case
from verify.core.families import random_case
from verify.core.signs import certified_sign
from verify.core.theory import blocks, lemma22_pq
from verify.proofs.driver import encoded_violation
from verify.proofs.model import aggregates
from verify.proofs.registry import ENCODINGS, build

IDS = [i for i in ENCODINGS if i != "thm4"]  # thm4 (printed) has no margin function


def _etas(case):
    b = blocks(case)
    p, q = lemma22_pq(b)
    out = [F(1, 10), F(1), F(3)]
    if p != 0 and -q / p > 0:
        out += [-q / p / 2, -q / p * 2]
    for num, den in ((2 * b.sD, b.tauD + b.nD), (2 * b.sB, b.tauB + b.nB)):
        if den > 0 and num > 0:
            out += [num / den * F(9, 10), num / den * F(11, 10)]
    return out


def _margin_says_violated(cid, case, strict):
    sign, _, _ = certified_sign(lambda: MARGINS[cid](case))
    if sign is None:
        return False  # outside the hypotheses (or undefined): not a violation
    return sign < 0 or (strict and sign == 0)


def _agree(cid, case):
    claim = CLAIMS_BY_ID[cid]
    o = build(cid)
    etas = _etas(case) if claim.needs_eta else [None]
    for eta in etas:
        c = case.with_eta(eta)
        vals = aggregates(c).as_dict()
        got = encoded_violation(o, vals)
        assert got is not None, (cid, c.to_json_obj())
        want = _margin_says_violated(cid, c, o.strict)
        assert got == want, (cid, c.to_json_obj(), got, want)


@pytest.mark.parametrize("cid", IDS)
@settings(max_examples=6)
@given(seed=st.integers(0, 2**32 - 1))
def test_encoding_agrees_with_margin(cid, seed):
    rng = np.random.default_rng(seed)
    case = random_case(rng, max_d=6, allow_singular=True)
    if not case.noise_is_diagonal:  # margins with s_min/s_max are undefined there; encodings not
        case = make_case(case.eigenvalues, case.k, case.state, kappa2=case.kappa2)
    _agree(cid, case)


@pytest.mark.parametrize("cid", ["cor9", "thm8-main", "lem23", "intro-box", "thm13-lower", "thm7"])
def test_encoding_agrees_on_known_counterexamples(cid):
    """The registry's own false claims: states found by the search violate them, and the
    encoding must say so at those states too."""
    from verify.claims.search import run_claim

    res = run_claim(cid, "ci", 0)
    assert res.counterexample is not None
    from verify.core.cases import parse_case

    _agree(cid, parse_case(res.counterexample))


def test_agreement_negative_control():
    """A deliberately wrong encoding (the negated inequality flipped) disagrees with the margin."""
    o = build("lem22-bound")
    label, rel = o.negation[0]
    o.negation[0] = (label, sp.Gt(rel.lhs, rel.rhs))
    case = make_case([4, 2, 1], 1, [1, 1, 1], sigma=1)
    assert encoded_violation(o, aggregates(case).as_dict()) is True
    assert not _margin_says_violated("lem22-bound", case, False)
