"""Negative controls for the family / trajectory checkers: their decision rules must reject
data built to satisfy the opposite statement."""

import numpy as np

from verify.engines import expected_trajectory, theta_infinity
from verify.families import paper_spectrum
from verify.phase1 import analyse
from verify.special_checks import PAPER_M, log_vs_inverse_law


def test_log_law_data_is_not_called_inverse_law():
    ms = np.array(PAPER_M, float)
    tis = 0.4 + 0.08 * np.log(ms)  # a genuinely logarithmic law on the same grid
    rl, ri, _ = log_vs_inverse_law(ms, tis)
    assert not ri < rl / 10  # the sec7-log-m refutation rule does not fire


def test_polynomial_decay_is_not_called_logistic():
    t = np.arange(0, 200, dtype=float)
    curve = 0.02 + 0.98 / (1 + t) ** 2  # polynomial decay towards a floor
    assert analyse(curve)["r2_logit_vs_t"] < 0.99  # the sec7-phase1-poly rule does not fire
    a = 1 / (1 + 0.01 * 1.5**t)  # a logistic curve is recognised
    assert analyse(a[:40])["r2_logit_vs_t"] > 0.999


def test_theta_inf_wrong_weights_rejected():
    lam = np.array([float(x) for x in paper_spectrum(5)])
    kap = np.full(500, 0.25)
    end = expected_trajectory(lam, 50, kap, np.ones(500), 0.003, np.array([10**6]))
    ti, _ = theta_infinity(lam, 50, kap, 0.003)
    assert abs(end["alignment"][0] - ti) < 1e-12
    wrong = (lam[:50] * 0.003 * kap[:50] / (2 - 0.003 * lam[:50])).sum() / (
        lam * 0.003 * kap / (2 - 0.003 * lam) * lam).sum()  # λ instead of λ² in the numerator
    assert abs(end["alignment"][0] - wrong) > 1e-3
