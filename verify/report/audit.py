"""`salign audit`: derive, check, reproduce (quick), then write report.md / report.html /
report.json and cases/ atomically (a staging directory renamed into place at the end)."""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from verify.core.atomic import write_atomic
from verify.core.provenance import provenance
from verify.core.results import PROVED_CERTIFICATE, REFUTED, STATUSES
from verify.report.document import B, C, Document, L, T, V, to_html, to_markdown


def _progress(msg: str, last: bool) -> None:
    """A progress line: redrawn in place on a terminal, one plain line each in a log file."""
    if sys.stderr.isatty():
        sys.stderr.write("\r\033[K" + msg + ("\n" if last else ""))
    else:
        sys.stderr.write(msg + "\n")
    sys.stderr.flush()


def _stage(msg: str) -> None:
    sys.stderr.write(f"[audit] {msg}\n")
    sys.stderr.flush()


def _run_proofs(timeout: float, resolve: bool = False) -> list[dict]:
    """The proofs for every d, as report data; done/total, rate and ETA after each claim, as
    `salign prove` reports them. A claim with a shipped certificate (verify/proofs/certificates)
    is decided by re-checking it (verify.proofs.certcheck: no solver, no float): "proved
    (certificate)"; the others, or every claim with `resolve`, or a claim whose certificate no
    longer matches its obligation, by `salign prove` (z3 and cvc5)."""
    from verify.claims import CLAIMS_BY_ID
    from verify.execution.progress import Progress
    from verify.proofs.command import cert_name, shipped_dir
    from verify.proofs.driver import edges_evidence, prove
    from verify.proofs.registry import ENCODINGS

    out = []
    ids = list(ENCODINGS)
    bar = Progress(len(ids), "prove", "claims")
    for i, cid in enumerate(ids, 1):
        row = None if resolve else certificate_row(shipped_dir() / cert_name(cid))
        if row is None and not resolve:
            row = _witness_row(shipped_dir() / f"{cid}.witness.json")
        if row is None or row["status"] not in (CERTIFIED, REFUTED):
            r = prove([cid], timeout=timeout)[0]
            stale = row["evidence"] if row is not None else ""
            row = {k: r.get(k) for k in ("claim_id", "status", "evidence", "solvers", "counterexample",
                                         "edges")}
            if stale:
                row["evidence"] = f"{row['evidence']} (shipped certificate not used: {stale})"
        else:  # the certificate covers the main obligation; each edge (Claim.edges) by its own
            edges = _edges(cid, timeout)  # shipped certificate, or else by z3 and cvc5
            if edges:
                row["edges"] = edges
                row["evidence"] = f"{row['evidence']}; edges: {edges_evidence(edges)}"
        if CLAIMS_BY_ID[cid].parts:  # what the verdict covers, part by part
            row["parts"] = [list(p) for p in CLAIMS_BY_ID[cid].parts]
        out.append(row)
        _progress(f"[audit]   {bar.line(i)} ({cid}: {row['status']})", last=i == len(ids))
    return out


CERTIFIED = PROVED_CERTIFICATE


def _witness_row(path: Path) -> dict | None:
    """A refuted claim's shipped counterexample (`salign prove --witness-dir`), re-checked exactly
    (verify.proofs.driver.recheck_witness); None when there is none or it no longer refutes the
    claim's current obligation (then the solvers decide)."""
    from verify.proofs.driver import recheck_witness

    if not path.exists():
        return None
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    row, _why = recheck_witness(record)
    if row is not None:
        row["evidence"] += f" (record verify/proofs/certificates/{path.name})"
    return row


def _edges(cid: str, timeout: float) -> list[dict]:
    """The edges of a certified claim: each by its shipped certificate (re-checked), or, when it
    has none or it no longer checks, by z3 and cvc5 (verify.proofs.driver.decide_edge)."""
    from verify.claims import CLAIMS_BY_ID
    from verify.proofs.command import cert_name, shipped_dir
    from verify.proofs.driver import decide_edge
    from verify.proofs.registry import edge_id

    out = []
    with tempfile.TemporaryDirectory(prefix="salign-audit-edges-") as tmp:
        for i, (label, _, _) in enumerate(CLAIMS_BY_ID[cid].edges):
            row = certificate_row(shipped_dir() / cert_name(edge_id(cid, i)))
            if row is not None and row["status"] == CERTIFIED:
                out.append({"label": label, "status": CERTIFIED, "solvers": {},
                            "evidence": row["evidence"], "counterexample": None,
                            "obligation_file": None, "certificate": row["certificate"]})
            else:
                out.append(decide_edge(cid, i, timeout, Path(tmp)))
    return out


