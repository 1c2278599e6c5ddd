"""`salign sweep`: the steady-state alignment of SGD over a grid of (m, η, σ, k) on the paper's
spectrum construction, against Theorem 16's θ_∞ and the exact finite-d stationary E[θ].

Per grid point (one task; seeds derived from the master seed and the point, so results do not
depend on the workers):
- x_0 ~ N(0, I_d) per seed (the paper's initialisation), then a burn-in of B steps taken as one
  exact B-step transition, c_B = a^B c_0 + √(β(1 − a^{2B})) z with a = 1 − ηλ and
  β = ηκ²/(2λ − ηλ²), where B is the smallest step count with max_i a_i^{2B} ≤ 10⁻¹⁰ (the
  initial condition's weight in every variance), so the chain is stationary up to 10⁻¹⁰;
- then `records` records spaced `record_every` steps apart by the fused engine's exact jump
  (verify.simulation.fused, the law of single SGD steps at the recorded times);
- the estimate is the mean over seeds of each seed's time-average of θ, with a Student-t 95 %
  interval from the seeds' means (independent across seeds, whatever the autocorrelation);
- predictions: θ_∞ = Σ_D λ²β / Σ λ²β (ratio of expectations, Theorem 16) and the exact
  E[θ] = E[Σ_D λ²c² / Σ λ²c²] with c_i ~ N(0, β_i) independent (expectation of the ratio,
  verify.core.expected_ratio.stationary_expected_alignment), and z = (estimate − E[θ]) / se.
Points with ηλ_1 ≥ 2 (no stationary law) are reported as unstable.

Output: OUT/sweep.json (inputs, every point, provenance) and OUT/sweep.png (heat-maps over
(m, η) for the first σ and k), written atomically after all tasks have finished.
"""

from __future__ import annotations

import argparse
import io
import json
import math
from fractions import Fraction

BURN_TOL = 1e-10


def t_quantile_975(df: int) -> float:
    """The 0.975 quantile of Student's t with `df` degrees of freedom (mpmath root of the CDF
    1 − ½ I_{df/(df+t²)}(df/2, ½) = 0.975)."""
    import mpmath

    with mpmath.workdps(30):
        f = lambda t: 1 - mpmath.betainc(df / 2, 0.5, 0, df / (df + t * t), regularized=True) / 2 \
            - mpmath.mpf("0.975")  # noqa: E731
        return float(mpmath.findroot(f, 2.0))


def sweep_point(m: float, eta: float, sigma: float, k: int, d: int, seeds: int, records: int,
                record_every: int, seed: int) -> dict:
    """One grid point (see the module docstring). Pure function of its arguments."""
    import mpmath
    import numpy as np

    from verify.core.expected_ratio import stationary_expected_alignment
    from verify.core.families import paper_spectrum
    from verify.execution.tasks import task_seed
    from verify.simulation.engines import theta_infinity
    from verify.simulation.fused import simulate_fused

    key = f"m={m!r},eta={eta!r},sigma={sigma!r},k={k!r}"
    lam = np.array([float(x) for x in paper_spectrum(Fraction(str(m)), d, k)])
    kap = np.full(d, sigma * sigma)
    out: dict = {"m": m, "eta": eta, "sigma": sigma, "k": k}
    if eta * lam.max() >= 2:
        return {**out, "stable": False}
    a = 1 - eta * lam
    amax = float(np.abs(a).max())
    burn = int(math.ceil(math.log(BURN_TOL) / (2 * math.log(amax)))) if amax > 0 else 1
    beta = eta * kap / (2 * lam - eta * lam * lam)
    rng = np.random.default_rng(task_seed(seed, key + ":init"))
    x0 = rng.standard_normal((seeds, d))
    with np.errstate(under="ignore"):
        aB = a**burn
    cB = aB * x0 + np.sqrt(beta * (1 - aB * aB)) * rng.standard_normal((seeds, d))
    tr = simulate_fused(lam, k, kap, cB, eta, records * record_every, task_seed(seed, key + ":run"),
                        record_every=record_every, jump=True, threads=1)
    per_seed = tr.alignment[1:].mean(axis=0)
    est = float(per_seed.mean())
    se = float(per_seed.std(ddof=1) / math.sqrt(seeds)) if seeds > 1 else float("nan")
    ti, ti_small = theta_infinity(lam, k, kap, eta)
    with mpmath.workdps(15):
        exact = float(stationary_expected_alignment(lam, k, kap, Fraction(eta)))
    tq = t_quantile_975(seeds - 1) if seeds > 1 else float("nan")
    r = lambda v: float(f"{v:.10g}")  # noqa: E731  (10 significant digits: no float noise)
    return {**out, "stable": True, "burn_in_steps": burn, "estimate": r(est),
            "per_seed_mean": [r(v) for v in per_seed],
            "ci95": [r(est - tq * se), r(est + tq * se)] if seeds > 1 else None,
            "se": r(se) if seeds > 1 else None, "theta_inf": r(ti), "theta_inf_small_eta": r(ti_small),
            "exact_finite_d": r(exact), "z_vs_exact": r((est - exact) / se) if seeds > 1 and se > 0 else None}


