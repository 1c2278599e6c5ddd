"""Simulation properties of the trajectory claims (§6–§7): thm15, thm16, sec7-two-phase, and a
tiny-d simulation carried out entirely in mpmath (30 digits).

thm15/thm16: constant-step SGD trajectories of the problem replicated ×r, simulated exactly in
law at the level of the r-copy energies (verify.simulation.engines.grouped_sgd: one noncentral
χ² draw per level and step), many independent trajectories. References are exact: the finite-d
E[θ_t] from deterministic x_0 is E[U/(U+V)] with c_{i,t} ~ N((1−ηλ_i)^t c_{i,0},
β_i(1 − (1−ηλ_i)^{2t})) (Lemma 26), β_i = ηκ_i²/(2λ_i − ηλ_i²) (30-digit quadrature,
tests/simulation/harness.py); the d → ∞ predictions are R(t) = ratio of expected energies and
θ_∞ = Σ_Dλ²β/Σλ²β, exact Fractions. sec7-two-phase: literal SGD on the paper's d = 500 problem
from x_0 ~ N(0, I) (verify.simulation.engines.simulate), compared with the exact finite-d E θ_t
(verify.core.expected_ratio.gaussian_init_alignment).

Decisions: the fixed-z rule of harness.py (≤ 3e-9 per decision); ≈ 60 decisions in this module
under ci ⇒ ≤ 2e-7 per run (union bound). Discards by pre-simulation rules only, counted.
"""

from __future__ import annotations

import functools
import math
from fractions import Fraction

import mpmath
import numpy as np
import pytest
from hypothesis import HealthCheck, assume, example, given, note, settings
from hypothesis import strategies as st

from tests.simulation import harness as H
from tests.simulation.strategies import seeds
from verify.core.cases import make_case
from verify.core.expected_ratio import expected_theta_next, gaussian_init_alignment
from verify.core.families import paper_spectrum
from verify.simulation import evidence as EV
from verify.simulation.engines import grouped_sgd, simulate
from verify.simulation.two_phase import analyze

pytestmark = pytest.mark.simulation
SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                       HealthCheck.filter_too_much])


def asm14(lam, k, kap, c0sq, eta: Fraction):
    """Assumption 14, decided exactly by the package (verify.core.assumption14.decide, the
    checker's own definition). Returns (met, δ, ϱ_D, Σ_Dβ)."""
    from verify.core.assumption14 import decide

    a = decide(lam, k, kap, c0sq, eta)
    if a.delta is None:
        return False, None, None, None
    return a.eta_ok and a.init_ok and a.rho_ok, a.delta, a.varrho, a.sum_beta


def lemma26_levels(lam, k, kap, c0sq, eta: Fraction, t: int, r: int):
    """Rows (w, μ², v, r, in_D) of the exact law of c_t (each coordinate ×r): the package's
    verify.simulation.evidence.lemma26_levels."""
    return EV.lemma26_levels(lam, k, kap, c0sq, eta, t, r)


def R(lam, k, kap, c0sq, eta: Fraction, t: int) -> Fraction:
    """Ratio of exact expected energies at t (Lemma 26), the d → ∞ limit of E θ_t."""
    e = [lam[i] ** 2 * ((1 - eta * lam[i]) ** (2 * t) * (c0sq[i] - b) + b)
         for i, b in enumerate(eta * kap[i] / (2 * lam[i] - eta * lam[i] ** 2)
                               for i in range(len(lam)))]
    return sum(e[:k], Fraction(0)) / sum(e, Fraction(0))


def trajectories(lam, k, kap, c0sq, eta, r, steps, n, seed) -> np.ndarray:
    """(steps+1, n) alignments of n independent SGD trajectories of the ×r replicated problem."""
    E0 = np.tile(np.array([float(r * c) for c in c0sq]), (n, 1))
    tr = grouped_sgd(np.array([float(x) for x in lam]), np.full(len(lam), r), k,
                     np.array([float(x) for x in kap]), E0, float(eta), steps, seed)
    return tr.alignment


# ------------------------------------------------------------------ thm15
@st.composite
def asm14_setups(draw):
    d = draw(st.integers(2, 4))
    k = draw(st.integers(1, d - 1))
    lam = sorted((Fraction(draw(st.integers(1, 40)), 4) for _ in range(d)), reverse=True)
    assume(lam[k - 1] != lam[k])
    kap = [Fraction(draw(st.integers(1, 9)), 10)] * d
    c0sq = [Fraction(draw(st.integers(1, 9)) * 10 ** draw(st.integers(0, 2))) ** 2 for _ in range(d)]
    gap1 = lam[k - 1] - lam[k]
    bound = min(Fraction(2) / lam[0], 2 * gap1 / (lam[0] ** 2 - lam[-1] ** 2))
    eta = bound * Fraction(draw(st.integers(1, 99)), 100)
    return lam, k, kap, c0sq, eta


