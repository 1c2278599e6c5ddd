"""The claim → simulation-evidence registry (verify/simulation/evidence.py, evidence_claims.py):
every registered property run through the same function the audit calls, its negative control
on independent draws, the refutations seen in simulated SGD, and planted bugs in the engines and
formulas that the properties must catch. Also: tests/simulation/EVIDENCE.json names real claims
and real test functions.

Decisions: the fixed-z rule of verify.simulation.evidence (≥ 6 SE; ≈ 3e-9 per decision, normal
approximation); the registry makes ≈ 230 decisions per run of the claim properties (false-alarm
probability ≤ 7e-7 by the union bound, counted in the suite's summary) and as many for the
controls.
"""

import ast
import json
from fractions import Fraction
from pathlib import Path

import pytest

from tests.simulation import harness as H
from tests.simulation.plants import PLANTS
from verify.claims import CLAIMS_BY_ID
from verify.simulation import evidence as EV
from verify.simulation.evidence_claims import PROPERTIES, run_all, run_claim

pytestmark = pytest.mark.simulation
ROOT = Path(__file__).resolve().parents[2]
EVIDENCE = json.loads((Path(__file__).with_name("EVIDENCE.json")).read_text(encoding="utf-8"))
REQUIRED = {"thm2", "thm3", "thm4-corrected", "thm6", "thm10", "lem24", "thm11", "sec5-interval",
            "thm13-corrected", "thm15", "thm16", "sec7-two-phase"}
# refuted claims whose printed statement has a dynamic reading that simulated SGD contradicts
REFUTED_IN_SGD = {"thm8-main", "thm8-app", "cor9", "intro-box", "thm13-lower", "thm4",
                  "thm15-abs", "conclusion", "lem23"}


def _functions(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}


def test_evidence_map_is_complete_and_resolves():
    claims = EVIDENCE["claims"]
    assert REQUIRED <= set(claims)
    nodes = [v for e in claims.values() for v in (e["test"], e["control"])]
    nodes += list(EVIDENCE["machinery"])
    for cid in claims:
        assert cid in CLAIMS_BY_ID, cid
    for node in nodes:
        path, name = node.split("::")
        assert name.split("[")[0] in _functions(ROOT / path), node


def test_registry_names_real_claims_and_covers_the_required_set():
    assert set(PROPERTIES) <= set(CLAIMS_BY_ID)
    assert REQUIRED | REFUTED_IN_SGD <= set(PROPERTIES)
    assert len(PROPERTIES) >= 32, len(PROPERTIES)
    for cid, p in PROPERTIES.items():
        assert p.holds == (cid not in REFUTED_IN_SGD), cid
        if p.corrected:
            assert CLAIMS_BY_ID[cid].corrected_by == p.corrected, cid


@pytest.mark.parametrize("claim", sorted(PROPERTIES))
def test_claim_property(claim):
    """The claim's property through `run_claim` (the audit's function): a sound claim's
    predictions are all confirmed (≥ 6 SE, consistent with the exact values); a refuted claim's
    printed statement is contradicted by simulated SGD at ≥ 6 SE."""
    p, ev = PROPERTIES[claim], run_claim(claim, seed=0)
    H.DECISIONS["registry (fixed states)"] += ev.n_decisions
    H.SIMULATED["registry (fixed states)"] += 1
    msg = "\n".join(map(str, ev.decisions))
    assert ev.n_decisions >= 1
    if p.holds:
        assert ev.agrees_with_claim, msg
    else:
        assert ev.contradicted and not ev.agrees_with_claim, msg


@pytest.mark.parametrize("claim", sorted(PROPERTIES))
def test_claim_control(claim):
    """The negative control: the same property with a wrong prediction (threshold shifted by a few
    percent, the printed form, swapped directions) on independent draws must be rejected; for a
    refuted claim the control feeds the true value and must be accepted (the property can
    pass)."""
    p, ev = PROPERTIES[claim], run_claim(claim, seed=0, control=True)
    msg = "\n".join(map(str, ev.decisions))
    if p.holds:
        assert not ev.agrees_with_claim, msg
    else:
        assert ev.agrees_with_claim, msg


def test_corrected_statements_hold_where_the_printed_ones_fail():
    """Each refuted claim with a corrected statement: the corrected statement's property agrees with
    simulation (thm8-corrected, thm13-corrected at the printed claims' own states; thm10 at the
    intro-box witness; the others at states meeting the added hypothesis)."""
    for cid in sorted(REFUTED_IN_SGD):
        corr = PROPERTIES[cid].corrected
        if corr is not None and corr in PROPERTIES:
            assert run_claim(corr).agrees_with_claim, (cid, corr)


def test_run_all_shape_and_json():
    out = run_all(claims=["thm2", "thm8-main", "lem21"])
    json.dumps(out, allow_nan=False)
    assert out["thm2"]["agrees_with_claim"] is True
    assert out["thm8-main"]["agrees_with_claim"] is False
    for v in out.values():
        assert {"agrees_with_claim", "decisions", "min_z", "false_alarm_bound", "test"} <= set(v)
        assert v["false_alarm_bound"] == pytest.approx(v["decisions"] * EV.FALSE_ALARM_PER_DECISION)


