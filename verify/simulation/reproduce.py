"""§7 reproduction: the m-sweep at the paper's settings, steady-state table and figures."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import mpmath
import numpy as np

from verify.core.atomic import write_atomic
from verify.core.expected_ratio import gaussian_init_alignment
from verify.core.families import PAPER_M, paper_spectrum
from verify.simulation.engines import simulate, theta_infinity

PAPER_SEEDS = (42, 87, 568, 1101, 12138, 70425, 4008001)
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
    setting: dict = field(default_factory=dict)  # eta, sigma, d, k, seeds, steps, window


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
    from verify.simulation.engines import expected_trajectory
    from verify.simulation.phase1 import analyse

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
    setting = {"eta": eta, "sigma": sigma, "d": d, "k": k, "seeds": list(seeds), "steps": steps,
               "window": window}
    return SweepResult(tuple(ms), steps, align, loss, rows, phase1, np.array(exact_curves), setting)


def _emit(fig, path: Path, paths: list[Path]) -> None:
    """Write a figure as PNG (no timestamp metadata: same data ⇒ same bytes)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, metadata={"Software": None})
    write_atomic(path, buf.getvalue())
    paths.append(path)


def setting_text(setting: dict) -> str:
    """One line naming the run: step size, noise, dimension, split, seeds (mathtext)."""
    parts = []
    if "eta" in setting:
        parts.append(rf"$\eta={setting['eta']:g}$")
    if "sigma" in setting:
        parts.append(rf"$\sigma={setting['sigma']:g}$")
    if "d" in setting:
        parts.append(f"d = {setting['d']}, k = {setting['k']}")
    if setting.get("seeds"):
        parts.append(f"{len(setting['seeds'])} seeds")
    return ", ".join(parts)


def build_figures(res: SweepResult) -> dict:
    """The reproduction's figures as matplotlib Figures (file name → Figure), not yet written.
    Every figure states η and the setting in its title; legends sit outside the data (right of
    the axes); layout is 'constrained' so no label is clipped."""
    from matplotlib.figure import Figure

    where = setting_text(res.setting)
    figs = {}
    fig = Figure(figsize=(8.5, 6), layout="constrained")
    axes = fig.subplots(2, 1, sharex=True)
    t = np.arange(res.steps + 1)
    for j, m in enumerate(res.ms):
        axes[0].semilogy(t, res.loss[:, j, :].mean(axis=1), label=f"m = {m}")
        axes[1].plot(t, res.alignment[:, j, :].mean(axis=1), label=f"m = {m}")
    axes[0].set_ylabel("loss (seed mean)")
    axes[1].set_ylabel(r"alignment $\theta_t$ (seed mean)")
    axes[1].set_xlabel("step t")
    fig.suptitle(f"§7 setting: loss and alignment under SGD\n{where}")
    fig.legend(*axes[1].get_legend_handles_labels(), loc="outside right center", fontsize=8,
               title=r"$m=\lambda_k/\lambda_{k+1}$")
    figs["fig_loss_alignment.png"] = fig

    fig = Figure(figsize=(8.5, 4.5), layout="constrained")
    ax = fig.subplots()
    ms = [r["m"] for r in res.rows]
    ax.errorbar(ms, [float(r["steady_mean"]) for r in res.rows],
                yerr=[float(r["steady_std"]) for r in res.rows], fmt="o", ms=7, mfc="none",
                capsize=3, zorder=2, label=r"simulated steady-state mean $\pm$ std")
    ax.plot(ms, [float(r["theta_inf"]) for r in res.rows], "k-", zorder=1,
            label=r"$\theta_\infty$ (Thm 16)")
    ax.plot(ms, [float(r["theta_inf_small_eta"]) for r in res.rows], "k:", zorder=1,
            label=r"small-$\eta$ form of $\theta_\infty$")
    ax.plot(ms, [float(r["finite_d_expected"]) for r in res.rows], "x", color="tab:red", ms=10,
            mew=2.2, zorder=5, label=r"exact finite-$d$ $E[\theta_t]$, same window")
    ax.set_xscale("log")
    ax.set_xlabel(r"$m=\lambda_k/\lambda_{k+1}$")
    ax.set_ylabel(r"steady-state alignment $\theta$")
    ax.set_title(f"Steady-state alignment vs gap m\n{where}")
    ax.legend(loc="center left", bbox_to_anchor=(1.02, 0.5), fontsize=8)
    figs["fig_alignment_vs_m.png"] = fig

    fig = Figure(figsize=(8.5, 4.5), layout="constrained")
    ax = fig.subplots()
    t = np.arange(0, min(61, res.exact_alignment.shape[1]))
    for j, m in enumerate(res.ms):
        a = res.exact_alignment[j, : len(t)]
        line, = ax.semilogy(t, res.alignment[: len(t), j, :].mean(axis=1), ".", ms=4)
        ax.semilogy(t, a, "-", color=line.get_color(), label=f"m = {m}")
        ax.semilogy(t, 1 / (1 + np.exp(np.polyval(np.polyfit(t[1:20], np.log(1 / a[1:20] - 1), 1),
                                                  t))), ":", color=line.get_color())
    ax.set_ylim(max(1e-6, 0.1 * float(res.alignment[: len(t)].mean(axis=2).min())), 1.5)
    ax.set_xlabel("step t")
    ax.set_ylabel(r"alignment $\theta_t$ (log scale)")
    ax.set_title("Phase I: simulated seed mean (dots), exact expected curve (solid),\n"
                 f"logistic fit to steps 1–19 (dotted); {where}")
    ax.legend(loc="center left", bbox_to_anchor=(1.02, 0.5), fontsize=8)
    figs["fig_phase1.png"] = fig
    return figs


def figures(res: SweepResult, out: Path) -> list[Path]:
    """Write `build_figures(res)` as PNGs into `out`; returns the paths."""
    paths: list[Path] = []
    for name, fig in build_figures(res).items():
        _emit(fig, out / name, paths)
    return paths