def parse_values(text: str, kind: type = float, log: bool = False) -> list:
    """'a,b,c' (values) or 'lo:hi:n' (n evenly spaced values; geometric for log=True)."""
    import numpy as np

    from verify.core.errors import UsageError

    try:
        if ":" in text:
            lo, hi, n = text.split(":")
            lo_, hi_, n_ = float(lo), float(hi), int(n)
            if n_ < 1 or n_ > 10_000 or not (math.isfinite(lo_) and math.isfinite(hi_)):
                raise ValueError
            vals = np.geomspace(lo_, hi_, n_) if log else np.linspace(lo_, hi_, n_)
            vals = [float(f"{v:.6g}") for v in vals]
        else:
            vals = [float(v) for v in text.split(",") if v.strip()]
        vals = [kind(v) for v in vals]
        if not vals or any(not math.isfinite(v) or v <= 0 for v in vals):
            raise ValueError
    except ValueError:
        raise UsageError(f"bad grid {text!r}: give positive values 'a,b,c' or 'lo:hi:n'") from None
    return sorted(set(vals))


def add_parser(sub) -> argparse.ArgumentParser:
    from verify.execution.tasks import scheduler_arg, workers_arg

    p = sub.add_parser("sweep", help="steady-state alignment over a grid of (m, η, σ, k)",
                       description=__doc__.split("\n\n")[0])
    p.add_argument("--m", default="5,50,500", help="gaps m: 'a,b,c' or 'lo:hi:n' (geometric) "
                   "(default: %(default)s)")
    p.add_argument("--eta", default="0.003", help="step sizes η: 'a,b,c' or 'lo:hi:n' (linear) "
                   "(default: %(default)s)")
    p.add_argument("--sigma", default="0.5", help="noise standard deviations σ (default: %(default)s)")
    p.add_argument("--k", default="50", help="dominant block sizes k (default: %(default)s)")
    p.add_argument("--d", type=int, default=500, help="dimension (default: %(default)s)")
    p.add_argument("--seeds", type=int, default=7, help="independent runs per point (default: %(default)s)")
    p.add_argument("--records", type=int, default=200,
                   help="stationary records per run (default: %(default)s)")
    p.add_argument("--record-every", type=int, default=100,
                   help="steps between records (default: %(default)s)")
    p.add_argument("--seed", type=int, default=0, help="master seed (default: %(default)s)")
    p.add_argument("--workers", type=workers_arg, default=1,
                   help="local worker processes, at most the machine's cores; 1 = serial "
                   "(default: %(default)s)")
    p.add_argument("--scheduler", metavar="ADDRESS", type=scheduler_arg,
                   help="an existing Dask scheduler (tcp://host:port)")
    p.add_argument("--out", default="sweep-out", help="output directory (default: %(default)s)")
    p.add_argument("--json", action="store_true", help="also print the JSON to stdout")
    return p