def test_float_quadrature_matches_30_digit_reference():
    """The float64 integral used for states with many levels equals the 30-digit quadrature."""
    from verify.simulation.evidence import expected_ratio_float as flt
    from verify.simulation.evidence import grouped_expected_ratio, one_step_levels

    lam = [Fraction(4), Fraction(3), Fraction(1), Fraction(1, 2)]
    lv = one_step_levels(lam, 2, [Fraction(1, 4)] * 4, [1, 1, 1, 1], Fraction(1, 2), 16)
    tot = sum((m * w * (mu2 + v) for w, mu2, v, m, _ in lv), Fraction(0))
    assert abs(flt(lv, float(tot)) - float(grouped_expected_ratio(lv))) < 1e-11


# ------------------------------------------------------------------ planted bugs
def _fails(claims) -> list[str]:
    bad = []
    for cid in claims:
        p = PROPERTIES[cid]
        try:
            ev = run_claim(cid, seed=0)
        except Exception:  # a planted bug may break a property's own assertions: a failure too
            bad.append(cid)
            continue
        if not (ev.agrees_with_claim if p.holds else ev.contradicted):
            bad.append(cid)
    return bad


# Each plant (tests/simulation/plants.py, one definition) makes the registry properties named here
# fail; benchmarks/bench_planted.py runs the whole `pytest -m simulation` under each plant.
CAUGHT_BY = {
    "numpy-dom-bulk": ["thm10", "sec5-interval"],
    "numpy-step-1pc": ["lem21"],
    "grouped-step-1pc": ["thm15", "thm16", "thm2"],
    "fused-step-1pc": ["sec7-two-phase"],
    "numpy-noise-3pc": ["lem21", "thm10-exact"],
    "grouped-noise-3pc": ["thm15", "lem20"],
    "eta-loss-den": ["thm10", "thm11", "lem24"],
    "theta-crit-root": ["thm11", "lem24", "thm12"],
    "theta-star-h": ["thm4-corrected"],
    "p-eD-sign": ["thm2"],
    "eta-loss-3pc": ["sec5-interval"],
    "theta-crit-3pc": ["thm11", "lem24"],
    "eta-star-3pc": ["thm3"],
}


def test_every_plant_is_tested():
    assert set(CAUGHT_BY) | {"fused-dom-bulk"} == set(PLANTS)


@pytest.mark.parametrize("plant", sorted(CAUGHT_BY))
def test_planted_error_is_caught(monkeypatch, plant):
    """With the plant in effect, every property named in CAUGHT_BY fails (or raises)."""
    PLANTS[plant](monkeypatch)
    claims = CAUGHT_BY[plant]
    assert _fails(claims) == claims


def test_planted_dom_bulk_swap_in_fused_engine_is_caught(monkeypatch):
    """Dom-SGD and Bulk-SGD swapped in the fused engine (the default of `salign simulate`): the
    fused part of thm10-exact's one-step loss changes rejects it, and only that part (the numpy
    engine is intact, so the failure comes from the fused runs alone)."""
    PLANTS["fused-dom-bulk"](monkeypatch)
    ev = run_claim("thm10-exact", seed=0)
    bad = [d.what for d in ev.decisions if not d.ok]
    assert bad and all("fused engine" in w for w in bad), bad


# ------------------------------------------------------------------ the audit's simulation stage
def test_audit_simulation_stage_measures_and_renders(monkeypatch, capsys):
    """`verify.report.audit.measured_simulation_evidence` (the audit's stage, with progress) writes
    {agrees_with_claim, decisions, min_z, false_alarm_bound, test} per claim; a refuted claim reads
    agrees_with_claim false and its corrected statement true at the same state; the Markdown
    report shows the measured verdict in the claim table's column and the simulation section."""
    from verify.report import audit
    from verify.report.document import Document, to_markdown
    from verify.simulation import evidence_claims as EC

    subset = {c: PROPERTIES[c] for c in ("thm8-main", "thm8-corrected", "lem21")}
    monkeypatch.setattr(EC, "PROPERTIES", subset)
    sim = audit.measured_simulation_evidence(seed=3)
    assert "3/3 simulation properties run" in capsys.readouterr().err
    json.dumps(sim, allow_nan=False)
    assert sim["thm8-main"]["agrees_with_claim"] is False
    assert sim["thm8-main"]["contradicted_at_6se"] is True
    assert sim["thm8-main"]["corrected_by"] == "thm8-corrected"
    assert sim["thm8-corrected"]["agrees_with_claim"] is True
    assert sim["lem21"]["agrees_with_claim"] is True
    for e in sim.values():
        assert e["decisions"] >= 2 and e["min_z"] >= 6 and e["test"].startswith("tests/simulation/")
    doc = Document("t")
    audit._simulation_section(doc, sim)
    md = to_markdown(doc)
    assert "contradicts (≥ 6 SE)" in md and "sim-thm8-main" in md and "agrees" in md
