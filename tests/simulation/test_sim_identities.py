"""Simulation properties over drawn states for the one-step identities and the corrected §4/§5
bounds: lem21, lem22, thm10-exact, thm8-corrected, thm13-upper.

Each property draws a problem and state (tests/simulation/strategies.py: random, two-level, the
paper's, extreme and power-law spectra; isotropic, anisotropic, extreme, singular and correlated
noise), simulates one SGD / Dom-SGD / Bulk-SGD step through the package's numpy engine
(verify.simulation.evidence.sample_step → engines.simulate) or one SGD step of the ×r replicated
state through the grouped engine (evidence.theta_step_check), and decides with the fixed-z rule
(verify.simulation.evidence.decide, ≥ 6 SE). Predictions are read from verify.core.thresholds.
Their negative controls are the registry's (tests/simulation/test_sim_evidence.py::
test_claim_control[lem21], …): the same property with a wrong prediction on independent draws.

False alarms: ≈ 3e-9 per decision (normal approximation); ≈ 130 decisions in this module under
ci ⇒ ≤ 4e-7 per run (union bound). Discards by pre-simulation rules only, counted.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, note, settings
from hypothesis import strategies as st

from tests.simulation import harness as H
from tests.simulation.strategies import near_one, problems, seeds
from verify.core import thresholds as T
from verify.core.families import with_alignment
from verify.core.theory import blocks, lemma22_pq, quantities
from verify.simulation import evidence as EV

pytestmark = pytest.mark.simulation
SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                       HealthCheck.filter_too_much])
STEP = st.sampled_from([Fraction(1, 10), Fraction(1, 2), Fraction(9, 10), Fraction(3, 2)])


def _n(sd: float, effect: float, floor: int = 20_000) -> int | None:
    """Draws resolving `effect` at 15 SE (≥ floor); None above the budget."""
    if effect == 0 or not math.isfinite(sd):
        return None
    n = max(floor, math.ceil((H.RESOLVE * sd / abs(effect)) ** 2))
    return None if n > 400_000 else n


def _scale(case) -> float:
    b = blocks(case)
    return max(float(b.s), 1e-300)


@settings(max_examples=H.examples(16), **SETTINGS)
@given(case=problems(diagonal=False), u=STEP, seed=seeds)
def test_lem21_lem22_one_step_means(case, u, seed):
    """Lemma 21 (E s^S_{t+1} = s^S − 2ητ^S + η²(u^S + e_S)) and Lemma 22 (E f = pη² + qη with
    f = s^B s^D_{t+1} − s^D s^B_{t+1}) at η = u·2/λ_1: simulated means equal the formulas within
    6 SE; the sign of E f is decided at ≥ 6 SE when the budget resolves it."""
    b = blocks(case)
    assume(b.sD > 0 and b.sB > 0)
    eta = u * 2 / case.eigenvalues[0]
    p, q = lemma22_pq(b)
    Ef = p * eta**2 + q * eta
    pilot = EV.sample_step(case, eta, 4000, [seed, 1])
    f_p = float(b.sB) * pilot["s_D"] - float(b.sD) * pilot["s_B"]
    n = _n(float(np.std(f_p)), float(Ef))
    direction = n is not None
    if not direction:
        n = 20_000
    s = EV.sample_step(case, eta, n, [seed, 2])
    f = float(b.sB) * s["s_D"] - float(b.sD) * s["s_B"]
    sc = _scale(case)
    out = [H.decide(s["s_D"], reference=T.expected_next_energy(b.sD, b.tauD, b.uD, b.eD, eta),
                    prop="lem21", scale=sc),
           H.decide(s["s_B"], reference=T.expected_next_energy(b.sB, b.tauB, b.uB, b.eB, eta),
                    prop="lem21", scale=sc),
           H.decide(f, reference=Ef, baseline=0, sign=(1 if Ef > 0 else -1) if direction else None,
                    prop="lem22", scale=sc * sc)]
    H.count("lem21")
    H.count("lem22")
    note(" | ".join(map(str, out)))
    assert all(v.ok for v in out), out


@settings(max_examples=H.examples(16), **SETTINGS)
@given(case=problems(diagonal=False), u=STEP, method=st.sampled_from(["sgd", "dsgd", "bsgd"]),
       seed=seeds)
def test_thm10_exact_expected_loss_change(case, u, method, seed):
    """Theorem 10 (exact form): E[ΔL|x] = −ηs^S + ½η²(τ^S + n^S) for SGD (S = all), Dom-SGD and
    Bulk-SGD, simulated through the numpy engine; the sign decided when the budget resolves it."""
    b = blocks(case)
    s_, tau, n_ = {"sgd": (b.s, b.tauD + b.tauB, b.nD + b.nB), "dsgd": (b.sD, b.tauD, b.nD),
                   "bsgd": (b.sB, b.tauB, b.nB)}[method]
    eta = u * 2 / case.eigenvalues[0]
    ref = T.expected_loss_change(eta, s_, tau, n_)
    pilot = EV.sample_step(case, eta, 4000, [seed, 1], method=method)
    n = _n(float(np.std(pilot["dL"])), float(ref))
    direction = n is not None and float(np.std(pilot["dL"])) > 0
    s = EV.sample_step(case, eta, n or 20_000, [seed, 2], method=method)
    L0 = float(sum(case.eigenvalues[i] * case.state[i] ** 2 for i in range(case.d))) / 2
    v = H.decide(s["dL"], reference=ref, baseline=0,
                 sign=(1 if ref > 0 else -1) if direction else None, prop="thm10-exact",
                 scale=max(L0, 1e-300))
    H.count("thm10-exact")
    note(str(v))
    assert v.ok, v


@settings(max_examples=H.examples(8), **SETTINGS)
@given(case=problems(positive=True), frac=near_one,
       w=st.sampled_from([Fraction(21, 20), Fraction(3, 2), Fraction(3)]), seed=seeds)
def test_thm8_corrected_rise_above_the_corrected_bound(case, frac, w, seed):
    """Corrected Theorem 8: s^B e_D ≥ s^D e_B (θ ≤ e_D/(e_B+e_D)) ⇒ η* ≤ 2/(λ_k + λ_d). Its
    dynamic consequence where p_t > 0: one SGD step at η = w·2/(λ_k+λ_d), w > 1, raises the
    alignment. States at θ ≈ frac·e_D/(e_B+e_D) (frac near 1 included)."""
    b0 = blocks(case)
    assume(b0.sD > 0 and b0.sB > 0 and b0.eD > 0)
    st_ = with_alignment(case, frac * b0.eD / (b0.eB + b0.eD))
    b = blocks(st_)
    assume(b.sD > 0 and b.sB > 0 and b.sB * b.eD >= b.sD * b.eB)
    p, _ = lemma22_pq(b)
    assume(p > 0)
    lam, k = st_.eigenvalues, st_.k
    eta = w * T.eta_star_upper_corrected(lam[k - 1], lam[-1])
    v = H.theta_step_check(st_, eta, +1, seed, "thm8-corrected")
    H.count("thm8-corrected")
    note(str(v))
    assert v.ok, v


@settings(max_examples=H.examples(12), **SETTINGS)
@given(case=problems(diagonal=False), g=st.sampled_from(
    [Fraction(1, 100), Fraction(1, 10), Fraction(1, 2)]), seed=seeds)
def test_thm13_upper_bound_order_below_it(case, g, seed):
    """Theorem 13 (upper bound, as printed): 1 − θ^crit ≤ n_B/(s(λ_k − λ_{k+1})), so every state
    of the fixed-s family with θ < 1 − bound is on the D<B side. Simulated at θ = (1 − bound)(1 − g)
    through Dom-SGD and Bulk-SGD steps at η midway between the two thresholds."""
    b = blocks(case)
    assume(b.sD > 0 and b.sB > 0 and b.nD > 0 and b.nB > 0)
    ub = quantities(case, 30)["thm13_upper_bound"]
    assume(ub is not None and 0 < ub < 1)
    st_ = H.on_family(case, (1 - ub) * (1 - g))
    bb = blocks(st_)
    assume(bb.sD > 0 and bb.sB > 0)
    eD, eB = EV.loss_thresholds(st_)
    assume(eD is not None and eB is not None and eD != eB)
    eta = (eD + eB) / 2
    pD = H.loss_plan(st_, eta, "D", "thm13-upper")
    pB = H.loss_plan(st_, eta, "B", "thm13-upper")
    out = [H.loss_run(pD, +1, [seed, 0], "thm13-upper"), H.loss_run(pB, -1, [seed, 1], "thm13-upper")]
    H.count("thm13-upper")
    note(" | ".join(map(str, out)))
    assert all(v.ok for v in out), out


def test_zz_discards_bounded():
    for prop in ("lem21", "thm10-exact", "thm8-corrected", "thm13-upper"):
        H.check_discards(prop)
