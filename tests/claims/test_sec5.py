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


def _one_step_dl(case, block: str, eta):
    """E[L(x_{t+1}) − L(x_t)|x_t] for block-projected SGD, coordinate by coordinate (independent of the
    block sums): x_{t+1} = x − ηP_S(Hx + ξ), so in the eigenbasis c_i' = (1 − ηλ_i)c_i − ηξ_i for i ∈ S
    and c_i' = c_i otherwise, E[c_i'²] = (1 − ηλ_i)²c_i² + η²κ_i², and L = ½Σλ_i c_i²."""
    idx = range(case.k) if block == "D" else range(case.k, case.d)
    lam, c, kap = case.eigenvalues, case.state, case.kappa2
    return sum(((lam[i] * ((1 - eta * lam[i]) ** 2 * c[i] ** 2 + eta**2 * kap[i]) - lam[i] * c[i] ** 2) / 2
                for i in idx), 0)


def _lemma24_theta_crit(case):
    """θ^crit from Lemma 24's printed root (−β + √(β² − 4αγ))/(2α) of h(θ) = αθ² + βθ + γ,
    β = −α + n_B + n_D, γ = −n_D (Lemma 23), at 40 digits: a second evaluation beside the package's
    stable 1 − θ^crit = 2n_B/((α + n) + √…)."""
    import mpmath

    from verify.core import thresholds as T
    from verify.core.theory import blocks

    b = blocks(case)
    al = T.alpha_crit(b.sD, b.sB, b.tauD, b.tauB)
    beta, gamma = -al + b.nB + b.nD, -b.nD
    def mp(x):
        return mpmath.mpf(x.numerator) / x.denominator

    with mpmath.workdps(40):
        return (-mp(beta) + mpmath.sqrt(mp(beta**2 - 4 * al * gamma))) / (2 * mp(al))


def test_intro_box_margin_defined_where_u_D_equals_n_D():
    """m_intro_box is undefined only where the box's threshold is (u^D + n^loss_D = 0) or s^D = 0; at
    λ = (2, 1), c = (1, 1), κ² = (8, 1) u^D = λ⁴c² = 16 = λκ² = n^loss_D, so η_box = 8/32 = 1/4 while
    η^loss_D = 8/24 = 1/3. At η = 3/10 between them Dom-SGD lowers the loss (one-step expectation
    < 0) though η > η_box: the margin −E ΔL_D·(η_box − η) is negative, equal to the hand value."""
    from fractions import Fraction as F

    from verify.core.cases import make_case

    case = make_case([2, 1], 1, [1, 1], kappa2=[8, 1], eta=F(3, 10))
    dl = _one_step_dl(case, "D", case.eta)
    assert dl < 0
    assert sec5.m_intro_box(case) == -dl * (F(1, 4) - case.eta) < 0


def test_compare_intro_box_defined_exactly_where_s_D_is_nonzero():
    """compare_intro_box's guards (u^D + n^loss_D, τ^D + n^loss_D ≠ 0, s^D ≠ 0) all say s^D ≠ 0 (λ > 0,
    κ² ≥ 0), so the pair (η_box = 2s^D/(u^D + n^loss_D), η^loss_D = 2s^D/(τ^D + n^loss_D)) is returned
    wherever s^D ≠ 0 — here at states where u^D = n^loss_D, τ^D = n^loss_D, or B is empty and D has no
    noise (τ^B = u^B = n^loss_D = 0). Hand values at λ = (2, 1), c_D = 1: s^D = 4, τ^D = 8, u^D = 16;
    η^loss_D is also checked as the root of the one-step expected loss change."""
    from fractions import Fraction as F

    from verify.core.cases import make_case

    for kap_d, c_b, box, loss in ((8, 1, F(1, 4), F(1, 3)),   # n^loss_D = 16 = u^D
                                  (4, 1, F(1, 3), F(1, 2)),   # n^loss_D = 8 = τ^D
                                  (0, 0, F(1, 2), F(1))):     # c_B = 0, κ_D = 0
        case = make_case([2, 1], 1, [1, c_b], kappa2=[kap_d, 1])
        assert sec5.compare_intro_box(case) == (box, loss)
        assert _one_step_dl(case, "D", loss) == 0


def _numbers_after(text: str, label: str) -> float:
    import re

    m = re.search(re.escape(label) + r"\s*(-?[0-9.]+(?:e[-+]?[0-9]+)?)", text)
    assert m, (label, text)
    return float(m.group(1))


