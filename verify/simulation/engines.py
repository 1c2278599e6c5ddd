"""Simulation engines in the eigenbasis, vectorised over seeds and coordinates.

SGD:  c' = (1 − ηλ)c − ηζ;  DSGD: the same on D, c unchanged on B;  BSGD: the reverse.
ζ = Uᵀξ ~ N(0, C) (C = diag(κ²), or a full covariance through its Cholesky factor).
Alignment θ = s^D/s, loss L = ½ Σ λ c². All randomness comes from numpy Generators
spawned from one SeedSequence, so a run is reproducible from (seed, inputs).

`grouped_sgd` is exact in law for spectra with few distinct eigenvalues (and κ² constant
on each group): the energy E_G = Σ_G c_i² of a group of n equal coordinates follows
E_G' = (ηκ)² · χ'²_n((1 − ηλ)² E_G / (ηκ)²), a scaled noncentral chi-square, so a step
costs O(groups) whatever d is.

`expected_trajectory` is the exact expected path of CSGD (Lemma 26):
E c_{i,t}² = (1 − ηλ_i)^{2t}(c_{i,0}² − β_i) + β_i, β_i = ηκ_i²/(2λ_i − ηλ_i²).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

METHODS = ("sgd", "dsgd", "bsgd")


@dataclass
class Trajectory:
    """Per-step records, shape (steps + 1, seeds): t = 0 is the initial state."""

    alignment: np.ndarray
    loss: np.ndarray
    s_D: np.ndarray
    s_B: np.ndarray
    eta_loss_D: np.ndarray | None = None  # Theorem 10 thresholds of the current state
    eta_loss_B: np.ndarray | None = None
    switched_at: int | None = None


def simulate(
    lam: np.ndarray, k: int, kappa2: np.ndarray, x0: np.ndarray, eta, steps: int,
    seed: int, method: str = "sgd", chol: np.ndarray | None = None, record_every: int = 1,
    switch_at: int | str | None = None, switch_method: str | None = None, progress=None,
    track_loss_thresholds: bool = False, settle_window: int = 1000, settle_tol: float = 1e-2,
) -> Trajectory:
    """Run `method` from eigenbasis states x0 (seeds × d). `eta` is a float or a callable t ↦ η_t.
    `lam` is (d,) or (seeds, d) (one spectrum per row).

    With `switch_at`, the run uses `method` until that step and `switch_method` afterwards
    (the protocol of Song et al. 2024); `switch_at="settled"` switches at the first multiple
    of `settle_window` where the seed-mean alignment averaged over the last window moved by
    less than `settle_tol` from the previous window. With `track_loss_thresholds`, the
    thresholds η^loss_D, η^loss_B = 2s^S/(τ^S + n^loss_S) of every recorded state are kept.
    """
    from concurrent.futures import ThreadPoolExecutor  # here: ~8 ms of imports other paths skip

    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}")
    lam = np.asarray(lam, dtype=float)
    c = np.array(x0, dtype=float, copy=True)
    n_seeds, d = c.shape
    # Noise: the seed rows are split into (at most) two fixed blocks, each with its own stream
    # spawned from SeedSequence(seed); the blocks are filled on two threads (numpy releases the
    # GIL). The split depends only on the inputs, so results do not depend on the machine.
    n_blocks = 2 if n_seeds >= 2 else 1
    gens = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(n_blocks)]
    row_blocks = [slice(r[0], r[-1] + 1) for r in np.array_split(np.arange(n_seeds), n_blocks)]
    sd = np.sqrt(np.asarray(kappa2, dtype=float))
    lam2 = lam * lam
    n_rec = steps // record_every + 1
    names = ["alignment", "loss", "s_D", "s_B"]
    if track_loss_thresholds:
        names += ["eta_loss_D", "eta_loss_B"]
        nl = lam * np.asarray(kappa2, dtype=float)
        nD, nB = nl[..., :k].sum(axis=-1), nl[..., k:].sum(axis=-1)
    out = {n: np.empty((n_rec, n_seeds)) for n in names}

    e = np.empty_like(c)
    el = np.empty_like(c)
    buf = np.empty_like(c)
    blocks = {"sgd": slice(None), "dsgd": slice(0, k), "bsgd": slice(k, None)}

    def record(j: int) -> None:
        np.multiply(c, c, out=e)
        np.multiply(e, lam2, out=el)
        sD = el[:, :k].sum(axis=1)
        sB = el[:, k:].sum(axis=1)
        s = sD + sB
        out["s_D"][j], out["s_B"][j] = sD, sB
        out["alignment"][j] = np.divide(sD, s, out=np.zeros_like(s), where=s > 0)
        out["loss"][j] = 0.5 * (e @ lam if lam.ndim == 1 else np.einsum("ij,ij->i", e, lam))
        if track_loss_thresholds:
            te = lam * el
            out["eta_loss_D"][j] = 2 * sD / (te[:, :k].sum(axis=1) + nD)
            out["eta_loss_B"][j] = 2 * sB / (te[:, k:].sum(axis=1) + nB)

    record(0)
    switched = switch_at if isinstance(switch_at, int) else None
    running = np.zeros(n_seeds)
    prev_window = None
    # noise is drawn in chunks of consecutive steps (the same stream as step-by-step draws)
    chunk = int(max(1, min(16, 2**20 // (n_seeds * d))))
    # the thread pool is shut down on every exit, an exception or Ctrl-C included
    with ThreadPoolExecutor(max_workers=n_blocks) as pool:

        def draw(i: int, n: int) -> np.ndarray:
            Zi = np.empty((n, row_blocks[i].stop - row_blocks[i].start, d))
            gens[i].standard_normal(out=Zi)
            if chol is None:
                Zi *= sd
            else:
                Zi = Zi @ chol.T
            return Zi

        for start in range(0, steps, chunk):
            n = min(chunk, steps - start)
            parts = list(zip(row_blocks, pool.map(draw, range(n_blocks), [n] * n_blocks)))
            for j in range(n):
                t = start + j
                et = eta(t) if callable(eta) else eta
                m = method if (switched is None or t < switched) else (switch_method or method)
                sl = blocks[m]
                cs, b = c[:, sl], buf[:, sl]
                # x ← x − η P^S(Ax + ξ), in place on the block S that moves
                np.multiply(lam[..., sl], cs, out=b)
                for rows, Zi in parts:
                    b[rows] += Zi[j][:, sl]
                b *= et
                cs -= b
                if (t + 1) % record_every == 0:
                    record((t + 1) // record_every)
                if switch_at == "settled" and switched is None:
                    np.multiply(c, c, out=e)
                    np.multiply(e, lam2, out=el)
                    running += el[:, :k].sum(axis=1) / el.sum(axis=1)
                    if (t + 1) % settle_window == 0:
                        win = running.mean() / settle_window
                        if prev_window is not None and abs(win - prev_window) < settle_tol:
                            switched = t + 1
                        prev_window, running = win, np.zeros(n_seeds)
                if progress is not None:
                    progress(t + 1)
    return Trajectory(**out, switched_at=switched)


def simulate_dense_published(
    lam: np.ndarray, k: int, sigma: float, eta: float, steps: int, seed: int,
) -> np.ndarray:
    """The published code path: A = Q diag(λ) Qᵀ formed densely, x_0 ~ N(0, I), one
    matrix-vector product per step, alignment ‖P A x‖²/‖A x‖² with P the top-k projector.
    Returns the alignment after every update (length steps + 1). Used for the law-equality
    test and the speed benchmark."""
    rng = np.random.default_rng(seed)
    d = len(lam)
    Q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    A = (Q * lam) @ Q.T
    P = Q[:, :k] @ Q[:, :k].T
    x = rng.standard_normal(d)
    out = np.empty(steps + 1)
    for t in range(steps + 1):
        g = A @ x
        pg = P @ g
        out[t] = (pg @ pg) / (g @ g)
        if t < steps:
            x = x - eta * (g + sigma * rng.standard_normal(d))
    return out


def case_arrays(case, n_rows: int = 1):
    """A case as the engines take it, in float64: (λ, κ², n_rows copies of its state, the
    Cholesky factor of its full noise covariance or None for noise diagonal in the eigenbasis)."""
    lam = np.array([float(x) for x in case.eigenvalues])
    kap = np.array([float(x) for x in case.kappa2])
    x0 = np.tile(np.array([float(x) for x in case.state]), (n_rows, 1))
    chol = None
    if not case.noise_is_diagonal:
        cov = np.array([[float(x) for x in r] for r in case.covariance])
        chol = np.linalg.cholesky(cov + 1e-300 * np.eye(len(cov)))
    return lam, kap, x0, chol


@dataclass(frozen=True)
class Levels:
    """Groups of coordinates sharing (λ, κ², block): the dominant groups first (k_groups of them),
    each with its size and, per seed row, its initial energy E_G = Σ_G c_i²."""

    lam: np.ndarray
    kappa2: np.ndarray
    sizes: np.ndarray
    k_groups: int
    energy0: np.ndarray


def group_levels(lam, k: int, kappa2, x0: np.ndarray) -> Levels:
    """Group the coordinates of a spectrum by (λ, κ², i < k) for `grouped_sgd` (exact in law)."""
    keys = [(float(lam[i]), float(kappa2[i]), i < k) for i in range(len(lam))]
    levels = sorted(set(keys), key=lambda t: (-t[2], -t[0], t[1]))
    index = {t: j for j, t in enumerate(levels)}
    idx = np.array([index[t] for t in keys])
    sizes = np.bincount(idx, minlength=len(levels))
    energy0 = np.stack([np.bincount(idx, weights=row**2, minlength=len(levels)) for row in x0])
    return Levels(np.array([t[0] for t in levels]), np.array([t[1] for t in levels]), sizes,
                  sum(t[2] for t in levels), energy0)


def grouped_sgd(
    lam_levels: np.ndarray, sizes: np.ndarray, k_levels: int, kappa2_levels: np.ndarray,
    energy0: np.ndarray, eta: float, steps: int, seed: int,
) -> Trajectory:
    """Exact-in-law SGD for a spectrum with few distinct levels. `energy0` is (seeds × levels)
    of Σ_G c_i². Returns block energies and alignment; cost O(levels) per step."""
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    E = np.array(energy0, dtype=float, copy=True)
    n_seeds, L = E.shape
    lam = np.asarray(lam_levels, dtype=float)
    v = eta * eta * np.asarray(kappa2_levels, dtype=float)
    a2 = (1 - eta * lam) ** 2
    lam2 = lam * lam
    out = {n: np.empty((steps + 1, n_seeds)) for n in ("alignment", "loss", "s_D", "s_B")}

    def record(j: int) -> None:
        e = lam2 * E
        sD, sB = e[:, :k_levels].sum(axis=1), e[:, k_levels:].sum(axis=1)
        out["s_D"][j], out["s_B"][j] = sD, sB
        out["alignment"][j] = np.divide(sD, sD + sB, out=np.zeros_like(sD), where=sD + sB > 0)
        out["loss"][j] = 0.5 * (lam * E).sum(axis=1)

    record(0)
    df = np.broadcast_to(np.asarray(sizes, dtype=float), E.shape)
    for t in range(steps):
        nonc = a2 * E / np.where(v > 0, v, 1.0)
        noisy = rng.noncentral_chisquare(df, np.maximum(nonc, 1e-300))
        E = np.where(v > 0, v * noisy, a2 * E)
        record(t + 1)
    return Trajectory(**out)


def expected_c2(
    lam: np.ndarray, kappa2: np.ndarray, c0sq: np.ndarray, eta: float, ts: np.ndarray,
) -> np.ndarray:
    """(len(ts), d) array of E c_{i,t}² = |1 − ηλ_i|^{2t}(c_{i,0}² − β_i) + β_i,
    β_i = ηκ_i²/(2λ_i − ηλ_i²) (Lemma 26; c_{i,0}² may be E c_{i,0}² of a random start). A time
    t = ∞ gives the stationary β_i exactly when 0 < ηλ_i < 2."""
    lam = np.asarray(lam, dtype=float)
    beta = eta * np.asarray(kappa2, dtype=float) / (2 * lam - eta * lam * lam)
    ts = np.asarray(ts, dtype=float)
    decay = np.abs(1 - eta * lam)[None, :] ** (2 * ts[:, None])
    return decay * (np.asarray(c0sq, dtype=float) - beta)[None, :] + beta[None, :]


def expected_trajectory(
    lam: np.ndarray, k: int, kappa2: np.ndarray, c0sq: np.ndarray, eta: float, ts: np.ndarray,
) -> dict[str, np.ndarray]:
    """Exact E[s^D_t], E[s^B_t], E[L_t] and the ratio-of-expectations alignment at times ts
    (Lemma 26, no iteration; O(d) per time)."""
    lam = np.asarray(lam, dtype=float)
    ts = np.asarray(ts, dtype=float)
    Ec2 = expected_c2(lam, kappa2, c0sq, eta, ts)
    e = lam * lam * Ec2
    sD, sB = e[:, :k].sum(axis=1), e[:, k:].sum(axis=1)
    return {"t": ts, "E_s_D": sD, "E_s_B": sB, "E_loss": 0.5 * (lam * Ec2).sum(axis=1),
            "alignment": sD / (sD + sB)}


def theta_infinity(lam: np.ndarray, k: int, kappa2: np.ndarray, eta: float) -> tuple[float, float]:
    """Theorem 16: θ_∞ = Σ_D λ²β / Σ λ²β, and the small-η form Σ_D λκ² / Σ λκ²."""
    lam = np.asarray(lam, dtype=float)
    kap = np.asarray(kappa2, dtype=float)
    w = eta * lam * kap / (2 - eta * lam)
    small = lam * kap
    return float(w[:k].sum() / w.sum()), float(small[:k].sum() / small.sum())
