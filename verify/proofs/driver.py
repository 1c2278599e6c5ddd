"""Decide claims for all d: print each obligation, run z3 and cvc5, realise and re-check models.

Verdicts:
  "proved (two solvers)"        both solvers answered unsat (the conditions are necessary, so no state
                          of any dimension violates the claim);
  "refuted"               a solver model was realised as an explicit case and the claim's exact
                          evaluator (verify.claims MARGINS, certified sign) confirms the violation;
  "undecided by solvers"  a time-out/unknown, or a model that could not be realised and re-checked;
  "solver disagreement"   one solver sat, the other unsat: an error, reported loudly;
  "solver error"          a solver crashed or could not read the obligation.

A claim's edges (`Claim.edges`: boundary cases of the printed statement that its main obligation
leaves out) are decided the same way, each as its own obligation, right after the claim
(`decide_edges`); the claim's status is its main obligation's, its evidence says which edges were
proved.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction
from pathlib import Path
from typing import Any

import sympy as sp

from verify.claims import CLAIMS_BY_ID, MARGINS
from verify.core.atomic import write_atomic
from verify.core.cases import Case
from verify.core.errors import CaseError
from verify.core.results import PROVED_CERTIFICATE
from verify.core.signs import certified_sign
from verify.core.theory import Theta_map, blocks
from verify.proofs.atoms import TEMPLATES, atomic_assertions, case_from_model
from verify.proofs.encode import Obligation
from verify.proofs.model import S as _S
from verify.proofs.realise import realise_iter
from verify.proofs.registry import ENCODINGS, build, build_edge
from verify.proofs.smt import (
    SOLVERS,
    abort_solvers,
    parse_model_value,
    reset_abort,
    run_one,
    run_solver,
    to_smt,
)

S_ETA = _S["eta"].name
PROVED, REFUTED, UNDECIDED = "proved (two solvers)", "refuted", "undecided by solvers"
CERTIFIED = PROVED_CERTIFICATE  # an exact certificate re-checked by verify.proofs.certcheck
DISAGREE, ERROR = "solver disagreement", "solver error"


def math_text(o: Obligation, interior: bool | str = False) -> list[str]:
    """The obligation in mathematical notation, one conjunct per line."""
    def show(rel: Any) -> str:
        if hasattr(rel, "parts"):
            return " ∨ ".join(f"[{show(p)}]" for p in rel.parts)
        if hasattr(rel, "body"):
            return "∀ " + ", ".join(v.name for v in rel.variables) + ": " + show(rel.body)
        return sp.sstr(rel).replace("**", "^")

    return [f"{label}:  {show(o.display.get(label, rel))}" for label, rel in o.assertions(interior)]


def _script(header: list[str], asserts: list[tuple[str, Any]]) -> str:
    """An SMT-LIB2 script: the header lines, one declaration per free symbol (sorted), each
    assertion under its label, check-sat."""
    syms: set[sp.Symbol] = set()
    for _, rel in asserts:
        syms |= rel.free_symbols
    lines = list(header)
    lines += [f"(declare-const {s.name} Real)" for s in sorted(syms, key=lambda s: s.name)]
    for label, rel in asserts:
        lines.append(f"; {label}")
        lines.append(f"(assert {to_smt(rel)})")
    lines.append("(check-sat)")
    return "\n".join(lines) + "\n"


def smt_text(o: Obligation, interior: bool | str = False) -> str:
    """The obligation as an SMT-LIB2 script (deterministic)."""
    asserts = o.assertions(interior)
    # a registry claim's reference (an edge "ID#edgeN" has its claim's); a reviewer's statement
    # (salign conjecture) has none
    base = o.claim_id.split("#")[0]
    ref = CLAIMS_BY_ID[base].reference if base in CLAIMS_BY_ID else "a reviewer's statement"
    lines = [
        f"; salign proof obligation for claim {o.claim_id} ({ref})",
        f"; statement: {o.statement}",
        "; unsat  <=>  no aggregate vector meeting the necessary moment conditions violates the claim",
        "; (so the claim holds for every dimension d and every state)"
        + ("; INTERIOR variant (witness search only)" if interior else ""),
        f"(set-logic {o.logic})",
    ]
    return _script(lines, asserts)


Margin = Callable[[Case], Any]


def _violated(claim_id: str, strict: bool, case: Case, margin: Margin | None = None) -> tuple[bool, str]:
    """Exact re-check of a witness: the claim's margin has a certified sign < 0 (or = 0 for a
    strict claim, whose margin must be > 0). `margin` overrides the registry's (mutants)."""
    if claim_id == "thm4" and margin is None:
        return _thm4_printed_violated(case)
    m = margin or MARGINS[claim_id]
    sign, val, _ = certified_sign(lambda: m(case))
    if sign is None:
        return False, "margin undefined or sign not certified at the realised case"
    # the same rule as the search (Claim.violated_by): an equivalence's zero margin is a boundary
    # point, never a counterexample
    from verify.claims import CLAIMS_BY_ID

    kind = CLAIMS_BY_ID[claim_id].kind if claim_id in CLAIMS_BY_ID else "inequality"
    violated = sign < 0 or (strict and sign == 0 and kind != "equivalence")
    return violated, f"certified margin sign {sign} (value {val})"


