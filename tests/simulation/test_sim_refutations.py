"""Refutations seen in simulated SGD on drawn states (beside the fixed witnesses of
tests/simulation/test_sim_evidence.py): wherever a drawn state violates the printed statement,
one simulated step (the package's engines, verify.simulation.evidence) contradicts what the
printed statement implies at ≥ 6 SE, and agrees with the corrected statement's prediction.

  * thm8-main, thm8-app, cor9: states meeting θ ≥ e_B/(e_B+e_D) with p_t > 0 and η*_t above the
    printed bound b ((λ_1−λ_d)/(λ_kλ_1−λ_{k+1}λ_d), twice that, 2/λ_1): at η between b and η*
    the printed statement implies a rise (η > b ≥ η*); simulated SGD (×r replication, grouped
    engine) shows the alignment falling.
  * intro-box: any state (λ ≠ 1 on D): between the box's threshold 2s^D/(u^D+n^D) and Theorem 10's
    2s^D/(τ^D+n^D) the two predict opposite signs of E ΔL for Dom-SGD; the numpy engine shows
    Theorem 10's sign, contradicting the box.

False alarms: ≈ 3e-9 per decision (normal approximation), ≤ 40 decisions under ci.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import HealthCheck, assume, given, note, settings
from hypothesis import strategies as st

from tests.simulation import harness as H
from tests.simulation.strategies import problems, seeds
from verify.core import thresholds as T
from verify.core.theory import blocks, lemma22_pq

pytestmark = pytest.mark.simulation
SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                       HealthCheck.filter_too_much])
MID = st.sampled_from([Fraction(1, 10), Fraction(1, 2), Fraction(9, 10)])


def _printed_bound(claim, lam, k):
    if claim == "cor9":
        return Fraction(2) / lam[0]
    return T.eta_star_upper_thm8(lam[0], lam[k - 1], lam[k], lam[-1], 1 if claim == "thm8-main" else 2)


@pytest.mark.parametrize("claim", ["thm8-main", "thm8-app", "cor9"])
@settings(max_examples=H.examples(6), **SETTINGS)
@given(case=problems(positive=True), u=MID, seed=seeds)
def test_thm8_printed_bounds_contradicted_where_violated(claim, case, u, seed):
    b = blocks(case)
    assume(b.sD > 0 and b.sB > 0)
    thr = T.thm8_threshold(b.eD, b.eB)
    assume(thr is not None and b.sD / b.s >= thr)  # Theorem 8's hypothesis
    p, q = lemma22_pq(b)
    assume(p > 0)
    lam, k = case.eigenvalues, case.k
    bound = _printed_bound(claim, lam, k)
    es = -q / p
    assume(bound is not None and es > bound)  # the printed theorem is violated here
    eta = bound + u * (es - bound)
    v = H.theta_step_check(case, eta, +1, seed, f"{claim} (refuted)")  # the printed prediction
    H.count(f"{claim} (refuted)")
    note(f"bound={float(bound):.4g} eta*={float(es):.4g} eta={float(eta):.4g} {v}")
    assert v.contradicted, v


@settings(max_examples=H.examples(8), **SETTINGS)
@given(case=problems(diagonal=False), u=MID, seed=seeds)
def test_intro_box_threshold_contradicted_between_the_two_thresholds(case, u, seed):
    b = blocks(case)
    assume(b.sD > 0)
    box = T.eta_loss_intro_box(b.sD, b.uD, b.nD)
    thm10 = T.eta_loss(b.sD, b.tauD, b.nD)
    assume(box is not None and thm10 is not None and box != thm10)
    lo, hi = min(box, thm10), max(box, thm10)
    eta = lo + u * (hi - lo)
    box_sign = +1 if eta > box else -1  # the box: E ΔL_D > 0 above its threshold
    plan = H.loss_plan(case, eta, "D", "intro-box (refuted)")
    v = H.loss_run(plan, box_sign, [seed, 0], "intro-box (refuted)")
    H.count("intro-box (refuted)")
    note(f"box={float(box):.4g} thm10={float(thm10):.4g} eta={float(eta):.4g} {v}")
    assert v.contradicted, v


def test_zz_discards_bounded():
    for prop in ("thm8-main (refuted)", "thm8-app (refuted)", "cor9 (refuted)",
                 "intro-box (refuted)"):
        H.check_discards(prop)
