"""How discriminating the network evidence is (issue 20: "the network study overstates its evidence").

An agreement ("the prediction lies in the 95 % interval") is evidence for the model only if a
competing guess would not agree as well. For every analysed state and every prediction family this
module scores, beside the model, the competing predictors a skeptic would try:

* crossings (η*, η^loss_D, η^loss_B against the observed crossings): the other thresholds swapped
  in, 1/λ_1-type guesses (1/(2λ_1), 1/λ_1, 2/λ_1) and η_train; the interval width is reported
  relative to the gap between the model's value and the nearest competing prediction (≥ 1: the
  interval cannot tell them apart);
* signs over the η grid: the constant signs −1 and +1 and the model's sign pattern with its
  threshold η* replaced by each competitor;
* binary predictions (the sign at η_train, the θ^crit ordering, the switch protocol): whether the
  model says anything the paper's narrative — a constant predictor — does not already say;
* negative controls on the network itself: predictions known to be wrong by construction (the
  model's value ×2 and ×½, the introduction box's λ⁴ thresholds, the model's signs flipped), which a
  discriminating measurement must reject.

Everything is computed from the stored measurements (no new draws); the quadratic control's first
replicate is scored the same way for contrast.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from verify.network.quantities import agrees

# crossing family: (prediction name, measured crossing key, model quantity)
CROSSINGS = (("eta_star (Θ ratio of expectations)", "cross_ratio", "eta_star"),
             ("eta_star (E θ_{t+1})", "cross_Etheta", "eta_star"),
             ("eta_loss_D", "cross_loss_D", "eta_loss_D"),
             ("eta_loss_B", "cross_loss_B", "eta_loss_B"))
THRESHOLDS = (("eta_star", "η*"), ("eta_loss_D", "η^loss_D"), ("eta_loss_B", "η^loss_B"))
SIGNS = (("sign of Θ(η) − θ over the η grid", "sign_ratio", False),
         ("sign of Θ(η) − θ for ηλ_1 ≤ 2", "sign_ratio_stable", True),
         ("sign of E θ_{t+1} − θ over the η grid", "sign_Etheta", False))
# what the paper's narrative says whatever the state (a constant predictor), per binary family
NARRATIVE = (("Dom-SGD step at η_train", "increase"), ("Bulk-SGD step at η_train", "decrease"),
             ("θ^crit orders the observed loss crossings", "D<B"),
             ("Dom-SGD loss over", "no decrease"), ("Bulk-SGD loss over", "decrease"))


def _guesses(q: dict[str, Any], lam1: float, eta_train: float, own: str) -> dict[str, float | None]:
    out: dict[str, float | None] = {f"{lab} swapped in": q.get(key) for key, lab in THRESHOLDS
                                    if key != own}
    out.update({"1/(2λ_1)": 0.5 / lam1, "1/λ_1": 1.0 / lam1, "2/λ_1": 2.0 / lam1, "η_train": eta_train})
    return out


def _crossing(name: str, cross: dict[str, Any], q: dict[str, Any], own: str, lam1: float,
              eta_train: float, eta_max: float) -> dict[str, Any]:
    model = q.get(own)
    comp = {n: {"value": v, "agree": agrees(v, cross, eta_max)}
            for n, v in _guesses(q, lam1, eta_train, own).items() if v is not None}
    neg = {"model ×2": None if model is None else 2 * model,
           "model ×½": None if model is None else model / 2}
    if own in ("eta_loss_D", "eta_loss_B") and q.get(f"{own}_lambda4") is not None:
        neg["intro box's λ⁴ threshold"] = q[f"{own}_lambda4"]
    negs = {n: {"value": v, "agree": agrees(v, cross, eta_max)} for n, v in neg.items() if v is not None}
    lo, hi = cross["ci"]
    width = None if lo is None or hi is None else hi - lo
    gaps = [abs(c["value"] - model) for c in comp.values() if model is not None and c["value"] != model]
    gap = min(gaps) if gaps else None
    return {"family": name, "kind": "crossing", "observed": cross["observed"], "ci": cross["ci"],
            "model": model, "model_agrees": agrees(model, cross, eta_max), "competitors": comp,
            "competitors_agreeing": sorted(n for n, c in comp.items() if c["agree"]),
            "width_over_gap": None if width is None or not gap else width / gap,
            "negative_controls": negs,
            "negative_controls_rejected": sum(not c["agree"] for c in negs.values())}


def _sign(name: str, s: dict[str, Any], et: np.ndarray, q: dict[str, Any], lam1: float,
          eta_train: float) -> dict[str, Any]:
    """One sign family on the step sizes `et` it was measured at."""
    obs = np.asarray(s["observed_signs"])
    model = np.asarray(s["predicted_signs"])

    def score(pred: np.ndarray) -> list[int]:
        dec = obs != 0
        return [int(((pred == obs) & dec).sum()), int(dec.sum())]

    comp = {"constant −1": score(np.full(obs.shape, -1)), "constant +1": score(np.full(obs.shape, 1))}
    for n, v in _guesses(q, lam1, eta_train, "eta_star").items():
        if v is not None:  # the model's pattern (−1 below its threshold, +1 above) at another threshold
            comp[f"−1 below {n.replace(' swapped in', '')}, +1 above"] = score(np.where(et > v, 1, -1))
    model_score = score(model)
    best = max(comp.items(), key=lambda kv: kv[1][0])
    return {"family": name, "kind": "sign", "model": model_score, "competitors": comp,
            "best_competitor": best[0], "best_competitor_score": best[1],
            "competitor_at_least_as_good": best[1][0] >= model_score[0],
            "negative_controls": {"model's signs flipped": score(-model)},
            "negative_controls_rejected": int(score(-model)[0] < model_score[0] or model_score[1] == 0)}


def state_power(st: dict[str, Any], k: int) -> list[dict[str, Any]]:
    """Model, competitors and negative controls for every crossing and sign family at one state."""
    r = st["by_k"][str(k)]
    q = r["quantities_psd"]
    lam1 = max(float(st["eigenvalues_top"][0]), 1e-12)
    etas = np.asarray(st["etas"], dtype=float)
    out = [_crossing(name, r[key], q, own, lam1, st["eta_train"], float(etas[-1]))
           for name, key, own in CROSSINGS]
    stable = etas * lam1 <= 2.0  # the subset analyze_state scores for the 'ηλ_1 ≤ 2' family
    out += [_sign(name, r[key], etas[stable] if only_stable else etas, q, lam1, st["eta_train"])
            for name, key, only_stable in SIGNS]
    return out


def _binary(preds: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for p in preds:
        for frag, said in NARRATIVE:
            if frag in p["name"] and not p.get("k_sweep"):
                out.append({"family": p["name"], "model": p["predicted"], "narrative": said,
                            "same_as_narrative": p["predicted"] == said, "agree": bool(p["agree"])})
    return out


def evidence_power(result: dict[str, Any]) -> dict[str, Any]:
    """The power record of a network result (run_network's dict or the audit's copy of it)."""
    k = result["settings"]["k"]
    states = [{"label": st.get("label", ""), "families": state_power(st, k)} for st in result["states"]]
    ctrl = result.get("control", {}).get("state")
    control = None
    if ctrl is not None:
        control = {"label": ctrl.get("label", "control"),
                   "families": state_power(ctrl, result["control"]["settings"]["k"]),
                   "grid_factor": float(ctrl["etas"][1] / ctrl["etas"][0])}
    out = {"states": states, "control": control, "binary": _binary(result["predictions"])}
    out["summary"] = summarize(out)
    return out


def _digest(families: list[dict[str, Any]]) -> dict[str, Any]:
    cr = [f for f in families if f["kind"] == "crossing"]
    sg = [f for f in families if f["kind"] == "sign"]
    ratios = [f["width_over_gap"] for f in cr if f["width_over_gap"] is not None]
    negs = [c for f in families for c in f["negative_controls"].values()]
    neg_rej = sum(f["negative_controls_rejected"] for f in families)
    return {"crossings": len(cr), "model_agrees": sum(f["model_agrees"] for f in cr),
            "matched_by_competitor": sum(bool(f["competitors_agreeing"]) for f in cr),
            "width_over_gap": [min(ratios), max(ratios)] if ratios else None,
            "signs": len(sg), "sign_competitor_at_least_as_good": sum(f["competitor_at_least_as_good"]
                                                                      for f in sg),
            "negative_controls": len(negs), "negative_controls_rejected": neg_rej}


def summarize(power: dict[str, Any]) -> dict[str, Any]:
    """Counts over all states, and the one line the reports print."""
    fams = [f for s in power["states"] for f in s["families"]]
    net = _digest(fams)
    bins = power["binary"]
    net["binary"] = len(bins)
    net["binary_same_as_narrative"] = sum(b["same_as_narrative"] for b in bins)
    ctrl = _digest(power["control"]["families"]) if power.get("control") else None
    weak = (net["matched_by_competitor"] > 0 or net["sign_competitor_at_least_as_good"] > 0
            or net["negative_controls_rejected"] < net["negative_controls"]
            or (net["width_over_gap"] is not None and net["width_over_gap"][1] >= 1))
    grid = [f for f in fams if f["family"] == SIGNS[0][0]]
    sign_txt = ""
    if grid:
        g = grid[0]
        sign_txt = (f"; on the sign of Θ(η) − θ over the η grid the model scores {g['model'][0]}/"
                    f"{g['model'][1]} decisive points and the best competitor ({g['best_competitor']}) "
                    f"{g['best_competitor_score'][0]}/{g['best_competitor_score'][1]}")
    wg = net["width_over_gap"]
    line = (f"How discriminating the network evidence is: {'WEAK' if weak else 'discriminating'} — "
            f"in {net['matched_by_competitor']} of {net['crossings']} crossing checks a competing guess "
            "(another threshold swapped in, a 1/λ_1-type guess or η_train) lies in the same 95% interval"
            + (f" (interval width {wg[0]:.2g}–{wg[1]:.2g}× the gap to the nearest competing prediction)"
               if wg else "")
            + sign_txt
            + f"; {net['binary_same_as_narrative']} of {net['binary']} yes/no predictions say what the "
              "paper's narrative (a constant predictor) says"
            + f"; negative controls on the network (model ×2, ×½, the λ⁴ thresholds, flipped signs) "
              f"rejected in {net['negative_controls_rejected']} of {net['negative_controls']}")
    line += (f"; in {net['sign_competitor_at_least_as_good']} of {net['signs']} sign checks a "
             "competitor scores at least as well as the model")
    if ctrl is not None:
        cw = ctrl["width_over_gap"]
        line += (f". On the quadratic control, for contrast: {ctrl['matched_by_competitor']} of "
                 f"{ctrl['crossings']} crossing checks matched by a competitor"
                 + (f" (width {cw[0]:.2g}–{cw[1]:.2g}× the gap)" if cw else "")
                 + f", negative controls rejected in {ctrl['negative_controls_rejected']} of "
                   f"{ctrl['negative_controls']}, and in {ctrl['sign_competitor_at_least_as_good']} of "
                   f"{ctrl['signs']} sign checks a competitor scores as well (signs on the η grid "
                   f"locate a threshold only to within one grid step, a factor "
                   f"{power['control']['grid_factor']:.3g})")
    return {"network": net, "control": ctrl, "weak": bool(weak), "line": line + "."}


POWER_HEADER = ("state", "prediction", "model", "competitors doing as well",
                "interval width / gap to the nearest competitor", "negative controls rejected")


def power_rows(power: dict[str, Any]) -> list[list[str]]:
    """The power table as text cells (network.md and the audit report print it): one row per state
    and family, the quadratic control's first replicate last."""
    rows = []
    blocks = [(s["label"], s["families"]) for s in power["states"]]
    if power.get("control"):
        blocks.append((f"control ({power['control']['label']})", power["control"]["families"]))
    for label, fams in blocks:
        for f in fams:
            n_neg = len(f["negative_controls"])
            neg = f"{f['negative_controls_rejected']}/{n_neg}"
            if f["kind"] == "crossing":
                model = (f"{f['model']:.4g} " if f["model"] is not None else "— ") + (
                    "in the interval" if f["model_agrees"] else "outside the interval")
                comp = ", ".join(f["competitors_agreeing"]) or "none"
                wg = "—" if f["width_over_gap"] is None else f"{f['width_over_gap']:.2g}"
            else:
                model = f"{f['model'][0]}/{f['model'][1]} decisive points"
                b = f["best_competitor_score"]
                comp = (f"{f['best_competitor']}: {b[0]}/{b[1]}" if f["competitor_at_least_as_good"]
                        else f"none (best: {f['best_competitor']}, {b[0]}/{b[1]})")
                wg = "—"
            rows.append([label, f["family"], model, comp, wg, neg])
    for b in power["binary"]:
        rows.append(["", b["family"], b["model"],
                     "the paper's narrative (a constant) says the same" if b["same_as_narrative"]
                     else f"the narrative says {b['narrative']}", "—", "—"])
    return rows
