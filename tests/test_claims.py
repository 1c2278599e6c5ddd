"""Claim checkers: verdicts, counterexamples that re-check, negative controls, notes drift."""

import json
from pathlib import Path

import pytest

from verify import check as check_mod
from verify.check import run_claim
from verify.claims import CLAIMS, MARGINS
from verify.cli import main
from verify.results import CHECKED_NUMERICALLY, REFUTED

EXPECTED_REFUTED = {"thm4", "thm5", "thm7", "thm7-remark", "thm8-main", "thm8-app", "cor9",
                    "intro-box", "lem23", "thm13-lower", "thm13-rate", "sec7-phase1-poly",
                    "sec7-log-m"}


@pytest.mark.parametrize("claim", [c.id for c in CLAIMS])
def test_verdict(claim):
    r = run_claim(claim, "quick", 0)
    assert r.status in ({REFUTED} if claim in EXPECTED_REFUTED else
                        {CHECKED_NUMERICALLY, "verified symbolically"}), r.evidence


@pytest.mark.parametrize("claim", sorted(k for k in MARGINS if k not in EXPECTED_REFUTED))
def test_negative_control_reversed_inequality(claim, monkeypatch):
    """The same search must refute the claim with its inequality reversed."""
    orig = MARGINS[claim]

    def reversed_margin(case):
        v = orig(case)
        return None if v is None else -v

    monkeypatch.setitem(MARGINS, claim, reversed_margin)
    assert run_claim(claim, "quick", 0).status == REFUTED


def test_negative_control_constant_changed(monkeypatch):
    """thm8-corrected with its constant halved (η* ≤ 1/(λ_k+λ_d)) must be refuted."""
    from fractions import Fraction

    orig = MARGINS["thm8-corrected"]

    def halved(case):
        v = orig(case)
        if v is None:
            return None
        lam, k = case.eigenvalues, case.k
        return v - Fraction(1) / (lam[k - 1] + lam[-1])

    monkeypatch.setitem(MARGINS, "thm8-corrected", halved)
    assert run_claim("thm8-corrected", "quick", 0).status == REFUTED


def test_counterexamples_recheck_with_eval(tmp_path, capsys):
    for cid in ("thm8-main", "cor9", "thm7", "thm13-lower"):
        r = run_claim(cid, "quick", 0)
        p = tmp_path / f"{cid}.json"
        p.write_text(json.dumps(r.counterexample))
        assert main(["eval", "--case", str(p), "--json", "--dps", "60"]) == 0
        q = json.loads(capsys.readouterr().out)["quantities"]
        if cid == "thm8-main":
            assert float(q["eta_star"]) > float(q["eta_star_upper_thm8_main"])
        if cid == "cor9":
            assert float(q["eta_star"]) > 2 / float(json.loads(p.read_text())["eigenvalues"][0])
        if cid == "thm7":
            assert float(q["eta_star"]) < float(q["eta_star_lower_thm7"])


@pytest.mark.parametrize("claim", sorted(k for k in MARGINS if k in EXPECTED_REFUTED))
def test_every_margin_counterexample_rechecks_fresh(claim, tmp_path, capsys):
    """Round-trip each counterexample through its JSON case file, re-evaluate the claim's
    margin from scratch (exact or certified ball arithmetic), and run `salign eval` on it."""
    from verify.cases import loads_case
    from verify.margins import certified_sign

    r = run_claim(claim, "quick", 0)
    case = loads_case(json.dumps(r.counterexample))
    sign, _, _ = certified_sign(lambda: MARGINS[claim](case))
    strict = next(c for c in CLAIMS if c.id == claim).strict
    assert sign is not None and (sign < 0 or (strict and sign == 0))
    p = tmp_path / "c.json"
    p.write_text(json.dumps(r.counterexample))
    assert main(["eval", "--case", str(p), "--json", "--dps", "60"]) == 0
    capsys.readouterr()


def test_check_json_deterministic(capsys):
    assert main(["check", "thm2", "thm8-app", "--profile", "quick", "--seed", "3", "--json"]) == 0
    a = capsys.readouterr().out
    assert main(["check", "thm2", "thm8-app", "--profile", "quick", "--seed", "3", "--json"]) == 0
    b = capsys.readouterr().out
    assert a == b and json.loads(a)["schema_version"] == 1


def test_strict_exit_code():
    assert main(["check", "thm8-main", "--profile", "quick", "--strict"]) == 1


def test_notes_claims_md_in_sync():
    from verify.notes import claims_markdown

    path = Path(__file__).resolve().parent.parent / "notes" / "claims.md"
    assert path.read_text(encoding="utf-8") == claims_markdown(), \
        "notes/claims.md drifted: run `python -m verify.notes`"


def test_readme_verdict_table_in_sync():
    from verify.notes import readme_with_table

    path = Path(__file__).resolve().parent.parent / "README.md"
    text = path.read_text(encoding="utf-8")
    assert text == readme_with_table(text), "README verdict table drifted: python -m verify.notes"


def test_profiles_exist():
    assert set(check_mod.PROFILES) == {"quick", "ci", "thorough"}