def certificate_row(path: Path) -> dict | None:
    """The report row of a shipped certificate re-checked by verify.proofs.certcheck (None when
    there is none); an invalid one gives a row whose status is not CERTIFIED and says why."""
    from verify.proofs.certcheck import InvalidCertificate, check_file
    from verify.proofs.certificate import identity_text
    from verify.proofs.command import certificate_size

    if not path.exists():
        return None
    cid = path.name.removesuffix(".cert.json").replace(".edge", "#edge")
    t0 = time.perf_counter()
    try:
        cert, ob = check_file(path)
    except InvalidCertificate as exc:
        return {"claim_id": cid, "status": "inconclusive", "evidence": str(exc), "solvers": {},
                "counterexample": None}
    secs = time.perf_counter() - t0
    size = certificate_size(cert)
    return {"claim_id": cid, "status": CERTIFIED, "solvers": {}, "counterexample": None,
            "certificate_text": identity_text(cert, ob),
            "certificate": {"file": f"verify/proofs/certificates/{path.name}", **size,
                            "encoding": cert.get("encoding", "variables"),
                            "check_seconds": round(secs, 3)},
            "evidence": (f"exact certificate verify/proofs/certificates/{path.name} re-checked by "
                         f"verify.proofs.certcheck (no solver, no floating point): {size['lemmas']} "
                         f"lemmas, {size['products']} products, {len(cert['systems'])} system(s); "
                         f"z3 and cvc5 not re-run (salign prove {cid.partition('#')[0]} re-decides it)")}


def _run_network(seed: int) -> tuple[dict, Any]:
    """The quick network study (`salign network --quick`), or a note saying why it was not run;
    done/total (cost units), rate and ETA on stderr while it runs."""
    try:
        from verify.network.command import progress_printer
        from verify.network.run import run_network

        progress, close = progress_printer("[audit]   network")
        try:
            result = run_network(True, seed, progress=progress)
        except BaseException:
            close(final=False)
            raise
        close()
    except ImportError as exc:  # the optional extra is not installed
        return {"skipped": f"network extra not installed ({exc.name}); pip install -e '.[network]'"}, None
    return result, result


def simulation_evidence() -> dict:
    """claim id → the simulation property that confronts it with simulated SGD (tests/simulation)."""
    path = Path(__file__).resolve().parents[2] / "tests" / "simulation" / "EVIDENCE.json"
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8")).get("claims", {})


def measured_simulation_evidence(seed: int) -> dict:
    """claim id → the claim's simulation property run now (verify.simulation.evidence, the
    functions tests/simulation/test_sim_evidence.py runs): agrees_with_claim, decisions, min_z,
    false_alarm_bound, test; plus the Hypothesis property of the suite that draws states for it,
    when there is one (tests/simulation/EVIDENCE.json)."""
    from verify.simulation.evidence_claims import PROPERTIES, run_all

    hyp = simulation_evidence()
    n = len(PROPERTIES)

    def progress(i: int, total: int, cid: str) -> None:
        _progress(f"[audit]   {i}/{total} simulation properties run ({cid})", last=i == total)

    out = run_all(seed, progress=progress if n else None)
    for cid, e in out.items():
        e["holds_in_simulation_expected"] = PROPERTIES[cid].holds
        e["corrected_by"] = PROPERTIES[cid].corrected
        if cid in hyp and hyp[cid].get("kind") != "fixed-state":
            e["hypothesis_property"] = hyp[cid]["test"]
    return out


