"""The paper's numbered results and which claim units state them: the denominator of the count a
reviewer asks for ("N of the paper's M results are false as printed").

A result is false as printed when a claim stating it as printed is refuted. Readings (a split of a
result, a natural extension, bounds from its proof) and the toolkit's corrected statements are
listed with the result but never count towards it. Results the toolkit does not check say why.
Every claim unit belongs to exactly one result (or to an assumption); `tests/test_severity.py`
checks that.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from verify.core.results import CHECKED_NUMERICALLY, REFUTED, VERIFIED_SYMBOLICALLY


@dataclass(frozen=True)
class PaperResult:
    name: str
    where: str
    printed: tuple[str, ...] = ()  # claims stating the result as printed
    readings: tuple[str, ...] = ()  # claims reading it (split, extension, its proof's bounds)
    corrected: tuple[str, ...] = ()  # the toolkit's corrected statements
    out_of_scope: str | None = None  # why it is not checked


STANDARD = ("a textbook result (the paper calls it standard, App. A.3 'Remarks') about arbitrary "
            "random variables, with no state of SGD at which to check it; its use in the paper is "
            "what lem20 measures (E[θ_{t+1}|x] → Θ as d grows)")

RESULTS: tuple[PaperResult, ...] = (
    PaperResult("the introduction's box ('Answer to Problem 2')", "§1", ("intro-box",)),
    PaperResult("Theorem 2", "§4", ("thm2",)),
    PaperResult("Theorem 3", "§4", ("thm3",), readings=("thm3-bounds",)),
    PaperResult("Theorem 4", "§4", ("thm4",), corrected=("thm4-corrected",)),
    PaperResult("Theorem 5", "§4", ("thm5",), readings=("thm5-lower",), corrected=("thm5-corrected",)),
    PaperResult("Theorem 6", "§4", ("thm6",)),
    PaperResult("Theorem 7 and its Remark", "§4", ("thm7", "thm7-remark", "thm7-approx"),
                corrected=("thm7-corrected",)),
    PaperResult("Theorem 8", "§4; App. A.6", ("thm8-main", "thm8-app"), corrected=("thm8-corrected",)),
    PaperResult("Corollary 9", "§4; App. A.6", ("cor9",)),
    PaperResult("Theorem 10", "§5", ("thm10", "thm10-exact")),
    PaperResult("Theorem 11", "§5", ("thm11",)),
    PaperResult("the §5 summary (η between the loss thresholds)", "§5", ("sec5-interval",)),
    PaperResult("Theorem 12", "§5", ("thm12",)),
    PaperResult("Theorem 13", "§5", ("thm13-upper", "thm13-lower", "thm13-rate"),
                corrected=("thm13-corrected",)),
    PaperResult("Theorem 15", "§6", ("thm15",), readings=("thm15-abs",)),
    PaperResult("Theorem 16", "§6", ("thm16", "thm16-small-eta")),
    PaperResult("Lemma 17", "App. A.3", ("lem17",)),
    PaperResult("Lemma 18", "App. A.3", out_of_scope="weak law of large numbers by Chebyshev: "
                + STANDARD),
    PaperResult("Lemma 19", "App. A.3", out_of_scope="continuous mapping and bounded convergence: "
                + STANDARD),
    PaperResult("Lemma 20", "App. A.4", ("lem20",)),
    PaperResult("Lemma 21", "App. A.5", ("lem21",)),
    PaperResult("Lemma 22", "App. A.5", ("lem22", "lem22-bound")),
    PaperResult("Lemma 23", "App. A.7", ("lem23",), corrected=("lem23-corrected",)),
    PaperResult("Lemma 24", "App. A.7", ("lem24",)),
    PaperResult("Lemma 25", "App. A.8", ("lem25",)),
    PaperResult("Lemma 26", "App. A.8", ("lem26",)),
    PaperResult("Lemma 27", "App. A.8", ("lem27",)),
    PaperResult("Lemma 28", "App. A.8", ("lem28",)),
    PaperResult("the two-phase alignment curve (Figures 2, 5)", "§7", ("sec7-two-phase",)),
    PaperResult("the limit of the alignment (Figure 3)", "§7", ("sec7-limit",)),
    PaperResult("polynomial Phase-I decay", "App. B.3", ("sec7-phase1-poly",)),
    PaperResult("logarithmic growth in m (Figure 14)", "App. B.4", ("sec7-log-m",)),
    PaperResult("the conclusion's η* < 1/(λ_1+λ_d)", "§8", ("conclusion",)),
)
# hypotheses, not results: checked at the paper's settings, never counted
ASSUMPTIONS: tuple[PaperResult, ...] = (PaperResult("Assumption 14", "§6", ("asm14",)),)

FALSE = "false as printed"
HOLDS = "holds as printed"
OPEN = "not decided"
OUT = "out of scope"


def paper_results(claims: list[dict[str, Any]]) -> dict[str, Any]:
    """The count from a check's results (dicts with "claim_id", "status", optional "severity"):
    {"results": one row per result, "total", "checked", "false", "holds", "not_decided",
    "out_of_scope", "fit_wording_only", "readings_refuted", "corrected"}."""
    by_id = {c["claim_id"]: c for c in claims}
    rows = []
    for r in RESULTS:
        printed = [by_id[i] for i in r.printed if i in by_id]
        refuted = [c for c in printed if c["status"] == REFUTED]
        if r.out_of_scope:
            verdict = OUT
        elif refuted:
            verdict = FALSE
        elif printed and len(printed) == len(r.printed) and all(
                c["status"] in (CHECKED_NUMERICALLY, VERIFIED_SYMBOLICALLY) for c in printed):
            verdict = HOLDS
        else:
            verdict = OPEN
        sev = min(((c.get("severity") or {}) for c in refuted), key=lambda s: s.get("rank", 9),
                  default={})
        rows.append({"result": r.name, "where": r.where, "verdict": verdict,
                     "printed": {i: by_id[i]["status"] for i in r.printed if i in by_id},
                     "refuted": [c["claim_id"] for c in refuted],
                     "severity": sev.get("class"), "severity_rank": sev.get("rank"),
                     "readings": {i: by_id[i]["status"] for i in r.readings if i in by_id},
                     "corrected": {i: by_id[i]["status"] for i in r.corrected if i in by_id},
                     "reason": r.out_of_scope})
    false = [x for x in rows if x["verdict"] == FALSE]
    return {
        "results": rows, "total": len(rows),
        "checked": sum(x["verdict"] != OUT for x in rows),
        "false": len(false), "holds": sum(x["verdict"] == HOLDS for x in rows),
        "not_decided": sum(x["verdict"] == OPEN for x in rows),
        "out_of_scope": sum(x["verdict"] == OUT for x in rows),
        "fit_wording_only": sum(x["severity"] == "fit wording" for x in false),
        "readings_refuted": sorted(i for x in rows for i, s in x["readings"].items() if s == REFUTED),
        "corrected": {i: s for x in rows for i, s in x["corrected"].items()},
    }


def lead_sentence(pr: dict[str, Any]) -> str:
    """The count in one sentence (the report's and the README's first line)."""
    false = [x["result"] for x in pr["results"] if x["verdict"] == FALSE]
    out = [x["result"] for x in pr["results"] if x["verdict"] == OUT]
    fit = f", {pr['fit_wording_only']} of them only in the wording of a curve fit" \
        if pr["fit_wording_only"] else ""
    s = (f"{pr['false']} of the paper's {pr['total']} numbered results are false as printed{fit}: "
         + ", ".join(false) + f". {pr['holds']} hold as printed")
    if pr["not_decided"]:
        s += f", {pr['not_decided']} {'is' if pr['not_decided'] == 1 else 'are'} not decided"
    if out:
        s += f"; {pr['out_of_scope']} are out of scope ({', '.join(out)}: standard results)"
    s += "."
    if pr["readings_refuted"]:
        s += (" Separately, refuted readings (not counted): " + ", ".join(pr["readings_refuted"])
              + ".")
    bad_corr = [i for i, st in pr["corrected"].items() if st == REFUTED]
    s += (f" The toolkit's {len(pr['corrected'])} corrected statements: "
          + ("none refuted." if not bad_corr else f"refuted: {', '.join(bad_corr)}."))
    return s
