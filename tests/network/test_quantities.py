"""verify.network.quantities evaluates the same closed forms as verify.core.theory (numpy only)."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import numpy as np
import pytest

from verify.core.cases import make_case
from verify.core.theory import quantities
from verify.network.quantities import negative_spectrum, network_quantities, predicted_loss_change


def _case(seed: int):
    rng = np.random.default_rng(seed)
    d, k = 9, 3
    lam = sorted([Fraction(int(x), 8) for x in rng.integers(20, 60, k)], reverse=True) + \
        sorted([Fraction(int(x), 8) for x in rng.integers(1, 10, d - k)], reverse=True)
    lam = sorted(set(lam), reverse=True)
    d = len(lam)
    state = [Fraction(int(x), 4) for x in rng.integers(-8, 9, d)]
    state = [s if s != 0 else Fraction(1) for s in state]
    kap = [Fraction(int(x), 16) for x in rng.integers(1, 40, d)]
    return make_case([str(x) for x in lam], k, [str(x) for x in state], kappa2=[str(x) for x in kap])


@pytest.mark.parametrize("seed", range(5))
def test_matches_theory(seed):
    case = _case(seed)
    lam = np.array([float(x) for x in case.eigenvalues])
    g = np.array([float(l * c) for l, c in zip(case.eigenvalues, case.state)])
    kap = np.array([float(x) for x in case.kappa2])
    nq = network_quantities(lam, g, kap, case.k, float(min(case.kappa2)), float(max(case.kappa2)))
    with mpmath.workdps(30):
        tq = quantities(case, 30)
    for name in ("theta", "eta_star", "eta_loss_D", "eta_loss_B", "g_gap", "theta_star", "theta_crit",
                 "eta_loss_D_intro_box"):
        key = "eta_loss_D_lambda4" if name == "eta_loss_D_intro_box" else name
        want = tq[name]
        if name == "eta_star" and want is not None and want <= 0:
            want = None
        if want is None:
            assert nq[key] is None, name
        else:
            assert nq[key] == pytest.approx(float(want), rel=1e-12), name


def test_negative_control_wrong_formula_differs():
    """The λ⁴ (intro box) threshold is a different number from Thm 10's λ³ one at a generic case."""
    case = _case(0)
    lam = np.array([float(x) for x in case.eigenvalues])
    g = np.array([float(l * c) for l, c in zip(case.eigenvalues, case.state)])
    kap = np.array([float(x) for x in case.kappa2])
    nq = network_quantities(lam, g, kap, case.k, 0.1, 1.0)
    assert abs(nq["eta_loss_D"] - nq["eta_loss_D_lambda4"]) > 1e-3 * nq["eta_loss_D"]
    # the predicted loss change vanishes at η^loss_S (Thm 10) and not at the wrong threshold
    assert predicted_loss_change(nq, nq["eta_loss_D"], "D") == pytest.approx(0, abs=1e-12 * nq["s_D"])
    assert abs(predicted_loss_change(nq, nq["eta_loss_D_lambda4"], "D")) > 1e-6 * nq["s_D"]


def test_psd_projection_and_negatives():
    lam = np.array([3.0, 2.0, 0.5, -0.1, -0.4])
    g = np.array([1.0, 0.5, 0.3, 0.2, 0.1])
    kap = np.ones(5)
    psd = network_quantities(lam, g, kap, 2, 0.5, 1.0, psd=True)
    raw = network_quantities(lam, g, kap, 2, 0.5, 1.0, psd=False)
    assert psd["tau_B"] == pytest.approx(0.5 * 0.09)
    assert raw["tau_B"] == pytest.approx(0.5 * 0.09 - 0.1 * 0.04 - 0.4 * 0.01)
    ns = negative_spectrum(lam)
    assert ns["count"] == 2 and ns["mass_fraction"] == pytest.approx(0.5 / 6.0)


def test_degenerate_noise_makes_regimes_vacuous():
    """s_min = 0 (rank-deficient Σ_b) gives g_gap = 0 and θ* = 1 — reported, not hidden."""
    lam = np.array([3.0, 2.0, 0.5, 0.2])
    q = network_quantities(lam, np.ones(4), np.ones(4), 2, 0.0, 1.0)
    assert q["g_gap"] == 0.0 and q["theta_star"] == 1.0