def build_report_data(profile: str, seed: int, full: bool, proofs: bool = True,
                      network: bool = True, prove_timeout: float = 30.0, resolve: bool = False
                      ) -> tuple[dict, dict, list]:

    from derivations.registry import get_derivations
    from verify.claims import CLAIMS
    from verify.claims.search import run_claim
    from verify.report.render import derivations_data
    from verify.simulation.reproduce import PAPER_M

    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    _stage("deriving closed forms")
    ders = get_derivations()
    der_rows = []
    # the paper's notation and each step's own relation (derivations/notation.py, Step.relations)
    for d, dd in zip(ders, derivations_data(ders)):
        der_rows.append({
            "id": d.id, "title": d.title, "steps": len(dd["steps"]),
            "confirmed": sum(st["checked"] for st in dd["steps"]),
            "disagreements": list(d.disagreements), "notation": dd["notation"],
            "closed_forms": [{"name": n, "label": f["label_text"], "sympy": f["sympy"],
                              "latex": f["latex"], "mathml": f["mathml"]}
                             for n, f in dd["closed_forms"].items()],
            "step_relations": [{k: st[k] for k in ("description", "kind", "relation", "checked",
                                                   "text", "latex", "mathml")}
                               | {"where": [f"{w['text']} = {w['definition_text']}"
                                            for w in st["where"]]}
                               for st in dd["steps"]]})
    timings["derive"] = time.perf_counter() - t0
    _stage(f"checking {len(CLAIMS)} claims (profile {profile}, seed {seed})")
    t1 = time.perf_counter()
    from verify.execution.progress import Progress

    results = []
    bar = Progress(len(CLAIMS), "check", "claims")
    for i, c in enumerate(CLAIMS, 1):
        results.append(run_claim(c.id, profile, seed))
        _progress(f"[audit]   {bar.line(i)} ({c.id}: {results[-1].status})", last=i == len(CLAIMS))
    timings["check"] = time.perf_counter() - t1
    _stage("reproducing §7 (" + ("all gaps" if full else "gaps 5, 50, 500") + ")")
    t2 = time.perf_counter()
    # one run per gap m, as `salign reproduce` does: each gap's noise stream depends on m alone, so
    # the table equals `salign reproduce [--quick]` seed for seed (a single run over all gaps drew
    # every gap's noise from one stream, and m = 5 read 0.554427 here against 0.554896 there)
    from verify.execution.reproduce_tasks import reproduce

    sweep = reproduce(PAPER_M if full else (5, 50, 500))
    timings["reproduce"] = time.perf_counter() - t2
    from verify.simulation.evidence_claims import PROPERTIES

    _stage(f"simulation evidence: {len(PROPERTIES)} claim properties against simulated SGD")
    t5 = time.perf_counter()
    sim_evidence = measured_simulation_evidence(seed)
    timings["simulate"] = time.perf_counter() - t5
    if proofs:
        _stage("deciding the encoded claims for every d (shipped certificates re-checked; z3 and "
               "cvc5 for the rest" + (", and for all: --resolve" if resolve else "") + ")")
        t3 = time.perf_counter()
        proof_rows = _run_proofs(prove_timeout, resolve)
        timings["prove"] = time.perf_counter() - t3
    else:
        proof_rows = None
    net_result = None
    if network:
        _stage("network study (quick)")
        t4 = time.perf_counter()
        net_data, net_result = _run_network(seed)
        timings["network"] = time.perf_counter() - t4
    else:
        net_data = {"skipped": "not requested (--no-network)"}
    counts = {s: sum(r.status == s for r in results) for s in STATUSES}
    corrected = sorted({r.corrected_by for r in results if r.status == REFUTED and r.corrected_by})
    data = {
        "schema_version": 1,
        "profile": profile, "seed": seed,
        "inputs": {"profile": profile, "seed": seed, "full_reproduction": full, "prove": proofs,
                   "network": network, "prove_timeout_s": prove_timeout},
        "summary": {"claims": len(results), **counts, "corrected_statements": corrected},
        "paper_results": _paper_results([r.to_json_obj() for r in results]),
        "derivations": der_rows,
        "claims": [{**r.to_json_obj(), "reference": c.reference, "statement": c.statement,
                    "hypotheses": c.hypotheses, "kind": c.kind, "checker": c.checker}
                   for r, c in zip(results, CLAIMS)],
        "reproduction": {"rows": sweep.rows, "phase1": sweep.phase1, "steps": sweep.steps,
                         "seeds": 7},
        "proofs": proof_rows if proof_rows is not None else {"skipped": "not requested (--no-prove)"},
        "simulation_evidence": sim_evidence,
        "network": net_data,
        "provenance": {**provenance(), "paper": "Deng et al., ALT 2026, arXiv 2601.11789"},
    }
    return data, {k: round(v, 2) for k, v in timings.items()}, [sweep, net_result]


def _paper_results(claims: list[dict]) -> dict:
    from verify.claims.results import paper_results

    return paper_results(claims)


LEGEND = [
    ("proved (certificate)", "an exact certificate of the claim's obligation, re-checked by the project's "
     "own checker with no solver and no floating point (every d, every state)"),
    ("proved (two solvers)", "the claim's SMT encoding is unsat under z3 and cvc5 (every d, every state)"),
    ("verified symbolically", "a SymPy identity or non-negativity certificate"),
    ("checked numerically", "no counterexample among the stated states of the stated search"),
    ("refuted", "a witness violating the claim strictly, decided exactly or by a certified sign"),
    ("inconclusive", "something could not be decided; the evidence says what"),
]
SIGN_CONVENTION = ("Sign convention, once for every table: a margin is > 0 where the claim holds and "
                   "< 0 where it is violated (0: on the boundary; a violation only for a strict "
                   "inequality). 'smallest margin' is the smallest margin met by the search; for a "
                   "refuted claim it is the witness's margin (negative).")


