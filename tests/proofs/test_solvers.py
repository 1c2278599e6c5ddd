"""The solver path: proofs need two unsat answers; refutations need a re-checked witness; mutated
(false) claims come back refuted with a witness and never proved.

CI runs a small subset (a few seconds per obligation); the full table is behind `-m slow`
(and in benchmarks/bench_prove.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction as F

import pytest
import sympy as sp

from verify.claims import CLAIMS_BY_ID, MARGINS
from verify.core.cases import parse_case
from verify.core.signs import certified_sign
from verify.core.theory import blocks, lemma22_pq
from verify.proofs.driver import PROVED, REFUTED, decide, prove
from verify.proofs.encode import P, Q, S
from verify.proofs.registry import ENCODINGS, NOT_ENCODED, build

TIMEOUT = 8.0


def _violates(margin, cx, strict):
    sign, _, _ = certified_sign(lambda: margin(parse_case(cx)))
    return sign is not None and (sign < 0 or (strict and sign == 0))


def test_every_claim_is_encoded_or_explained():
    assert set(ENCODINGS) | set(NOT_ENCODED) == set(CLAIMS_BY_ID)
    assert not set(ENCODINGS) & set(NOT_ENCODED)


@pytest.mark.parametrize("cid", ["lem22-bound", "thm8-corrected"])
def test_ci_proved(cid, tmp_path):
    (r,) = prove([cid], TIMEOUT, tmp_path)
    assert r["status"] == PROVED, r
    assert all(r["solvers"][s]["answer"] == "unsat" for s in ("z3", "cvc5"))
    assert (tmp_path / f"{cid}.smt2").read_text().startswith("; salign proof obligation")


@pytest.mark.parametrize("cid", ["cor9", "lem23"])
def test_ci_refuted_with_rechecked_witness(cid, tmp_path):
    (r,) = prove([cid], TIMEOUT, tmp_path)
    assert r["status"] == REFUTED, r
    assert _violates(MARGINS[cid], r["counterexample"], CLAIMS_BY_ID[cid].strict)
    # the realised moment model is replaced by a d = 4 witness from the explicit-state search
    assert parse_case(r["counterexample"]).d == 4, r["evidence"]


def _thm8c_unguarded(case):
    """thm8-corrected without its hypothesis s^B e_D ≥ s^D e_B."""
    b = blocks(case)
    p, q = lemma22_pq(b)
    if b.sD == 0 or b.sB == 0 or p == 0:
        return None
    lam, k = case.eigenvalues, case.k
    return F(2) / (lam[k - 1] + lam[-1]) + q / p


def _mutants():
    """(name, obligation, margin): each a false statement."""
    out = []
    o = build("lem22-bound")  # flipped inequality: q ≥ 2 s^B s^D (λ_{k+1} − λ_k)
    label, rel = o.negation[0]
    o.negation[0] = (label, sp.Lt(-rel.lhs, 0))
    out.append(("lem22-bound-flipped", o, lambda c: -MARGINS["lem22-bound"](c)))
    o = build("thm8-corrected")  # perturbed constant: η* ≤ 1.9/(λ_k + λ_d)
    o.negation = []
    o.fails(("1.9/(λ_k+λ_d) − η*", sp.Rational(19, 10) / (S["lamk"] + S["lamd"]) + Q / P))

    def m_pert(c):
        m = MARGINS["thm8-corrected"](c)
        return None if m is None else m - F(1, 10) / (c.eigenvalues[c.k - 1] + c.eigenvalues[-1])
    out.append(("thm8-corrected-const", o, m_pert))
    o = build("thm8-corrected")  # dropped hypothesis s^B e_D ≥ s^D e_B
    o.hypotheses = [(lab, r) for lab, r in o.hypotheses if not lab.startswith("s^B e_D")]
    out.append(("thm8-corrected-nohyp", o, _thm8c_unguarded))
    return out


@pytest.mark.parametrize("name,o,margin", _mutants(), ids=lambda x: x if isinstance(x, str) else "")
def test_mutants_refuted_never_proved(name, o, margin, tmp_path):
    r = decide(o, TIMEOUT, tmp_path, margin=margin, name=name)
    assert r["status"] != PROVED
    assert r["status"] == REFUTED, r
    assert _violates(margin, r["counterexample"], o.strict)
    # the witness does not violate the original (true) claim: the mutation is what broke
    orig = o.claim_id
    assert not _violates(MARGINS[orig], r["counterexample"], CLAIMS_BY_ID[orig].strict)


def test_cli_json(tmp_path):
    out = subprocess.run([sys.executable, "-m", "verify", "prove", "lem23", "--json", "--timeout", "8",
                          "--smt-dir", str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    obj = json.loads(out.stdout)
    assert "provenance" in obj and obj["results"][0]["claim_id"] == "lem23"
    assert obj["results"][0]["status"] == REFUTED
    bad = subprocess.run([sys.executable, "-m", "verify", "prove", "no-such-claim"],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1


SLOW_PROVED = ["thm3-bounds", "thm10", "lem23-corrected", "sec5-interval", "thm13-upper", "thm13-corrected",
               "lem24", "thm11", "thm5-corrected", "thm5-lower", "thm6", "thm2", "thm3",
               "thm4-corrected", "thm7-corrected"]
SLOW_REFUTED = ["thm8-main", "thm8-app", "intro-box", "thm13-lower", "thm4", "thm7-remark"]


def test_ci_thm7_refuted_on_an_explicit_state(tmp_path):
    """thm7 (η* ≥ bound, no hypothesis on p): the solver path refutes it with a re-checked
    witness; the witness search on explicit small states (verify.proofs.atoms) on its own finds a
    d = 4 state with p < 0, where η* < 0 < bound."""
    from verify.proofs.driver import _try_atoms

    (r,) = prove(["thm7"], 6.0, tmp_path)
    assert r["status"] == REFUTED, r
    res: dict = {"solvers": {}}
    assert _try_atoms(build("thm7"), 6.0, tmp_path, None, "thm7", res), res
    assert "explicit state" in res["evidence"] and res["status"] == REFUTED
    for cx in (r["counterexample"], res["counterexample"]):
        assert _violates(MARGINS["thm7"], cx, CLAIMS_BY_ID["thm7"].strict)
        assert lemma22_pq(blocks(parse_case(cx)))[0] < 0  # the missing hypothesis p > 0 fails
    assert parse_case(res["counterexample"]).d == 4
    # negative control: the corrected statement (p > 0 added) is proved by both solvers
    (rc,) = prove(["thm7-corrected"], TIMEOUT, tmp_path)
    assert rc["status"] == PROVED, rc


@pytest.mark.slow
@pytest.mark.parametrize("cid", SLOW_PROVED)
def test_slow_proved(cid, tmp_path):
    (r,) = prove([cid], 60, tmp_path)
    assert r["status"] == PROVED, r


@pytest.mark.slow
@pytest.mark.parametrize("cid", SLOW_REFUTED)
def test_slow_refuted(cid, tmp_path):
    (r,) = prove([cid], 60, tmp_path)
    assert r["status"] == REFUTED, r
    if cid != "thm4":
        assert _violates(MARGINS[cid], r["counterexample"], CLAIMS_BY_ID[cid].strict)


def test_disagreement_is_loud(tmp_path, monkeypatch):
    """One solver sat, the other unsat: 'solver disagreement', never proved or refuted."""
    import verify.proofs.driver as drv

    def fake(name, path, timeout):
        return {"answer": "unsat" if name == "z3" else "sat", "seconds": 0.0, "model": {}}

    monkeypatch.setattr(drv, "run_solver", fake)
    r = drv.decide(build("lem22-bound"), 1.0, tmp_path)
    assert r["status"] == drv.DISAGREE


def test_atoms_model_that_is_no_state_is_skipped(tmp_path, monkeypatch):
    """A z3 model that rounds to an invalid case (λ_k = λ_{k+1}) is skipped, never an error."""
    import verify.proofs.driver as drv

    def fake_run_one(name, path, timeout):
        return {"answer": "sat", "seconds": 0.0, "model": {
            "w_lam1": "2", "w_lam2": "1", "w_lam3": "1", "w_lam4": "1/2", "w_c1": "1", "w_c2": "1",
            "w_c3": "1", "w_c4": "1", "w_kap1": "1", "w_kap2": "1", "w_kap3": "1", "w_kap4": "1"}}
    monkeypatch.setattr(drv, "run_one", fake_run_one)
    monkeypatch.setattr(drv, "TEMPLATES", ((2, 2, None),))
    res: dict = {"solvers": {}}
    assert not drv._try_atoms(build("thm7"), 1.0, tmp_path, None, "thm7", res)
    assert "status" not in res


def test_unsat_contradicted_by_a_witness_is_a_disagreement(tmp_path, monkeypatch):
    """One solver 'unsat', the other times out, on a false claim (thm7): the explicit-state
    search runs as a cross-check, and its re-checked witness makes the result a loud
    disagreement — never 'proved', never a quiet 'undecided'."""
    import verify.proofs.driver as drv

    def fake(name, path, timeout):
        ans = "unsat" if name == "z3" else "timeout"
        return {"answer": ans, "seconds": 0.0, "model": None}
    monkeypatch.setattr(drv, "run_solver", fake)
    r = drv.decide(build("thm7"), 6.0, tmp_path)
    assert r["status"] == drv.DISAGREE, r
    assert "answered unsat, but a re-checked witness exists" in r["evidence"]


def test_refutation_evidence_does_not_depend_on_solver_time_outs(tmp_path, monkeypatch):
    """The evidence a report prints for a refutation is the same whichever moment solver timed
    out (machine speed): the explicit-state witness and its re-check, not the realised model of
    whichever solver answered first (that model is kept under "moment_model")."""
    import verify.proofs.driver as driver

    real = driver.run_solver

    def runs(slow: set[str]):
        def fake(name, path, timeout):
            if name in slow and path.endswith("thm8-main.smt2"):  # the moment obligation only
                return {"answer": "timeout", "seconds": timeout, "model": None,
                        "detail": "faked time-out"}
            return real(name, path, timeout)
        monkeypatch.setattr(driver, "run_solver", fake)
        (r,) = prove(["thm8-main"], TIMEOUT, tmp_path)
        return r

    results = [runs(slow) for slow in (set(), {"z3"}, {"cvc5"}, {"z3", "cvc5"})]
    assert all(r["status"] == REFUTED for r in results)
    assert len({r["evidence"] for r in results}) == 1, [r["evidence"] for r in results]
    assert len({json.dumps(r["counterexample"], sort_keys=True) for r in results}) == 1
    assert "moment_model" in results[0] and "moment_model" not in results[-1]
