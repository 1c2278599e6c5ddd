"""Shipped refutations (`salign prove --witness-dir`, verify/proofs/certificates/ID.witness.json):
the audit re-checks each recorded counterexample exactly instead of re-running the solvers, so a
record counts only through its counterexample, and only against the claim's current obligation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from verify.cli import main
from verify.proofs.command import shipped_dir
from verify.proofs.driver import REFUTED, recheck_witness

WITNESSES = sorted(shipped_dir().glob("*.witness.json"))


def _record(name: str) -> dict:
    return json.loads((shipped_dir() / name).read_text(encoding="utf-8"))


def test_every_shipped_witness_refutes_its_claim():
    assert len(WITNESSES) >= 9
    for p in WITNESSES:
        row, why = recheck_witness(json.loads(p.read_text(encoding="utf-8")))
        assert row is not None and row["status"] == REFUTED, (p.name, why)
        assert "shipped witness re-checked exactly now" in row["evidence"]
        assert p.name == f"{row['claim_id']}.witness.json"


def test_no_witness_for_a_proved_claim():
    """A proved claim never has a witness, and none of its certificates a witness beside it."""
    certified = {p.name.removesuffix(".cert.json") for p in shipped_dir().glob("*.cert.json")}
    assert not certified & {p.name.removesuffix(".witness.json") for p in WITNESSES}


@pytest.mark.parametrize("how", ["state", "claim", "hash", "format", "case"])
def test_a_tampered_witness_is_not_a_refutation(how):
    """Negative controls: a counterexample moved onto a point that satisfies the claim (x = 0 for
    lem23 gives Tr Σ > 0 and a margin ≥ 0, or the state leaves the hypotheses), a record moved to
    a claim that holds, another obligation's hash, another format, a malformed case."""
    rec = _record("thm13-lower.witness.json")
    if how == "state":
        rec["counterexample"]["state"] = ["0"] * len(rec["counterexample"]["state"])
    elif how == "claim":
        rec["claim_id"] = "thm13-corrected"
    elif how == "hash":
        rec["obligation_sha256"] = _record("lem23.witness.json")["obligation_sha256"]
    elif how == "format":
        rec["format"] = "salign-witness-0"
    else:
        rec["counterexample"]["k"] = 99
    row, why = recheck_witness(rec)
    assert row is None and why


def test_prove_writes_a_witness_that_rechecks(tmp_path):
    assert main(["prove", "lem23", "lem22-bound", "--witness-dir", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lem23.witness.json"]  # refuted only
    row, _ = recheck_witness(json.loads((tmp_path / "lem23.witness.json").read_text()))
    assert row is not None and row["status"] == REFUTED


def test_prove_witness_dir_must_be_writable(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["prove", "lem23", "--witness-dir", str(blocker / "sub")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("salign: error: ")


def test_audit_prove_stage_uses_shipped_records(monkeypatch):
    """Every encoded claim and every edge is decided from shipped evidence — a certificate or a
    witness, each re-checked — so the audit's prove stage runs no solver at all."""
    import verify.proofs.driver as driver
    import verify.proofs.smt as smt
    from verify.report.audit import _run_proofs

    def no_solver(*a, **k):
        raise AssertionError("a solver was run")

    for mod, name in ((driver, "prove"), (driver, "decide_edge"), (driver, "run_solver"),
                      (smt, "run_solver")):
        monkeypatch.setattr(mod, name, no_solver)
    rows = _run_proofs(timeout=30)
    assert {r["status"] for r in rows} == {"proved (certificate)", REFUTED}
    edges = [e for r in rows for e in r.get("edges", [])]
    assert len(edges) == 11 and {e["status"] for e in edges} == {"proved (certificate)"}
    assert Path(shipped_dir()).is_dir()
