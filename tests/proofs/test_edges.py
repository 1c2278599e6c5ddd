"""The edges of the printed statements (`Claim.edges`): boundary cases that a claim's main
obligation leaves out — θ = 0 (thm3), θ = 1 (thm4-corrected), η = η^loss_S and each block's
equivalence under its own guards only (thm10), η^loss_D = η^loss_B (thm11), the root, its
uniqueness and its explicit formula (lem24), the strict "g_gap ∈ (0,1)" (thm3-bounds) — each
decided as its own obligation by z3 and cvc5 (verify.proofs.registry.build_edge,
verify.proofs.driver.decide_edges).

* every edge obligation is unsat under both solvers (all together take a few seconds);
* its hypotheses are satisfiable (an edge proved only because its hypotheses contradict each other
  would prove nothing);
* negative controls: an edge with its inequality flipped is never proved, and comes back refuted
  with a witness re-checked at the state's exact aggregates;
* the main obligations are byte-for-byte those of before (SHA-256 of their exact polynomial atoms,
  which the shipped certificates hash).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import sympy as sp
import z3

import verify.proofs.encode as E
from verify.claims import CLAIMS, CLAIMS_BY_ID
from verify.core.cases import parse_case
from verify.proofs.driver import (
    PROVED,
    REFUTED,
    _script,
    decide,
    decide_edges,
    edge_margin,
    prove,
    smt_text,
)
from verify.proofs.obligation_atoms import atomize
from verify.proofs.registry import ENCODINGS, build, build_edge

TIMEOUT = 20.0
EDGES = [(c.id, i) for c in CLAIMS for i in range(len(c.edges))]

MAIN_SHA256 = {  # claim id → (variables form, polynomial form); before `edges` existed
    "lem22-bound": ("efba0d2f371e83cd3555a20334e33a231bd11c9b7400a8086785370a8f12d17f",
                     "efba0d2f371e83cd3555a20334e33a231bd11c9b7400a8086785370a8f12d17f"),
    "thm2": ("ca35cd6259f1abe9362f68bd4edb916ef5970fcf89bc87ac0110a27a4d16f25a",
              "512b4e969a929453779738822ab18631177da6756d9d73a76775aef82637806e"),
    "thm3": ("cedf93e1e9ea47865bc80f40c25a89c1e3d97965212c20d3ab9a4479ae17ca24",
              "1a8f4f8ca18b6a289c20a5e2798ab568b213fd5a5c91248728ceb92d95a0440c"),
    "thm3-bounds": ("be84eee5c29252c638ab86284dbe096faa0baed72c0488b207fe696df397817f",
                     "bbdba9b59971df4d0f8f2912aab900e8d0140852ba1aac7e5412a0377f3f3db0"),
    "thm4-corrected": ("6d00260526a37a4a8a028d77566e5566ae2681f793fe095761c8cd7dfdde7767",
                        "6d00260526a37a4a8a028d77566e5566ae2681f793fe095761c8cd7dfdde7767"),
    "thm5-corrected": ("d05b52734d4f9eed116aa7bc7324db676986297ed307ee2e27c289847fb77960",
                        "e526e0f01a8071495e8c1e35006a051d768b3ad7cfa26fb6bc9fe764e5710879"),
    "thm5-lower": ("5a0f63adb6d05826e56b2c68c9ebee4e99f157da40b28e167157e02d51b3d49e",
                    "810000693f921d39e5fafca4b64d93e57d489b81c151f1399d612c88b6aff20b"),
    "thm6": ("34b698637b9f7c183669586c3d307071937af15ebca387e978aa8e41b2e26161",
              "adaae74372abb463c0ba61fda64907c0e427e76709cf4a62cbdbf9f43a2e6537"),
    "thm7": ("06be257be2853938869d8ae17ee55c14a015ab0b4a6f82b2daaa11835bb6e0ee",
              "d945f5d623a9144b0484ef01a2ac20726bafc6062338323349090ca55da2f3ca"),
    "thm7-remark": ("3b88966b4e471f86706329e3bee1daefcc9043f7bab28f0d0f280ab9261f1396",
                     "a05093cfe95cd6632c5a1b0111308e11246fd8f202f346f7aeb621a5ea71690f"),
    "thm7-corrected": ("365ea8a6477ff170c0b879877e0c06ef86dff9b8feb177122f6c92d99de9ada7",
                        "365ea8a6477ff170c0b879877e0c06ef86dff9b8feb177122f6c92d99de9ada7"),
    "thm8-main": ("426e30a933e0d8354f32874e918ba59eaa8b957f33c99366a1216676a35e32c9",
                   "85b496fa66ca45c03f25aacbaf932cc08c536b835c4640119462d30b0f5f783c"),
    "thm8-app": ("54b1ded12d1d4a4aa411f51191f26508c7ea008f227d377efd801327737128e4",
                  "72486e030ca64dc7bcb8cea36741e7c0a52ff3fe55319f63919ad9ed4b847638"),
    "thm8-corrected": ("bac4e5a20249bcd6ef834ff81cdd450c4d32981cdd7291b809acd349f4dc7f9b",
                        "c3591c5507ddaae250717ad4eb45c87daaf9005281280a59593de450d0269f0e"),
    "cor9": ("21956899b0ff5844a03a58758e8306b9d2c402005b599d88dcb1ea7653982ef2",
              "667c797380c1b12353c3346f88701565da198ee60a1f286a8922053dae697389"),
    "thm10": ("24fb1d2e516429e818fe413ed453f23854cbbab0982140c61fbb4ed07bc5afe3",
               "6a3c35697d919dbf5a8618a017634a888fab08c02e7271e944a441360d6d84be"),
    "intro-box": ("69bf08b716ede3fa0dd832b1d57f3b1053bd4a7bb8226b00ee34b96f5e3b170c",
                   "47706e0223730d0ab92f453ff436e5549f8f79f6b89df26d846d40a41c53189f"),
    # lem23 states Assumption 1's Tr Σ > 0 (n_D + n_B > 0) since session 6: its solver witness had
    # κ² ≡ 0, outside the claim's own hypotheses
    "lem23": ("79cc3dae290c80bb66b6dc5bf0d86e6d58a0e24fc992fb6febff960ab918ecec",
               "8840db1092ff9e01f40abb87b36d6242a4fb34a9ef7783bbb9432991f47d63e9"),
    "lem23-corrected": ("0a14f8ef596ecb7635f09e9ff2e469cc70a3df43b5c322aa4a0fe7897d5fb270",
                         "5f937a3b9bef10e5fbd20dbef9498574d1e70060a7ff1c192f06f5e3c97b6c98"),
    "lem24": ("7373ec4d450b42629d3682a805cdd8d978b11336975bfee38ec2d10b485ccb73",
               "2969cfb5e0049168eb228270246891e4ae549cf2b4f82b0b34acc981aac627f7"),
    "thm11": ("616579ecdc11905fed7b55f4bfd19473c460cff267fd3765ea0e0c984ac2b615",
               "dd672b713faad85ac88a2539a272ca78e17db340ef89bfaa956ce2841ab7ab00"),
    "sec5-interval": ("db56cf706677667056072beff3fe9b4e00b35562e5c487dffa389044f8579871",
                       "4f8d3b3b11cda1c3006f9697167cd2564f4234d4342e5dc8a0a271332354bfb8"),
    "thm13-upper": ("f7d6e301adc77c601b7ac0b83a1ad3cfbbccd7ecaa21a66e656e8f46632911d8",
                     "c6ebbf94dd8db56581d82d9e5e9572e8bda739f7b2a9fe2c34dcbe5a5f9a88fd"),
    "thm13-lower": ("b167d56b9be09209e16fd2a1937b7604b6c8e8bb3159416d3f09c719f3eea668",
                     "7424c42ab3b66df2574f3e1517330003f438effc0314f539ac3c2e7ee585e62a"),
    "thm13-corrected": ("936be0d615475e2bc2856cec8c86e4b42985932fd1a9947494dd4e5ec18be38b",
                         "3487dcbd7cb7272378cd8fa020dcddad9324df3c7961b2c41bcd2c3dce7c7730"),
}
# thm4's negation is not atomic (a quantifier-free 'no root' formula): its SMT-LIB text instead
THM4_SMT_SHA256 = "fc4cff2d72b07797b61e16649ae755eb1105f6e166f65f5199fc645d2326fd54"


def test_the_listed_edges_exist():
    """The edges docs/proofs.md §2 lists (issue 22) are all declared."""
    counts = {c.id: len(c.edges) for c in CLAIMS if c.edges}
    assert counts == {"thm3": 1, "thm3-bounds": 1, "thm4-corrected": 1, "thm10": 4, "lem24": 3,
                      "thm11": 1}


@pytest.mark.parametrize("cid", sorted({cid for cid, _ in EDGES}))
def test_every_edge_is_proved_by_both_solvers(cid, tmp_path):
    for i, e in enumerate(decide_edges(cid, TIMEOUT, tmp_path), 1):
        assert e["status"] == PROVED, (cid, i, e)
        assert all(e["solvers"][s]["answer"] == "unsat" for s in ("z3", "cvc5")), e
        assert (tmp_path / f"{cid}.edge{i}.smt2").read_text().startswith("; salign proof obligation")


@pytest.mark.parametrize("cid,i", EDGES)
def test_edge_hypotheses_are_satisfiable(cid, i):
    """Without ¬claim, conditions ∧ definitions ∧ hypotheses is sat: the edge is not vacuous."""
    o = build_edge(cid, i)
    solver = z3.Solver()
    solver.set("timeout", 20000)
    solver.from_string(_script(["(set-logic QF_NRA)"], o.assertions()[:-1]))
    assert solver.check() == z3.sat, (cid, i)


def test_prove_reports_edges_and_writes_them(tmp_path):
    """`prove` decides the edges after the main obligation: result key "edges", the evidence says
    every edge was proved, and --smt-dir holds ID.edgeN.smt2 next to ID.smt2."""
    (r,) = prove(["thm10"], TIMEOUT, tmp_path)
    assert r["status"] == PROVED
    assert [e["status"] for e in r["edges"]] == [PROVED] * 4
    assert {"label", "status", "solvers"} <= set(r["edges"][0])
    assert r["evidence"] == "both solvers: unsat; every edge proved (4 of 4; by both solvers)"
    assert sorted(p.name for p in tmp_path.glob("thm10*.smt2")) == [
        "thm10.edge1.smt2", "thm10.edge2.smt2", "thm10.edge3.smt2", "thm10.edge4.smt2", "thm10.smt2"]
    assert "claim thm10#edge1 (§5 Theorem 10)" in (tmp_path / "thm10.edge1.smt2").read_text()
    (r,) = prove(["lem22-bound"], TIMEOUT, tmp_path)  # no edges: evidence as before
    assert r["edges"] == [] and r["evidence"] == "both solvers: unsat"


def test_evidence_names_the_edges_not_proved():
    from verify.proofs.driver import CERTIFIED, UNDECIDED, edges_evidence

    es = [{"label": "a", "status": PROVED}, {"label": "b", "status": UNDECIDED},
          {"label": "c", "status": REFUTED}]
    assert edges_evidence(es) == ("1 of 3 edges proved; not proved: edge 2 (b): undecided by solvers; "
                                  "edge 3 (c): refuted")
    assert edges_evidence(es[:1]) == "every edge proved (1 of 1; by both solvers)"
    cert = {"label": "d", "status": CERTIFIED}
    assert edges_evidence([cert]) == "every edge proved (1 of 1; by exact certificate)"
    assert edges_evidence([cert, es[0]]) == ("every edge proved (2 of 2; 1 by exact certificate, "
                                             "1 by both solvers)")


# ------------------------------------------------------------------ negative controls
def _flipped_thm4c_theta1(o: E.Obligation) -> None:
    """thm4-corrected's θ = 1 edge with the conclusion flipped: Θ(η) > θ = 1 (false)."""
    o.hyp("s^D > 0", sp.Gt(E.S["sD"], 0))
    o.hyp("s^B = 0 (θ = 1)", sp.Eq(E.S["sB"], 0))
    E._theta_at_least_theta_star(o)
    E._eta_pos(o)
    o.fails(("Θ(η) − θ", -E._theta_minus_Theta(o), True))