def test_explain_box_states_the_witness_sides_correctly():
    """The intro-box explanation printed with a counterexample names η's side of the box's threshold
    η_box = 2s^D/(u^D + n^loss_D), whether Dom-SGD raises or lowers the expected loss, E ΔL_D and
    Theorem 10's η^loss_D — all of Dom-SGD's block D. Checked at two witnesses whose blocks differ in
    every sum (so reading block B shows), against hand values (η_box, η^loss_D) and the
    coordinate-wise one-step expectation (E ΔL_D; η^loss_D its root): η = 17/20 below η_box = 8/9 with
    E ΔL_D ≈ 0.0133 ∈ (0, 1) (raises), and η = 1/2 above η_box = 4/9 (lowers)."""
    from fractions import Fraction as F

    from verify.core.cases import make_case

    witnesses = (
        (make_case([F(1, 2), F(1, 5)], 1, [1, 1], kappa2=[1, 2], eta=F(17, 20)),
         "below", "raises", F(8, 9), F(4, 5)),
        (make_case([2, 1], 1, [1, 1], sigma=1, eta=F(1, 2)), "above", "lowers", F(4, 9), F(4, 5)),
    )
    for case, side, does, box, loss in witnesses:
        assert sec5.m_intro_box(case) < 0  # a strict witness of the refuted box
        assert _one_step_dl(case, "D", loss) == 0
        dl = _one_step_dl(case, "D", case.eta)
        text = CLAIMS_BY_ID["intro-box"].explain(case)
        assert f" is {side} the box's threshold" in text and f"Dom-SGD {does} the" in text
        for label, want in (("threshold", box), ("E ΔL_D =", dl), ("n^loss_D) =", loss)):
            got = _numbers_after(text, label)
            assert abs(got - float(want)) <= 1e-5 * abs(float(want)), (label, got, want, text)


def test_explain_lem23_names_the_block_without_noise():
    """Lemma 23's explanation names the noise sum that vanishes at the witness (γ = −n^loss_D < 0 or
    h(1) = n^loss_B > 0 then fails by equality): with κ_D = 0 it is n^loss_D (n^loss_B = 3), with
    κ_B = 0 it is n^loss_B (n^loss_D = 6), never the other; each state is a witness (margin 0)."""
    from verify.core.cases import make_case

    for kap, zero, other in (([0, 3], "n^loss_D", "n^loss_B"), ([3, 0], "n^loss_B", "n^loss_D")):
        case = make_case([2, 1], 1, [1, 1], kappa2=kap)
        assert sec5.m_lem23(case) == 0
        head = CLAIMS_BY_ID["lem23"].explain(case).split(" (noise absent")[0]
        assert head == f"At the witness {zero} = 0" and other not in head


def test_lem23_margin_defined_when_both_blocks_carry_equal_noise():
    """Lemma 23's hypotheses (θ ∈ (0,1), Tr Σ > 0) hold at λ = (2, 1), c = (1, 1), κ² = (1, 2), where
    n^loss_D = 2·1 = 2 = 1·2 = n^loss_B: the margin is min(α, −γ, h(1)) = min(α, n^loss_D, n^loss_B)
    with α = s(τ^D/s^D − τ^B/s^B) = 5·(2 − 1) = 5 by hand, so 2."""
    from verify.core.cases import make_case

    assert sec5.m_lem23(make_case([2, 1], 1, [1, 1], kappa2=[1, 2])) == 2


def test_lem24_margin_is_the_smaller_of_theta_crit_and_its_complement():
    """Lemma 24's margin is min(θ^crit, 1 − θ^crit) (its quantity), positive: compared with θ^crit from
    the printed root formula, at a state with θ^crit ≈ 0.863 (> ½, so the minimum is 1 − θ^crit) and
    one with θ^crit ≈ 0.114 (< ½)."""
    from verify.core.cases import make_case

    for kap in ([1, 1], [1, 20]):
        case = make_case([2, 1], 1, [1, 1], kappa2=kap)
        tc = _lemma24_theta_crit(case)
        m = sec5.m_lem24(case)
        assert m.sign == 1
        assert abs(float(m) - float(min(tc, 1 - tc))) <= 1e-12


def test_thm11_margin_defined_where_tau_plus_n_is_one():
    """Theorem 11's margin (η^loss_D − η^loss_B)(θ − θ^crit) is defined at every state meeting its
    hypotheses with η^loss_D ≠ η^loss_B — here one with τ^D + n_D = ½ + ½ = 1 and τ^B + n_B = 1/9 + 8/9 = 1
    (λ = (2, 1), c = (¼, ⅓), κ² = (¼, 8/9)): η^loss_D = ½, η^loss_B = 2/9, θ = 9/13; with θ^crit ≈ 0.423
    from Lemma 24's printed root the margin is positive and has the product's value."""
    from fractions import Fraction as F

    from verify.core.cases import make_case

    case = make_case([2, 1], 1, [F(1, 4), F(1, 3)], kappa2=[F(1, 4), F(8, 9)])
    tc = _lemma24_theta_crit(case)
    m = sec5.m_thm11(case)
    want = float(F(1, 2) - F(2, 9)) * (9 / 13 - float(tc))
    assert m.sign == 1 and abs(float(m) - want) <= 1e-12


def test_sec5_interval_margin_where_tau_D_equals_n_D():
    """§5's interval claim at λ = (2, 1), c = (1, 1), κ² = (4, 1): τ^D = 8 = n^loss_D, η^loss_D = 8/16 = ½,
    η^loss_B = 2/2 = 1; at η = ¾ inside the interval the margin is min(E ΔL_D, −E ΔL_B) from the
    coordinate-wise one-step expectations (3/2 and 3/16 by hand)."""
    from fractions import Fraction as F

    from verify.core.cases import make_case

    case = make_case([2, 1], 1, [1, 1], kappa2=[4, 1], eta=F(3, 4))
    dD, dB = _one_step_dl(case, "D", case.eta), _one_step_dl(case, "B", case.eta)
    assert (dD, -dB) == (F(3, 2), F(3, 16))
    assert sec5.m_sec5_interval(case) == min(dD, -dB)
