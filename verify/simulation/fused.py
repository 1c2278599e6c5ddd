"""Fused, compiled SGD engine in the eigenbasis (numba): one pass per step draws, updates and
reduces, with no intermediate arrays.

The law is the same as `verify.simulation.engines.simulate` (and the published dense code path):
on the moving block S of a step,

    c_i ← (1 − η_t λ_i) c_i − η_t κ_i z_i,   z_i ~ N(0, 1) i.i.d.,

i.e. c ← c − η(λc + ζ) with ζ = κ ⊙ z ~ N(0, diag(κ²)) (z and −z have the same law); the other
block is unchanged (DSGD moves D = {0..k−1}, BSGD moves B = {k..d−1}). Records at t = 0, r, 2r, …
(r = `record_every`): s^D = Σ_{i<k} λ_i² c_i², s^B = Σ_{i≥k} λ_i² c_i²,
θ = s^D / (s^D + s^B) (0 when both vanish), L = ½ Σ λ_i c_i².

`jump=True` (constant η, one method) uses the exact r-step transition of the same chain: every
moving coordinate is an independent Gaussian AR(1), c_{t+1} = a c_t − ηκ z with a = 1 − ηλ, so

    c_{t+r} = a^r c_t − ηκ √((1 − a^{2r}) / (1 − a²)) · z,   z ~ N(0, 1)

(√r·ηκ when a² = 1). The records at multiples of r then have exactly the law of the step-by-step
run's records, at one Gaussian draw per coordinate per record instead of r.

Randomness: seed row j has its own stream, SFC64(SeedSequence(seed).spawn(rows)[j]), and the
Gaussians are numpy's 256-layer ziggurat on it, compiled inline: the draws are bit-identical to
numpy's Generator(SFC64(…)).standard_normal() (tested), taken in coordinate order. Rows are
independent and each row's arithmetic is sequential (no fast-math, no reassociation), so the
output is byte-identical whatever the number of threads that run the rows.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from verify.simulation.engines import METHODS, Trajectory

_KERNEL = []


def _kernels(log=None):
    """The compiled kernel module (with `run_row`): the ahead-of-time build when available
    (verify.simulation.aot; no numba import at run time), else numba's JIT of the same source."""
    if not _KERNEL:
        from verify.simulation import aot

        mod = aot.load(log=log)
        if mod is None:
            from verify.simulation import _kernels as mod
        _KERNEL.append(mod)
    return _KERNEL[0]


def default_threads(rows: int) -> int:
    """Threads for `rows` independent rows: the cores this process may use (affinity), at most
    one per row. The output does not depend on it."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(rows, cores))


def sfc64_states(seed: int, rows: int) -> np.ndarray:
    """(rows × 4) uint64 SFC64 states: row j is numpy's SFC64(SeedSequence(seed).spawn(rows)[j])."""
    return np.array([np.random.SFC64(ss).state["state"]["state"]
                     for ss in np.random.SeedSequence(seed).spawn(rows)], dtype=np.uint64)