# captions of the §7 reproduction's figures (verify.simulation.reproduce.build_figures)
FIGURE_CAPTIONS = {
    "fig_loss_alignment.png": "Loss (top) and alignment θ_t (bottom) of SGD in the paper's §7 setting, "
                              "mean over the 7 seeds, one curve per gap m = λ_k/λ_{k+1}.",
    "fig_alignment_vs_m.png": "Steady-state alignment against the gap m: the simulated mean over the "
                              "last 10 000 steps (± std over seeds), Theorem 16's θ_∞ and its small-η "
                              "form, and the exact finite-d E[θ_t] over the same window (the quantity "
                              "the simulation estimates).",
    "fig_phase1.png": "Phase I (App. B.3): the simulated seed mean, the exact expected curve and a "
                      "logistic fit to steps 1–19, on a log scale; the paper describes this decay as "
                      "polynomial.",
}


def _severity_order(c: dict) -> tuple:
    sev = c.get("severity") or {}
    return (sev.get("rank", 9), c["claim_id"])


# files copied beside the report so that its links hold from any --out: name there → repository path
COMPANIONS = {"findings.md": "notes/findings.md", "claims.md": "docs/claims.md"}


def companion_files() -> dict[str, Path]:
    """The companion files present in this checkout (an installed package may have none)."""
    root = Path(__file__).resolve().parents[2]
    return {name: root / rel for name, rel in COMPANIONS.items() if (root / rel).is_file()}