def _thm4_printed_violated(case: Case) -> tuple[bool, str]:
    """Printed Theorem 4 has no margin function (its checker is special:thm4); this exact
    evaluator decides its two parts: a positive root r0 of a r² − (m+h−a) r − h exists, and
    θ ≥ θ* = r0/(1+r0) ⇒ Θ(η) < θ. Rational arithmetic throughout except when s_min > 0, where
    the second part is the margin of thm4-corrected (certified sign)."""
    kap = case.kappa2
    if sum(kap) == 0 or not case.noise_is_diagonal:
        return False, "outside the hypotheses (Tr Σ = 0 or non-diagonal noise)"
    b, lam = blocks(case), case.eigenvalues
    a, h, M = min(kap) * b.psiB, max(kap) * b.psiD, b.s * (lam[0] ** 2 - lam[-1] ** 2)
    bb = M + h - a
    if a == 0:
        r0 = None if bb == 0 else -h / bb
        if bb == 0 and h == 0:
            return False, "every r solves the quadratic"
        if r0 is None or r0 <= 0:
            return True, f"no θ* ∈ (0,1): a = 0 and the only root is {r0}"
    elif h == 0:
        if bb <= 0:
            return True, "no θ* ∈ (0,1): h = 0 and no positive root"
        r0 = bb / a
    else:
        sign, val, _ = certified_sign(lambda: MARGINS["thm4-corrected"](case))
        if sign is None:
            return False, "θ ≥ θ* not certain or margin undefined"
        return sign <= 0, f"thm4-corrected margin sign {sign}"
    if b.sD == 0 or b.sB == 0 or case.eta is None:
        return False, "θ ∉ (0,1)"
    th = b.sD / b.s
    if th < r0 / (1 + r0):
        return False, "θ < θ*"
    Th = Theta_map(case, case.eta)
    return (Th is not None and Th >= th), f"θ ≥ θ* and Θ(η) − θ = {None if Th is None else Th - th}"


def _model_values(model: dict[str, str]) -> tuple[dict[str, Fraction], bool]:
    out, exact = {}, True
    for k, v in model.items():
        val, ex = parse_model_value(v)
        if not ex:
            val = val.limit_denominator(10**12)
        exact &= ex
        out[k] = val
    return out, exact


def _names(o: Obligation) -> dict[str, str]:
    from verify.proofs.model import SYMBOLS

    return {sym.name: key for key, sym in SYMBOLS.items()}


