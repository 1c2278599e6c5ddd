"""network.md ("Theory vs network"), the figures, and atomic output of the study's directory."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from verify.core.atomic import write_atomic


def _fmt(x: Any) -> str:
    if x is None:
        return "—"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, float):
        return f"{x:.4g}"
    if isinstance(x, list):
        return "[" + ", ".join(_fmt(v) for v in x) + "]"
    return str(x)


def _kind(name: str) -> str:
    """Prediction family of a prediction name (strip the checkpoint prefix)."""
    return name.split(": ", 1)[-1] if not name.startswith("switch") else name.split(": ", 1)[-1]


def agreement_scores(preds: list[dict[str, Any]]) -> list[tuple[str, int, int]]:
    """Per prediction family: (family, agreeing, total) over checkpoints (k sweep excluded)."""
    fam: dict[str, list[bool]] = {}
    for p in preds:
        if p.get("k_sweep"):
            continue
        fam.setdefault(_kind(p["name"]), []).append(bool(p["agree"]))
    return [(k, sum(v), len(v)) for k, v in fam.items()]


def inconclusive(preds: list[dict[str, Any]]) -> int:
    return sum(1 for p in preds if p.get("verdict") == "inconclusive" and not p.get("k_sweep"))


def _table(preds: list[dict[str, Any]]) -> list[str]:
    lines = ["| prediction | predicted | observed | 95% CI | agree | rel. error |",
             "|---|---|---|---|---|---|"]
    for p in preds:
        lines.append(f"| {p['name']} | {_fmt(p['predicted'])} | {_fmt(p['observed'])} | {_fmt(p['ci'])} | "
                     f"{_fmt(p['agree'])} | {_fmt(p.get('rel_error'))} |")
    return lines


def failure_statements(result: dict[str, Any]) -> list[str]:
    """Where the quadratic theory fails on the network, computed from the measurements."""
    out = []
    st = result["states"]
    negs = [s["negative_spectrum"] for s in st]
    rel = [abs(p["predicted"] - p["predicted_signed"]) / abs(p["predicted"]) for p in result["predictions"]
           if isinstance(p.get("predicted"), float) and isinstance(p.get("predicted_signed"), float)]
    out.append("**Negative curvature.** The theory assumes A ⪰ 0; the network's Hessian has "
               + ", ".join(f"{n['count']}/{n['d']} negative eigenvalues (mass {n['mass_fraction']:.1%}, "
                           f"most negative {n['most_negative']:.3g} vs λ_1 = {n['largest']:.3g})"
                           for n in negs)
               + ". Predictions are computed on the PSD part (negatives set to 0) and flagged; the "
               "signed-spectrum values (`predicted_signed`) differ from them by at most "
               + (f"{max(rel):.2%}" if rel else "—") + " (relative).")
    nz = st[-1]["noise"]
    out.append(f"**Degenerate noise covariance.** Σ_b has rank ≤ n − 1 = {nz['rank_bound']} < P = "
               f"{result['settings']['P']}, so s_min(Σ_b) = 0: g_gap = 0 and θ* = 1 (a_aux = s_min ψ_B = 0 "
               "leaves no positive root). The regime statement 'θ_t ∈ (g_gap, θ*)' is then vacuous (true of "
               "every θ), not evidence. Replacing s_min, s_max by the extreme κ_i² (not the paper's "
               f"statement) does not help: min κ_i² = {nz['kappa2_min']:.3g} (directions with no noise, e.g. "
               "dead units).")
    main = [p for p in result["predictions"] if not p.get("k_sweep")]
    sg = [p for p in main if "sign of Θ(η) − θ over the η grid" in p["name"]]
    sgs = [p for p in main if "ηλ_1 ≤ 2" in p["name"]]
    if sg:
        out.append("**Curvature changes within a step.** The sign of Θ(η) − θ predicted by the local "
                   "quadratic model matches the network at "
                   + ", ".join(f"{p['agreeing_points']}/{p['decisive_points']}" for p in sg)
                   + " decisive grid points over η ∈ [0.01, 100]/λ_1, but "
                   + ", ".join(f"{p['agreeing_points']}/{p['decisive_points']}" for p in sgs)
                   + " for ηλ_1 ≤ 2: beyond the stable range the step leaves the region where the Hessian "
                   "at w describes the loss (tanh saturation), so the one-step quadratic model, exact on the "
                   "control, stops describing the network.")
    out.append("**Non-Gaussian, state-dependent noise.** Minibatch noise is a resampling of per-example "
               "gradients (heavy-tailed, rank-deficient, and its covariance moves with w); the one-step "
               "formulas use only its second moments, which are exact here, so this matters for E[θ_{t+1}] "
               "(a ratio) and for the multi-step switch protocol, not for Θ or E[ΔL].")
    def width(ps):
        w = [(p["ci"][1] - p["ci"][0]) / p["observed"] for p in ps if isinstance(p.get("observed"), float)
             and p.get("ci") and None not in p["ci"] and "rel_error" in p and p["observed"]]
        return f"{min(w):.1%}–{max(w):.1%}" if w else "—"

    ctrl = [p for p in result["control"]["predictions"] if p.get("expected_agree") is not False]
    et = [p for p in result["control"]["predictions"] if p["name"].startswith("eta_star (E θ")]
    if et:
        errs = [abs(x["predicted"] - x["observed"]) / x["observed"] for x in et[0].get("replicates", [et[0]])
                if x["predicted"] is not None and x["observed"] is not None]
        out.append("**Finite d (also on the control).** The theorems are d → ∞ statements about "
                   "E[θ_{t+1}]; the formula for η* is exact for the ratio of expectations Θ. On the "
                   f"control (d = {result['control']['settings']['d']}) the crossing of E[θ_{{t+1}}] − θ_t "
                   f"misses η* by up to {max(errs):.1%} (agreeing in {et[0].get('agree_count', '—')} "
                   "replicates), while Θ's crossing agrees: the gap between E[θ] and Θ is real, not noise.")
    out.append("**Wide intervals on the network.** Agreement means the prediction lies in a 95% bootstrap "
               f"interval; relative interval widths are {width(main)} on the network (one step's loss change "
               f"is small against minibatch noise) against {width(ctrl)} on the control, so agreement on the "
               "network is weak evidence. With 95% intervals about 1 in 20 correct predictions falls outside "
               "by chance (the control's agreement rate over seeds is tested in tests/network).")
    return out


def _late(losses: list[float]) -> float:
    q = max(1, len(losses) // 4)
    return sum(losses[-q:]) / q - losses[0]


def render_markdown(result: dict[str, Any]) -> str:
    """The "Theory vs network" section (Markdown), self-contained."""
    s = result["settings"]
    L = ["## Theory vs network", "",
         f"Network: {s['problem']} ({s['P']} parameters, n = {s['n']} examples of load_digits), SGD with "
         f"η_train = {s['eta_train']}, b = {s['b']}, {s['train_steps']} steps; k = {s['k']}; "
         f"{s['R']} independent minibatches per state, η grid of {s['grid']} points on [0.01, 100]/λ_1; "
         f"seed {result['seeds']['seed']}; {'quick' if s['quick'] else 'full'} settings.", "",
         "### Agreement score per prediction (network)", "",
         "| prediction | agree / checkpoints |", "|---|---|"]
    for fam, a, n in agreement_scores(result["predictions"]):
        L.append(f"| {fam} | {a}/{n} |")
    L += ["", f"({inconclusive(result['predictions'])} of the sign predictions at η_train were inconclusive: "
          "the 95% interval of the measured loss change contains 0; they count as not agreeing.)"]
    from verify.network.power import POWER_HEADER, evidence_power, power_rows

    power = result.get("power") or evidence_power(result)
    L += ["", "### How discriminating the evidence is", "", power["summary"]["line"], "",
          "| " + " | ".join(POWER_HEADER) + " |", "|" + "---|" * len(POWER_HEADER)]
    L += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in power_rows(power)]
    L += ["", "### Agreement score per prediction (quadratic control, same code path)", "",
          f"Criterion: {result['control'].get('criterion', '95% interval')}.", "",
          "| prediction | agree | replicates agreeing |", "|---|---|---|"]
    for p in result["control"]["predictions"]:
        exp = " (negative control: must disagree)" if p.get("expected_agree") is False else ""
        L.append(f"| {p['name']}{exp} | {_fmt(p['agree'])} | {p.get('agree_count', '—')} |")
    L += ["", "### Alignment regimes during training", "",
          "| step | θ_t | g_gap | θ* | θ^crit | inside (g_gap, θ*) | vacuous | η* | η^loss_D | η^loss_B |",
          "|---|---|---|---|---|---|---|---|---|---|"]
    for r in result["regimes"]:
        L.append(f"| {r['step']} | {_fmt(r['theta'])} | {_fmt(r['g_gap'])} | {_fmt(r['theta_star'])} | "
                 f"{_fmt(r['theta_crit'])} | {_fmt(r['inside'])} | {_fmt(r['vacuous'])} | "
                 f"{_fmt(r['eta_star'])} | "
                 f"{_fmt(r['eta_loss_D'])} | {_fmt(r['eta_loss_B'])} |")
    sw = result["switch"]
    L += ["", f"Switch protocol from step {sw['from_step']} (last-quarter mean loss minus loss at the "
          "switch, per run): "
          + "; ".join(f"{a}: " + ", ".join(f"{_late(r[a]['losses']):+.4g}" for r in sw["runs"])
                      for a in ("SGD", "Dom-SGD", "Bulk-SGD")) + ".", "",
          "### Where the quadratic theory fails on the network, and why", ""]
    L += [f"- {x}" for x in failure_statements(result)]
    L += ["", "### Figures", ""]
    for name, cap in captions(result).items():
        L += [f"![{name}]({name})", "", f"{name}: {cap}", ""]
    L += ["### All predictions (network)", ""] + _table(result["predictions"])
    L += ["", "### All predictions (control)", ""] + _table(result["control"]["predictions"])
    return "\n".join(L) + "\n"


# the crossing predictions drawn in crossings.png: name fragment → (marker, short label)
_CROSSING_MARKS = (("eta_star (Θ", "o", "η* vs crossing of Θ(η) − θ"),
                   ("eta_star (E θ", "s", "η* vs crossing of E θ_{t+1} − θ"),
                   ("eta_loss_D", "^", "η^loss_D vs crossing of E ΔL (Dom-SGD)"),
                   ("eta_loss_B", "v", "η^loss_B vs crossing of E ΔL (Bulk-SGD)"))


def _setting_line(result: dict[str, Any]) -> str:
    s = result["settings"]
    return (f"{s['problem']}, P = {s['P']}, η_train = {s['eta_train']}, b = {s['b']}, k = {s['k']}, "
            f"seed {result['seeds']['seed']}")


def crossing_points(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The crossings drawn in crossings.png: one per (source, prediction) with its marker and the
    label naming the prediction (network checkpoints and the quadratic control)."""
    pts = []
    for src, preds in (("network", result["predictions"]), ("control", result["control"]["predictions"])):
        for p in preds:
            if (not isinstance(p.get("predicted"), float) or not isinstance(p.get("observed"), float)
                    or p.get("k_sweep") or "NEGATIVE" in p["name"] or p.get("ci") is None
                    or "at η_train" in p["name"] or "switch" in p["name"]):
                continue
            mark = next((m for m in _CROSSING_MARKS if m[0] in p["name"]), None)
            if mark is None:
                continue
            where = p["name"].split(": ", 1)[0] if ": " in p["name"] else ""
            pts.append({**p, "marker": mark[1], "source": src,
                        "label": f"{src}{' ' + where if where and src == 'network' else ''}: {mark[2]}"})
    return pts