def run(args) -> int:
    from verify.core.atomic import check_writable, write_atomic
    from verify.core.errors import UsageError
    from verify.core.provenance import provenance
    from verify.execution.tasks import run_tasks

    out = check_writable(args.out, "--out", kind="dir")  # before any computing
    ms = parse_values(args.m, log=True)
    if ms[0] <= 1 or ms[-1] > 1e9:  # as salign simulate/phases/diagram --m (verify.cli.MAX_GAP)
        raise UsageError(f"--m {args.m}: every spectral gap m = λ_k/λ_{{k+1}} must exceed 1 and be "
                         "at most 1e+09")
    etas = parse_values(args.eta)
    sigmas = parse_values(args.sigma)
    ks = parse_values(args.k, kind=int)
    for name, v, lo, hi in (("--d", args.d, 2, 100_000), ("--seeds", args.seeds, 1, 10_000),
                            ("--records", args.records, 1, 10**7), ("--record-every", args.record_every,
                                                                    1, 10**9),
                            ("--workers", args.workers, 1, 1024), ("--seed", args.seed, 0, 2**63 - 1)):
        if not lo <= v <= hi:
            raise UsageError(f"{name} must lie in {lo}..{hi}")
    if any(not 1 <= k < args.d for k in ks):
        raise UsageError("every k must lie in 1..d-1")
    grid = [(m, e, s, k) for k in ks for s in sigmas for m in ms for e in etas]
    if len(grid) * args.seeds * args.d * args.records > 5e11:
        raise UsageError("grid × seeds × d × records exceeds 5e11 draws; reduce the sweep")
    tasks = [(m, e, s, k, args.d, args.seeds, args.records, args.record_every, args.seed)
             for m, e, s, k in grid]
    points = run_tasks(sweep_point, tasks, workers=args.workers, scheduler=args.scheduler,
                       label="sweep")
    obj = {"schema_version": 1, "kind": "sweep",
           "inputs": {"m": ms, "eta": etas, "sigma": sigmas, "k": ks, "d": args.d, "seeds": args.seeds,
                      "records": args.records, "record_every": args.record_every, "seed": args.seed,
                      "spectrum": "paper_spectrum(m, d, k)", "burn_in_tol": BURN_TOL},
           "points": points, "provenance": provenance()}
    text = json.dumps(obj, sort_keys=True, indent=1) + "\n"
    png = heatmap_png(obj)
    write_atomic(out / "sweep.json", text)
    if png is not None:
        write_atomic(out / "sweep.png", png)
    if args.json:
        import sys

        sys.stdout.write(text)
    return 0


def heatmap_png(obj: dict) -> bytes | None:
    """Heat-maps over (m, η) at the first σ and k: simulated steady-state alignment, the exact
    finite-d E[θ], z = (simulated − exact)/se, and θ_∞ − exact E[θ] (ratio of expectations vs
    expectation of the ratio). None when the grid has fewer than 2 values of m or η."""
    import matplotlib
    import numpy as np

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    inp = obj["inputs"]
    ms, etas = inp["m"], inp["eta"]
    if len(ms) < 2 or len(etas) < 2:
        return None
    s0, k0 = inp["sigma"][0], inp["k"][0]
    pts = {(p["m"], p["eta"]): p for p in obj["points"] if p["sigma"] == s0 and p["k"] == k0}
    grids = {n: np.full((len(etas), len(ms)), np.nan) for n in ("est", "exact", "z", "gap")}
    for i, e in enumerate(etas):
        for j, m in enumerate(ms):
            p = pts.get((m, e))
            if p and p["stable"]:
                grids["est"][i, j] = p["estimate"]
                grids["exact"][i, j] = p["exact_finite_d"]
                grids["z"][i, j] = p["z_vs_exact"] if p["z_vs_exact"] is not None else np.nan
                grids["gap"][i, j] = p["theta_inf"] - p["exact_finite_d"]
    fig, axes = plt.subplots(2, 2, figsize=(11, 8.5), constrained_layout=True)
    panels = [("est", "simulated steady-state E[θ] (seed mean)", "viridis", None),
              ("exact", "exact finite-d stationary E[θ]", "viridis", None),
              ("z", "z = (simulated − exact) / se", "coolwarm", 4.0),
              ("gap", "θ_∞ (Thm 16) − exact finite-d E[θ]", "coolwarm", None)]
    for ax, (name, title, cmap, lim) in zip(axes.flat, panels):
        g = grids[name]
        if lim is None and cmap == "coolwarm":
            lim = float(np.nanmax(np.abs(g))) if np.isfinite(g).any() else 1.0
        kw = {"vmin": -lim, "vmax": lim} if lim else {}
        im = ax.pcolormesh(np.arange(len(ms) + 1), np.arange(len(etas) + 1), g, cmap=cmap,
                           shading="flat", **kw)
        ax.set_facecolor("0.8")
        fig.colorbar(im, ax=ax)
        ax.set_title(title, fontsize=10)
        step_m = max(1, len(ms) // 6)
        step_e = max(1, len(etas) // 6)
        ax.set_xticks(np.arange(len(ms))[::step_m] + 0.5, [f"{m:.3g}" for m in ms[::step_m]])
        ax.set_yticks(np.arange(len(etas))[::step_e] + 0.5, [f"{e:.3g}" for e in etas[::step_e]])
        ax.set_xlabel(r"gap $m = \lambda_k/\lambda_{k+1}$")
        ax.set_ylabel(r"step size $\eta$")
    fig.suptitle(f"SGD steady state on the paper's spectrum: d = {inp['d']}, k = {k0}, σ = {s0}, "
                 f"{inp['seeds']} seeds × {inp['records']} records every {inp['record_every']} steps "
                 f"(grey: ηλ₁ ≥ 2, unstable)", fontsize=10)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()