def _try_realise(o: Obligation, model: dict[str, str], margin: Margin | None = None
                 ) -> tuple[Case | None, str]:
    vals, exact = _model_values(model)
    rename = _names(o)
    v = {rename[k]: x for k, x in vals.items() if k in rename}
    for key in ("KD", "KB", "psiD", "psiB", "smin", "smax", "LamD", "LamB"):
        v.setdefault(key, Fraction(1))
    # moments projected out of the obligation (unused by the claim): any admissible value
    for X, a, b in (("D", "lamk", "lam1"), ("B", "lamd", "lamk1")):
        s_, t_ = v.get("s" + X, Fraction(0)), v.get("t" + X, Fraction(0))
        v.setdefault("u" + X, t_ * t_ / s_ if s_ else Fraction(0))  # one atom at τ/s
        if "e" + X not in v:
            v["e" + X] = v[a] * v.get("n" + X, Fraction(0))  # ξ-atom at a
        if "n" + X not in v:
            v["n" + X] = v["e" + X] / v[b]  # ξ-atom at b
    note = "" if exact else " (algebraic model values replaced by nearby rationals)"
    for case in realise_iter(v, o.groups):
        bad, why = _violated(o.claim_id, o.strict, case, margin)
        if bad:
            return case, why + note
    return None, "model could not be realised as a violating case" + note


def decide(o: Obligation, timeout: float, smt_dir: Path, margin: Margin | None = None,
           name: str | None = None) -> dict[str, Any]:
    """Write, solve, realise: the result dict of one obligation (`margin`/`name` for mutants)."""
    name = name or o.claim_id
    path = smt_dir / f"{name}.smt2"
    write_atomic(path, smt_text(o))
    with ThreadPoolExecutor(max_workers=2) as ex:
        futs = {name: ex.submit(run_solver, name, str(path), timeout) for name in SOLVERS}
        try:
            answers = {name: f.result() for name, f in futs.items()}
        except BaseException:  # Ctrl-C: stop both solvers now, not after their time-out
            abort_solvers()
            raise
    res: dict[str, Any] = {
        "claim_id": name, "obligation_file": str(path), "obligation": math_text(o),
        "solvers": {n: {"answer": a["answer"], "seconds": a["seconds"],
                        **({"detail": a["detail"]} if a.get("detail") else {})}
                    for n, a in answers.items()},
        "counterexample": None, "evidence": "",
    }
    ans = {n: a["answer"] for n, a in answers.items()}
    if "sat" in ans.values() and "unsat" in ans.values():
        res.update(status=DISAGREE, evidence=f"solvers disagree: {ans}")
        return res
    if all(a == "unsat" for a in ans.values()):
        lemma_ok = True
        for lname, ltext in o.lemmas.items():
            lpath = smt_dir / f"{lname}.smt2"
            write_atomic(lpath, ltext)
            la = {n: run_solver(n, str(lpath), timeout) for n in SOLVERS}
            res["solvers"][lname] = {n: la[n]["answer"] for n in SOLVERS}
            lemma_ok &= all(la[n]["answer"] == "unsat" for n in SOLVERS)
        if lemma_ok:
            res.update(status=PROVED, evidence="both solvers: unsat")
        else:
            res.update(status=UNDECIDED, evidence="unsat, but a lemma of the encoding is not proved by both")
        return res
    if "sat" in ans.values():
        why = ""
        for n in SOLVERS:
            if ans[n] == "sat" and answers[n].get("model"):
                case, why = _try_realise(o, answers[n]["model"], margin)
                if case is not None:
                    res.update(status=REFUTED, counterexample=case.to_json_obj(),
                               evidence=f"{n} model realised at d = {case.d}; re-check: {why}")
                    return _smaller_witness(o, timeout, smt_dir, margin, name, res, case.d)
        if _try_atoms(o, timeout, smt_dir, margin, name, res):  # fast when the spectrum is fixed
            return res
        # interior variants: a model strictly inside (part of) the moment cone survives rounding
        # and boundary-free realisation; first only the counting measures, then everything
        variants = (["N_"] if "count" in o.groups else []) + [True]
        for k, interior in enumerate(variants):
            ipath = smt_dir / f"{name}.interior{k}.smt2"
            write_atomic(ipath, smt_text(o, interior=interior))
            a = run_solver("z3", str(ipath), timeout)
            res["solvers"][f"z3-interior{k}"] = {"answer": a["answer"], "seconds": a["seconds"]}
            if a["answer"] == "sat" and a.get("model"):
                case, why2 = _try_realise(o, a["model"], margin)
                if case is not None:
                    res.update(status=REFUTED, counterexample=case.to_json_obj(),
                               evidence=f"z3 interior model realised at d = {case.d}; re-check: {why2}")
                    return _smaller_witness(o, timeout, smt_dir, margin, name, res, case.d)
        res.update(status=UNDECIDED, evidence=f"sat, but no re-checked witness: {why}")
        return res
    if "error" in ans.values():
        res.update(status=ERROR, evidence="; ".join(f"{n}: {answers[n].get('detail', '')}"
                                                    for n in SOLVERS if ans[n] == "error"))
        return res
    if _try_atoms(o, timeout, smt_dir, margin, name, res):
        return res
    res.update(status=UNDECIDED, evidence=f"answers {ans}")
    return res


