"""All rendering: derivations (text / LaTeX / JSON), check verdicts (table / JSON)."""

from __future__ import annotations

import json
from typing import Any

import sympy as sp

from derivations import notation
from derivations.core import Derivation, Relation, check_derivation
from verify.claims import CLAIMS_BY_ID
from verify.core.results import CheckResult

SCHEMA_VERSION = 1


def _symbol_row(sym: sp.Symbol) -> dict[str, str]:
    n = notation.TABLE[sym]
    return {"symbol": str(sym), "latex": n.latex, "text": n.text, "meaning": n.meaning}


def _where_rows(where) -> list[dict[str, str]]:  # noqa: ANN001
    return [{**_symbol_row(sym), "definition": str(defn), "definition_latex": notation.latex(defn),
             "definition_text": notation.text(defn)} for sym, defn in where]


def _relation_row(rel: Relation) -> dict[str, str]:
    return {"relation": rel.rel, "lhs": str(rel.lhs), "rhs": str(rel.rhs),
            "lhs_latex": notation.latex(rel.lhs), "rhs_latex": notation.latex(rel.rhs),
            "latex": notation.relation_latex(rel.lhs, rel.rel, rel.rhs),
            "text": notation.relation_text(rel.lhs, rel.rel, rel.rhs),
            "mathml": notation.relation_mathml(rel.lhs, rel.rel, rel.rhs)}


def _symbols_used(der: Derivation) -> list[sp.Symbol]:
    """Every symbol the derivation prints, in order of first appearance."""
    exprs = list(der.closed_forms.values()) + [e for _, e in der.where]
    for st in der.steps:
        for rel in st.relations():
            exprs += [rel.lhs, rel.rhs]
        exprs += [e for _, e in st.where]
    seen: dict[sp.Symbol, None] = {}
    for e in exprs:
        for sym in sorted(sp.sympify(e).free_symbols, key=str):
            seen.setdefault(sym, None)
    return list(seen)


def derivation_data(der: Derivation, defined: set | None = None) -> dict[str, Any]:
    """What a derivation states, in every format: each closed form as a definition and each
    step's relations (from the Step itself) as SymPy text, LaTeX, plain text and MathML, in the
    paper's notation (derivations/notation.py). `notation` lists the quantities the paper does
    not name that appear here for the first time (first among the derivations sharing the set
    `defined`, which is updated), with their definitions; auxiliary variables are defined by the
    `where` clause of the step (or derivation) that introduces them."""
    checks = check_derivation(der)
    defined = set() if defined is None else defined
    local = {sym for sym, _ in der.where} | {sym for st in der.steps for sym, _ in st.where}
    new = [sym for sym in _symbols_used(der) if not notation.TABLE[sym].paper
           and sym not in local and sym not in defined]
    defined.update(new)
    steps = []
    for st, ok in checks:
        main, *cert = st.relations()
        row = {"description": st.description, "kind": st.kind, "checked": ok,
               **_relation_row(main), "where": _where_rows(st.where)}
        if cert:
            row["certificate"] = _relation_row(cert[0])
        steps.append(row)
    return {
        "id": der.id,
        "title": der.title,
        "reference": der.reference,
        "hypotheses": list(der.hypotheses),
        "notation": [_symbol_row(sym) for sym in new],
        "where": _where_rows(der.where),
        "closed_forms": {k: {"sympy": str(v), "latex": notation.latex(v), "text": notation.text(v),
                             "mathml": notation.mathml(v), "relation": "=",
                             "label_latex": notation.label_latex(k), "label_text": notation.label_text(k)}
                         for k, v in der.closed_forms.items()},
        "steps": steps,
        "disagreements_with_paper": list(der.disagreements),
    }


def derivations_data(ders: list[Derivation]) -> list[dict[str, Any]]:
    """derivation_data for a sequence (quantities the paper does not name are defined once)."""
    defined: set = set()
    return [derivation_data(d, defined) for d in ders]


_KIND_TEXT = {"identity": "identity (difference simplifies to 0)",
              "substitution": "substitution check (closed form satisfies its equation)",
              "nonneg": "non-negativity certificate (non-negative coefficients)",
              "differs": "disagreement confirmed (difference is not 0)"}


def render_derivations(ders: list[Derivation], fmt: str, standalone: bool = False) -> str:
    """Text, LaTeX (a body, or a complete document with `standalone`) or JSON."""
    data = derivations_data(ders)
    if fmt == "json":
        from verify.core.provenance import provenance

        return json.dumps({"schema_version": SCHEMA_VERSION, "derivations": data,
                           "inputs": {"ids": [d.id for d in ders], "format": "json"},
                           "provenance": provenance()},
                          sort_keys=True, indent=1, ensure_ascii=False) + "\n"
    if fmt == "latex":
        from verify.report.latex import derivations_body, derivations_document

        return derivations_document(data) if standalone else derivations_body(data)
    lines: list[str] = []
    for d in data:
        lines.append(f"[{d['id']}] {d['title']} — {d['reference']}")
        for h in d["hypotheses"]:
            lines.append(f"  hypothesis: {h}")
        for e in d["notation"]:
            lines.append(f"  notation: {e['text']}: {e['meaning']}")
        for w in d["where"]:
            lines.append(f"  where {w['text']} = {w['definition_text']}")
        for e in d["closed_forms"].values():
            lines.append(f"  {e['label_text']} = {e['text']}")
        for i, s in enumerate(d["steps"], 1):
            mark = "ok" if s["checked"] else "FAILED"
            lines.append(f"  step {i} [{mark}; {_KIND_TEXT[s['kind']]}]: {s['description']}")
            lines.append(f"    {s['text']}")
            if s["where"]:
                lines.append("    where " + ", ".join(f"{w['text']} = {w['definition_text']}"
                                                     for w in s["where"]))
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
    """One block per claim (verdict, reference, evidence; for a refuted claim its severity class and
    why, and the re-check on a §7 state when there is one), then one closing summary line."""
    from verify.core.results import REFUTED, STATUSES

    out = []
    for r in results:
        c = CLAIMS_BY_ID[r.claim_id]
        out.append(f"{r.claim_id:18s} {r.status:23s} {c.reference}")
        sev = r.severity or {}
        if r.status == REFUTED and sev.get("class"):
            out.append(f"    severity: {sev['class']}" + (f" — {sev['why']}" if sev.get("why") else ""))
        out.append(f"    {r.evidence}")
        if r.counterexample is not None:
            out.append("    counterexample: " + json.dumps(r.counterexample, sort_keys=True))
        if r.corrected_by:
            out.append(f"    corrected statement: {r.corrected_by}")
        if r.status == REFUTED and sev.get("recheck_state"):
            out.append(f"    re-check on a §7 state: {sev['recheck_state']}")
    counts = dict.fromkeys((REFUTED, *STATUSES), 0)  # refuted first
    for r in results:
        counts[r.status] = counts.get(r.status, 0) + 1
    n = len(results)
    summary = ", ".join(f"{v} {s}" for s, v in counts.items() if v)
    out.append(f"summary: {n} claim{'s' if n != 1 else ''} checked: {summary or 'none'}")
    return "\n".join(out) + "\n"