def captions(result: dict[str, Any]) -> dict[str, str]:
    """One caption per figure (network.md and the audit report print them under the figure)."""
    sw = result["switch"]
    return {
        "alignment.png": "Alignment θ_t of the full-batch gradient with the top-k Hessian eigenspace "
                         "along SGD training, with the paper's thresholds g_gap, θ* and θ^crit at the "
                         "analysed checkpoints (g_gap = 0 and θ* = 1 mean the regime statement is vacuous).",
        "crossings.png": "Each point is one step-size prediction (marker: which threshold; colour: network "
                         "or quadratic control) at its predicted value (x) against the observed crossing "
                         "with its 95% bootstrap interval (y); on the dashed diagonal they agree.",
        "switch.png": f"Song et al.'s switch protocol from step {sw['from_step']}: full-batch loss of SGD, "
                      "Dom-SGD (step in the top-k eigenspace only) and Bulk-SGD (its complement) at "
                      f"η_train, {len(sw['runs'])} run(s).",
    }


def build_figures(result: dict[str, Any]) -> dict[str, Any]:
    """alignment.png, crossings.png, switch.png as matplotlib Figures (name → Figure), each with a
    title naming what it shows and the setting; legends right of the axes."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import NullFormatter

    where = _setting_line(result)
    figs = {}
    fig = Figure(figsize=(7.5, 3.8), layout="constrained")
    ax = fig.subplots()
    tr = result["trajectory"]
    ax.plot([t["step"] for t in tr], [t["theta"] for t in tr], "o-",
            label=f"θ_t (k = {result['settings']['k']})")
    rg = result["regimes"]
    for key, mk, lab in (("g_gap", "v", "g_gap"), ("theta_star", "^", "θ*"), ("theta_crit", "s", "θ^crit")):
        ax.plot([r["step"] for r in rg], [r[key] if r[key] is not None else float("nan") for r in rg], mk,
                label=lab)
    ax.set_xlabel("SGD step")
    ax.set_ylabel("alignment")
    ax.set_ylim(-0.02, 1.05)
    ax.set_title(f"Network: alignment θ_t during training and the paper's thresholds\n{where}", fontsize=9)
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.02, 0.5))
    figs["alignment.png"] = fig
    fig = Figure(figsize=(8.5, 4.6), layout="constrained")
    ax = fig.subplots()
    pts = crossing_points(result)
    for p in pts:
        lo = p["ci"][0] if p["ci"][0] is not None else p["observed"]
        hi = p["ci"][1] if p["ci"][1] is not None else p["observed"] * 3
        col = "C0" if p["source"] == "control" else "C3"
        ax.errorbar(p["predicted"], p["observed"], yerr=[[p["observed"] - lo], [hi - p["observed"]]],
                    fmt=p["marker"], color=col, ms=5, label=p["label"])
    v = [p["predicted"] for p in pts] + [p["observed"] for p in pts]
    if v:
        ax.plot([min(v), max(v)], [min(v), max(v)], "k--", lw=0.8, label="observed = predicted")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.yaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel("predicted crossing η")
    ax.set_ylabel("observed crossing η (95% CI)")
    ax.set_title("Predicted vs observed crossing step sizes (red: network, blue: quadratic control)\n"
                 + where, fontsize=9)
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.02, 0.5))
    figs["crossings.png"] = fig
    fig = Figure(figsize=(7.5, 3.8), layout="constrained")
    ax = fig.subplots()
    for i, r in enumerate(result["switch"]["runs"]):
        for algo, col in (("SGD", "k"), ("Dom-SGD", "C3"), ("Bulk-SGD", "C0")):
            ax.plot(r[algo]["steps"], r[algo]["losses"], color=col, lw=1, label=algo if i == 0 else None)
    ax.set_yscale("log")
    ax.set_xlabel(f"steps after the switch (step {result['switch']['from_step']})")
    ax.set_ylabel("full-batch loss")
    ax.set_title(f"Switch protocol: SGD, Dom-SGD and Bulk-SGD from step {result['switch']['from_step']}"
                 f"\n{where}", fontsize=9)
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.02, 0.5))
    figs["switch.png"] = fig
    return figs


def figures(result: dict[str, Any], out: Path) -> list[str]:
    """alignment.png, crossings.png, switch.png (Agg, no timestamps in the files)."""
    names = []
    for name, fig in build_figures(result).items():
        fig.savefig(Path(out) / name, dpi=110, metadata={"Software": None})
        names.append(name)
    return names


def write_outputs(result: dict[str, Any], out: Path) -> None:
    """Stage network.json, network.md and the figures in a temporary directory, then rename it into
    place (an existing DIR is replaced only after the new one is complete)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}."))
    try:
        data = {k: v for k, v in result.items() if k != "timings"}
        text = json.dumps(data, indent=1, sort_keys=True, allow_nan=False)
        write_atomic(stage / "network.json", text + "\n")
        write_atomic(stage / "network.md", "# Network study\n\n" + render_markdown(result))
        figures(result, stage)
        os.chmod(stage, 0o777 & ~_umask())
        if out.exists():
            old = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.old."))
            os.replace(out, old / "x")
            os.replace(stage, out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(stage, out)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise


def _umask() -> int:
    m = os.umask(0)
    os.umask(m)
    return m
