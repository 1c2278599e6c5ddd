"""Tests mirroring verify/claims/sec5.py: the verdict of every claim of the section, a negative
control per checker, the counterexamples' strict re-check, and one Hypothesis property per true
margin claim."""

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.claims.checks import (
    assert_counterexample_rechecks,
    assert_margin_property,
    assert_reversed_is_refuted,
    assert_verdict,
)
from tests.strategies import PAPER_SMALL, cases
from verify.claims import CLAIMS_BY_ID, sec5
from verify.core.results import CHECKED_NUMERICALLY as CHECKED
from verify.core.results import REFUTED
from verify.core.results import VERIFIED_SYMBOLICALLY as SYMBOLIC

EXPECTED = {
    "thm10": CHECKED,
    "thm10-exact": SYMBOLIC,
    "intro-box": REFUTED,
    "lem23": REFUTED,
    "lem23-corrected": CHECKED,
    "lem24": CHECKED,
    "thm11": CHECKED,
    "sec5-interval": CHECKED,
    "thm12": CHECKED,
    "thm13-upper": CHECKED,
    "thm13-lower": REFUTED,
    "thm13-corrected": CHECKED,
    "thm13-rate": REFUTED,
}


def test_every_claim_of_the_section_has_an_expected_verdict():
    assert set(EXPECTED) == {c.id for c in sec5.CLAIMS}


@pytest.mark.parametrize("claim_id", list(EXPECTED))
def test_verdict(claim_id):
    assert_verdict(claim_id, EXPECTED[claim_id])


TRUE_MARGINS = sorted(i for i in EXPECTED if CLAIMS_BY_ID[i].margin and EXPECTED[i] != REFUTED)
FALSE_MARGINS = sorted(i for i in EXPECTED if CLAIMS_BY_ID[i].margin and EXPECTED[i] == REFUTED)


@pytest.mark.parametrize("claim_id", TRUE_MARGINS)
def test_negative_control_reversed_inequality(claim_id, monkeypatch):
    assert_reversed_is_refuted(monkeypatch, claim_id)


@pytest.mark.parametrize("claim_id", FALSE_MARGINS)
def test_counterexample_rechecks(claim_id, tmp_path, capsys):
    assert_counterexample_rechecks(claim_id, tmp_path, capsys)


@pytest.mark.parametrize("claim_id", TRUE_MARGINS)
@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(case=cases(max_d=5), seed=st.integers(0, 2**16))
@example(case=PAPER_SMALL, seed=0)
def test_claim_property(claim_id, case, seed):
    """The Hypothesis proof check: one property per true margin claim of the section."""
    assert_margin_property(claim_id, case, seed)


def test_thm13_lower_counterexample_sides_in_eval(tmp_path, capsys):
    """thm13-lower: 1 − θ^crit lies strictly below the printed lower bound."""
    q = assert_counterexample_rechecks("thm13-lower", tmp_path, capsys)[0]["quantities"]
    assert q["one_minus_theta_crit"] is not None
