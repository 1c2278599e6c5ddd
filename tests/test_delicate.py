"""Numerically delicate states: which quantities stay exact, which escalate precision, and
which are reported inconclusive (never a silently wrong number).

Each case is shown to be delicate by a negative control: the textbook float64 (or naive
50-digit) formula gets it wrong, while `salign eval` / `salign check` get it right.
"""

from __future__ import annotations

import json
from fractions import Fraction

import flint
import mpmath

from tests.claims.checks import with_margin
from verify.claims.search import run_claim
from verify.cli import main
from verify.core.cases import make_case
from verify.core.results import INCONCLUSIVE
from verify.core.theory import decimal_quantities

TINY = Fraction(1, 10**40)


def _rel(a: str, b, digits: int) -> bool:
    with mpmath.workdps(120):
        a = mpmath.mpf(a)
        b = mpmath.mpf(b.numerator) / b.denominator if isinstance(b, Fraction) else mpmath.mpf(b)
        return abs(a - b) <= abs(b) * mpmath.mpf(10) ** -digits


def test_p_near_zero_eta_star_exact():
    """p_t = 12 − 4κ_2² with κ_2² = 3 + 10⁻⁴⁰: p = −4·10⁻⁴⁰, η* = −q/p = −2·10⁴⁰ exactly.
    float64 rounds κ_2² to 3 and finds p = 0 (η* undefined); eval is exact (rationals)."""
    case = make_case([2, 1], 1, [1, 1], kappa2=[0, 3 + TINY], eta=Fraction(1, 10))
    q = decimal_quantities(case, 50, case.eta)
    assert _rel(q["p"], Fraction(-4, 10**40), 49)
    assert _rel(q["eta_star"], Fraction(-2 * 10**40), 49)
    k2 = float(3 + TINY)  # negative control: the float64 evaluation of p
    assert (1.0 * (16.0 + 0.0) - 4.0 * (1.0 + k2)) == 0.0


def test_theta_crit_near_one_full_relative_precision():
    """n_B ≈ 10⁻⁶⁰ ≪ α: 1 − θ^crit ≈ n_B/α ≈ 10⁻⁶¹. The naive root (α − n + √(…))/(2α) at
    50 digits returns 1 (all digits of 1 − θ^crit lost); eval's cancellation-free form gives
    1 − θ^crit to 50 significant digits (checked against the naive form at 400 digits)."""
    case = make_case([2, 1], 1, [1, 1], kappa2=[1, Fraction(1, 10**60)], eta=Fraction(1, 10))
    q = decimal_quantities(case, 50, case.eta)
    with mpmath.workdps(400):
        a, nB, nD = (mpmath.mpf(q[x]) for x in ("alpha", "n_loss_B", "n_loss_D"))
        n = nB + nD
        ref = 1 - (a - n + mpmath.sqrt((a - n) ** 2 + 4 * a * nD)) / (2 * a)
    assert _rel(q["one_minus_theta_crit"], ref, 45)
    with mpmath.workdps(50):  # negative control: naive form at 50 digits
        a, nB, nD = (mpmath.mpf(q[x]) for x in ("alpha", "n_loss_B", "n_loss_D"))
        naive = 1 - (a - nB - nD + mpmath.sqrt((a - nB - nD) ** 2 + 4 * a * nD)) / (2 * a)
    assert not _rel(mpmath.nstr(naive, 50), ref, 5)


def test_theta_star_near_one_full_relative_precision():
    """s_min ψ_B tiny against s_max ψ_D + M: 1 − θ* ≈ 10⁻⁵⁰; eval's 1 − θ* keeps full relative
    precision (reference: the plain root formula at 400 digits)."""
    case = make_case([2, 1], 1, [1, 1], kappa2=[1, Fraction(1, 10**50)], eta=Fraction(1, 10))
    q = decimal_quantities(case, 50, case.eta)
    with mpmath.workdps(400):
        smin, smax = mpmath.mpf(10) ** -50, mpmath.mpf(1)
        a, h = smin * 1, smax * 4  # ψ_B = 1, ψ_D = 4
        M = mpmath.mpf(q["s"]) * (4 - 1)
        b = M + h - a
        r0 = (b + mpmath.sqrt(b * b + 4 * a * h)) / (2 * a)
        ref = 1 / (1 + r0)
    assert _rel(q["one_minus_theta_star"], ref, 45)


def test_theta_near_one_eval_exact():
    """θ = 1 − O(10⁻⁶⁰) (bulk coordinate 10⁻³⁰): θ prints as 1 at 50 digits, and the block
    sums that carry the information (s_B) are exact."""
    case = make_case([2, 1], 1, [1, Fraction(1, 10**30)], sigma=1, eta=Fraction(1, 10))
    q = decimal_quantities(case, 50, case.eta)
    assert _rel(q["s_B"], Fraction(1, 10**60), 49)
    assert q["theta"].startswith("1.0000000000") or q["theta"].startswith("0.9999999999")