def simulate_fused(
    lam: np.ndarray, k: int, kappa2: np.ndarray, x0: np.ndarray, eta, steps: int, seed: int,
    method: str = "sgd", record_every: int = 1, switch_at: int | None = None,
    switch_method: str | None = None, progress=None, threads: int | None = None,
    jump: bool = False, log=None,
) -> Trajectory:
    """Run `method` from eigenbasis states x0 (rows × d) with diagonal noise κ² and step size
    `eta` (a float or a callable t ↦ η_t); records (steps // record_every + 1, rows).
    `lam` is (d,) or (rows, d). With `switch_at` (a step), `switch_method` runs from then on.
    With `jump` (constant η, no switch), each record is reached by the exact `record_every`-step
    transition (see the module docstring). `progress(t)` is called with the steps done; `log`
    receives one-line notes (a first-use kernel build)."""
    if method not in METHODS or (switch_method is not None and switch_method not in METHODS):
        raise ValueError(f"unknown method {method!r} / {switch_method!r}")
    if record_every < 1 or steps < 0:
        raise ValueError("record_every must be ≥ 1 and steps ≥ 0")
    if jump and (callable(eta) or switch_at is not None):
        raise ValueError("jump needs a constant step size and no switch")
    run_row = _kernels(log).run_row
    c = np.array(x0, dtype=np.float64, copy=True, order="C")
    rows, d = c.shape
    lam_rows = np.ascontiguousarray(np.broadcast_to(np.asarray(lam, dtype=np.float64), (rows, d)))
    sd = np.sqrt(np.asarray(kappa2, dtype=np.float64))
    n_rec = steps // record_every + 1
    sD, sB, loss = (np.empty((rows, n_rec)) for _ in range(3))
    for r in range(rows):  # record 0 (no update: n = 0 … so record by hand)
        e = lam_rows[r] * c[r] * c[r]
        sD[r, 0], sB[r, 0] = float((lam_rows[r, :k] * e[:k]).sum()), float((lam_rows[r, k:] * e[k:]).sum())
        loss[r, 0] = 0.5 * float(e.sum())
    states = sfc64_states(seed, rows)
    block = {"sgd": (0, d), "dsgd": (0, k), "bsgd": (k, d)}
    pool = ThreadPoolExecutor(max_workers=threads or default_threads(rows))

    sd_rows = np.ascontiguousarray(np.broadcast_to(sd, (rows, d)))
    no_eta = np.empty(0)

    def run(mul, add, etas, lo, hi, t0, n, every):
        """All rows, updates t0+1 .. t0+n; mul/add are (rows, d)."""
        list(pool.map(lambda r: run_row(c[r], lam_rows[r], sd_rows[r], k, mul[r], add[r], etas, lo, hi,
                                        t0, n, every, states[r], sD[r], sB[r], loss[r]), range(rows)))

    try:
        if jump:
            lo, hi = block[method]
            eta = float(eta)
            a = 1.0 - eta * lam_rows
            a2 = a * a
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                ratio = np.where(a2 == 1.0, float(record_every), (1.0 - a2**record_every) / (1.0 - a2))
                mul = np.ascontiguousarray(a**record_every)
                add = np.ascontiguousarray(-eta * sd_rows * np.sqrt(ratio))
            chunk = max(1, (1 << 22) // d)
            for j0 in range(0, n_rec - 1, chunk):
                n = min(chunk, n_rec - 1 - j0)
                run(mul, add, no_eta, lo, hi, j0, n, 1)
                if progress is not None:
                    progress((j0 + n) * record_every)
        else:
            # chunks of steps (about 4M coordinate updates per row call), split at the switch
            chunk = max(1, (1 << 22) // d)
            if not callable(eta):
                mul = np.ascontiguousarray(1.0 - float(eta) * lam_rows)
                add = np.ascontiguousarray(-float(eta) * sd_rows)
            else:
                mul = add = lam_rows  # unused: η_t is applied per step
            cuts = {0, steps, *range(0, steps, chunk)}
            if switch_at is not None and 0 < switch_at < steps:
                cuts.add(switch_at)
            bounds = sorted(cuts)
            for t0, t1 in zip(bounds[:-1], bounds[1:]):
                m = method if switch_at is None or t0 < switch_at else (switch_method or method)
                lo, hi = block[m]
                etas = (np.array([eta(t) for t in range(t0, t1)], dtype=np.float64) if callable(eta)
                        else no_eta)
                run(mul, add, etas, lo, hi, t0, t1 - t0, record_every)
                if progress is not None:
                    progress(t1)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        s = sD + sB
        align = np.divide(sD, s, out=np.zeros_like(s), where=s > 0)
    return Trajectory(alignment=align.T.copy(), loss=loss.T.copy(), s_D=sD.T.copy(), s_B=sB.T.copy(),
                      switched_at=switch_at)
