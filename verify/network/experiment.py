"""One-step and training experiments that score the paper's predictions on a problem (JAX).

Monte Carlo design. At a state w: R independent minibatches (b indices each, uniform with
replacement) give gradients g_r = g + ξ_r with Cov[ξ] = Σ_b exactly. For every step size η of a
fixed geometric grid (set from λ_1 only, never from a prediction) and every draw r, one step
w' = w − η g_r (SGD), w − η P_D g_r (Dom-SGD), w − η P_B g_r (Bulk-SGD) is taken and the network
itself is evaluated: its new full-batch gradient g' (alignment, in the fixed eigenbasis at w) and
its full-batch loss change ΔL. Common random numbers (the same R minibatches at every η) make the
measured curves smooth in η. Observed crossings are the first sign change of the draw-mean of
  F_r(η) = s^B s^D'_r − s^D s^B'_r    (sign of Θ̂(η) − θ, Θ̂ = mean s^D'/mean s'),
  θ'_r − θ                              (sign of E[θ_{t+1}] − θ_t),
  ΔL^S_r(η)                             (sign of E[ΔL] for the projected step),
located by cubic interpolation through the 4 nearest grid points (exact when the draw-mean is a
quadratic in η, which it is on the quadratic control). Confidence intervals: percentile bootstrap
over the R draws (the whole curve resampled, then its crossing located). A prediction agrees when
its value lies inside the 95% interval (both absent within the grid also agrees).
"""

from __future__ import annotations

import time
import warnings
from typing import Any

import jax.numpy as jnp
import numpy as np
from scipy.sparse.linalg import LinearOperator, eigsh, lobpcg

from verify.network.problems import Problem
from verify.network.quantities import (
    agrees,
    negative_spectrum,
    network_quantities,
    predicted_align_sign,
    predicted_loss_change,
)

CHUNK = 512


def _rows(fn, W: np.ndarray) -> np.ndarray:
    """fn applied to rows of W in chunks (bounded memory)."""
    out = [np.asarray(fn(jnp.asarray(W[s:s + CHUNK]))) for s in range(0, W.shape[0], CHUNK)]
    return np.concatenate(out, axis=0)


