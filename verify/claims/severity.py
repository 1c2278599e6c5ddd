"""How much a refutation matters, measured rather than asserted.

Every refuted claim gets one of three classes, in the order a reviewer needs them:

1. **fails in the paper's own regime** — random states of the paper's §7 setting (its spectra,
   σ = 0.5, η = 0.003; states drawn from the initialisation x_0 ~ N(0, I), from the exact law of
   constant-step SGD at t = 100, 1 000, 10 000, and from the stationary law) violate the claim; the
   fraction is reported. Empirical claims refuted at the paper's own settings belong here too.
2. **statement or rate error** — the statement is wrong as a mathematical claim (a wrong bound,
   rate or equation), although the paper's §7 states do not exhibit it.
3. **missing hypothesis** — it fails only on states that violate a hypothesis the paper did not
   state (the claim unit names it as `missing_hypothesis`; the corrected claim adds it): the
   witness fails that predicate.
4. **fit wording** — an App. B statement naming the law a fitted curve follows (polynomial
   Phase-I decay, logarithmic growth in m): refuted at the paper's own settings, but it concerns
   the wording of a curve fit, not a theorem (the claim unit says `concerns="fit wording"`).

A special checker that measured its own class (e.g. `conclusion`) sets `CheckResult.severity`.
"""

from __future__ import annotations

import functools
import json
from fractions import Fraction
from typing import Any

import numpy as np

from verify.claims.unit import Claim
from verify.core import results as R
from verify.core.cases import loads_case, make_case
from verify.core.families import PAPER_M, paper_spectrum, q
from verify.core.signs import as_text, certified_sign
from verify.simulation.engines import expected_c2

PAPER = "fails in the paper's own regime"
STATEMENT = "statement or rate error"
MISSING = "missing hypothesis"
FIT = "fit wording"
RANK = {PAPER: 1, STATEMENT: 2, MISSING: 3, FIT: 4}

PAPER_ETA = Fraction(3, 1000)
PAPER_SIGMA = Fraction(1, 2)
PAPER_TIMES = (0, 100, 1000, 10000, None)  # None: the stationary law


def paper_state_variances(m) -> np.ndarray:
    """(len(PAPER_TIMES), d) variances v_i(t) of the §7 states at gap m: the Lemma 26 second moment
    `expected_c2` of constant-step SGD from x_0 ~ N(0, I) (c_{i,0}² → E c_{i,0}² = 1, κ² = σ²),
    at t = ∞ for the stationary law (v_i = β_i)."""
    lf = np.array([float(x) for x in paper_spectrum(m)])
    ts = np.array([np.inf if t is None else t for t in PAPER_TIMES], dtype=float)
    return expected_c2(lf, np.full(len(lf), float(PAPER_SIGMA) ** 2), np.ones(len(lf)),
                       float(PAPER_ETA), ts)