def build_document(data: dict, figs: list[str], companions: list[str] | None = None) -> Document:
    """The audit report as a document (both Markdown and HTML are rendered from it). `companions`:
    the COMPANIONS files written beside the report (default: those this checkout has)."""
    s = data["summary"]
    doc = Document("Audit of Suspicious Alignment of SGD (Deng et al., ALT 2026)")
    commit = data["provenance"]["git_commit"][:12]
    have = set(companion_files()) if companions is None else set(companions)

    def companion(name: str) -> list:
        # a copy written beside the report (valid from any --out), else the repository path
        src = COMPANIONS[name]
        if name in have:
            return [L(name, name), T(f" (a copy of the repository's {src} at commit {commit})")]
        return [C(src), T(" in the repository")]

    doc.p(T("Profile "), C(data["profile"]), T(f", seed {data['seed']}, commit "),
          C(commit), T(". Explanations of every finding in words: "), *companion("findings.md"),
          T("; the claim list: "), *companion("claims.md"), T("."))
    refuted = sorted((c for c in data["claims"] if c["status"] == REFUTED), key=_severity_order)
    doc.h(2, T("Findings first: what a reviewer must know"), anchor="findings")
    pr = data.get("paper_results") or _paper_results(data["claims"])
    _paper_results_block(doc, pr)
    reading = set(pr["readings_refuted"])
    doc.p(T(f"The {len(refuted)} refuted claims behind them ({len(refuted) - len(reading)} statements "
            f"as printed, {len(reading)} reading{'s' if len(reading) != 1 else ''} of a result"
            f"{': ' + ', '.join(sorted(reading)) if reading else ''}), ordered by severity, measured "
            "by the toolkit: fails in the paper's own regime (random states of the §7 setting violate "
            "it), then statement or rate errors, then hypotheses the paper forgot, then the wording of "
            "curve fits."))
    rows = []
    for c in refuted:
        sev = c.get("severity") or {}
        rows.append([[C(c["claim_id"])], [T(c["reference"])], [B(sev.get("class", "—"))],
                     [T(sev.get("why", ""))],
                     [C(c["corrected_by"])] if c["corrected_by"] else [T("—")],
                     [C(sev.get("recheck_state") or c.get("recheck")
                        or f"salign check {c['claim_id']}")],
                     [L("details", f"#claim-{c['claim_id']}")]])
    doc.table([[T("claim")], [T("reference")], [T("severity")], [T("why (measured)")],
               [T("corrected by")], [T("re-check")], [T("evidence")]], rows)
    doc.h(2, T("Legend"))
    doc.ul([[V(w), T(": " + m)] for w, m in LEGEND])
    doc.p(T(SIGN_CONVENTION))
    doc.h(2, T("Summary"))
    doc.p(T(f"{s['claims']} claims: " + ", ".join(f"{s[k]} {k}" for k in STATUSES if k in s) + ". "
            "Statements that replace refuted ones: " + (", ".join(s["corrected_statements"]) or "none")
            + "."))
    doc.h(2, T("All claims (paper order)"))
    proofs = {p["claim_id"]: p for p in data["proofs"]} if isinstance(data.get("proofs"), list) else {}
    sim = data.get("simulation_evidence") or {}
    rows = []
    for c in data["claims"]:
        margin = c["min_margin"] if c.get("checker") == "margin" and c["min_margin"] else "—"
        sev = (c.get("severity") or {}).get("class", "")
        pr = proofs.get(c["claim_id"])
        rows.append([[C(c["claim_id"])], [T(c["reference"])], [V(c["status"])],
                     [V(pr["status"])] if pr else [T("—")], [T(sev or "—")],
                     [T(str(c["n_states"]))], [T(str(c["dps"] or "exact"))], [T(margin)],
                     [L(_sim_verdict(sim[c["claim_id"]]) if "agrees_with_claim" in sim[c["claim_id"]]
                        else "simulated", "#sim-" + c["claim_id"])] if c["claim_id"] in sim
                     else [T("—")]])
    doc.table([[T("id")], [T("reference")], [T("search / derivation verdict")],
               [T("for every d (certificate, or z3 + cvc5)")], [T("severity")], [T("states")], [T("digits")],
               [T("smallest margin (< 0: violated)")], [T("simulated SGD")]], rows)
    doc.h(2, T("Refuted claims"))
    for c in refuted:
        doc.h(3, C(c["claim_id"]), T(" — " + c["reference"]), anchor=f"claim-{c['claim_id']}")
        sev = c.get("severity") or {}
        doc.p(B("Severity: "), T(f"{sev.get('class', '—')} — {sev.get('why', '')}"))
        _paper_states_block(doc, sev)
        doc.p(B("Statement: "), T(c["statement"]))
        doc.p(B("Evidence: "), T(c["evidence"]))
        if c["counterexample"]:
            doc.p(T("Counterexample ("), C(f"cases/{c['claim_id']}.json"), T("):"))
            doc.code(json.dumps(c["counterexample"], sort_keys=True))
        if c["failing"]:
            doc.p(B("At the witness"), T(" (names as "), C("salign eval"), T(" prints them): "
                  + ", ".join(f"{k} = {v}" for k, v in c["failing"].items())))
        doc.p(B("Re-check: "), C(c.get("recheck") or f"salign check {c['claim_id']}"))
        if c["corrected_by"]:
            doc.p(T("Corrected statement: "), C(c["corrected_by"]), T("."))
    _proof_section(doc, data.get("proofs"))
    _simulation_section(doc, sim)
    doc.h(2, T("Closed forms (SymPy; every derivation step checked at run time)"))
    for d in data["derivations"]:
        doc.p(C(d["id"]), T(f" {d['title']}: {d['confirmed']}/{d['steps']} steps confirmed"))
        for n in d.get("notation", []):
            doc.p(T(f"notation not named in the paper: {n['text']}: {n['meaning']}"))
        for f in d["closed_forms"]:
            doc.formula([C(d["id"]), T(" " + f.get("label", f["name"]) + " =")], f["latex"], f["mathml"])
        for i, st in enumerate(d.get("step_relations", []), 1):
            where = ("; where " + ", ".join(st["where"])) if st["where"] else ""
            mark = "checked" if st["checked"] else "NOT confirmed"
            doc.formula([C(d["id"]), T(f" step {i} ({st['kind']}, {mark}): {st['description']}{where}")],
                        st["latex"], st["mathml"])
        if d["disagreements"]:
            doc.ul([[T("disagreement with the paper: " + x)] for x in d["disagreements"]])
    doc.h(2, T("Evidence per claim"))
    doc.ul([[C(c["claim_id"]), T(" ("), V(c["status"]), T("): " + c["evidence"])]
            for c in data["claims"]])
    rep = data["reproduction"]
    doc.h(2, T("Reproduction of §7 (steady state over the last 10 000 of 30 000 steps)"))
    doc.table([[T(h)] for h in ("m", "E[Alignment]", "std", "95% CI (7 seeds)",
                                "exact finite-d E[θ_t]", "θ_∞ (Thm 16)", "small-η")],
              [[[T(str(r["m"]))], [T(r["steady_mean"])], [T(r["steady_std"])],
                [T(f"[{r['ci95'][0]}, {r['ci95'][1]}]")], [T(r["finite_d_expected"])],
                [T(r["theta_inf"])], [T(r["theta_inf_small_eta"])]] for r in rep["rows"]])
    doc.p(T("The same runs as "), C("salign reproduce" + ("" if len(rep["rows"]) > 3 else " --quick")),
          T(" (one run per gap m, the paper's 7 seeds; each gap's noise stream depends on m alone), "
            "so its numbers are these, seed for seed."))
    doc.p(T("θ_∞ is the ratio of expected energies (the d → ∞ limit); the exact finite-d E[θ_t] "
            "(Laplace-transform integral, Gaussian initialisation, averaged over the same window) is "
            "the quantity the simulation estimates at d = 500."))
    doc.p(T("Phase I (App. B.3): R² of the paper's fits (cubic ridge, single exponential) and of the "
            "logit log(1/θ − 1) linear in t, on the simulated seed mean and the exact curve:"))
    keys = ("sim_r2_cubic_ridge", "sim_r2_exponential", "sim_r2_logit_vs_t", "exact_r2_cubic_ridge",
            "exact_r2_exponential", "exact_r2_logit_vs_t")
    doc.table([[T(h)] for h in ("m", "sim cubic", "sim exp", "sim logit", "exact cubic", "exact exp",
                                "exact logit")],
              [[[T(str(r["m"]))]] + [[T(str(r[k]))] for k in keys] for r in rep["phase1"]])
    for f in figs:
        if not f.startswith("network-"):
            doc.figure(f, FIGURE_CAPTIONS.get(f, ""))
    _network_section(doc, data.get("network") or {}, [f for f in figs if f.startswith("network-")])
    doc.h(2, T("Provenance"))
    doc.ul([[T(f"{k} {v}")] for k, v in data["provenance"]["versions"].items()])
    return doc


