"""§7 reproduction: the m-sweep at the paper's settings, steady-state table and figures."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import mpmath
import numpy as np

from verify.atomic import write_atomic
from verify.engines import simulate, theta_infinity
from verify.expected_ratio import gaussian_init_alignment
from verify.families import paper_spectrum

PAPER_SEEDS = (42, 87, 568, 1101, 12138, 70425, 4008001)
PAPER_M = (5, 10, 20, 50, 100, 200, 300, 400, 500)
T_CRIT_975_DF6 = 2.4469118511449692  # Student t quantile, 6 degrees of freedom


@dataclass
class SweepResult:
    ms: tuple
    steps: int
    alignment: np.ndarray  # (steps+1, len(ms), seeds)
    loss: np.ndarray
    rows: list[dict]
    phase1: list[dict]
    exact_alignment: np.ndarray  # (len(ms), T1): exact expected curve R(t), t = 0..T1−1


def run_sweep(ms=PAPER_M, seeds=PAPER_SEEDS, steps: int = 30000, d: int = 500, k: int = 50,
              eta: float = 0.003, sigma: float = 0.5, window: int = 10000,
              progress=None) -> SweepResult:
    """All gaps and seeds in one vectorised run (rows = gap × seed). Each seed draws its own
    x_0 ~ N(0, I_d) (eigenbasis coordinates have the same law as in the published code,
    by rotation invariance) from a Generator seeded with that seed; the noise stream is one
    SeedSequence derived from all seeds."""
    lam_rows = []
    x0 = []
    for m in ms:
        lam = np.array([float(x) for x in paper_spectrum(m, d, k)])
        for s in seeds:
            lam_rows.append(lam)
            x0.append(np.random.default_rng(s).standard_normal(d))
    lam_mat = np.array(lam_rows)
    tr = simulate(lam_mat, k, np.full(d, sigma**2), np.array(x0), eta, steps,
                  seed=int(sum(seeds)), progress=progress)
    S = len(seeds)
    align = tr.alignment.reshape(steps + 1, len(ms), S)
    loss = tr.loss.reshape(steps + 1, len(ms), S)
    rows = []
    for j, m in enumerate(ms):
        per_seed = align[-window:, j, :].mean(axis=0)
        mean = per_seed.mean()
        se = per_seed.std(ddof=1) / np.sqrt(S) if S > 1 else float("nan")
        tcrit = T_CRIT_975_DF6 if S == 7 else 1.96
        ti, ti_small = theta_infinity(lam_mat[j * S], k, np.full(d, sigma**2), eta)
        # exact finite-d E[θ_t] (Gaussian initialisation) averaged over the window (trapezoid)
        ts = np.linspace(steps - window, steps, 5).round().astype(int)
        with mpmath.workdps(15):
            vals = [float(gaussian_init_alignment(lam_mat[j * S], k, np.full(d, sigma**2), eta,
                                                  int(t))) for t in ts]
        finite_d = float(np.trapezoid(vals, ts) / (ts[-1] - ts[0]))
        rows.append({
            "m": m, "steady_mean": f"{mean:.6f}",
            "steady_std": f"{align[-window:, j, :].std():.6f}",
            "ci95": [f"{mean - tcrit * se:.6f}", f"{mean + tcrit * se:.6f}"],
            "theta_inf": f"{ti:.6f}", "theta_inf_small_eta": f"{ti_small:.6f}",
            "finite_d_expected": f"{finite_d:.6f}",
        })
    from verify.engines import expected_trajectory
    from verify.phase1 import analyse

    phase1, exact_curves = [], []
    T1 = min(steps, 2000) + 1
    for j, m in enumerate(ms):
        exact = expected_trajectory(lam_mat[j * S], k, np.full(d, sigma**2),
                                    np.ones(d), eta, np.arange(0, T1))["alignment"]
        exact_curves.append(exact)
        sim = analyse(align[:T1, j, :].mean(axis=1))
        ex = analyse(exact)
        phase1.append({"m": m, **{f"sim_{k_}": f"{v:.4f}" for k_, v in sim.items()},
                       **{f"exact_{k_}": f"{v:.4f}" for k_, v in ex.items()}})
    return SweepResult(tuple(ms), steps, align, loss, rows, phase1, np.array(exact_curves))


def _emit(fig, path: Path, paths: list[Path]) -> None:
    """Write a figure as PNG (no timestamp metadata: same data ⇒ same bytes) and close it."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, metadata={"Software": None})
    plt.close(fig)
    write_atomic(path, buf.getvalue())
    paths.append(path)


def figures(res: SweepResult, out: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    paths = []
    fig, axes = plt.subplots(2, 1, figsize=(7, 6), sharex=True)
    t = np.arange(res.steps + 1)
    for j, m in enumerate(res.ms):
        axes[0].semilogy(t, res.loss[:, j, :].mean(axis=1), label=f"m={m}")
        axes[1].plot(t, res.alignment[:, j, :].mean(axis=1), label=f"m={m}")
    axes[0].set_ylabel("loss (seed mean)")
    axes[1].set_ylabel("alignment θ_t (seed mean)")
    axes[1].set_xlabel("step")
    axes[1].legend(fontsize=7, ncol=3)
    _emit(fig, out / "fig_loss_alignment.png", paths)
    fig, ax = plt.subplots(figsize=(6, 4))
    ms = [r["m"] for r in res.rows]
    ax.errorbar(ms, [float(r["steady_mean"]) for r in res.rows],
                yerr=[float(r["steady_std"]) for r in res.rows], fmt="o",
                label="simulated E[Alignment] ± std")
    ax.plot(ms, [float(r["theta_inf"]) for r in res.rows], "k-", label="θ_∞ (Thm 16)")
    ax.plot(ms, [float(r["theta_inf_small_eta"]) for r in res.rows], "k:", label="small-η form")
    ax.plot(ms, [float(r["finite_d_expected"]) for r in res.rows], "rx",
            label="exact finite-d E[θ_t], same window")
    ax.set_xscale("log")
    ax.set_xlabel("m = λ_k/λ_{k+1}")
    ax.set_ylabel("steady-state alignment")
    ax.legend(fontsize=8)
    _emit(fig, out / "fig_alignment_vs_m.png", paths)
    fig, ax = plt.subplots(figsize=(6, 4))
    t = np.arange(0, min(61, res.exact_alignment.shape[1]))
    for j, m in enumerate(res.ms):
        a = res.exact_alignment[j, : len(t)]
        line, = ax.semilogy(t, res.alignment[: len(t), j, :].mean(axis=1), ".", ms=3)
        ax.semilogy(t, a, "-", color=line.get_color(), label=f"m={m}: simulated (dots), exact")
        ax.semilogy(t, 1 / (1 + np.exp(np.polyval(np.polyfit(t[1:20], np.log(1 / a[1:20] - 1), 1),
                                                  t))), ":", color=line.get_color())
    ax.set_ylim(max(1e-6, 0.1 * float(res.alignment[: len(t)].mean(axis=2).min())), 1.5)
    ax.set_xlabel("step")
    ax.set_ylabel("alignment (log scale)")
    ax.set_title("Phase I: exact expected curve, logistic fit (dotted)")
    ax.legend(fontsize=7)
    _emit(fig, out / "fig_phase1.png", paths)
    return paths
