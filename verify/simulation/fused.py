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

Threads: the kernel releases the GIL (the JIT kernel is `nogil`, the AOT build too), and the
rows are run on min(rows, cores) threads ($SALIGN_THREADS overrides the count) in segments of
about 10⁶ coordinate updates served round robin, so 7 rows keep 2 cores busy to the end
instead of 4 rows on one core and 3 on the other.
"""

from __future__ import annotations

import os

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
    """Threads for `rows` independent rows: $SALIGN_THREADS if set (a positive integer), else the
    cores this process may use (affinity); at most one per row. The output does not depend on
    it (tested)."""
    env = os.environ.get("SALIGN_THREADS", "").strip()
    if env:
        from verify.core.errors import UsageError

        try:
            cores = int(env)
        except ValueError:
            cores = 0
        if cores < 1:
            raise UsageError(f"SALIGN_THREADS must be a positive integer, got {env!r}")
    else:
        try:
            cores = len(os.sched_getaffinity(0))
        except AttributeError:  # not on Linux
            cores = os.cpu_count() or 1
    return max(1, min(rows, cores))


def sfc64_states(seed: int, rows: int) -> np.ndarray:
    """(rows × 4) uint64 SFC64 states: row j is numpy's SFC64(SeedSequence(seed).spawn(rows)[j])."""
    return np.array([np.random.SFC64(ss).state["state"]["state"]
                     for ss in np.random.SeedSequence(seed).spawn(rows)], dtype=np.uint64)


def _run_segments(rows, n_segs, row_updates, work, etas, threads, progress, forget):
    """Run segment j = 0 .. n_segs − 1 of every row, each row's segments in order, on `threads`
    threads; `work(r0, r1, j, etas(j))` runs segment j of rows r0 .. r1 − 1 (the kernel releases
    the GIL). A row's segment is at most `row_updates` coordinate updates; rows are batched so
    that a task is about 1M of them (or fewer when that leaves too few tasks); batches are
    served round robin (a batch's next segment goes to the back of the queue), so every thread
    stays busy until the last segments, whatever the number of rows per thread. `progress(j)`
    runs (in the calling thread) once every row has finished segment j; `forget(j)` then."""
    from collections import deque

    # rows per task: about 1M updates a task, but at least 4 tasks per thread when rows allow
    batch = max(1, min(-(-rows // (4 * threads)), (1 << 20) // max(1, row_updates)))
    batches = [(r0, min(rows, r0 + batch)) for r0 in range(0, rows, batch)]
    left = [len(batches)] * n_segs  # batches still to finish each segment
    if n_segs == 0:  # nothing to run (steps = 0, or a jump run with fewer steps than one record)
        return
    if threads == 1 or len(batches) == 1:
        for j in range(n_segs):
            ej = etas(j)
            for r0, r1 in batches:
                work(r0, r1, j, ej)
            if progress is not None:
                progress(j)
            forget(j)
        return
    import threading

    cond = threading.Condition()
    todo: deque = deque()  # handed to the workers: (batch, segment, its step sizes)
    done: deque = deque()  # back from them: (batch, segment, exception or None)
    stop = []

    def worker():
        while True:
            with cond:
                while not todo and not stop:
                    cond.wait()
                if stop:
                    return
                b, j, ej = todo.popleft()
            err = None
            try:
                work(*batches[b], j, ej)
            except BaseException as exc:  # handed to the calling thread, which raises it
                err = exc
            with cond:
                done.append((b, j, err))
                cond.notify_all()

    # plain threads (not concurrent.futures, whose import costs ~8 ms per process)
    pool = [threading.Thread(target=worker, daemon=True) for _ in range(min(threads, len(batches)))]
    for th in pool:
        th.start()
    ready = deque((b, 0) for b in range(len(batches)))  # round robin: next segments to the back
    in_flight = 0  # handed out, queued or running (a thread that finishes takes the next at once)
    try:
        while ready or in_flight:
            hand = []
            while ready and in_flight + len(hand) < 2 * len(pool):  # one queued per thread
                b, j = ready.popleft()
                hand.append((b, j, etas(j)))
            with cond:
                todo.extend(hand)
                in_flight += len(hand)
                cond.notify_all()
                while not done:
                    cond.wait()
                finished = list(done)
                done.clear()
            for b, j, err in finished:
                in_flight -= 1
                if err is not None:
                    raise err
                if j + 1 < n_segs:
                    ready.append((b, j + 1))
                left[j] -= 1
                if left[j] == 0:
                    if progress is not None:
                        progress(j)
                    forget(j)
    finally:
        with cond:
            stop.append(True)
            cond.notify_all()
        for th in pool:  # each finishes the segment it is running (milliseconds)
            th.join()


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
    sd_rows = np.ascontiguousarray(np.broadcast_to(sd, (rows, d)))
    no_eta = np.empty(0)
    # Segments of about 1M coordinate updates per row call (a few ms), the same for every row:
    # (mul, add, η per step or None, lo, hi, t0, n, every, steps done after it). A row runs its
    # segments in order; the rows are independent.
    chunk = max(1, (1 << 20) // d)
    segs = []
    if jump:
        lo, hi = block[method]
        eta = float(eta)
        a = 1.0 - eta * lam_rows
        a2 = a * a
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            ratio = np.where(a2 == 1.0, float(record_every), (1.0 - a2**record_every) / (1.0 - a2))
            mul = np.ascontiguousarray(a**record_every)
            add = np.ascontiguousarray(-eta * sd_rows * np.sqrt(ratio))
        for j0 in range(0, n_rec - 1, chunk):
            n = min(chunk, n_rec - 1 - j0)
            segs.append((mul, add, None, lo, hi, j0, n, 1, (j0 + n) * record_every))
    else:
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
            segs.append((mul, add, eta if callable(eta) else None, lo, hi, t0, t1 - t0,
                         record_every, t1))
    etas_of: dict[int, np.ndarray] = {}  # segment → η of each of its steps (a schedule only)

    def etas(j):
        if segs[j][2] is None:
            return no_eta
        if j not in etas_of:
            t0, n = segs[j][5], segs[j][6]
            etas_of[j] = np.array([eta(t) for t in range(t0, t0 + n)], dtype=np.float64)
        return etas_of[j]

    def work(r0, r1, j, ej):
        """Segment j of rows r0 .. r1 − 1 (ej: its step sizes)."""
        mul, add, _, lo, hi, t0, n, every, _ = segs[j]
        for r in range(r0, r1):
            run_row(c[r], lam_rows[r], sd_rows[r], k, mul[r], add[r], ej, lo, hi, t0, n, every,
                    states[r], sD[r], sB[r], loss[r])

    _run_segments(rows, len(segs), d * max((sg[6] for sg in segs), default=0), work, etas,
                  threads or default_threads(rows),
                  None if progress is None else (lambda j: progress(segs[j][8])),
                  lambda j: etas_of.pop(j, None))
    with np.errstate(invalid="ignore", divide="ignore"):
        s = sD + sB
        align = np.divide(sD, s, out=np.zeros_like(s), where=s > 0)
    return Trajectory(alignment=align.T.copy(), loss=loss.T.copy(), s_D=sD.T.copy(), s_B=sB.T.copy(),
                      switched_at=switch_at)