def _paper_results_block(doc: Document, pr: dict) -> None:
    """The first table: the paper's numbered results counted by verdict as printed; the readings and
    the toolkit's corrected statements below it, separately."""
    from verify.claims.results import FALSE, HOLDS, OPEN, OUT, lead_sentence

    doc.p(B("The count"), T(": " + lead_sentence(pr)))
    rows = []
    for verdict in (FALSE, HOLDS, OPEN, OUT):
        these = [x for x in pr["results"] if x["verdict"] == verdict]
        if not these:
            continue
        which = []
        for x in these:
            if verdict == FALSE:
                which.append(f"{x['result']} ({x['where']}; {', '.join(x['refuted'])}: {x['severity']})")
            elif verdict == OUT:
                which.append(f"{x['result']} ({x['reason']})")
            else:
                which.append(f"{x['result']} ({x['where']})")
        rows.append([[T(verdict)], [T(str(len(these)))],
                     [T("; ".join(which))]])
    doc.table([[T(f"the paper's {pr['total']} numbered results")], [T("how many")], [T("which")]],
              rows)
    readings = {i: s for x in pr["results"] for i, s in x["readings"].items()}
    doc.p(B("Readings"), T(" (a split of a result, a natural extension, the bounds of its proof; not "
                            "counted above): " + (", ".join(f"{i} {s}" for i, s in readings.items())
                                                 or "none") + "."))
    doc.p(B("Corrected statements"), T(" (the toolkit's own, not the paper's): "
                                       + (", ".join(f"{i} {s}" for i, s in pr["corrected"].items())
                                          or "none") + "."))


def _paper_states_block(doc: Document, sev: dict) -> None:
    """A refuted claim's §7 states by time (t = 0, 100, 1000, 10000, stationary) and the command
    that exports them and re-decides the claim at the largest violation."""
    by_time = sev.get("by_time")
    if not by_time or not sev.get("paper_violations"):
        return
    doc.table([[T("§7 states")]] + [[T("t = " + t)] for t in by_time],
              [[[T("violate / inside hypotheses")]]
               + [[T(f"{v['violations']} / {v['states']}")] for v in by_time.values()]])
    if sev.get("recheck_state"):
        doc.p(B("Re-check on a §7 state"), T(": "), C(sev["recheck_state"]))


def _proof_section(doc: Document, proofs) -> None:
    doc.h(2, T("For every dimension: proofs and refutations (salign certify, salign prove)"),
          anchor="proofs")
    if not isinstance(proofs, list):
        doc.p(T("Not run: " + (proofs or {}).get("skipped", "unknown") + "."))
        return
    doc.p(T("Each encodable claim is reduced to block moments (docs/proofs.md). 'proved (certificate)': "
            "an exact Positivstellensatz certificate of the obligation's infeasibility, shipped in "
            "verify/proofs/certificates and re-checked here by verify.proofs.certcheck, with no solver "
            "and no floating point ("), C("salign certify --check"),
          T("); each edge of a printed statement likewise. 'refuted': an explicit counterexample, "
            "found by z3 or cvc5 and shipped in verify/proofs/certificates/ID.witness.json, re-checked "
            "here by the claim's exact evaluator (certified sign) against the claim's current "
            "obligation. A claim without valid shipped evidence, or every claim with "), C("--resolve"),
          T(", is decided by z3 and cvc5: 'proved (two solvers)' needs unsat from both; a sat model "
            "counts only once realised as an explicit case and re-checked by the exact evaluator. The "
            "obligations are re-runnable with any SMT solver: "), C("salign prove ID --smt-dir DIR"),
          T("."))
    rows = []
    for p in proofs:
        sv = p.get("solvers") or {}
        times = ", ".join(f"{n} {v.get('answer')} {v.get('seconds', 0):.2f} s" for n, v in sorted(sv.items()))
        parts = "".join(f" Part '{part}': {how}." for part, how in p.get("parts") or [])
        rows.append([[C(p["claim_id"])], [V(p["status"])], [T(times or "—")],
                     [T((p.get("evidence") or "") + parts)]])
    doc.table([[T("claim")], [T("status")], [T("solvers")], [T("evidence")]], rows)
    certified = [p for p in proofs if p.get("certificate_text")]
    if certified:
        doc.h(3, T("The certificates, as identities"), anchor="certificates")
        doc.p(T("Each line is a polynomial identity that holds exactly; every bracket is a condition "
                "of the obligation (≥ 0 or > 0; a ≠ 0 condition enters squared), q_k are the "
                "polynomial multipliers of its equations, and the coefficients are ≥ 0 with the "
                "strict products' coefficients summing to 1 — so at a state violating the claim the "
                "left side would be > 0 (docs/proofs.md §7)."))
        for p in certified:
            doc.h(4, C(p["claim_id"]))
            doc.ul([[T(line)] for line in p["certificate_text"]])


