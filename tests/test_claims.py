"""Cross-cutting claim tests: determinism, exit codes, profiles, generated notes in sync.

Per-claim tests (verdicts, negative controls, properties) mirror the claim units in
tests/claims/test_secN.py."""

import json
from pathlib import Path

from verify.claims import search as check_mod
from verify.cli import main


def test_check_json_deterministic(capsys):
    assert main(["check", "thm2", "thm8-app", "--profile", "quick", "--seed", "3", "--json"]) == 0
    a = capsys.readouterr().out
    assert main(["check", "thm2", "thm8-app", "--profile", "quick", "--seed", "3", "--json"]) == 0
    b = capsys.readouterr().out
    assert a == b and json.loads(a)["schema_version"] == 1


def test_strict_exit_code():
    assert main(["check", "thm8-main", "--profile", "quick", "--strict"]) == 1


def test_notes_claims_md_in_sync():
    from verify.report.notes import claims_markdown

    path = Path(__file__).resolve().parent.parent / "notes" / "claims.md"
    assert path.read_text(encoding="utf-8") == claims_markdown(), \
        "notes/claims.md drifted: run `python -m verify.report.notes`"


def test_docs_claims_list_in_sync():
    from verify.report.notes import docs_claims_with_list

    path = Path(__file__).resolve().parent.parent / "docs" / "claims.md"
    text = path.read_text(encoding="utf-8")
    assert text == docs_claims_with_list(text), "docs/claims.md drifted: python -m verify.report.notes"


def test_readme_verdict_table_in_sync():
    from verify.report.notes import readme_with_table

    path = Path(__file__).resolve().parent.parent / "README.md"
    text = path.read_text(encoding="utf-8")
    assert text == readme_with_table(text), "README verdict table drifted: python -m verify.report.notes"


def test_profiles_exist():
    assert set(check_mod.PROFILES) == {"quick", "ci", "thorough"}