def _flipped_thm3_bounds(o: E.Obligation) -> None:
    """thm3-bounds' edge with an inequality flipped: g_gap > 1 (false)."""
    gg = E._g_gap(o)
    o.fails(("g_gap − 1", gg - 1, True))


def _flipped_thm10(o: E.Obligation) -> None:
    """thm10's η = η^loss_D edge flipped: E ΔL_D < 0 there (false: it is 0)."""
    E._eta_pos(o)
    el, dl = E._loss(o, "D")
    o.hyp("η = η^loss_D", sp.Eq(E.eta, el))
    o.fails(("−E ΔL_D", -dl, True))


@pytest.mark.parametrize("enc,groups", [
    (_flipped_thm4c_theta1, E._C + E._E + E._CUTS + ("lean",)),
    (_flipped_thm3_bounds, E._K),
    (_flipped_thm10, E._B + E._E),
])
def test_flipped_edge_is_not_proved(enc, groups, tmp_path):
    o = E.Obligation("flipped#edge1", groups, True, "a flipped edge")
    enc(o)
    margin = edge_margin(o)
    r = decide(o, TIMEOUT, tmp_path, margin=margin, name="flipped.edge1")
    assert r["status"] != PROVED, r
    assert r["status"] == REFUTED, r  # and its witness is a state that violates the flipped edge
    assert margin(parse_case(r["counterexample"])) < 0