def atoms_text(o: Obligation, kD: int, kB: int, eigs: tuple[Fraction, ...] | None = None) -> str:
    """The obligation at an explicit state with |D| = kD, |B| = kB (verify.proofs.atoms)."""
    asserts = atomic_assertions(o, kD, kB, eigs)
    lines = [f"; salign witness search for claim {o.claim_id} on explicit states with |D| = {kD}, "
             f"|B| = {kB}" + (f", eigenvalues {', '.join(map(str, eigs))}" if eigs else ""),
             "; sat = a state violating the claim (re-checked exactly before it is "
             "reported); unsat proves nothing", f"(set-logic {o.logic})"]
    return _script(lines, asserts)


def _smaller_witness(o: Obligation, timeout: float, smt_dir: Path, margin: Margin | None,
                     name: str, res: dict[str, Any], d: int) -> dict[str, Any]:
    """A realised moment model depends on which solver answered within the time limit (z3's and
    cvc5's models differ, and a slow machine turns one of them into a time-out), and it can be
    large (replication makes the counts integral). The explicit-state search (z3 on fixed
    templates) is therefore asked for a witness as well, and when it finds one that witness and its
    re-check are the evidence, whatever the moment solvers answered: the evidence is the same on
    any machine. The realised moment model is kept, re-checked, under "moment_model"."""
    small: dict[str, Any] = {"solvers": {}}
    found = _try_atoms(o, timeout, smt_dir, margin, name, small)
    res["solvers"].update(small["solvers"])
    if found and small.get("status") == REFUTED:
        res["moment_model"] = {"evidence": res["evidence"], "counterexample": res["counterexample"],
                               "d": d}
        res.update(counterexample=small["counterexample"], evidence=small["evidence"])
    return res


def _try_atoms(o: Obligation, timeout: float, smt_dir: Path, margin: Margin | None, name: str,
               res: dict[str, Any]) -> bool:
    """Witness search on explicit small states (verify.proofs.atoms) when the moment obligation
    gave no re-checked witness: z3 (its default, complete nlsat procedure) on each template for a
    sixth of the time limit. Fills `res` and returns True on a re-checked witness (a refutation,
    or a disagreement if a solver had answered unsat)."""
    # a solver that answered unsat says no state violates the claim; the search then runs as a
    # cross-check, and a re-checked witness makes the result a loud disagreement, not a refutation
    unsat_by = [n for n, v in res["solvers"].items() if isinstance(v, dict) and v.get("answer") == "unsat"]
    for j, (kD, kB, eigs) in enumerate(TEMPLATES):
        tag = f"atoms{j}"
        path = smt_dir / f"{name}.{tag}.smt2"
        write_atomic(path, atoms_text(o, kD, kB, eigs))
        a = run_one("z3", str(path), timeout / 6)
        res["solvers"][f"z3-{tag}"] = {"answer": a["answer"], "seconds": a["seconds"]}
        if a["answer"] != "sat" or not a.get("model"):
            continue
        vals, exact = _model_values(a["model"])
        try:
            case = case_from_model(vals, kD, kB, vals.get(S_ETA), eigs)
        except (ValueError, CaseError):  # e.g. rounding made λ_k = λ_{k+1} or η = 0: no state
            continue
        bad, why = _violated(o.claim_id, o.strict, case, margin)
        if bad:
            note = "" if exact else " (algebraic model values replaced by nearby rationals)"
            found = (f"z3 model of an explicit state with |D| = {kD}, |B| = {kB} (d = {case.d}); "
                     f"re-check: {why}{note}")
            if unsat_by:
                res.update(status=DISAGREE, counterexample=case.to_json_obj(),
                           evidence=f"{', '.join(unsat_by)} answered unsat, but a re-checked "
                                    f"witness exists: {found}")
            else:
                res.update(status=REFUTED, counterexample=case.to_json_obj(), evidence=found)
            return True
    return False


