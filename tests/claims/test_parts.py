"""The parts of a printed statement outside its encoding (Claim.parts): bounds that are attained
exactly (Claim.attained: sharpness) and named boundary cases, each re-checked exactly."""

from __future__ import annotations

from fractions import Fraction

import pytest

from verify.claims import CLAIMS, CLAIMS_BY_ID
from verify.claims.common import sign_minus_one_minus_theta_star
from verify.claims.sec4 import eta_star, g_gap, thm6_boundary_states
from verify.core import thresholds as T

ATTAINED = [(c.id, i) for c in CLAIMS if c.attained for i in range(len(c.attained()))]


@pytest.mark.parametrize("cid, i", ATTAINED)
def test_attained_states_put_the_margin_exactly_at_zero(cid, i):
    claim = CLAIMS_BY_ID[cid]
    m = claim.margin(claim.attained()[i])
    assert isinstance(m, Fraction) and m == 0


def test_thm8_corrected_is_sharp_and_its_lower_part_holds_at_the_attaining_states():
    for case in CLAIMS_BY_ID["thm8-corrected"].attained():
        lam = case.eigenvalues
        assert eta_star(case) == T.eta_star_upper_corrected(lam[case.k - 1], lam[-1]) > 0


def test_a_perturbed_attaining_state_no_longer_attains():
    """Negative control: off the hypothesis's equality the bound is not attained (margin > 0)."""
    from verify.core.cases import make_case

    case = make_case([2, 1], 1, [1, 1], kappa2=[1, Fraction(9, 10)])  # s^B e_D > s^D e_B
    assert CLAIMS_BY_ID["thm8-corrected"].margin(case) > 0


def test_thm6_printed_statement_holds_only_with_equality_at_x_zero():
    """(The states are built inside the test, so that the mutation runner's coverage sees them.)"""
    from verify.core.theory import blocks

    states = thm6_boundary_states()
    assert len(states) == 2
    for case in states:
        gg = g_gap(case)
        assert blocks(case).s == 0
        assert sign_minus_one_minus_theta_star(case, 1 - gg) == 0  # 1 − θ* = 1 − g_gap exactly
        assert CLAIMS_BY_ID["thm6"].margin(case) is None  # outside the toolkit's s_t > 0


def test_every_claim_with_parts_names_how_each_is_shown():
    for c in CLAIMS:
        for part, how in c.parts:
            assert part.strip() and how.strip(), c.id


def test_lem23_states_assumption_one_trace_positive():
    """A witness must satisfy every hypothesis the claim states: lem23's Assumption 1 (Tr Σ > 0)
    excludes κ² ≡ 0 (the margin is undefined there), while κ² = (1, 0, 0, 0) — noise in D only —
    is inside it and violates γ_t < 0's companion h(1) = n^loss_B > 0 (margin 0, strict claim)."""
    from verify.core.cases import make_case

    zero = make_case([4, 3, 2, 1], 2, [0, -1, -1, 0], kappa2=[0, 0, 0, 0])
    one = make_case([4, 3, 2, 1], 2, [0, -1, -1, 0], kappa2=[1, 0, 0, 0])
    claim = CLAIMS_BY_ID["lem23"]
    assert claim.margin(zero) is None
    m = claim.margin(one)
    assert m == 0 and claim.violated_by(0)
