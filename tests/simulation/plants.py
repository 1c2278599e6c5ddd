"""Planted errors of issue 19: one definition each, used by the planted-bug tests of
tests/simulation/test_sim_evidence.py and by benchmarks/bench_planted.py, which runs the whole
`pytest -m simulation` with one plant in effect (as a pytest plugin: `-p tests.simulation.plants`
with SALIGN_PLANT=name) and measures how soon it fails.

Each plant takes a `pytest.MonkeyPatch` and replaces one package function by a wrong one:
  theta-crit-root   1 − θ^crit with the sign under its square root flipped
  p-eD-sign         Lemma 22's p with e_D's sign flipped (η* off by a few percent)
  eta-loss-den      η^loss = 2s/(τ − n) instead of 2s/(τ + n)
  theta-star-h      Theorem 4's h with its sign flipped
  numpy-step-1pc    the numpy engine's step 1 % too long
  grouped-step-1pc  the grouped sampler's η × 1.01
  fused-step-1pc    the fused engine's η × 1.01
  numpy-dom-bulk    Dom-SGD and Bulk-SGD swapped in the numpy engine
  fused-dom-bulk    Dom-SGD and Bulk-SGD swapped in the fused engine
  eta-loss-3pc      η^loss 3 % too large
  theta-crit-3pc    1 − θ^crit 3 % too large
  eta-star-3pc      η* (the root p/q of Lemma 22) 3 % too large
  numpy-noise-3pc   the numpy engine's noise variances 3 % too large
  grouped-noise-3pc the grouped sampler's noise variances 3 % too large
"""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest

SWAP = {"dsgd": "bsgd", "bsgd": "dsgd", "sgd": "sgd"}


def theta_crit_root(mp: pytest.MonkeyPatch) -> None:
    from verify.core import thresholds as T

    real = T.one_minus_theta_crit
    mp.setattr(T, "one_minus_theta_crit", lambda a, nB, nD, sqrt: real(a, nB, nD, lambda x: -sqrt(x)))


def p_eD_sign(mp: pytest.MonkeyPatch) -> None:
    from verify.core import thresholds as T

    real = T.lemma22_pq
    mp.setattr(T, "lemma22_pq", lambda sD, sB, tD, tB, uD, uB, eD, eB: real(
        sD, sB, tD, tB, uD, uB, -eD, eB))
    _clear_caches()


def eta_loss_den(mp: pytest.MonkeyPatch) -> None:
    from verify.core import thresholds as T

    real = T.eta_loss
    mp.setattr(T, "eta_loss", lambda s, tau, n: real(s, tau, -n))


def theta_star_h(mp: pytest.MonkeyPatch) -> None:
    from verify.core import thresholds as T

    real = T.theta_star_aux
    mp.setattr(T, "theta_star_aux", lambda *a: (lambda a_, h, m: (a_, -h, m))(*real(*a)))
    _clear_caches()


def numpy_step_1pc(mp: pytest.MonkeyPatch) -> None:
    from verify.simulation import engines
    from verify.simulation import evidence as EV

    real = engines.simulate

    def fake(lam, k, kap, x0, eta, *a, **kw):
        return real(lam, k, kap, x0, (lambda t: 1.01 * eta(t)) if callable(eta) else eta * 1.01,
                    *a, **kw)

    mp.setattr(engines, "simulate", fake)
    mp.setattr(EV, "simulate", fake)


def grouped_step_1pc(mp: pytest.MonkeyPatch) -> None:
    from verify.simulation import engines
    from verify.simulation import evidence as EV

    real = engines.grouped_sgd

    def fake(lam, sizes, k, kap, e0, eta, *a, **kw):
        return real(lam, sizes, k, kap, e0, eta * 1.01, *a, **kw)

    mp.setattr(engines, "grouped_sgd", fake)
    mp.setattr(EV, "grouped_sgd", fake)


def fused_step_1pc(mp: pytest.MonkeyPatch) -> None:
    from verify.simulation import fused

    real = fused.simulate_fused
    mp.setattr(fused, "simulate_fused", lambda lam, k, kap, x0, eta, *a, **kw: real(
        lam, k, kap, x0, (lambda t: 1.01 * eta(t)) if callable(eta) else eta * 1.01, *a, **kw))