@functools.lru_cache(maxsize=4)
def paper_states(seed: int = 0, ms=PAPER_M) -> tuple:
    """Random states of the §7 setting: for each gap m and each time t of PAPER_TIMES, one state
    c with c_i ~ N(0, v_i(t)), v_i(t) = (1 − ηλ_i)^{2t}(1 − β_i) + β_i (Lemma 26 from x_0 ~ N(0, I);
    t = None: v_i = β_i), rounded to 6 significant digits; η = 0.003, σ = 0.5, d = 500, k = 50."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 7]))
    out = []
    for m in ms:
        lam = paper_spectrum(m)
        for t, var in zip(PAPER_TIMES, paper_state_variances(m)):
            c = rng.standard_normal(len(lam)) * np.sqrt(var)
            out.append((m, t, make_case(lam, 50, [q(float(x), 6) for x in c], sigma=PAPER_SIGMA,
                                        eta=PAPER_ETA)))
    return tuple(out)


def time_label(t: int | None) -> str:
    """'0', '100', … or 'stationary' (t = None)."""
    return "stationary" if t is None else str(t)


def state_file_name(m, t: int | None, seed: int) -> str:
    """The exported case file of one §7 state: m50-t0-seed0.json, m5-tstationary-seed0.json."""
    return f"m{m}-t{time_label(t)}-seed{seed}.json"


def _float(x) -> float:
    return float(x) if isinstance(x, (Fraction, int)) else float(x.mid())


def paper_state_records(claim: Claim, seed: int = 0) -> list[dict[str, Any]]:
    """Every §7 state of `paper_states(seed)` with the claim's verdict there: {"m", "t", "eta",
    "file", "case", "verdict" (holds | violated | boundary | outside hypotheses | undecided),
    "margin"} and, for a violation of a claim that names its compared numbers, "value", "bound"
    and "relative" = (value − bound)/|bound|."""
    out = []
    for m, t, case in paper_states(seed):
        rec: dict[str, Any] = {"m": m, "t": t, "time": time_label(t), "eta": str(case.eta),
                               "file": state_file_name(m, t, seed), "case": case}
        sign, val, _ = certified_sign(lambda case=case: claim.margin(case))
        if val is None:
            rec["verdict"] = "outside hypotheses"
        elif sign is None:
            rec["verdict"] = "undecided"
        else:
            rec["verdict"] = ("violated" if claim.violated_by(sign) else
                              "boundary" if sign == 0 else "holds")
            rec["margin"] = as_text(val)
        if rec["verdict"] == "violated" and claim.compare is not None:
            pair = claim.compare(case)
            if pair is not None:
                value, bound = (_float(x) for x in pair)
                rec.update(value=value, bound=bound,
                           relative=(value - bound) / abs(bound) if bound else None)
        out.append(rec)
    return out


def paper_regime_violations(claim: Claim, seed: int = 0) -> tuple[int, int]:
    """(states of the §7 setting inside the claim's hypotheses, how many violate it strictly)."""
    recs = [r for r in paper_state_records(claim, seed) if r["verdict"] in DECIDED]
    return len(recs), sum(r["verdict"] == "violated" for r in recs)


DECIDED = ("holds", "violated", "boundary")


def export_paper_states(claim: Claim, directory, seed: int = 0) -> list[dict[str, Any]]:
    """Write every §7 state of the count as a case file DIR/ID/<m…-t…-seed…>.json (the format
    `check --cases-dir` writes; η is the case's own "eta") and DIR/ID/index.json, which records
    m, t, η, the claim's verdict, its margin and the size of each violation. Returns the index."""
    from pathlib import Path

    from verify.core.atomic import write_atomic

    recs = paper_state_records(claim, seed)
    target = Path(directory) / claim.id
    target.mkdir(parents=True, exist_ok=True)
    for r in recs:
        write_atomic(target / r["file"], json.dumps(r["case"].to_json_obj(), sort_keys=True,
                                                    indent=1) + "\n")
    index = [{k: v for k, v in r.items() if k != "case"} for r in recs]
    write_atomic(target / "index.json", json.dumps(
        {"claim_id": claim.id, "seed": seed, "setting": PAPER_SETTING, "states": index},
        sort_keys=True, indent=1, ensure_ascii=False) + "\n")
    return index


PAPER_SETTING = ("the paper's §7 setting: d = 500, k = 50, σ = 0.5, η = 0.003, one state per gap m and "
                 "time t, c_i ~ N(0, v_i(t)), v_i(t) = (1 − ηλ_i)^{2t}(1 − β_i) + β_i (the exact law of "
                 "constant-step SGD from x_0 ~ N(0, I); t = stationary: v_i = β_i), rounded to 6 "
                 "significant digits")


def recheck_state_command(claim_id: str, file: str, seed: int = 0, directory: str = "states") -> str:
    """Export the §7 states behind the count and decide the claim at one of them."""
    s = f" --seed {seed}" if seed else ""
    return (f"salign check {claim_id}{s} --paper-states-dir {directory} && "
            f"salign eval --case {directory}/{claim_id}/{file} --claim {claim_id}")


def _pct(x: float) -> str:
    return f"{abs(x) * 100:.0f} %" if abs(x) >= 0.01 else f"{abs(x) * 100:.2g} %"


def paper_regime_summary(claim: Claim, seed: int = 0) -> dict[str, Any]:
    """What the §7 states say about a claim: counts, the breakdown by time, the largest relative
    violation and a re-check command on its state; "why" says it in one sentence."""
    recs = [r for r in paper_state_records(claim, seed) if r["verdict"] in DECIDED]
    bad = [r for r in recs if r["verdict"] == "violated"]
    by_time = {}
    for t in PAPER_TIMES:
        at = [r for r in recs if r["t"] == t]
        by_time[time_label(t)] = {"states": len(at), "violations": sum(r in bad for r in at)}
    out: dict[str, Any] = {"paper_states": len(recs), "paper_violations": len(bad),
                           "by_time": by_time}
    if not bad:
        return out
    ref = claim.reference.split(";")[0]
    first = [r for r in bad if r["t"] == 0]
    later = [r for r in recs if r["t"] != 0]
    breakdown = ", ".join(f"t = {k}: {v['violations']} of {v['states']}" for k, v in by_time.items())
    if len(first) == len(bad) and later:
        why = (f"{ref} fails at the paper's own initialisation x_0 ~ N(0, I) (all {len(bad)} "
               f"violations at t = 0, of {by_time['0']['states']} states; it holds at every later "
               f"state we drew: 0 of {len(later)} at t = 100, 1000, 10000 and stationarity)")
    elif all(v["violations"] for v in by_time.values() if v["states"]):
        why = (f"{ref} fails at every time we drew, {len(bad)} of {len(recs)} §7 states inside its "
               f"hypotheses ({breakdown})")
    else:
        why = f"{len(bad)} of {len(recs)} §7 states inside its hypotheses violate it ({breakdown})"
    sized = [r for r in bad if r.get("relative") is not None]
    worst = max(sized, key=lambda r: (abs(r["relative"]), -r["m"])) if sized else bad[0]
    if sized:
        name, bound = claim.compare_names
        rel = worst["relative"]
        why += (f"; largest violation at m = {worst['m']}, t = {worst['time']}: {name} = "
                f"{worst['value']:.4g} against {bound} = {worst['bound']:.4g} "
                f"({_pct(rel)} {'over' if rel > 0 else 'under'})")
        out["largest"] = {k: worst[k] for k in ("m", "time", "file", "value", "bound", "relative")}
    out["recheck_state"] = recheck_state_command(claim.id, worst["file"], seed)
    out["why"] = why
    return out


def classify(claim: Claim, result: R.CheckResult, seed: int = 0) -> dict[str, Any] | None:
    """The severity record of a refuted claim: {"class", "rank", "why", …}; None otherwise."""
    if result.status != R.REFUTED:
        return None
    if result.severity is not None:  # measured by the checker itself
        return {**result.severity, "rank": RANK[result.severity["class"]]}
    if claim.concerns == FIT:
        return {"class": FIT, "rank": RANK[FIT],
                "why": "refuted at the paper's own settings (docs/experiments.md), but it names the "
                       "law a fitted curve follows: the wording of a fit, not a theorem"}
    if claim.margin is not None:
        summary = paper_regime_summary(claim, seed)
        if summary["paper_violations"]:
            return {"class": PAPER, "rank": 1, **summary}
        regime = f"none of {summary['paper_states']} random §7 states inside its hypotheses violates it"
    elif claim.kind == "empirical":
        return {"class": PAPER, "rank": 1,
                "why": "refuted at the paper's own experimental settings (docs/experiments.md)"}
    else:
        regime = "checked on families, not on §7 states"
    witness = result.counterexample
    if claim.missing_hypothesis is not None and witness is not None:
        case = loads_case(json.dumps(witness))
        if not claim.missing_hypothesis(case):
            fix = f"; {claim.corrected_by} adds it" if claim.corrected_by else ""
            return {"class": MISSING, "rank": 3,
                    "why": f"the witness violates a hypothesis the paper did not state{fix}; {regime}"}
    return {"class": STATEMENT, "rank": 2,
            "why": f"the statement itself is wrong (see the evidence); {regime}"}