@settings(max_examples=H.examples(8), **SETTINGS)
@given(setup=asm14_setups(), seed=seeds)
def test_thm15_alignment_falls_before_t_star(setup, seed):
    """Theorem 15 (Assumption 14, ηλ_1 < 1): lim E θ_{t+1} < lim E θ_t for t < t*. Simulated
    increments θ_t − θ_{t+1} at t = 0 and t = min(t*, 30) − 1 over many trajectories: positive
    (direction, vs the limit R(t) − R(t+1)) and equal to the exact finite-d expectation."""
    lam, k, kap, c0sq, eta = setup
    met, delta, varrho, sb = asm14(lam, k, kap, c0sq, eta)
    assume(met and eta * lam[0] < 1)
    if delta - sb <= 0:
        tstar = 30
    else:
        tstar = min(30, int(math.floor(math.log(varrho / (delta - sb))
                                       / (-2 * math.log(1 - eta * lam[0])))))
    assume(tstar >= 1)
    r = 4**7
    plans = []
    for t in sorted({0, tstar - 1}):
        lim = R(lam, k, kap, c0sq, eta, t) - R(lam, k, kap, c0sq, eta, t + 1)
        fd = (H.grouped_expected_ratio(lemma26_levels(lam, k, kap, c0sq, eta, t, r))
              - H.grouped_expected_ratio(lemma26_levels(lam, k, kap, c0sq, eta, t + 1, r)))
        if lim == 0 or abs(fd - H.mpf(lim)) > abs(H.mpf(lim)) / 4:
            H.discard("thm15", "finite-d gap")
        pilot = trajectories(lam, k, kap, c0sq, eta, r, t + 1, H.N_PILOT, [seed, t, 1])
        n = H.plan_draws(float(fd), float(np.std(pilot[t] - pilot[t + 1], ddof=1)), 1.0)
        if n is None or n > 200_000:
            H.discard("thm15", "unresolvable")
        plans.append((t, fd, n))
    out = []
    for t, fd, n in plans:
        a = trajectories(lam, k, kap, c0sq, eta, r, t + 1, n, [seed, t, 2])
        out.append(H.decide(a[t] - a[t + 1], reference=fd, baseline=0, sign=+1, prop="thm15"))
    H.count("thm15")
    note(f"t*={tstar} " + " | ".join(map(str, out)))
    assert all(v.ok for v in out), out


def test_control_thm15_t_star_overstated():
    """A t* overstated past the turning time predicts a fall at t = turning time + 5; the
    exact R rises there and the simulation rejects the prediction (same procedure)."""
    lam, k, kap = [Fraction(2), Fraction(1, 2)], 1, [Fraction(1, 2)] * 2
    c0sq, eta = [Fraction(1), Fraction(1)], Fraction(1, 5)
    Rs = [R(lam, k, kap, c0sq, eta, t) for t in range(60)]
    turn = int(np.argmin([float(x) for x in Rs]))
    t, r = turn + 5, 4**7
    assert Rs[t + 1] > Rs[t]
    fd = (H.grouped_expected_ratio(lemma26_levels(lam, k, kap, c0sq, eta, t, r))
          - H.grouped_expected_ratio(lemma26_levels(lam, k, kap, c0sq, eta, t + 1, r)))
    pilot = trajectories(lam, k, kap, c0sq, eta, r, t + 1, H.N_PILOT, 1)
    n = H.plan_draws(float(fd), float(np.std(pilot[t] - pilot[t + 1], ddof=1)), 1.0)
    a = trajectories(lam, k, kap, c0sq, eta, r, t + 1, n, 2)
    wrong = H.decide(a[t] - a[t + 1], reference=fd, baseline=0, sign=+1)
    right = H.decide(a[t] - a[t + 1], reference=fd, baseline=0, sign=-1)
    assert right.ok and not wrong.ok, (right, wrong)