def _simulation_section(doc: Document, sim: dict) -> None:
    doc.h(2, T("Simulation evidence: the lemmas against simulated SGD"), anchor="simulation")
    if not sim:
        doc.p(T("No simulation evidence map found (tests/simulation/EVIDENCE.json)."))
        return
    doc.p(T("Each claim below is confronted with simulated SGD / Dom-SGD / Bulk-SGD by a Hypothesis "
            "property of the simulation suite (run by CI: "), C("pytest -m simulation"),
          T("), with a negative control that feeds the same decision a wrong prediction."))
    measured = {cid: e for cid, e in sim.items() if "agrees_with_claim" in e}
    if measured:
        _measured_simulation_table(doc, measured)
        return
    for cid, e in sorted(sim.items()):
        doc.h(3, C(cid), anchor=f"sim-{cid}")
        doc.p(T(e.get("what", "")))
        doc.p(T("Property: "), C(e.get("test", "")), T("; negative control: "), C(e.get("control", "")))


def _sim_verdict(e: dict) -> str:
    """One cell: what simulated SGD says about the claim as stated."""
    if e.get("agrees_with_claim") is None:
        return "not decided: " + str(e.get("error", ""))
    if e["agrees_with_claim"]:
        return "agrees"
    return "contradicts (≥ 6 SE)" if e.get("contradicted_at_6se") else "disagrees"


def _measured_simulation_table(doc: Document, sim: dict) -> None:
    """The simulation stage's measured results (verify.simulation.evidence.run_all)."""
    n_dec = sum(e.get("decisions") or 0 for e in sim.values())
    doc.p(T(f"Measured in this run ({len(sim)} claims, {n_dec} decisions at ≥ 6 standard errors; "
            "per-run false-alarm probability ≤ "
            f"{sum(e.get('false_alarm_bound') or 0 for e in sim.values()):.1e}, union bound over "
            "decisions of the normal approximation 3e-9 each). Each claim's property draws through "
            "the package's engines (grouped, numpy, fused) at fixed states; a refuted claim's "
            "property runs at its witness (or a violating state) and simulated SGD contradicts "
            "what the printed statement implies; its corrected statement is run as its own row. "
            "The property functions are "), C("verify.simulation.evidence"),
          T(" (tests: "), C("tests/simulation/test_sim_evidence.py"), T(")."))
    rows = []
    for cid, e in sorted(sim.items()):
        z = e.get("min_z")
        rows.append([[L(cid, f"#sim-{cid}")], [T(_sim_verdict(e))], [T(str(e.get("decisions")))],
                     [T("—" if z is None else f"{z:.1f}")],
                     [T(f"{e.get('false_alarm_bound', 0):.1e}")],
                     [C(e.get("corrected_by"))] if e.get("corrected_by") else [T("—")]])
    doc.table([[T("claim")], [T("simulated SGD vs the claim")], [T("decisions")],
               [T("smallest |z| (direction)")], [T("false-alarm bound")], [T("corrected by")]], rows)
    for cid, e in sorted(sim.items()):
        doc.h(3, C(cid), anchor=f"sim-{cid}")
        doc.p(T(f"{_sim_verdict(e)}: " + e.get("note", "")))
        doc.p(T("Property: "), C(e.get("test", "")),
              *([T("; Hypothesis property over drawn states: "), C(e["hypothesis_property"])]
                if e.get("hypothesis_property") else []))


def _bold_spans(text: str) -> list:
    """Spans of a sentence whose **…** parts are bold (the network section's statements)."""
    parts = text.split("**")
    return [B(x) if i % 2 else T(x) for i, x in enumerate(parts) if x]


