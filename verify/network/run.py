"""`run_network(quick, seed)`: the whole study — network predictions, regimes, switch protocol, control.

Settings (QUICK / FULL below) are fixed in code and recorded in the result; every random choice is
drawn from numpy Generators seeded from `seed` (recorded under "seeds"). No wall-clock time enters
the result, so the same seed gives the same JSON (timings go to `timings`, kept out of network.json
by the command).
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

QUICK: dict[str, Any] = {
    "hidden": 32, "loss": "ce", "eta_train": 1.0, "b": 32, "k": 10, "k_sweep": [],
    "train_steps": 300, "analysis_steps": [300], "trajectory_every": 100, "R": 48, "grid": 21,
    "switch_steps": 60, "switch_refresh": 10, "switch_seeds": 1,
    "control": {"d": 60, "k": 6, "n": 1000, "b": 8, "R": 400, "grid": 25, "eta_train": 0.3,
                "replicates": 6},
}
FULL: dict[str, Any] = {
    "hidden": 32, "loss": "ce", "eta_train": 1.0, "b": 32, "k": 10, "k_sweep": [2, 5, 20, 40],
    "train_steps": 1000, "analysis_steps": [50, 150, 300, 600, 1000], "trajectory_every": 25, "R": 128,
    "grid": 25, "switch_steps": 300, "switch_refresh": 10, "switch_seeds": 3,
    "control": {"d": 100, "k": 10, "n": 2000, "b": 8, "R": 800, "grid": 25, "eta_train": 0.3,
                "replicates": 10},
}


def _strip(st: dict[str, Any]) -> dict[str, Any]:
    """A state's record for JSON (string keys, no timings)."""
    out = {k: v for k, v in st.items() if not k.startswith("seconds")}
    out["by_k"] = {str(k): v for k, v in st["by_k"].items()}
    return out


