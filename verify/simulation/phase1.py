"""Phase I of the alignment curve (App. B.3): the paper's fits against the exact expected curve.

Window (docs/experiments.md): from t = 1 up to the first step where θ_t < min θ + 0.1(θ_1 − min θ).
The paper fits an exponential and a (ridge-regularised) cubic polynomial on that window and
reports R². We do the same fits, on the simulated seed-mean curve and on the exact expected
curve R(t) = E s^D_t / E s_t (Lemma 26), and add diagnostics for the *order* of decay:
R(t) − R_min on a log scale is linear in t for geometric decay and linear in log t for polynomial
decay; the logit log(1/R − 1) = log(E s^B_t / E s^D_t) is linear in t when the dominant energy
decays geometrically faster than the bulk energy (a logistic curve).
"""

from __future__ import annotations

import numpy as np


def window(a: np.ndarray) -> tuple[int, int]:
    """(1, end): end is the first step after 1 with a_t < min a + 0.1 (a_1 − min a)."""
    lo = a.min()
    thr = lo + 0.1 * (a[1] - lo)
    below = np.nonzero(a[1:] < thr)[0]
    end = int(below[0]) + 1 if below.size else len(a) - 1
    return 1, max(end, 5)


def _r2(y: np.ndarray, fit: np.ndarray) -> float:
    ss = float(((y - y.mean()) ** 2).sum())
    return 1.0 - float(((y - fit) ** 2).sum()) / ss if ss > 0 else 1.0


def fit_exponential(t: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """y ≈ c + A e^{−rt}: r on a log grid, (c, A) by least squares. Returns (R², r)."""
    best = (-np.inf, 0.0)
    for r in np.logspace(-4, 1, 400):
        X = np.column_stack([np.ones_like(t), np.exp(-r * t)])
        coef, *_ = np.linalg.lstsq(X, y, rcond=None)
        best = max(best, (_r2(y, X @ coef), float(r)))
    return best


def fit_cubic_ridge(t: np.ndarray, y: np.ndarray, lam: float = 1e-3) -> float:
    """Cubic polynomial in standardised t with ridge penalty `lam` (intercept unpenalised)."""
    z = (t - t.mean()) / (t.std() or 1.0)
    X = np.column_stack([np.ones_like(z), z, z**2, z**3])
    P = np.diag([0.0, lam, lam, lam])
    coef = np.linalg.solve(X.T @ X + P, X.T @ y)
    return _r2(y, X @ coef)


def order_diagnostic(a: np.ndarray, t0: int, t1: int) -> dict[str, float]:
    """R² of log(a − min a) linear in t (geometric decay) vs linear in log t (power law), and of
    the logit log(1/a − 1) linear in t (logistic curve: s^B/s^D growing geometrically)."""
    t = np.arange(t0, t1).astype(float)
    y = np.log(np.maximum(a[t0:t1] - a.min(), 1e-300))
    out = {}
    for name, x in (("geometric", t), ("power", np.log(t))):
        coef = np.polyfit(x, y, 1)
        out[name] = _r2(y, np.polyval(coef, x))
    logit = np.log(1 / a[t0:t1] - 1)
    out["logistic"] = _r2(logit, np.polyval(np.polyfit(t, logit, 1), t))
    return out


def analyse(curve: np.ndarray) -> dict[str, float]:
    t0, t1 = window(curve)
    t = np.arange(t0, t1 + 1).astype(float)
    y = curve[t0: t1 + 1]
    r2e, rate = fit_exponential(t, y)
    diag = order_diagnostic(curve, t0, t1 + 1)
    return {"window_end": t1, "r2_exponential": r2e, "exp_rate": rate,
            "r2_cubic_ridge": fit_cubic_ridge(t, y), "r2_log_vs_t": diag["geometric"],
            "r2_log_vs_log_t": diag["power"], "r2_logit_vs_t": diag["logistic"]}