# ------------------------------------------------------------------ thm16
def _thm16_setup(lam, k, kap, c0sq, eta, r, seed):
    bet = [eta * kap[i] / (2 * lam[i] - eta * lam[i] ** 2) for i in range(len(lam))]
    e = [lam[i] ** 2 * bet[i] for i in range(len(lam))]
    theta_inf = sum(e[:k], Fraction(0)) / sum(e, Fraction(0))
    rho = max(abs(1 - float(eta) * float(x)) for x in lam)
    T = math.ceil(math.log(1e-12) / (2 * math.log(rho)))
    ref = H.grouped_expected_ratio(lemma26_levels(lam, k, kap, c0sq, eta, T, r))
    pilot = trajectories(lam, k, kap, c0sq, eta, r, T, H.N_PILOT, [seed, 1])[T]
    se_plan = float(np.std(pilot, ddof=1)) / math.sqrt(H.N_MIN)

    def main() -> np.ndarray:
        return trajectories(lam, k, kap, c0sq, eta, r, T, H.N_MIN, [seed, 2])[T]

    return theta_inf, T, ref, main, se_plan


@settings(max_examples=H.examples(8), **SETTINGS)
@given(d=st.integers(2, 4), data=st.data(), u=st.sampled_from(
    [Fraction(1, 10), Fraction(1, 2), Fraction(9, 10), Fraction(99, 100)]), seed=seeds)
def test_thm16_late_phase_mean_is_theta_infinity(d, data, u, seed):
    """Theorem 16: θ_∞ = Σ_Dλ²β/Σλ²β. Trajectories (×r = 4¹⁰) run until every mode's factor
    (1−ηλ)^{2T} ≤ 10⁻¹²; the simulated mean of θ_T must agree within 6 SE with θ_∞ (and with
    the exact finite-d E θ_T). Rule fixed beforehand: the exact finite-d gap |E_fd θ_T − R(T)|
    must be ≤ SE/4, SE planned from an independent pilot (else "finite-d gap"); T ≤ 400
    (ηλ_d not too small, else filtered)."""
    k = data.draw(st.integers(1, d - 1))
    lam = sorted((Fraction(data.draw(st.integers(1, 40)), 4) for _ in range(d)), reverse=True)
    assume(lam[k - 1] != lam[k])
    kap = [Fraction(data.draw(st.integers(1, 30)), 10) for _ in range(d)]
    c0sq = [Fraction(data.draw(st.integers(0, 30))) for _ in range(d)]
    assume(any(c0sq))
    eta = u * 2 / lam[0]
    rho = max(abs(1 - float(eta) * float(x)) for x in lam)
    assume(math.log(1e-12) / (2 * math.log(rho)) <= 400)
    r = 4**10
    theta_inf, T, ref, main, se_plan = _thm16_setup(lam, k, kap, c0sq, eta, r, seed)
    if abs(ref - H.mpf(R(lam, k, kap, c0sq, eta, T))) > se_plan / 4:
        H.discard("thm16", "finite-d gap")
    sample = main()
    v1 = H.decide(sample, reference=theta_inf, prop="thm16")
    v2 = H.decide(sample, reference=ref, prop="thm16")
    H.count("thm16")
    note(f"T={T} θ∞={float(theta_inf)} {v1} | {v2}")
    assert v1.ok and v2.ok, (v1, v2)


def test_control_thm16_small_eta_formula_at_large_eta():
    """The small-η form Σ_Dλκ²/Σλκ² used as θ_∞ at η = 0.9·2/λ_1 is rejected; θ_∞ is accepted."""
    lam, k, kap = [Fraction(4), Fraction(1)], 1, [Fraction(1), Fraction(1)]
    c0sq, eta = [Fraction(1), Fraction(1)], Fraction(9, 20)
    theta_inf, T, ref, main, _ = _thm16_setup(lam, k, kap, c0sq, eta, 4**10, 3)
    sample = main()
    small = Fraction(lam[0] * kap[0], lam[0] * kap[0] + lam[1] * kap[1])
    assert H.decide(sample, reference=theta_inf).ok
    assert not H.decide(sample, reference=small).ok


# ------------------------------------------------------------------ sec7-two-phase
PAPER_M = (5, 20, 100, 500)


@functools.lru_cache(maxsize=2)
def _paper_run(m, eta: float, seed, n: int):
    lam = np.array([float(x) for x in paper_spectrum(m)])
    kap = np.full(500, 0.25)
    rep = analyze(lam, 50, kap, np.ones(500), eta)
    turn = rep.turning_time
    T2 = 4 * turn
    x0 = np.random.default_rng([seed, 0]).standard_normal((n, 500))
    tr = simulate(lam, 50, kap, x0, eta, T2, seed)
    return lam, kap, rep, turn, T2, tr.alignment


