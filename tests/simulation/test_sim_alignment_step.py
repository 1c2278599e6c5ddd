"""Simulation properties of the one-step alignment claims (§4): thm2, thm3, thm4-corrected, thm6.

Each property draws a problem and a state where the claim's hypotheses hold (exact rationals,
tests/simulation/strategies.py), a step size as a fraction of the claim's own threshold (values
near 1 included), simulates one SGD step from the state replicated ×r (exact in law, many
independent steps, float64) and decides with the fixed-z rule of tests/simulation/harness.py:
the simulated mean of θ_{t+1} must move in the claim's direction by ≥ 6 SE (draws planned for
≥ 15 SE) and agree within 6 SE with the exact finite-d E[θ_{t+1}|x] (30-digit quadrature);
the replication r is chosen so the finite-d gap to the limit Θ(η; x) is ≤ |Θ − θ|/4.

False alarms: ≤ 3e-9 per decision, two decisions per simulated example; with the ci example
counts below (≤ 40 simulated examples in this module) the module's false-alarm probability is
≤ 2.4e-7 (union bound). Discards are counted per rule and asserted below half the examples in
test_zz_discards_bounded. Each property has a negative control fed a wrong prediction.
"""

from __future__ import annotations

from fractions import Fraction

import mpmath
import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, note, settings
from hypothesis import strategies as st

from tests.simulation import harness as H
from tests.simulation.strategies import near_one, problems, seeds
from verify.core.cases import make_case
from verify.core.expected_ratio import expected_theta_next
from verify.core.families import replicate, with_alignment
from verify.core.theory import Theta_map, blocks, lemma22_pq, quantities

pytestmark = pytest.mark.simulation
SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                       HealthCheck.filter_too_much])


def _q(case):
    with mpmath.workdps(30):
        return quantities(case, 30)


def _theta(case) -> Fraction:
    b = blocks(case)
    return b.sD / b.s


def _interior(case) -> bool:
    b = blocks(case)
    return b.sD > 0 and b.sB > 0


def _eta_star(case) -> Fraction | None:
    p, q = lemma22_pq(blocks(case))
    return None if p <= 0 else -q / p


# ------------------------------------------------------------------ thm2
@settings(max_examples=H.examples(8), **SETTINGS)
@given(case=problems(), u=near_one, seed=seeds)
def test_thm2_alignment_falls_below_eta_star(case, u, seed):
    """Theorem 2: 0 < η < η*_t ⇒ lim E[θ_{t+1}|x_t] < θ_t. Simulated: one SGD step at η = u·η*."""
    es = _eta_star(case)
    assume(es is not None and _interior(case))  # the claim's hypotheses
    eta = u * es
    note(f"eta={eta} eta*={es}")
    v = H.theta_step_check(case, eta, -1, seed, "thm2")
    H.count("thm2")
    note(str(v))
    assert v.ok, v


# ------------------------------------------------------------------ thm3
def _state_below(case, frac: Fraction):
    """The case with θ ≈ frac·g_gap (bulk rescaled); None when g_gap is undefined."""
    gg = _q(case)["g_gap"]
    if gg is None or not _interior(case):
        return None
    return with_alignment(case, Fraction(str(mpmath.nstr(H.mpf(gg), 12))) * frac)


@settings(max_examples=H.examples(8), **SETTINGS)
@given(case=problems(positive=True), frac=near_one, over=st.sampled_from(
    [Fraction(1001, 1000), Fraction(11, 10), Fraction(2), Fraction(10)]), seed=seeds)
def test_thm3_alignment_rises_below_g_gap_above_eta_star(case, frac, over, seed):
    """Theorem 3: θ_t ≤ g_gap and η > η*_t ⇒ lim E[θ_{t+1}|x_t] > θ_t. Simulated at
    θ ≈ frac·g_gap (frac near 1 included) and η = over·η*."""
    case = _state_below(case, frac)
    assume(case is not None and _interior(case))
    assume(H.mpf(_theta(case)) <= H.mpf(_q(case)["g_gap"]))
    es = _eta_star(case)
    assume(es is not None)
    v = H.theta_step_check(case, over * es, +1, seed, "thm3")
    H.count("thm3")
    note(str(v))
    assert v.ok, v


