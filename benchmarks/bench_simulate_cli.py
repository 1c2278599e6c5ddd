"""Side-by-side, whole-process benchmark: `salign simulate` on the paper's m = 50 run against the
dense published code path, and the physical limit (Gaussian draws per second on one core).

Run: python benchmarks/bench_simulate_cli.py [steps] [repeats]   (defaults: 30000, 3)

Both sides are separate processes started the same way (interpreter start-up, imports, work,
output), run back to back in this one invocation; the simulate command is timed `repeats`
times (median) after one warm-up run that builds the ahead-of-time kernel if needed (reported
separately). The dense side runs the published path — a random rotation Q, A = Q diag(λ) Qᵀ,
one dense matrix-vector product per step — for the same 7 seeds × steps, d = 500, and saves
its alignment series with numpy.save.

Both sides run as an installed package does, with Python's bytecode cache: the children get a
private PYTHONPYCACHEPREFIX (filled by the warm-up run; the working tree is not touched) and
no PYTHONDONTWRITEBYTECODE, which would otherwise make every process recompile each verify
module from source. The simulate command runs its 7 seeds on all the cores it may use (the
kernel releases the GIL); it is also timed once with SALIGN_THREADS=1 (one core), and once
each with --engine numpy and with JSON output.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
steps = int(sys.argv[1]) if len(sys.argv) > 1 else 30000
repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
SEEDS, D, K = 7, 500, 50

DENSE = f"""
import numpy as np
from verify.core.families import paper_spectrum
from verify.simulation.engines import simulate_dense_published
from verify.simulation.reproduce import PAPER_SEEDS
lam = np.array([float(x) for x in paper_spectrum(50, {D}, {K})])
out = np.stack([simulate_dense_published(lam, {K}, 0.5, 0.003, {steps}, s) for s in PAPER_SEEDS[:{SEEDS}]])
np.save({{out!r}}, out)
"""


CPU: dict[str, float] = {}
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(cmd: list[str], name: str = "", **env: str) -> float:
    """Wall time of the process; its CPU time (user + sys, all threads) goes to CPU[name]."""
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env={**ENV, **env})
    wall = time.perf_counter() - t
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    if name:
        CPU[name] = min(CPU.get(name, float("inf")), cpu)
    return wall


def draws_per_second() -> dict[str, float]:
    """Gaussian draws per CPU-second of one thread (time.thread_time, so other jobs on the machine
    do not count): numpy's Generator(SFC64).standard_normal filling a cache-sized buffer, and
    the fused kernel (numpy's ziggurat inline, with the update; with and without the per-step
    reduction)."""
    from verify.simulation.fused import _kernels, sfc64_states

    g = np.random.Generator(np.random.SFC64(0))
    buf = np.empty(1 << 16)
    best = float("inf")
    for _ in range(5):
        t = time.thread_time()
        for _ in range(100):
            g.standard_normal(out=buf)
        best = min(best, time.thread_time() - t)
    numpy_rate = 100 * len(buf) / best
    kern = _kernels()
    d, n = 500, 20000
    lam, sd = np.linspace(100, 1, d), np.full(d, 0.5)
    c, o = np.ones(d), np.empty((3, n + 1))
    st = sfc64_states(0, 1)[0]
    best = {n: float("inf"), 1: float("inf")}
    for every in (n, 1, n, 1, n, 1):  # without per-step records (draw + update), then with them
        t = time.thread_time()
        kern.run_row(c, lam, sd, K, 1 - 0.003 * lam, -0.003 * sd, np.empty(0), 0, d, 0, n, every, st,
                     o[0], o[1], o[2])
        best[every] = min(best[every], time.thread_time() - t)
    return {"numpy": numpy_rate, "kernel": d * n / best[n], "kernel_with_records": d * n / best[1]}


def main() -> None:
    from verify.simulation.fused import default_threads

    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        ENV["PYTHONPYCACHEPREFIX"] = os.path.join(tmp, "pycache")
        cmd = [py, "-m", "verify", "simulate", "--paper-spectrum", "--m", "50", "--d", str(D), "--k",
               str(K), "--steps", str(steps), "--seeds", str(SEEDS), "--eta", "0.003", "--sigma", "0.5",
               "--out", os.path.join(tmp, "out")]
        warm = timed(cmd)
        timed([py, "-c", "import verify.core.families, verify.simulation.engines, "
                         "verify.simulation.reproduce"])  # the dense side's bytecode cache
        fast = [timed(cmd, "fast") for _ in range(repeats)]
        one_core = timed(cmd, "one_core", SALIGN_THREADS="1")
        numpy_engine = timed(cmd[:-2] + ["--engine", "numpy", "--out", os.path.join(tmp, "np.npz")])
        json_out = timed(cmd[:-2] + ["--out", os.path.join(tmp, "o.json")])
        dense = timed([py, "-c", DENSE.replace("{out!r}", repr(os.path.join(tmp, "dense.npy")))], "dense")
    rates = draws_per_second()
    draws = SEEDS * D * steps
    med = statistics.median(fast)
    print(f"salign simulate --paper-spectrum --m 50 --d {D} --k {K} --steps {steps} --seeds {SEEDS} "
          f"--eta 0.003 --sigma 0.5 --out DIR")
    print(f"  whole process, median of {repeats}: {med:.2f} s (runs: "
          f"{', '.join(f'{x:.2f}' for x in fast)}; first run {warm:.2f} s incl. any kernel build)")
    print(f"  same on one core (SALIGN_THREADS=1): {one_core:.2f} s ({CPU['one_core']:.2f} CPU-s); the "
          f"runs above use {CPU['fast']:.2f} CPU-s on {default_threads(SEEDS)} threads")
    print(f"  same with --engine numpy (.npz): {numpy_engine:.2f} s; fused with --out FILE.json: "
          f"{json_out:.2f} s")
    print(f"dense published path, same 7 seeds x {steps} steps, one process: {dense:.2f} s")
    print(f"speed-up (whole process, wall): {dense / med:.1f}x; in CPU time (user + sys of each process, "
          f"insensitive to other jobs): {CPU['dense']:.2f} s vs {CPU['fast']:.2f} s = "
          f"{CPU['dense'] / CPU['fast']:.1f}x")
    print(f"physical limit: {draws / 1e6:.0f} M Gaussian draws; one core draws "
          f"{rates['numpy'] / 1e6:.0f} M/s with numpy's Generator(SFC64) into a buffer and "
          f"{rates['kernel'] / 1e6:.0f} M/s in the fused kernel (draw + update; "
          f"{rates['kernel_with_records'] / 1e6:.0f} M/s recording every step), per CPU-second => "
          f"{draws / rates['kernel_with_records']:.2f} CPU-s for this run's draws, updates and records, "
          f"{draws / rates['kernel_with_records'] / default_threads(SEEDS):.2f} s on "
          f"{default_threads(SEEDS)} cores ({draws / rates['numpy']:.2f} CPU-s at numpy's fill rate "
          f"alone); the command uses "
          f"{CPU['fast']:.2f} CPU-s in all ({draws / rates['kernel_with_records'] / CPU['fast']:.0%} of it "
          f"in the kernel, the rest interpreter start-up, imports and output).")
    print(f"machine load (1-min average) at the end: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