def _late_change(losses: list[float]) -> float:
    """Mean recorded loss over the last quarter of a continuation minus its first value (one noisy
    endpoint would decide the sign otherwise)."""
    q = max(1, len(losses) // 4)
    return float(np.mean(losses[-q:]) - losses[0])


def plan(cfg: dict[str, Any]) -> dict[str, float]:
    """Rough cost of each unit of the study's parts, in seconds of the quick settings on one core
    (measured: train 3.7 s for 3 chunks of 100 steps, trajectory 11.8 s for 4 checkpoints, one
    analysis state 21 s at R = 48, the switch 4.2 s for 60 steps, the control 4 s for 6 replicates at
    R = 400), so that the progress's ETA weighs a Hessian analysis above a training chunk."""
    c = cfg["control"]
    return {"train": 1.2 * cfg["trajectory_every"] / 100, "trajectory": 3.0,
            "analysis": 12.0 + 9.0 * cfg["R"] / 48 * cfg["grid"] / 21,
            "k sweep": 1.0 + 1.5 * cfg["R"] / 48,
            "switch": 4.2 * cfg["switch_steps"] / 60, "control": 0.7 * c["R"] / 400 * c["d"] / 60}


class _Ticker:
    """The study's progress in cost units (tenths of a `plan` second): `tick(part)` after each unit
    of work calls `progress(done, total, part)`; nothing when `progress` is None."""

    def __init__(self, cfg: dict[str, Any], progress) -> None:
        self.cost = {k: max(1, round(10 * v)) for k, v in plan(cfg).items()}
        n_ckpt = -(-cfg["train_steps"] // cfg["trajectory_every"])  # chunks of training
        counts = {"train": n_ckpt, "trajectory": n_ckpt + 1, "analysis": len(cfg["analysis_steps"]),
                  "k sweep": len(cfg["k_sweep"]), "switch": cfg["switch_seeds"],
                  "control": cfg["control"]["replicates"]}
        self.total = sum(self.cost[k] * n for k, n in counts.items())
        self.done = 0
        self.progress = progress

    def tick(self, part: str, units: int = 1) -> None:
        self.done = min(self.total, self.done + self.cost[part] * units)
        if self.progress is not None:
            self.progress(self.done, self.total, part)

    def within(self, part: str):
        """A callback(fraction) reporting progress inside one unit of `part` (the unit's own
        tick(part) still counts it in full)."""
        def report(fraction: float) -> None:
            if self.progress is not None:
                self.progress(min(self.total, self.done + round(self.cost[part] * fraction)),
                              self.total, part)
        return report


def run_control(cfg: dict[str, Any], seed: int, tick=None) -> dict[str, Any]:
    """The quadratic control through the same code path, at `replicates` independent states and
    Monte Carlo seeds of one problem; includes the λ⁴ negative controls.

    A control prediction agrees when it agrees (95% interval) in ≥ replicates − 2 of the replicates:
    with 6 replicates and exact 95% coverage a true prediction fails this with probability 0.2%,
    while a wrong one (interval misses it each time) cannot pass."""
    from verify.network.experiment import analyze_state, score_state
    from verify.network.problems import quadratic_control

    c = cfg["control"]
    m = c["replicates"]
    pr = quadratic_control(d=c["d"], k=c["k"], n=c["n"], seed=seed)
    lam = np.array(pr.meta["eigenvalues"])
    H = np.asarray(pr.hessian(pr.w0))
    _, U = np.linalg.eigh(H)
    U = U[:, ::-1]
    rng = np.random.default_rng([seed, 2])
    reps, first = [], None
    for r in range(m):
        w = np.asarray(pr.w0) if r == 0 else U @ rng.normal(size=lam.size)
        st = analyze_state(pr, w, b=c["b"], k=c["k"], ks=[c["k"]], R=c["R"], grid=c["grid"],
                           eta_train=c["eta_train"], seed=seed + 1 + r, label=f"control {r}")
        reps.append(score_state(st, c["k"], "", wrong_control=True))
        if tick is not None:
            tick("control")
        first = first or _strip(st)
    preds = []
    for i, p0 in enumerate(reps[0]):
        hits = sum(bool(rep[i]["agree"]) for rep in reps)
        p = dict(p0)
        p["replicates"] = [{k2: rep[i].get(k2) for k2 in ("predicted", "observed", "ci", "agree")}
                           for rep in reps]
        p["agree_count"] = f"{hits}/{m}"
        p["agree"] = hits >= m - 2
        preds.append(p)
    return {"settings": c, "problem": pr.meta, "predictions": preds, "state": first,
            "criterion": f"agree in ≥ {m - 2} of {m} replicates (95% intervals)"}


def run_network(quick: bool, seed: int, config: dict[str, Any] | None = None,
                progress=None) -> dict[str, Any]:
    """Train the digits MLP with SGD, analyse checkpoints, run the switch protocol and the control.
    `config` replaces the QUICK/FULL settings (tests use a tiny one). `progress(done, total, part)`
    is called after each unit of work (cost units of `plan`; verify.execution.progress renders it)."""
    from verify.network.experiment import analyze_state, score_state, switch_protocol, top_k, train_sgd
    from verify.network.problems import digits_mlp

    cfg = config if config is not None else (QUICK if quick else FULL)
    ticker = _Ticker(cfg, progress)
    tick = ticker.tick
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    pr = digits_mlp(cfg["hidden"], cfg["loss"], seed=seed)
    eta, b, k = cfg["eta_train"], cfg["b"], cfg["k"]
    # Training, with checkpoints every `trajectory_every` steps.
    every = cfg["trajectory_every"]
    w = np.asarray(pr.w0)
    ckpts: dict[int, np.ndarray] = {0: w}
    losses: list[float] = []
    loss_steps: list[int] = []
    t = 0
    train_rng = np.random.default_rng([seed, 1])
    while t < cfg["train_steps"]:
        w, ls, at = train_sgd(pr, w, eta, b, every, train_rng, record_every=5)
        losses += ls[:-1]
        loss_steps += [t + a for a in at[:-1]]
        t += every
        ckpts[t] = w
        tick("train")
    losses.append(float(pr.loss(w)))
    loss_steps.append(t)
    timings["train"] = time.perf_counter() - t0
    # Alignment trajectory θ_t (top-k eigenspace by LOBPCG, warm-started along the run).
    t1 = time.perf_counter()
    traj = []
    X = None
    for step in sorted(ckpts):
        g = np.asarray(pr.grad(ckpts[step]))
        ev, X = top_k(pr, ckpts[step], k, X, seed + step, maxiter=20)
        gD = X[:, :k].T @ g
        traj.append({"step": step, "theta": float(gD @ gD / (g @ g)), "lambda_1": float(ev[0]),
                     "lambda_k": float(ev[k - 1]), "loss": float(pr.loss(ckpts[step]))})
        tick("trajectory")
    timings["trajectory"] = time.perf_counter() - t1
    # Full analysis at the analysis checkpoints.
    t1 = time.perf_counter()
    states, predictions, regimes = [], [], []
    for step in cfg["analysis_steps"]:
        sweep = cfg["k_sweep"] if step == cfg["analysis_steps"][-1] else []  # k sweep at the last state
        st = analyze_state(pr, ckpts[step], b=b, k=k, ks=sweep, R=cfg["R"], grid=cfg["grid"],
                           eta_train=eta, seed=seed + 7919 * (step + 1), label=f"step {step}",
                           progress=ticker.within("analysis"))
        predictions += score_state(st, k, f"step {step}: ")
        for kk in [k, *sweep]:
            if kk != k:
                for p in score_state(st, kk, f"step {step} [k={kk}]: "):
                    p["k_sweep"] = True
                    predictions.append(p)
        q = st["by_k"][k]["quantities_psd"]
        qk = st["by_k"][k]["quantities_kappa_extremes"]
        regimes.append({"step": step, "theta": q["theta"], "g_gap": q["g_gap"], "theta_star": q["theta_star"],
                        "theta_crit": q["theta_crit"], "g_gap_kappa": qk["g_gap"],
                        "theta_star_kappa": qk["theta_star"],
                        "inside": (q["g_gap"] is not None and q["theta_star"] is not None
                                   and q["g_gap"] < q["theta"] < q["theta_star"]),
                        "vacuous": q["g_gap"] == 0.0 and q["theta_star"] == 1.0,
                        "eta_star": q["eta_star"], "eta_loss_D": q["eta_loss_D"],
                        "eta_loss_B": q["eta_loss_B"]})
        timings[f"state {step}"] = st["seconds"]
        timings.update({f"state {step} {k2}": v for k2, v in st["seconds_parts"].items()})
        states.append(_strip(st))
        tick("analysis")
        tick("k sweep", len(sweep))
    timings["analysis"] = time.perf_counter() - t1
    # Song et al.'s switch protocol from the last analysis checkpoint.
    t1 = time.perf_counter()
    sw_step = cfg["analysis_steps"][-1]
    runs = []
    for r in range(cfg["switch_seeds"]):
        runs.append(switch_protocol(pr, ckpts[sw_step], eta=eta, b=b, k=k, steps=cfg["switch_steps"],
                                    refresh=cfg["switch_refresh"], seed=seed * 31 + r))
        tick("switch")
    q_sw = states[-1]["by_k"][str(k)]["quantities_psd"]
    switch: dict[str, Any] = {"from_step": sw_step, "runs": runs}
    for algo, S in (("Dom-SGD", "D"), ("Bulk-SGD", "B")):
        changes = np.array([_late_change(r[algo]["losses"]) for r in runs])
        pred_inc = q_sw[f"eta_loss_{S}"] is not None and eta > q_sw[f"eta_loss_{S}"]
        obs_inc = bool(np.all(changes >= 0))
        verb = "does not decrease" if pred_inc else "decreases"
        predictions.append({"name": f"switch at step {sw_step}: {algo} loss over {cfg['switch_steps']} "
                                    f"steps {verb} (η_train vs η^loss_{S})",
                            "predicted": "no decrease" if pred_inc else "decrease",
                            "observed": float(changes.mean()),
                            "ci": [float(changes.min()), float(changes.max())],
                            "agree": bool(obs_inc == pred_inc), "runs": len(runs),
                            "ci_kind": "min..max over independent continuation runs",
                            "observed_kind": "mean loss over the last quarter of the continuation minus "
                                             "the loss at the switch"})
    sgd_change = [_late_change(r["SGD"]["losses"]) for r in runs]
    switch["sgd_change"] = sgd_change
    timings["switch"] = time.perf_counter() - t1
    t1 = time.perf_counter()
    control = run_control(cfg, seed, tick)
    timings["control"] = time.perf_counter() - t1
    timings["total"] = time.perf_counter() - t0
    import jax
    import sklearn

    from verify.core.provenance import provenance

    prov = dict(provenance())
    prov["network_versions"] = {"jax": jax.__version__, "scikit-learn": sklearn.__version__}
    result = {
        "provenance": prov,
        "inputs": {"quick": bool(quick), "seed": int(seed)},  # what `salign network` was given
        "settings": {**cfg, "quick": quick, "problem": pr.name, "P": pr.P, "n": pr.n,
                     "minibatch_sampling": "uniform with replacement (Cov = Cov_pop/b exactly)"},
        "seeds": {"seed": seed, "init": seed, "training": "numpy default_rng([seed, 1])",
                  "analysis": "seed + 7919*(step+1)", "switch": "seed*31 + run", "control": seed},
        "training": {"losses": losses, "steps": loss_steps},
        "trajectory": traj,
        "regimes": regimes,
        "states": states,
        "switch": switch,
        "predictions": predictions,
        "control": control,
        "timings": timings,
    }
    from verify.network.power import evidence_power

    # how discriminating the agreements are: competing predictors and negative controls, scored on
    # the same measurements (verify/network/power.py)
    result["power"] = evidence_power(result)
    return result