def test_edge_margin_accepts_a_state_on_the_edge():
    """The re-check of an edge witness does not call a state on the edge a violation: thm3 at
    θ = 0 (c_D = 0) with η > η* = 0 has Θ(η) > 0."""
    from fractions import Fraction

    from verify.core.cases import make_case

    case = make_case([4, 3, 2, 1], 2, [0, 0, 1, 1], kappa2=[1, 1, 1, 1], eta=Fraction(1, 10))
    assert edge_margin(build_edge("thm3", 0))(case) == 1


# ------------------------------------------------------------------ main obligations unchanged
@pytest.mark.parametrize("cid", sorted(MAIN_SHA256))
def test_main_obligation_unchanged(cid):
    assert (atomize(build(cid)).sha256(), atomize(build(cid, polynomial=True)).sha256()) \
        == MAIN_SHA256[cid]


def test_main_obligations_all_covered():
    assert set(MAIN_SHA256) | {"thm4"} == set(ENCODINGS)
    assert hashlib.sha256(smt_text(build("thm4")).encode()).hexdigest() == THM4_SMT_SHA256


def test_edges_are_listed_in_the_docs():
    doc = (Path(__file__).resolve().parents[2] / "docs" / "proofs.md").read_text()
    for c in CLAIMS:
        for label, _, _ in c.edges:
            assert label.replace("|", "\\|") in doc, (c.id, label)  # a table cell escapes |
    assert CLAIMS_BY_ID["thm10"].edges