# ------------------------------------------------------------------ thm4-corrected
def _state_above_theta_star(case, frac: Fraction):
    """The case with θ ≈ θ* + frac·(1 − θ*) (bulk rescaled); θ* changes with s, so the caller
    re-checks θ ≥ θ*_t at the returned state."""
    q = _q(case)
    if q["theta_star"] is None or not _interior(case):
        return None
    ts = Fraction(str(mpmath.nstr(H.mpf(q["theta_star"]), 14)))
    return with_alignment(case, ts + frac * (1 - ts))


@settings(max_examples=H.examples(8), **SETTINGS)
@given(case=problems(positive=True), frac=near_one.map(lambda u: 1 - u),
       w=st.sampled_from([Fraction(1, 1000), Fraction(1, 10), Fraction(1, 2), Fraction(9, 10),
                          Fraction(999, 1000), Fraction(3, 2), Fraction(3), Fraction(10)]),
       seed=seeds)
def test_thm4_corrected_self_correction_at_high_alignment(case, frac, w, seed):
    """Theorem 4 (s_min > 0): θ_t ≥ θ*_t ⇒ lim E[θ_{t+1}|x_t] < θ_t for every η > 0. Simulated
    at θ = θ* + frac·(1−θ*) (frac down to 10⁻³) and η = w·2/λ_1, w ∈ [10⁻³, 10]."""
    case = _state_above_theta_star(case, frac)
    assume(case is not None and _interior(case))
    ts = _q(case)["theta_star"]
    assume(ts is not None and H.mpf(_theta(case)) >= H.mpf(ts))
    eta = w * 2 / case.eigenvalues[0]
    v = H.theta_step_check(case, eta, -1, seed, "thm4-corrected")
    H.count("thm4-corrected")
    note(str(v))
    assert v.ok, v


# ------------------------------------------------------------------ thm6
@settings(max_examples=H.examples(6), **SETTINGS)
@given(case=problems(positive=True), lo=near_one, hi=near_one.map(lambda u: 1 - u),
       over=st.sampled_from([Fraction(11, 10), Fraction(2), Fraction(10)]), seed=seeds)
def test_thm6_stable_band(case, lo, hi, over, seed):
    """Theorem 6 and the regime summary: g_gap < θ*_t, and at one step size η above η* of the
    low state, a state below g_gap rises while a state above θ* falls (same problem, same η)."""
    low = _state_below(case, lo)
    high = _state_above_theta_star(case, hi)
    assume(low is not None and high is not None and _interior(low) and _interior(high))
    ql, qh = _q(low), _q(high)
    assume(qh["theta_star"] is not None and H.mpf(_theta(low)) <= H.mpf(ql["g_gap"])
           and H.mpf(_theta(high)) >= H.mpf(qh["theta_star"]))
    es = _eta_star(low)
    assume(es is not None)
    assert H.mpf(qh["g_gap"]) < H.mpf(qh["theta_star"])  # the band is non-empty (the algebraic part)
    eta = over * es
    up = H.theta_step_check(low, eta, +1, seed, "thm6")
    down = H.theta_step_check(high, eta, -1, seed + 1, "thm6")
    H.count("thm6")
    note(f"{up} | {down}")
    assert up.ok and down.ok, (up, down)


# ------------------------------------------------------------------ validation of the machinery
def test_grouped_reference_equals_core_expected_theta_next():
    """The grouped quadrature (multiplicities) equals verify.core.expected_theta_next on the
    explicitly replicated case (r = 3), to 25 digits."""
    case = make_case([3, 2, 1, Fraction(1, 2)], 2, [1, Fraction(-1, 2), 2, 1],
                     kappa2=[1, Fraction(1, 3), 2, Fraction(1, 10)])
    eta = Fraction(1, 5)
    g = H.grouped_expected_ratio(H.one_step_levels(case.eigenvalues, 2, case.kappa2, case.state,
                                                   eta, 3))
    with mpmath.workdps(30):
        core = expected_theta_next(replicate(case, 3), eta)
    assert abs(g - core) < mpmath.mpf(10) ** -25