def numpy_dom_bulk(mp: pytest.MonkeyPatch) -> None:
    from verify.simulation import engines
    from verify.simulation import evidence as EV

    real = engines.simulate

    def fake(*a, method="sgd", switch_method=None, **kw):
        return real(*a, method=SWAP[method],
                    switch_method=None if switch_method is None else SWAP[switch_method], **kw)

    mp.setattr(engines, "simulate", fake)
    mp.setattr(EV, "simulate", fake)


def fused_dom_bulk(mp: pytest.MonkeyPatch) -> None:
    from verify.simulation import fused

    real = fused.simulate_fused
    mp.setattr(fused, "simulate_fused", lambda *a, method="sgd", switch_method=None, **kw: real(
        *a, method=SWAP[method], switch_method=None if switch_method is None else SWAP[switch_method],
        **kw))


def eta_loss_3pc(mp: pytest.MonkeyPatch) -> None:
    from verify.core import thresholds as T

    mp.setattr(T, "eta_loss", _ratio(T.eta_loss))


def theta_crit_3pc(mp: pytest.MonkeyPatch) -> None:
    from verify.core import thresholds as T

    mp.setattr(T, "one_minus_theta_crit", _ratio(T.one_minus_theta_crit))


def eta_star_3pc(mp: pytest.MonkeyPatch) -> None:
    """η* = p/q × 1.03: p scaled by 1.03 (q unchanged) in Lemma 22's (p, q)."""
    from verify.core import thresholds as T

    real = T.lemma22_pq
    mp.setattr(T, "lemma22_pq", lambda *a: (lambda p, q: (p * 103 / 100, q))(*real(*a)))
    _clear_caches()


def numpy_noise_3pc(mp: pytest.MonkeyPatch) -> None:
    from verify.simulation import engines
    from verify.simulation import evidence as EV

    real = engines.simulate

    def fake(lam, k, kap, x0, eta, *a, chol=None, **kw):
        return real(lam, k, kap * 1.03, x0, eta, *a,
                    chol=None if chol is None else chol * 1.03 ** 0.5, **kw)

    mp.setattr(engines, "simulate", fake)
    mp.setattr(EV, "simulate", fake)


def grouped_noise_3pc(mp: pytest.MonkeyPatch) -> None:
    from verify.simulation import engines
    from verify.simulation import evidence as EV

    real = engines.grouped_sgd

    def fake(lam, sizes, k, kap, e0, eta, *a, **kw):
        return real(lam, sizes, k, kap * 1.03, e0, eta, *a, **kw)

    mp.setattr(engines, "grouped_sgd", fake)
    mp.setattr(EV, "grouped_sgd", fake)


def _ratio(f: Callable) -> Callable:
    """f × 103/100 (exact for Fractions, a float or mpf otherwise)."""
    return lambda *a, **kw: (lambda v: None if v is None else v * 103 / 100)(f(*a, **kw))


def _clear_caches() -> None:
    from verify.core import theory

    theory.blocks.cache_clear()


PLANTS: dict[str, Callable[[pytest.MonkeyPatch], None]] = {
    "theta-crit-root": theta_crit_root, "p-eD-sign": p_eD_sign, "eta-loss-den": eta_loss_den,
    "theta-star-h": theta_star_h, "numpy-step-1pc": numpy_step_1pc,
    "grouped-step-1pc": grouped_step_1pc, "fused-step-1pc": fused_step_1pc,
    "numpy-dom-bulk": numpy_dom_bulk, "fused-dom-bulk": fused_dom_bulk,
    "eta-loss-3pc": eta_loss_3pc, "theta-crit-3pc": theta_crit_3pc, "eta-star-3pc": eta_star_3pc,
    "numpy-noise-3pc": numpy_noise_3pc, "grouped-noise-3pc": grouped_noise_3pc,
}

_SESSION: list[pytest.MonkeyPatch] = []


def pytest_configure(config) -> None:
    """As a plugin (`-p tests.simulation.plants`): install the plant named by SALIGN_PLANT for the
    whole session (an unknown name is a usage error)."""
    name = os.environ.get("SALIGN_PLANT")
    if not name:
        return
    if name not in PLANTS:
        raise pytest.UsageError(f"SALIGN_PLANT={name!r}: one of {', '.join(PLANTS)}")
    mp = pytest.MonkeyPatch()
    PLANTS[name](mp)
    _SESSION.append(mp)


def pytest_unconfigure(config) -> None:
    while _SESSION:
        _SESSION.pop().undo()