def test_singular_full_covariance_gives_undefined_not_huge(tmp_path, capsys):
    """A rank-1 block makes s_min = 0 exactly: g_gap, θ* are undefined (null); before the
    exact-rank test, float refinement crashed or returned a rounding residue."""
    p = tmp_path / "c.json"
    p.write_text(json.dumps({"eigenvalues": ["2", "1", "0.5"], "k": 1, "state": ["1", "1", "1"],
                             "eta": "0.1", "noise": {"covariance": [
                                 ["1", "1/3", "1/7"], ["1/3", "1/9", "1/21"],
                                 ["1/7", "1/21", "1/49"]]}}))
    assert main(["eval", "--case", str(p), "--json", "--dps", "40"]) == 0
    q = json.loads(capsys.readouterr().out)["quantities"]
    assert q["s_min"] == "0.0" and q["g_gap"] is None and q["theta_star"] is None
    assert _rel(q["s_max"], Fraction(1, 1) + Fraction(1, 9) + Fraction(1, 49), 38)


def test_margin_zero_in_ball_arithmetic_is_inconclusive(monkeypatch):
    """A margin that is an exact zero written irrationally (√2·√2 − 2) can never be certified:
    the checker escalates through every precision rung and reports 'inconclusive' — it does not
    count the state as passing, nor call the claim outside its hypotheses."""
    def zero_margin(case):
        two = flint.arb(2)
        return two.sqrt() * two.sqrt() - two

    with_margin(monkeypatch, "thm2", zero_margin)
    r = run_claim("thm2", "quick", 0)
    assert r.status == INCONCLUSIVE, r.evidence
    assert "undecided" in r.evidence


def test_uncertifiable_number_is_inconclusive_exit_3(tmp_path, capsys, monkeypatch):
    """When a number cannot be certified (here: a covariance refinement that cannot proceed),
    eval prints no number at all: one line 'salign: inconclusive: …', exit code 3."""
    from verify.core import noise_spectrum
    from verify.core.errors import PrecisionError

    def fail(cov, dps):
        raise PrecisionError("covariance eigenvalue refinement failed; s_min/s_max inconclusive")

    monkeypatch.setattr(noise_spectrum, "covariance_extremes", fail)
    p = tmp_path / "c.json"
    p.write_text(json.dumps({"eigenvalues": ["2", "1"], "k": 1, "state": ["1", "1"],
                             "noise": {"covariance": [["2", "1"], ["1", "2"]]}}))
    assert main(["eval", "--case", str(p), "--json"]) == 3
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and err.startswith("salign: inconclusive:")


def _eval_block_diagonal(tmp_path, capsys, block: list[list[str]], dps: int, d: int = 42) -> dict:
    """`salign eval --json` quantities for a d × d noise covariance made of d/2 copies of the
    2 × 2 `block` (d > 40: beyond the exact-arithmetic size, so float eigh + refinement)."""
    cov = [["0"] * d for _ in range(d)]
    for i in range(0, d, 2):
        for a in range(2):
            for b in range(2):
                cov[i + a][i + b] = block[a][b]
    p = tmp_path / "c.json"
    p.write_text(json.dumps({"eigenvalues": [str(100 - i) for i in range(d)], "k": 3,
                             "state": ["1"] * d, "noise": {"covariance": cov}}))
    assert main(["eval", "--case", str(p), "--json", "--dps", str(dps)]) == 0
    return json.loads(capsys.readouterr().out)["quantities"]


def test_repeated_extreme_noise_eigenvalues_large_d(tmp_path, capsys):
    """d = 42 (> the exact-arithmetic size): 21 copies of [[2, 1], [1, 2]] give s_min = 1 and
    s_max = 3, each 21-fold; the refinement still certifies both to the requested digits."""
    q = _eval_block_diagonal(tmp_path, capsys, [["2", "1"], ["1", "2"]], 30)
    assert _rel(q["s_min"], Fraction(1), 29) and _rel(q["s_max"], Fraction(3), 29)


def test_refinement_reaches_requested_digits_large_d(tmp_path, capsys):
    """d = 42 > the exact size: 21 copies of [[2, 1/3], [1/3, 1]], whose extremes
    (3 ± √13/3)/2 are irrational, so float64 eigh is only good to 16 digits; eval's refined
    s_min, s_max agree with the closed forms to 40 digits."""
    q = _eval_block_diagonal(tmp_path, capsys, [["2", "1/3"], ["1/3", "1"]], 45)
    with mpmath.workdps(100):
        r = mpmath.sqrt(13) / 3
        lo, hi = (3 - r) / 2, (3 + r) / 2
        assert abs(mpmath.mpf(q["s_min"]) - lo) < mpmath.mpf(10) ** -40
        assert abs(mpmath.mpf(q["s_max"]) - hi) < mpmath.mpf(10) ** -40


def test_zero_pivot_with_coupling_is_not_psd():
    """[[0, 1], [1, 1]] has a zero variance coupled to another coordinate: not PSD (its
    determinant is −1); the exact elimination must reject it at the zero pivot."""
    import pytest

    from verify.core.errors import CaseError

    with pytest.raises(CaseError, match="positive semi-definite"):
        make_case([2, 1], 1, [1, 1], covariance=[[0, 1], [1, 1]])
    make_case([2, 1], 1, [1, 1], covariance=[[0, 0], [0, 1]])  # zero pivot, uncoupled: PSD
    with pytest.raises(CaseError, match="positive semi-definite"):  # negative pivot 1 − 4 = −3
        make_case([2, 1], 1, [1, 1], covariance=[[1, 2], [2, 1]])
