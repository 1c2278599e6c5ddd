"""The two-phase theorem made concrete, for any constant step size η ∈ (0, 2/λ_1).

For a problem (λ, k, κ²) and an initialization with second moments c_{i,0}², the expected
trajectory of CSGD is exact (Lemma 26): R(t) = Σ_D λ²E c_t² / Σ λ²E c_t² (the ratio of
expected energies — what lim_{d→∞} E θ_t equals under replication, Lemma 28). This module
classifies R's shape (decreasing-then-increasing, monotone, …), reports the turning time,
the minimum, θ_∞ (Theorem 16), t* and Assumption 14 (Theorem 15), and sweeps η over
(0, 2/λ_1) to say what the alignment does in each range.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from verify.simulation.engines import expected_trajectory, theta_infinity


@dataclass
class PhaseReport:
    eta: float
    stable: bool
    shape: str
    turning_time: int | None
    minimum: float | None
    theta_0: float | None
    theta_end: float | None
    horizon: int
    theta_inf: float | None
    theta_inf_small_eta: float | None
    t_star: int | None
    assumption14: dict

    def to_json_obj(self) -> dict:
        return asdict(self)


def _horizon(lam: np.ndarray, eta: float) -> int:
    """Steps until the slowest mode's factor (1−ηλ)^{2t} falls below 1e-12 (capped)."""
    r = np.max(np.abs(1 - eta * lam)) ** 2
    if r <= 0:
        return 10
    return int(min(max(10, np.ceil(np.log(1e-12) / np.log(r))), 2_000_000))


def classify(a: np.ndarray, tol: float = 1e-13) -> tuple[str, int | None]:
    """Shape of a sequence from the signs of its increments (changes below tol ignored)."""
    dif = np.diff(a)
    sig = np.sign(np.where(np.abs(dif) <= tol * np.maximum(1.0, np.abs(a[1:])), 0, dif))
    nz = sig[sig != 0]
    if nz.size == 0:
        return "constant", None
    changes = int(np.count_nonzero(np.diff(nz) != 0))
    if changes == 0:
        return ("monotone decreasing" if nz[0] < 0 else "monotone increasing"), None
    if changes == 1:
        turn = int(np.argmin(a)) if nz[0] < 0 else int(np.argmax(a))
        return ("decreasing then increasing" if nz[0] < 0 else "increasing then decreasing"), turn
    return f"non-monotone ({changes} turns)", None


def assumption14(lam, k, kap, c0sq, eta) -> dict:
    """Assumption 14 and t* of Theorem 15 (with |1 − ηλ_1| so that t* is defined for ηλ_1 > 1).

    The three conditions are decided exactly (verify.core.assumption14, the checker's own
    definition): each input is read as the rational it is (floats exactly as stored; give
    Fractions or decimal strings for exact problem data), so a state within rounding of a
    threshold is not misjudged. The reported numbers are float64 roundings of exact values."""
    from verify.core.assumption14 import decide, exact

    a = decide(lam, k, kap, c0sq, eta)
    eta_lam1 = exact(eta) * exact(lam[0])

    def fl(x):  # float64 of an exact value; ±inf beyond float64's range (never an error)
        if x is None:
            return None
        try:
            return float(x)
        except OverflowError:
            return float("inf") if x > 0 else float("-inf")

    margin = (None if a.delta is None or a.varrho is None
              else fl(a.varrho - (a.delta - a.sum_beta)))
    out = {"eta_bound": float(a.eta_bound), "eta_ok": bool(a.eta_ok),
           "init_ok": bool(a.init_ok), "delta": fl(a.delta), "varrho_D": fl(a.varrho),
           "sum_beta_D": fl(a.sum_beta), "varrho_margin": margin,
           "eta_lambda1_ge_1": bool(eta_lam1 >= 1)}
    out["met"] = bool(a.eta_ok and a.init_ok and a.rho_ok)
    r = float(abs(1 - eta_lam1))
    if out["met"] and 0 < r < 1:
        excess = a.delta - a.sum_beta
        t = None if excess <= 0 else float(np.log(fl(a.varrho / excess)) / (-2 * np.log(r)))
        out["t_star"] = int(np.floor(t)) if t is not None and np.isfinite(t) else None
    else:
        out["t_star"] = None
    return out


def _num(x) -> float | None:
    """A float for the report, None (JSON null, 'undefined') when float64 could not hold it
    (overflow of a diverging trajectory, 0/0 without noise) — never NaN or inf in the output."""
    x = float(x)
    return x if np.isfinite(x) else None


def analyze(lam, k: int, kap, c0sq, eta, max_steps: int = 400_000) -> PhaseReport:
    """The expected trajectory's shape at step size η (float64) and Assumption 14 (exact, from
    the inputs as given: pass Fractions for exact problem data and step size)."""
    a14 = assumption14(lam, k, kap, c0sq, eta)
    lam, kap, c0sq = (np.asarray([float(x) for x in v], float) for v in (lam, kap, c0sq))
    eta = float(eta)
    stable = bool(eta < 2 / lam[0])
    with np.errstate(all="ignore"):  # overflow of a diverging run, 0/0 without noise: None below
        if not stable:
            ts = np.arange(0, 200)
            a = expected_trajectory(lam, k, kap, c0sq, eta, ts)["alignment"]
            bad = ~np.isfinite(a)
            finite = a[:int(np.argmax(bad))] if bad.any() else a  # up to float64's overflow
            shape, turn = classify(finite) if finite.size > 1 else ("undefined", None)
            return PhaseReport(eta, False, "unstable (η ≥ 2/λ_1): E s_t diverges; alignment "
                               + shape + (f" until float64 overflows at t = {finite.size}"
                                          if bad.any() else ""), turn, None, _num(a[0]),
                               _num(a[-1]), 200, None, None, None, a14)
        H = min(_horizon(lam, eta), max_steps)
        ts = np.arange(0, H + 1)
        a = expected_trajectory(lam, k, kap, c0sq, eta, ts)["alignment"]
        shape, turn = classify(a)
        ti, tis = theta_infinity(lam, k, kap, eta)
    return PhaseReport(eta, True, shape, turn, _num(a.min()) if turn is not None else None,
                       _num(a[0]), _num(a[-1]), H, _num(ti), _num(tis), a14.get("t_star"), a14)


def sweep(lam, k: int, kap, c0sq, n: int = 40, progress=None) -> list[dict]:
    """Classify η on a log grid of (0, 2/λ_1) (plus points above) and merge equal shapes into
    ranges. `progress(done, total)` is called after each step size."""
    top = 2 / float(lam[0])
    grid = np.unique(np.concatenate([top * np.logspace(-4, -0.3, n // 2),
                                     top * np.linspace(0.5, 0.995, n - n // 2), [top * 1.05]]))
    reps = []
    for e in grid:
        reps.append(analyze(lam, k, kap, c0sq, float(e), max_steps=100_000))
        if progress is not None:
            progress(len(reps), len(grid))
    ranges: list[dict] = []
    for r in reps:
        label = r.shape
        if ranges and ranges[-1]["shape"] == label:
            ranges[-1]["eta_max"] = r.eta
            ranges[-1]["n"] += 1
            ranges[-1]["n_assumption14_met"] += int(r.assumption14["met"])
        else:
            ranges.append({"shape": label, "eta_min": r.eta, "eta_max": r.eta, "n": 1,
                           "n_assumption14_met": int(r.assumption14["met"])})
    return ranges