def prove(ids: list[str] | None, timeout: float = 60.0, smt_dir: str | Path | None = None,
          strict_override: dict[str, bool] | None = None) -> list[dict[str, Any]]:
    """Decide the encodable claims `ids` (all when None/empty); one result dict each."""
    ids = list(ids or ENCODINGS)
    reset_abort()
    tmp = None
    if smt_dir is None:
        tmp = tempfile.TemporaryDirectory(prefix="salign-prove-")
        smt_dir = tmp.name
    out = []
    try:
        for cid in ids:
            o = build(cid, (strict_override or {}).get(cid))
            r = decide(o, timeout, Path(smt_dir))
            r["edges"] = decide_edges(cid, timeout, Path(smt_dir))
            if r["edges"]:
                r["evidence"] = f"{r['evidence']}; {edges_evidence(r['edges'])}"
            out.append(r)
    finally:
        if tmp is not None:
            tmp.cleanup()
    return out


def edge_margin(o: Obligation) -> Margin:
    """The exact re-check of a witness for an edge obligation (`registry.build_edge`), which has no
    margin function of its own (the claim's margin is undefined at its edges): the edge's
    hypotheses ∧ definitions ∧ ¬claim evaluated at the case's exact aggregate vector
    (`encoded_violation`; every aggregate fixed, the auxiliary variables determined or, for a
    quantified one such as Lemma 24's ϑ, decided by z3). Returns −1 (the state violates the edge),
    1 (it does not) or None (undecided, or the state lacks an aggregate the edge uses, e.g. η)."""
    from verify.proofs.model import aggregates

    def margin(case: Case) -> Fraction | None:
        try:
            bad = encoded_violation(o, aggregates(case).as_dict())
        except KeyError:
            return None
        return None if bad is None else Fraction(-1 if bad else 1)

    return margin


def decide_edges(cid: str, timeout: float, smt_dir: Path) -> list[dict[str, Any]]:
    """Decide each edge of a claim (`Claim.edges`) as its own obligation, exactly as `decide`
    decides a claim: both solvers, realisation of a sat model and its exact re-check
    (`edge_margin`), the explicit-state search; obligation files ID.edgeN.smt2. One dict per edge:
    label, status (the verdicts of `decide`), solvers, evidence, counterexample, obligation_file."""
    return [decide_edge(cid, i, timeout, smt_dir) for i in range(len(CLAIMS_BY_ID[cid].edges))]


def decide_edge(cid: str, i: int, timeout: float, smt_dir: Path) -> dict[str, Any]:
    """Decide edge i (0-based) of a claim, as `decide_edges` does for each."""
    label = CLAIMS_BY_ID[cid].edges[i][0]
    o = build_edge(cid, i)
    r = decide(o, timeout, smt_dir, margin=edge_margin(o), name=f"{cid}.edge{i + 1}")
    if r["counterexample"] is not None:
        r["evidence"] += (" (re-checked by evaluating the edge's hypotheses and negation at "
                          "the state's exact aggregates)")
    return {"label": label, "status": r["status"], "solvers": r["solvers"],
            "evidence": r["evidence"], "counterexample": r["counterexample"],
            "obligation_file": r["obligation_file"]}


def edges_evidence(edges: list[dict[str, Any]]) -> str:
    """One sentence for a claim's evidence: whether every edge was proved (by an exact certificate
    or by both solvers), and which were not."""
    bad = [f"edge {i} ({e['label']}): {e['status']}" for i, e in enumerate(edges, 1)
           if e["status"] not in (PROVED, CERTIFIED)]
    if not bad:
        n_cert = sum(e["status"] == CERTIFIED for e in edges)
        how = ("by both solvers" if not n_cert else "by exact certificate" if n_cert == len(edges)
               else f"{n_cert} by exact certificate, {len(edges) - n_cert} by both solvers")
        return f"every edge proved ({len(edges)} of {len(edges)}; {how})"
    return (f"{len(edges) - len(bad)} of {len(edges)} edges proved; not proved: " + "; ".join(bad))


