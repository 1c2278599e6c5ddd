"""Assumption 14 (§6), decided exactly in rational arithmetic: the one definition used by the
checker (`verify.claims.sec6`), `salign phases` and `verify.simulation.two_phase.assumption14`.

Every input is read exactly (a float is the rational it stores; a string is read as a decimal or
fraction), so a state a hair below a threshold (c₁² = β₁ − 10⁻²⁴) is decided correctly where
float64 would round the two sides together. Imports nothing but `fractions`."""

from __future__ import annotations

from fractions import Fraction
from typing import NamedTuple


def exact(x) -> Fraction:
    """x as a rational, exactly: Fraction and int as they are, a float (numpy's included) as the
    binary rational it stores, a string as written."""
    if isinstance(x, Fraction):
        return x
    if isinstance(x, int):
        return Fraction(x)
    if isinstance(x, str):
        return Fraction(x.strip())
    return Fraction(float(x))


class Asm14(NamedTuple):
    """The three parts of Assumption 14 and the quantities they compare (exact rationals; `delta`
    None when δ is undefined, `beta[i]` None where ηλ_i = 2)."""

    eta_ok: bool  # η < min(2/λ_1, 2 gap₁/(λ_1² − λ_d²))
    init_ok: bool  # c_{i,0}² > β_i for every i in D
    rho_ok: bool  # ϱ_D > δ − Σ_D β_i
    delta: Fraction | None
    varrho: Fraction | None
    sum_beta: Fraction | None
    beta: list
    eta_bound: Fraction


def step_bound(lam, k: int) -> Fraction:
    """Assumption 14's step bound min(2/λ_1, 2 gap₁/(λ_1² − λ_d²)), gap₁ = λ_k − λ_{k+1}, for a
    descending spectrum λ (2/λ_1 alone when λ_1 = λ_d), exactly."""
    lam = [exact(x) for x in lam]
    gap1 = lam[k - 1] - lam[k]
    spread = lam[0] ** 2 - lam[-1] ** 2
    return min(Fraction(2) / lam[0], 2 * gap1 / spread) if spread > 0 else Fraction(2) / lam[0]


def decide(lam, k: int, kap, c0sq, eta) -> Asm14:
    """Assumption 14 for spectrum λ (descending), dominant block size k, noise variances κ²,
    initial second moments c_{i,0}² and step size η, exactly."""
    lam = [exact(x) for x in lam]
    kap = [exact(x) for x in kap]
    c0sq = [exact(x) for x in c0sq]
    eta = exact(eta)
    beta: list = []
    for i in range(len(lam)):
        den = 2 * lam[i] - eta * lam[i] ** 2
        beta.append(eta * kap[i] / den if den != 0 else None)
    gap1 = lam[k - 1] - lam[k]
    spread = lam[0] ** 2 - lam[-1] ** 2
    eta_bound = step_bound(lam, k)
    eta_ok = eta < eta_bound
    init_ok = all(beta[i] is not None and c0sq[i] > beta[i] for i in range(k))
    psi_d = sum(x * x for x in lam[:k])
    den = lam[-1] ** 2 * lam[k - 1] ** 2 * (2 * gap1 / eta - spread)
    delta = max(kap) * psi_d * lam[0] ** 2 / den if den > 0 else None
    if all(b is not None for b in beta[:k]):
        sum_beta = sum(beta[:k], Fraction(0))
        varrho = sum((c0sq[i] - beta[i] for i in range(k)), Fraction(0))
    else:
        sum_beta = varrho = None
    rho_ok = delta is not None and varrho is not None and varrho > delta - sum_beta
    return Asm14(eta_ok, init_ok, rho_ok, delta, varrho, sum_beta, beta, eta_bound)
