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
    decision_floors,
)
from tests.strategies import HIGH_ALIGNMENT, LOW_ALIGNMENT, PAPER_SMALL, cases
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


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(case=cases(max_d=5), seed=st.integers(0, 2**16))
@example(case=PAPER_SMALL, seed=0)
@example(case=HIGH_ALIGNMENT, seed=0)
@example(case=LOW_ALIGNMENT, seed=0)
def _claim_property(claim_id, case, seed):
    assert_margin_property(claim_id, case, seed)


@pytest.mark.parametrize("claim_id", TRUE_MARGINS)
def test_claim_property(claim_id):
    """The Hypothesis proof check: one property per true margin claim of the section, failing
    also when it decided too few of its examples or evaluations (tests/claims/checks.py)."""
    with decision_floors(claim_id):
        _claim_property(claim_id=claim_id)


def test_thm13_lower_counterexample_sides_in_eval(tmp_path, capsys):
    """thm13-lower: 1 − θ^crit lies strictly below the printed lower bound."""
    q = assert_counterexample_rechecks("thm13-lower", tmp_path, capsys)[0]["quantities"]
    assert q["one_minus_theta_crit"] is not None


def test_intro_box_witness_is_strict_and_boundary_is_not_a_counterexample():
    """The old witness (η exactly at Theorem 10's threshold, E ΔL_D = 0) is a boundary point of the
    equivalence, not a counterexample; the emitted witness violates the box strictly."""
    from fractions import Fraction

    from verify.claims.search import evaluate_claim, run_claim
    from verify.core.cases import make_case

    boundary = make_case([2, 1], 1, [1, 1], sigma=1, eta=Fraction(4, 5))
    assert evaluate_claim("intro-box", boundary)["verdict"] == "boundary"
    strict = make_case([2, 1], 1, [1, 1], sigma=1, eta=Fraction(1, 2))
    assert evaluate_claim("intro-box", strict)["verdict"] == "violated"
    r = run_claim("intro-box", "quick", 0)
    assert r.status == REFUTED and not r.min_margin.startswith("0") and r.min_margin.startswith("-")


def test_exact_root_location_matches_balls():
    """The exact sign of r − (1 − θ^crit) agrees with 60-digit balls away from equality, and
    equality (n_D = 0: δ = n_B/α exactly) is decided as 0 — where balls can never decide."""
    from fractions import Fraction

    import flint

    from verify.claims.common import delta_crit, sign_minus_delta_crit
    from verify.core.cases import make_case
    from verify.core.theory import blocks

    case = make_case([4, 1, Fraction(1, 2)], 1, [1, 1, 1], sigma=1)
    with flint.ctx.workdps(60):
        d = delta_crit(case)
        for r in (Fraction(1, 1000), Fraction(1, 10), Fraction(1, 2), Fraction(2)):
            s = sign_minus_delta_crit(case, r)
            assert s == (1 if flint.arb(r.numerator) / r.denominator > d else -1)
    eq = make_case([4, 1], 1, [1, 1], kappa2=[0, 1])
    b = blocks(eq)
    alpha = b.s * (b.tauD / b.sD - b.tauB / b.sB)
    assert sign_minus_delta_crit(eq, b.nB / alpha) == 0


def test_compare_intro_box_on_its_guards():
    """compare_intro_box is defined exactly when its denominators are non-zero: at s^D = τ^D = u^D = 1
    and n^loss_D = 0 (noise in B only) it returns the box's threshold beside Theorem 10's η^loss_D,
    from the package's one definition of each; with no state in D it is undefined."""
    from fractions import Fraction

    from verify.claims.sec5 import compare_intro_box
    from verify.core import thresholds as T
    from verify.core.cases import make_case

    case = make_case([1, Fraction(1, 2)], 1, [1, 1], kappa2=[0, 1])
    assert compare_intro_box(case) == (T.eta_loss_intro_box(1, 1, 0), T.eta_loss(1, 1, 0))
    assert compare_intro_box(make_case([1, Fraction(1, 2)], 1, [0, 1], kappa2=[0, 1])) is None


def test_guards_of_the_loss_thresholds_at_degenerate_blocks():
    """Where a block carries nothing the thresholds are undefined and the margins say so (None),
    instead of dividing by zero or reading the other block: with s^D = 0 (c_D = 0) the intro box's
    threshold 2s^D·… has no comparison; with τ^D + n_D = 0 (c_D = 0 and κ_D = 0) η^loss_D is
    undefined, so §5's interval is empty."""
    from fractions import Fraction as F

    from verify.core.cases import make_case

    no_dom = make_case([2, 1], 1, [0, 1], kappa2=[1, 1], eta=F(1, 2))
    assert sec5.compare_intro_box(no_dom) is None
    silent_dom = make_case([2, 1], 1, [0, 1], kappa2=[0, 1], eta=F(1, 2))
    assert sec5.m_sec5_interval(silent_dom) is None


def test_thm13_compare_agrees_with_its_margins():
    """thm13_compare(which) gives (1 − θ^crit, the printed bound) and m_thm13 the signed distance
    between them: at states where θ^crit is defined (n_B ≠ n_D, so a block swap shows) the
    difference of the pair equals the margin's value, for both bounds."""
    def f(x) -> float:
        return float(x.mid()) if hasattr(x, "mid") else float(x)

    seen = 0
    for case in (PAPER_SMALL, HIGH_ALIGNMENT, LOW_ALIGNMENT):
        for which in ("upper", "lower"):
            pair = sec5.thm13_compare(which)(case)
            m = sec5.m_thm13(case, which)
            if pair is None or m is None:
                continue
            d, bound = pair
            want = f(bound) - f(d) if which == "upper" else f(d) - f(bound)
            assert abs(f(m) - want) <= 1e-12 * max(1.0, abs(want)), (which, f(m), want)
            seen += 1
    assert seen >= 2


def test_compare_intro_box_reads_the_two_thresholds():
    """compare_intro_box gives (the box's threshold, η^loss_D): the second is the root of Dom-SGD's
    expected loss change (E ΔL_D(η^loss_D) = 0 exactly, Theorem 10), the first the step at which the
    box's margin changes sign (−E ΔL_D·(η_box − η): undefined at η_box, of opposite signs at
    η_box·(1 ∓ 10⁻⁶) where E ΔL_D keeps its sign)."""
    from fractions import Fraction as F

    from verify.core import thresholds as T
    from verify.core.theory import blocks

    for case in (PAPER_SMALL, HIGH_ALIGNMENT, LOW_ALIGNMENT):
        b = blocks(case)
        box, loss = sec5.compare_intro_box(case)
        assert loss > 0 and T.expected_loss_change(loss, b.sD, b.tauD, b.nD) == 0
        assert sec5.m_intro_box(case.with_eta(box)) is None
        lo, hi = (sec5.m_intro_box(case.with_eta(box * (1 + s * F(1, 10**6)))) for s in (-1, 1))
        assert (lo > 0) != (hi > 0)