@settings(max_examples=H.examples(1), **SETTINGS)
@given(m=st.sampled_from(PAPER_M), seed=seeds)
@example(m=20, seed=4)  # the run the negative control below reuses (cached)
def test_sec7_two_phase_paper_settings(m, seed):
    """§7 (Figures 2, 5): in the paper's setting (d = 500, k = 50, σ = 0.5, η = 0.003,
    x_0 ~ N(0, I)) the alignment first falls, then rises. With the turning time t_turn of the
    exact expected trajectory (verify.simulation.two_phase), the simulated θ_0 − θ_{t_turn} > 0
    and θ_{4t_turn} − θ_{t_turn} > 0 (≥ 6 SE), each equal within 6 SE to the exact finite-d
    expectation (x_0 ~ N(0, I), Lemma 26)."""
    eta = 0.003
    lam, kap, rep, turn, T2, a = _paper_run(m, eta, seed, H.N_MIN)
    assert rep.shape == "decreasing then increasing"
    with mpmath.workdps(30):
        E = {t: gaussian_init_alignment(lam, 50, kap, eta, t) for t in (0, turn, T2)}
    out = [H.decide(a[0] - a[turn], reference=E[0] - E[turn], baseline=0, sign=+1,
                    prop="sec7-two-phase"),
           H.decide(a[T2] - a[turn], reference=E[T2] - E[turn], baseline=0, sign=+1,
                    prop="sec7-two-phase")]
    H.count("sec7-two-phase")
    note(f"m={m} t_turn={turn} " + " | ".join(map(str, out)))
    assert all(v.ok for v in out), out


def test_control_sec7_reversed_order():
    """'First rises, then falls' (the reversed order) is rejected on the same simulation."""
    lam, kap, rep, turn, T2, a = _paper_run(20, 0.003, 4, H.N_MIN)
    assert not H.decide(a[0] - a[turn], baseline=0, sign=-1).ok
    assert not H.decide(a[T2] - a[turn], baseline=0, sign=-1).ok


# ------------------------------------------------------------------ tiny d in mpmath
def _mp_normals(rng, n):
    """n standard normals at the current mpmath precision (Box–Muller on exact 53-bit uniforms)."""
    u = rng.random((n, 2))
    out = []
    for a, b in u:
        a = mpmath.mpf(float(a)) or mpmath.mpf(2) ** -60
        out.append(mpmath.sqrt(-2 * mpmath.log(a)) * mpmath.cos(2 * mpmath.pi * mpmath.mpf(float(b))))
    return out


def test_tiny_d_mpmath_simulation():
    """d = 2 (λ = (2, 1), σ = 1, x = (1, 1)), every step simulated at 30 digits: one SGD step at
    η = 1/2 — E θ_{t+1} agrees with the exact finite-d value (quadrature) — and one Dom-SGD step
    at η = 0.7 and 0.9 around η^loss_D = 0.8 (Theorem 10: decrease, then increase; exact mean).
    Means and SEs are formed in mpmath, so float64 rounding plays no part."""
    case = make_case([2, 1], 1, [1, 1], sigma=1)
    rng = np.random.default_rng(2026)
    n = 6000
    with mpmath.workdps(30):
        z = _mp_normals(rng, 2 * n)
        eta = mpmath.mpf(1) / 2
        th = []
        for j in range(n):
            c1 = (1 - 2 * eta) * 1 - eta * z[2 * j]
            c2 = (1 - eta) * 1 - eta * z[2 * j + 1]
            th.append(4 * c1**2 / (4 * c1**2 + c2**2))
        ref = expected_theta_next(case, Fraction(1, 2))
        mean = mpmath.fsum(th) / n
        se = mpmath.sqrt(mpmath.fsum((x - mean) ** 2 for x in th) / (n - 1) / n)
        assert abs(mean - ref) <= H.Z * se, (mean, ref, se)
        assert abs(mean - mpmath.mpf(1) / 2) > H.Z * se  # wrong reference: rejected
        for eta_q, sign in ((Fraction(7, 10), -1), (Fraction(9, 10), +1)):
            mean_ex, _ = H.loss_change_moments(case.eigenvalues, 1, H.cov_matrix(case), case.state,
                                               eta_q, "D")
            et = H.mpf(eta_q)
            dl = [(2 * ((1 - 2 * et) - et * zz) ** 2 - 2) / 2 for zz in z[:n]]
            mean = mpmath.fsum(dl) / n
            se = mpmath.sqrt(mpmath.fsum((x - mean) ** 2 for x in dl) / (n - 1) / n)
            assert abs(mean - H.mpf(mean_ex)) <= H.Z * se
            assert sign * mean >= H.Z * se, (eta_q, mean, se)
            assert not (-sign * mean >= H.Z * se)  # the flipped prediction is rejected


def test_zz_discards_bounded():
    for prop in ("thm15", "thm16", "sec7-two-phase"):
        H.check_discards(prop, min_simulated=1)
