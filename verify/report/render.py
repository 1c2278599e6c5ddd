"""All rendering: derivations (text / LaTeX / JSON), check verdicts (table / JSON)."""

from __future__ import annotations

import json
from typing import Any

import sympy as sp

from derivations.core import Derivation, check_derivation
from verify.claims import CLAIMS_BY_ID
from verify.core.results import CheckResult

SCHEMA_VERSION = 1


def derivation_data(der: Derivation) -> dict[str, Any]:
    checks = check_derivation(der)
    return {
        "id": der.id,
        "title": der.title,
        "reference": der.reference,
        "hypotheses": list(der.hypotheses),
        "closed_forms": {k: {"sympy": str(v), "latex": sp.latex(v)}
                         for k, v in der.closed_forms.items()},
        "steps": [
            {"description": s.description, "kind": s.kind, "lhs": str(s.lhs), "rhs": str(s.rhs),
             "lhs_latex": sp.latex(s.lhs), "rhs_latex": sp.latex(s.rhs), "checked": ok}
            for s, ok in checks
        ],
        "disagreements_with_paper": list(der.disagreements),
    }


_KIND_TEXT = {"identity": "identity (difference simplifies to 0)",
              "substitution": "substitution check (closed form satisfies its equation)",
              "nonneg": "non-negativity certificate (non-negative coefficients)",
              "differs": "disagreement confirmed (difference is not 0)"}


def render_derivations(ders: list[Derivation], fmt: str) -> str:
    data = [derivation_data(d) for d in ders]
    if fmt == "json":
        from verify.core.provenance import provenance

        return json.dumps({"schema_version": SCHEMA_VERSION, "derivations": data,
                           "inputs": {"ids": [d.id for d in ders], "format": "json"},
                           "provenance": provenance()},
                          sort_keys=True, indent=1, ensure_ascii=False) + "\n"
    lines: list[str] = []
    for d in data:
        if fmt == "latex":
            lines.append(f"% {d['id']}: {d['title']} ({d['reference']})")
            for name, e in d["closed_forms"].items():
                lines.append(f"{name.replace('_', '-')}: $${e['latex']}$$")
            for s in d["steps"]:
                mark = "checked" if s["checked"] else "NOT CHECKED"
                rel = "\\neq" if s["kind"] == "differs" else "="
                lines.append(f"% {s['description']} [{s['kind']}: {mark}]")
                lines.append(f"$${s['lhs_latex']} {rel} {s['rhs_latex']}$$")
            for dis in d["disagreements_with_paper"]:
                lines.append(f"% disagreement with the paper: {dis}")
            lines.append("")
            continue
        lines.append(f"[{d['id']}] {d['title']} — {d['reference']}")
        for h in d["hypotheses"]:
            lines.append(f"  hypothesis: {h}")
        for name, e in d["closed_forms"].items():
            lines.append(f"  {name} = {e['sympy']}")
        for i, s in enumerate(d["steps"], 1):
            mark = "ok" if s["checked"] else "FAILED"
            lines.append(f"  step {i} [{mark}; {_KIND_TEXT[s['kind']]}]: {s['description']}")
        for dis in d["disagreements_with_paper"]:
            lines.append(f"  DISAGREEMENT WITH THE PAPER: {dis}")
        lines.append("")
    return "\n".join(lines)


def check_json_obj(results: list[CheckResult], profile: str, seed: int,
                   with_time: bool = False) -> dict[str, Any]:
    from verify.core.provenance import provenance

    return {
        "schema_version": SCHEMA_VERSION,
        "profile": profile,
        "seed": seed,
        "inputs": {"ids": [r.claim_id for r in results], "profile": profile, "seed": seed},
        "results": [r.to_json_obj(with_time) for r in results],
        "provenance": provenance(),
    }


def render_check_text(results: list[CheckResult]) -> str:
    out = []
    for r in results:
        c = CLAIMS_BY_ID[r.claim_id]
        out.append(f"{r.claim_id:18s} {r.status:23s} {c.reference}")
        out.append(f"    {r.evidence}")
        if r.counterexample is not None:
            out.append("    counterexample: " + json.dumps(r.counterexample, sort_keys=True))
        if r.corrected_by:
            out.append(f"    corrected statement: {r.corrected_by}")
    return "\n".join(out) + "\n"