def test_grouped_step_matches_direct_sgd_step():
    """The exact-in-law grouped sampler and a literal coordinate-wise SGD step (r = 4 copies,
    60 000 steps from the same x_t) both agree with the exact finite-d E[θ_{t+1}|x] (6 SE)."""
    case = make_case([3, 2, 1, Fraction(1, 2)], 2, [1, Fraction(-1, 2), 2, 1],
                     kappa2=[1, Fraction(1, 3), 2, Fraction(1, 10)])
    eta, r, n = Fraction(1, 5), 4, 60_000
    ref = H.grouped_expected_ratio(H.one_step_levels(case.eigenvalues, 2, case.kappa2,
                                                     case.state, eta, r))
    rc = replicate(case, r)
    lam = np.array([float(x) for x in rc.eigenvalues])
    c = np.array([float(x) for x in rc.state])
    sd = np.sqrt([float(x) for x in rc.kappa2])
    rng = np.random.default_rng(7)
    cn = (1 - float(eta) * lam) * c - float(eta) * sd * rng.standard_normal((n, rc.d))
    e = lam**2 * cn**2
    direct = e[:, :rc.k].sum(1) / e.sum(1)
    grouped = H.grouped_theta_step(case.eigenvalues, 2, case.kappa2, case.state, eta, r, n, 8)
    for sample in (direct, grouped):
        assert H.decide(sample, reference=ref).ok
    # and the finite-d value is far from the limit at r = 4: the test can see the difference
    assert not H.decide(direct, reference=Theta_map(case, eta)).ok


# ------------------------------------------------------------------ negative controls
def _control(case, eta, wrong_sign, right_sign, seed=11):
    right = H.theta_step_check(case, eta, right_sign, seed, "control")
    wrong = H.theta_step_check(case, eta, wrong_sign, seed, "control")
    return right, wrong


def test_control_thm2_thm3_eta_star_off_by_ten_percent():
    """A threshold 10 % too high (1.1·η*) predicts a fall at η = 1.05·η* (Thm 2 applied with the
    wrong η*); the same procedure rejects it, and a threshold 10 % too low (0.9·η*) predicting a
    rise at 0.95·η* (Thm 3 with the wrong η*) is rejected too."""
    case = make_case([4, 3, 1, Fraction(1, 2)], 2, [1, 1, 1, 1], sigma=Fraction(1, 2))
    es = _eta_star(case)
    right, wrong = _control(case, Fraction(105, 100) * es, -1, +1)
    assert right.ok and not wrong.ok, (right, wrong)
    right, wrong = _control(case, Fraction(95, 100) * es, +1, -1)
    assert right.ok and not wrong.ok, (right, wrong)


def test_control_printed_thm4_singular_noise():
    """The printed Theorem 4 (only Tr Σ ∈ (0,∞)) with Σ = diag(1, 0): the state c = (1, 10⁻²) has
    θ = 0.99990… yet at η = 3/4 the alignment rises; the printed claim's prediction (a fall for
    every η once θ is close to 1) is rejected by simulation."""
    case = make_case([2, 1], 1, [1, Fraction(1, 100)], kappa2=[1, 0])
    right, wrong = _control(case, Fraction(3, 4), -1, +1)
    assert right.ok and not wrong.ok, (right, wrong)


def test_control_thm6_band_swapped():
    """The band with its edges swapped (below g_gap falls, above θ* rises) is rejected."""
    case = make_case([4, 3, 1, Fraction(1, 2)], 2, [1, 1, 1, 1], sigma=Fraction(1, 2))
    low = _state_below(case, Fraction(1, 2))
    high = _state_above_theta_star(case, Fraction(1, 2))
    eta = 2 * _eta_star(low)
    r1, w1 = _control(low, eta, -1, +1)
    r2, w2 = _control(high, eta, +1, -1)
    assert r1.ok and r2.ok and not w1.ok and not w2.ok, (r1, w1, r2, w2)


def test_control_thm4_flipped_inequality():
    """Theorem 4 with its inequality flipped (a rise above θ*) is rejected at a drawn-like state."""
    case = make_case([4, 3, 1, Fraction(1, 2)], 2, [1, 1, 1, 1], sigma=Fraction(1, 2))
    high = _state_above_theta_star(case, Fraction(1, 100))
    right, wrong = _control(high, Fraction(1, 2), +1, -1)
    assert right.ok and not wrong.ok, (right, wrong)


def test_zz_discards_bounded():
    """Report and bound the discards of this module's properties (rule-based, pre-simulation)."""
    for prop in ("thm2", "thm3", "thm4-corrected", "thm6"):
        H.check_discards(prop)