def encoded_violation(o: Obligation, values: dict[str, Fraction], timeout: float = 20.0) -> bool | None:
    """Evaluate the encoded statement at one aggregate vector: True iff hypotheses ∧ definitions ∧
    ¬claim is satisfiable with every aggregate fixed to `values` (keys of model.SYMBOLS), i.e. the
    encoding says this state violates the claim; None if z3 cannot decide within `timeout`.
    The auxiliary variables (quotients, roots) are uniquely determined, so this is a plain
    evaluation — used to test that the encoding agrees with the margin function."""
    import z3

    from verify.proofs.model import SYMBOLS

    lines = [f"(set-logic {o.logic})"]
    asserts = o.definitions + o.hypotheses + [o.assertions()[-1]]
    syms: set[sp.Symbol] = set()
    for _, rel in asserts:
        syms |= rel.free_symbols
    lines += [f"(declare-const {s.name} Real)" for s in sorted(syms, key=lambda s: s.name)]
    byname = {sym.name: key for key, sym in SYMBOLS.items()}
    for s in sorted(syms, key=lambda s: s.name):
        if s.name in byname:
            v = values[byname[s.name]]
            lines.append(f"(assert (= {s.name} {to_smt(sp.Rational(v.numerator, v.denominator))}))")
    lines += [f"(assert {to_smt(rel)})" for _, rel in asserts]
    solver = z3.Solver()
    solver.set("timeout", int(timeout * 1000))
    solver.from_string("\n".join(lines))
    r = solver.check()
    return True if r == z3.sat else False if r == z3.unsat else None


# ------------------------------------------------------------------ shipped refutations
WITNESS_FORMAT = "salign-witness-1"


def obligation_sha256(o: Obligation) -> str:
    """SHA-256 of the obligation's SMT-LIB text: a witness record names the obligation it refutes."""
    import hashlib

    return hashlib.sha256(smt_text(o).encode("utf-8")).hexdigest()


def witness_record(r: dict[str, Any]) -> dict[str, Any] | None:
    """The record of a refutation by `decide` (None unless refuted): the claim, its obligation's
    SHA-256, the realised counterexample and how the solvers found it. The record is evidence
    only through its counterexample, which `recheck_witness` re-checks exactly."""
    if r["status"] != REFUTED or r.get("counterexample") is None:
        return None
    return {"format": WITNESS_FORMAT, "claim_id": r["claim_id"],
            "obligation_sha256": obligation_sha256(build(r["claim_id"])),
            "counterexample": r["counterexample"], "found_by": r["evidence"]}


def recheck_witness(record: Any) -> tuple[dict[str, Any] | None, str]:
    """(a REFUTED result, "") when the record's obligation is the claim's current one and its
    counterexample violates the claim strictly, decided by the claim's exact margin with a
    certified sign (`_violated`, the check every solver witness passes); else (None, why not)."""
    from verify.core.cases import parse_case

    if not isinstance(record, dict) or record.get("format") != WITNESS_FORMAT:
        return None, f"not a witness record of format {WITNESS_FORMAT}"
    cid = record.get("claim_id")
    if cid not in CLAIMS_BY_ID or CLAIMS_BY_ID[cid].encoding is None:
        return None, f"names no encoded claim ({cid!r})"
    o = build(cid)
    if record.get("obligation_sha256") != obligation_sha256(o):
        return None, "the claim's obligation changed since the witness was recorded"
    try:
        case = parse_case(record.get("counterexample"))
    except (CaseError, TypeError, ValueError) as exc:
        return None, f"the counterexample is not a valid case: {exc}"
    bad, why = _violated(cid, o.strict, case)
    if not bad:
        return None, f"the counterexample does not violate the claim ({why})"
    return {"claim_id": cid, "status": REFUTED, "solvers": {}, "counterexample": case.to_json_obj(),
            "edges": [],
            "evidence": (f"shipped witness re-checked exactly now: {why}; recorded as: "
                         f"{record.get('found_by', 'solver witness')}; z3 and cvc5 not re-run "
                         f"(salign prove {cid} re-decides it)")}, ""