def eigbasis(problem: Problem, w: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Exact Hessian, eigenvalues sorted descending and eigenvectors (columns); seconds taken."""
    t = time.perf_counter()
    H = problem.hessian(w)
    lam, U = np.linalg.eigh(H)
    order = np.argsort(lam)[::-1]
    return lam[order], U[:, order], time.perf_counter() - t


def noise_stats(problem: Problem, w: np.ndarray, U: np.ndarray, b: int, g: np.ndarray) -> dict[str, Any]:
    """κ_i² = (UᵀΣ_bU)_ii = mean_j (uᵢᵀ(g_j − ḡ))²/b without forming Σ_b; extreme eigenvalues of Σ_b.

    Σ_b = δᵀδ/(n b) with δ the centred per-example gradients (population covariance: minibatches
    are drawn with replacement, so this is the exact minibatch covariance). Its rank is ≤ n − 1,
    so s_min(Σ_b) = 0 whenever n − 1 < P; s_max by Lanczos on δᵀδ."""
    G = np.asarray(problem.per_example_grads(jnp.asarray(w), *problem.data))
    gbar = G.mean(axis=0)
    delta = G - gbar
    n, P = delta.shape
    kap2 = np.mean((delta @ U) ** 2, axis=0) / b
    if P <= 400:
        ev = np.linalg.eigvalsh(delta.T @ delta / (n * b))
        s_min, s_max = float(max(ev[0], 0.0)), float(ev[-1])
    else:
        op = LinearOperator((P, P), matvec=lambda v: delta.T @ (delta @ v) / (n * b), dtype=float)
        s_max = float(eigsh(op, k=1, which="LA", v0=np.ones(P), return_eigenvectors=False)[0])
        s_min = 0.0 if n - 1 < P else float("nan")
    return {"kappa2": kap2, "s_min": s_min, "s_max": s_max, "rank_bound": min(n - 1, P),
            "mean_minus_full_grad": float(np.max(np.abs(gbar - g)) / max(np.max(np.abs(g)), 1e-300)),
            "kappa2_min": float(kap2.min()), "kappa2_max": float(kap2.max())}


# ---------------------------------------------------------------- crossings and bootstrap

def first_crossing(eta: np.ndarray, F: np.ndarray) -> float | None:
    """First η where F changes sign relative to its value at the smallest η (None: none in grid).
    The root in the bracket is found on the cubic through the 4 nearest grid points."""
    s0 = np.sign(F[0])
    if s0 == 0:
        return None
    idx = np.nonzero(np.sign(F) == -s0)[0]
    if idx.size == 0:
        return None
    j = int(idx[0])
    lo, hi = max(0, j - 2), min(len(eta), j + 2)
    x = eta[lo:hi] / eta[j]
    coef = np.polyfit(x, F[lo:hi], len(x) - 1)
    a, bnd = eta[j - 1] / eta[j], 1.0
    roots = [r.real for r in np.roots(coef) if abs(r.imag) < 1e-9 and a - 1e-12 <= r.real <= bnd + 1e-12]
    if roots:
        return float(min(roots) * eta[j])
    f0, f1 = F[j - 1], F[j]
    return float(eta[j - 1] + (eta[j] - eta[j - 1]) * f0 / (f0 - f1))


def bootstrap_weights(R: int, B: int, rng: np.random.Generator) -> np.ndarray:
    return rng.multinomial(R, np.full(R, 1.0 / R), size=B) / R


def crossing_with_ci(eta: np.ndarray, Fdraws: np.ndarray, Wb: np.ndarray) -> dict[str, Any]:
    """Observed crossing of the draw-mean and its 95% percentile-bootstrap interval (None inside the
    resamples counts as +∞: no crossing within the grid)."""
    point = first_crossing(eta, Fdraws.mean(axis=0))
    boots = np.array([np.inf if (c := first_crossing(eta, f)) is None else c for f in Wb @ Fdraws])
    boots.sort()
    B = boots.size
    lo, hi = boots[int(np.floor(0.025 * (B - 1)))], boots[int(np.ceil(0.975 * (B - 1)))]
    return {"observed": point, "ci": [None if not np.isfinite(lo) else float(lo),
                                      None if not np.isfinite(hi) else float(hi)],
            "no_crossing_fraction": float(np.mean(~np.isfinite(boots)))}


def sign_score(pred_signs: np.ndarray, Fdraws: np.ndarray, Wb: np.ndarray) -> dict[str, Any]:
    """Per grid point: observed sign of the draw-mean where its bootstrap 95% CI excludes 0."""
    boot = Wb @ Fdraws
    lo, hi = np.percentile(boot, 2.5, axis=0), np.percentile(boot, 97.5, axis=0)
    obs = np.where(lo > 0, 1, np.where(hi < 0, -1, 0))
    decisive = obs != 0
    agree = (obs == pred_signs) & decisive
    n = int(decisive.sum())
    return {"decisive": n, "agree": int(agree.sum()), "score": None if n == 0 else float(agree.sum() / n),
            "observed_signs": obs.tolist(), "predicted_signs": pred_signs.tolist()}


def mean_ci(x: np.ndarray) -> tuple[float, list[float]]:
    m = float(np.mean(x))
    se = float(np.std(x, ddof=1) / np.sqrt(x.size)) if x.size > 1 else float("inf")
    return m, [m - 1.96 * se, m + 1.96 * se]


# ---------------------------------------------------------------- one state

def analyze_state(problem: Problem, w: np.ndarray, *, b: int, k: int, ks: list[int], R: int, grid: int,
                  eta_train: float, seed: int, boot: int = 200, label: str = "state",
                  wrong_control: bool = False, progress=None) -> dict[str, Any]:
    """All one-step predictions at w, scored against R minibatch draws of the problem itself.
    `progress(fraction)` after each part (Hessian, noise, SGD draws), for the study's progress."""
    def _done(fraction: float) -> None:
        if progress is not None:
            progress(fraction)

    t0 = time.perf_counter()
    tm: dict[str, float] = {}
    rng = np.random.default_rng(seed)
    w = np.asarray(w, dtype=np.float64)
    wj = jnp.asarray(w)
    L0, g = problem.value_and_grad(wj)
    L0, g = float(L0), np.asarray(g)
    lam, U, t_eig = eigbasis(problem, w)
    tm["hessian_eigh"] = t_eig
    _done(0.55)  # the parts' shares of a quick-settings state (verify.network.run.plan)
    t1 = time.perf_counter()
    ns = noise_stats(problem, w, U, b, g)
    tm["noise"] = time.perf_counter() - t1
    _done(0.6)
    t1 = time.perf_counter()
    gc = U.T @ g
    kmax = max([k, *ks])
    quant = {}
    for kk in sorted(set([k, *ks])):
        for psd in (True, False):
            quant[(kk, psd)] = network_quantities(lam, gc, ns["kappa2"], kk, ns["s_min"], ns["s_max"], psd)
        quant[(kk, "kappa")] = network_quantities(lam, gc, ns["kappa2"], kk, ns["kappa2_min"],
                                                  ns["kappa2_max"], True)
    lam_pos = max(lam[0], 1e-12)
    etas = np.geomspace(1e-2 / lam_pos, 1e2 / lam_pos, grid)
    idx = rng.integers(0, problem.n, size=(R, b))
    gB = np.asarray(problem.minibatch_grads(wj, jnp.asarray(idx)))  # R × P
    # SGD step: new full-batch gradient in the fixed eigenbasis (top-kmax coordinates kept).
    Wn = (w[None, None, :] - etas[None, :, None] * gB[:, None, :]).reshape(R * grid, -1)
    Gn = _rows(problem.grads, Wn)
    coords = (Gn @ U[:, :kmax]) ** 2
    cumD = np.cumsum(coords, axis=1)
    sN = np.sum(Gn * Gn, axis=1)
    del Wn, Gn
    tm["sgd_draws"] = time.perf_counter() - t1
    _done(0.8)
    t1 = time.perf_counter()
    UD_all = U[:, :kmax]
    out_k = {}
    Wb = bootstrap_weights(R, boot, rng)
    for kk in sorted(set([k, *ks])):
        q = quant[(kk, True)]
        sDn = cumD[:, kk - 1].reshape(R, grid)
        sBn = sN.reshape(R, grid) - sDn
        F = q["s_B"] * sDn - q["s_D"] * sBn
        th = sDn / (sDn + sBn) - q["theta"]
        res: dict[str, Any] = {"quantities_psd": quant[(kk, True)], "quantities_signed": quant[(kk, False)],
                               "quantities_kappa_extremes": quant[(kk, "kappa")]}
        res["cross_ratio"] = crossing_with_ci(etas, F, Wb)
        res["cross_Etheta"] = crossing_with_ci(etas, th, Wb)
        ps = np.array([predicted_align_sign(q, e) for e in etas])
        res["sign_ratio"] = sign_score(ps, F, Wb)
        res["sign_Etheta"] = sign_score(ps, th, Wb)
        stable = etas * lam_pos <= 2.0
        res["sign_ratio_stable"] = sign_score(ps[stable], F[:, stable], Wb)
        UD = UD_all[:, :kk]
        stepD = (gB @ UD) @ UD.T
        stepB = gB - stepD
        for S, step in (("D", stepD), ("B", stepB)):
            Wn = (w[None, None, :] - etas[None, :, None] * step[:, None, :]).reshape(R * grid, -1)
            dL = _rows(problem.losses, Wn).reshape(R, grid) - L0
            res[f"cross_loss_{S}"] = crossing_with_ci(etas, dL, Wb)
            res[f"mean_dL_{S}"] = dL.mean(axis=0).tolist()
            res[f"pred_dL_{S}"] = [predicted_loss_change(q, e, S) for e in etas]
            Wt = w[None, :] - eta_train * step
            dLt = np.asarray(problem.losses(jnp.asarray(Wt))) - L0
            m, ci = mean_ci(dLt)
            res[f"dL_{S}_at_eta_train"] = {"mean": m, "ci": ci,
                                           "predicted": predicted_loss_change(q, eta_train, S)}
        res["mean_F"] = F.mean(axis=0).tolist()
        res["pred_f"] = [q["p"] * e * e + q["q"] * e for e in etas]
        out_k[kk] = res
    return {"label": label, "loss": L0, "grad_norm": float(np.linalg.norm(g)), "etas": etas.tolist(),
            "eta_train": eta_train, "b": b, "k": k, "R": R, "seed": seed,
            "negative_spectrum": negative_spectrum(lam),
            "noise": {kk: v for kk, v in ns.items() if kk != "kappa2"},
            "eigenvalues_top": lam[:max(20, kmax)].tolist(), "eigenvalues_bottom": lam[-5:].tolist(),
            "by_k": out_k, "seconds": time.perf_counter() - t0, "seconds_parts": {
                **tm, "projected_draws_and_bootstrap": time.perf_counter() - t1}}


def score_state(st: dict[str, Any], k: int, prefix: str, wrong_control: bool = False) -> list[dict[str, Any]]:
    """The state's predictions in the JSON shape {name, predicted, observed, ci, agree, ...}."""
    r = st["by_k"][k]
    q = r["quantities_psd"]
    eta_max = st["etas"][-1]
    preds = []

    def cross(name, pred, key, extra=None):
        c = r[key]
        d = {"name": f"{prefix}{name}", "predicted": pred, "observed": c["observed"], "ci": c["ci"],
             "agree": agrees(pred, c, eta_max), "rel_error": None}
        if pred is not None and c["observed"] is not None:
            d["rel_error"] = abs(pred - c["observed"]) / abs(c["observed"])
        if extra:
            d.update(extra)
        preds.append(d)

    cross("eta_star (Θ ratio of expectations)", q["eta_star"], "cross_ratio",
          {"predicted_signed": r["quantities_signed"]["eta_star"]})
    cross("eta_star (E θ_{t+1})", q["eta_star"], "cross_Etheta")
    for S in ("D", "B"):
        cross(f"eta_loss_{S}", q[f"eta_loss_{S}"], f"cross_loss_{S}",
              {"predicted_signed": r["quantities_signed"][f"eta_loss_{S}"]})
    if wrong_control:
        cross("NEGATIVE CONTROL eta_loss_D with λ⁴ (intro box)", q["eta_loss_D_lambda4"], "cross_loss_D",
              {"expected_agree": False})
        cross("NEGATIVE CONTROL eta_loss_B with λ⁴ (intro box)", q["eta_loss_B_lambda4"], "cross_loss_B",
              {"expected_agree": False})
    for key, nm in (("sign_ratio", "sign of Θ(η) − θ over the η grid"),
                    ("sign_ratio_stable", "sign of Θ(η) − θ for ηλ_1 ≤ 2"),
                    ("sign_Etheta", "sign of E θ_{t+1} − θ over the η grid")):
        s = r[key]
        preds.append({"name": f"{prefix}{nm}", "predicted": "sign(pη² + qη)", "observed": s["score"],
                      "ci": None, "agree": s["decisive"] > 0 and s["agree"] == s["decisive"],
                      "decisive_points": s["decisive"], "agreeing_points": s["agree"]})
    et = st["eta_train"]
    for S, want in (("D", "increase"), ("B", "decrease")):
        thr = q[f"eta_loss_{S}"]
        pred_inc = thr is not None and et > thr
        m = r[f"dL_{S}_at_eta_train"]
        obs_inc = m["ci"][0] > 0
        obs_dec = m["ci"][1] < 0
        preds.append({"name": f"{prefix}{'Dom' if S == 'D' else 'Bulk'}-SGD step at η_train: "
                              f"{'increase' if pred_inc else 'decrease'} predicted (paper: {want})",
                      "predicted": "increase" if pred_inc else "decrease",
                      "observed": m["mean"], "ci": m["ci"],
                      "agree": bool(obs_inc if pred_inc else obs_dec),
                      "verdict": ("agree" if (obs_inc if pred_inc else obs_dec) else
                                  "disagree" if (obs_dec if pred_inc else obs_inc) else "inconclusive"),
                      "paper_explanation_holds": bool(pred_inc) if S == "D" else (not pred_inc)})
    # Thm 11: θ < θ^crit ⇔ η^loss_D < η^loss_B, against the ordering of the OBSERVED crossings.
    tc = q["theta_crit"]
    cD, cB = r["cross_loss_D"], r["cross_loss_B"]
    oD = np.inf if cD["observed"] is None else cD["observed"]
    oB = np.inf if cB["observed"] is None else cB["observed"]
    if tc is not None:
        pred_order = "D<B" if q["theta"] < tc else "D>B"
        obs_order = "D<B" if oD < oB else "D>B"
        preds.append({"name": f"{prefix}θ^crit orders the observed loss crossings (Thm 11)",
                      "predicted": pred_order, "observed": obs_order, "ci": None,
                      "agree": pred_order == obs_order,
                      "theta": q["theta"], "theta_crit": tc})
    return preds


# ---------------------------------------------------------------- training and the switch protocol

def train_sgd(problem: Problem, w0: np.ndarray, eta: float, b: int, steps: int,
              rng: np.random.Generator, record_every: int = 10) -> tuple[np.ndarray, list[float], list[int]]:
    """Plain SGD, minibatches of b indices drawn with replacement from `rng` (one stream per run)."""
    w = jnp.asarray(w0)
    losses, at = [], []
    for t in range(steps):
        if t % record_every == 0:
            losses.append(float(problem.loss(w)))
            at.append(t)
        w = w - eta * problem.minibatch_grad(w, jnp.asarray(rng.integers(0, problem.n, b)))
    losses.append(float(problem.loss(w)))
    at.append(steps)
    return np.asarray(w), losses, at


def top_k(problem: Problem, w: np.ndarray, k: int, X0: np.ndarray | None,
          seed: int, maxiter: int = 30) -> tuple[np.ndarray, np.ndarray]:
    """Top-k Hessian eigenpairs by LOBPCG on exact Hessian-vector products (warm start X0)."""
    wj = jnp.asarray(w)
    op = LinearOperator((problem.P, problem.P), dtype=float,
                        matvec=lambda v: np.asarray(problem.hvp(wj, jnp.asarray(np.ravel(v)))),
                        matmat=lambda V: np.asarray(problem.hvp_block(wj, jnp.asarray(V.T))).T)
    if X0 is None:
        X0 = np.random.default_rng(seed).normal(size=(problem.P, k + 5))
    with warnings.catch_warnings():  # "not reaching the requested tolerance": θ needs ~1e-4 only
        warnings.simplefilter("ignore", UserWarning)
        ev, V = lobpcg(op, X0, largest=True, maxiter=maxiter, tol=1e-5)
    order = np.argsort(ev)[::-1]
    return ev[order], V[:, order]


def switch_protocol(problem: Problem, w_switch: np.ndarray, *, eta: float, b: int, k: int, steps: int,
                    refresh: int, seed: int, record_every: int = 5) -> dict[str, Any]:
    """Song et al.: from w_switch continue with SGD, Dom-SGD (step P_D g_b) and Bulk-SGD (step P_B g_b),
    P_D the top-k Hessian eigenspace refreshed every `refresh` steps, same minibatch sequence."""
    out: dict[str, Any] = {}
    for algo in ("SGD", "Dom-SGD", "Bulk-SGD"):
        rng = np.random.default_rng(seed)
        w = np.asarray(w_switch, dtype=np.float64)
        X = None
        losses, at = [], []
        for t in range(steps):
            if t % record_every == 0:
                losses.append(float(problem.loss(jnp.asarray(w))))
                at.append(t)
            idx = jnp.asarray(rng.integers(0, problem.n, b))
            gb = np.asarray(problem.minibatch_grad(jnp.asarray(w), idx))
            if algo != "SGD" and t % refresh == 0:
                _, X = top_k(problem, w, k, X, seed + t)
            if algo == "SGD":
                step = gb
            else:
                UD = X[:, :k]
                pD = UD @ (UD.T @ gb)
                step = pD if algo == "Dom-SGD" else gb - pD
            w = w - eta * step
        losses.append(float(problem.loss(jnp.asarray(w))))
        at.append(steps)
        out[algo] = {"losses": losses, "steps": at}
    return out