def _network_section(doc: Document, net: dict, figs: list[str]) -> None:
    doc.h(2, T("Theory vs network"), anchor="network")
    if "skipped" in net:
        doc.p(T("Not run: " + net["skipped"] + "."))
        return
    from verify.network.report import agreement_scores, failure_statements, inconclusive

    s = net["settings"]
    doc.p(T(f"Network: {s['problem']} ({s['P']} parameters, n = {s['n']} examples of load_digits), SGD "
            f"with η_train = {s['eta_train']}, b = {s['b']}, {s['train_steps']} steps; k = {s['k']}; "
            f"{s['R']} independent minibatches per state; seed {net['seeds']['seed']}; "
            f"{'quick' if s['quick'] else 'full'} settings ("), C("salign network --quick --out DIR"),
          T("; the full study: "), C("salign network --out DIR"), T(")."))
    doc.table([[T("prediction (network)")], [T("agree / checkpoints")]],
              [[[T(f)], [T(f"{a}/{n}")]] for f, a, n in agreement_scores(net["predictions"])])
    from verify.network.power import POWER_HEADER, evidence_power, power_rows

    power = net.get("power") or evidence_power(net)  # competitors and negative controls (power.py)
    line = power["summary"]["line"]
    head, _, rest = line.partition(": ")
    doc.p(B(head + ":"), T(" " + rest))
    doc.table([[T(h)] for h in POWER_HEADER], [[[T(c)] for c in row] for row in power_rows(power)])
    doc.p(T(f"{inconclusive(net['predictions'])} sign predictions at η_train were inconclusive (the 95% "
            "interval of the measured loss change contains 0); they count as not agreeing."))
    ctrl = net["control"]
    doc.p(T("Quadratic control through the same code path (criterion: "
            f"{ctrl.get('criterion', '95% interval')}); rows marked NEGATIVE CONTROL must disagree:"))
    doc.table([[T("prediction (control)")], [T("agree")], [T("replicates agreeing")]],
              [[[T(p["name"])], [T(str(p["agree"]))], [T(str(p.get("agree_count", "—")))]]
               for p in ctrl["predictions"]])
    doc.h(3, T("Where the quadratic theory fails on the network, and why"))
    doc.ul([_bold_spans(x) for x in failure_statements(net)])
    from verify.network.report import captions

    caps = captions(net)
    for f in figs:
        doc.figure(f, caps.get(f.removeprefix("network-"), ""))


def render_markdown(data: dict, figs: list[str]) -> str:
    return to_markdown(build_document(data, figs))


def render_html(data: dict, figs: dict[str, bytes]) -> str:
    return to_html(build_document(data, list(figs)), figs)


def run_audit(out: Path, profile: str, seed: int, strict: bool, full: bool = False,
              proofs: bool = True, network: bool = True, resolve: bool = False) -> int:
    from verify.simulation.reproduce import figures

    t0 = time.perf_counter()
    data, timings, (sweep, net_result) = build_report_data(profile, seed, full, proofs, network,
                                                                resolve=resolve)
    _stage("writing report")
    staging = Path(tempfile.mkdtemp(prefix=".audit-staging-", dir=out.parent if out.parent.exists()
                                    else None))
    try:
        fig_paths = figures(sweep, staging)
        if net_result is not None:
            from verify.network.report import figures as network_figures

            net_dir = staging / "network-figs"
            net_dir.mkdir()
            for name in network_figures(net_result, net_dir):
                target = staging / f"network-{Path(name).name}"
                (net_dir / Path(name).name).rename(target)
                fig_paths.append(target)
            net_dir.rmdir()
        fig_names = [p.name for p in fig_paths]
        for name, src in companion_files().items():
            write_atomic(staging / name, src.read_text(encoding="utf-8"))
        write_atomic(staging / "report.md", render_markdown(data, fig_names))
        write_atomic(staging / "report.html",
                     render_html(data, {p.name: p.read_bytes() for p in fig_paths}))
        from derivations.registry import get_derivations
        from verify.report.latex import BIBTEX, report_document
        from verify.report.render import derivations_data

        # the referee report in LaTeX (findings, verdicts, witnesses, derivations) and the paper's
        # BibTeX entry beside it
        write_atomic(staging / "report.tex",
                     report_document(data, derivations_data(get_derivations())))
        write_atomic(staging / "paper.bib", BIBTEX)
        write_atomic(staging / "report.json",
                     json.dumps(data, sort_keys=True, indent=1, ensure_ascii=False) + "\n")
        timings["total"] = round(time.perf_counter() - t0, 2)
        write_atomic(staging / "timings.json", json.dumps(timings, sort_keys=True) + "\n")
        for c in data["claims"]:
            if c["counterexample"]:
                write_atomic(staging / "cases" / f"{c['claim_id']}.json",
                             json.dumps(c["counterexample"], sort_keys=True, indent=1) + "\n")
        # swap in by renames: the earlier report survives an interrupt at any point (as
        # `out` or, for the instant between the two renames, as the backup)
        backup = out.with_name(f".{out.name}.previous-{os.getpid()}") if out.exists() else None
        if backup is not None:
            out.rename(backup)
        try:
            staging.rename(out)
        except BaseException:
            if backup is not None:
                backup.rename(out)
            raise
        if backup is not None:
            shutil.rmtree(backup, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _stage(f"report written to {out}/report.md ({timings['total']} s)")
    n_ref = data["summary"][REFUTED]
    return 1 if strict and n_ref else 0
