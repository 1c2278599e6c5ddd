"""`salign conjecture`: the statement language refuses what it should (one line, exit 2, nothing
run), the pipeline decides the paper's own encoded claims as `salign check` / `salign prove` do
(verify/conjecture/paper_claims.toml), its encodings agree with its margins at real states (the
soundness of a "proved"), and false statements never come back proved."""

from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from verify.cli import main
from verify.conjecture.decide import decide_statement, not_encodable, obligation
from verify.conjecture.evaluate import margin_function
from verify.conjecture.language import parse_statement
from verify.core.errors import UsageError
from verify.core.families import random_case
from verify.core.signs import certified_sign
from verify.core.theory import blocks, lemma22_pq

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

ROOT = Path(__file__).resolve().parent.parent
PAPER = tomllib.loads((ROOT / "verify" / "conjecture" / "paper_claims.toml").read_text())["claim"]
SNAPSHOT = json.loads((ROOT / "notes" / "audit" / "report.json").read_text())


def _expected(cid: str) -> str:
    """What check and prove say of the claim itself (the audit snapshot)."""
    check = {c["claim_id"]: c["status"] for c in SNAPSHOT["claims"]}[cid]
    prove = {p["claim_id"]: p["status"] for p in SNAPSHOT["proofs"]}.get(cid)
    if "refuted" in (check, prove):
        return "refuted"
    # a claim the audit proved (by its shipped certificate or by the solvers) is one the conjecture
    # pipeline, which runs the solvers, proves
    return "proved (two solvers)" if prove and prove.startswith("proved") else "checked numerically"


# the statements whose proof takes a solver more than ~10 s (portfolio second variant): slow marker
_SLOW = {"thm4-corrected", "thm7-corrected"}


@pytest.mark.parametrize("entry", [e for e in PAPER if e["id"] not in _SLOW], ids=lambda e: e["id"])
def test_paper_claims_get_the_same_verdict(entry):
    st_ = parse_statement(entry["hyp"], entry["claim"])
    res = decide_statement(st_, "ci", 0, timeout=30.0)
    assert res["status"] == _expected(entry["id"]), (entry["id"], res["evidence"])
    if res["status"] == "refuted":  # the witness is strict and meets every stated hypothesis
        from verify.core.cases import parse_case

        case = parse_case(res["counterexample"])
        sign, _, _ = certified_sign(lambda: margin_function(st_)(case))
        from verify.conjecture.evaluate import strict_of

        assert sign is not None and (sign < 0 or (sign == 0 and strict_of(st_)))


@pytest.mark.slow
@pytest.mark.parametrize("entry", [e for e in PAPER if e["id"] in _SLOW], ids=lambda e: e["id"])
def test_paper_claims_get_the_same_verdict_slow(entry):
    test_paper_claims_get_the_same_verdict(entry)


def test_every_encoded_paper_claim_is_stated():
    from verify.proofs.registry import ENCODINGS

    assert {e["id"] for e in PAPER} == set(ENCODINGS)


@pytest.mark.parametrize("entry", [e for e in PAPER if not_encodable(parse_statement(e["hyp"], e["claim"]))
                                   is None], ids=lambda e: e["id"])
def test_encoding_agrees_with_the_margin_at_real_states(entry):
    """Soundness of a proof: at real states (every condition holds there), the obligation says
    'violated' exactly when the statement's margin does, and 'outside' states are outside both."""
    from verify.proofs.driver import encoded_violation
    from verify.proofs.model import aggregates

    st_ = parse_statement(entry["hyp"], entry["claim"])
    o = obligation(st_)
    margin = margin_function(st_)
    rng = np.random.default_rng(7)
    checked = 0
    cases = []
    for _ in range(60):
        base = random_case(rng, max_d=6)
        if not base.noise_is_diagonal:
            continue
        if not st_.needs_eta():
            cases.append(base)
            continue
        p, q = lemma22_pq(blocks(base))
        etas = [Fraction(int(rng.integers(1, 400)), 100)]
        if p != 0 and -q / p > 0:  # around η*, where the η-statements turn
            etas += [-q / p * Fraction(int(rng.integers(1, 99)), 100), -q / p * 2]
        cases += [base.with_eta(e) for e in etas]
    for case in cases:
        sign, val, _ = certified_sign(lambda case=case: margin(case))
        if val is None or sign is None:
            continue
        violated = sign < 0 or (sign == 0 and o.strict)
        values = aggregates(case).as_dict()
        if st_.needs_eta():
            values["eta"] = Fraction(case.eta)
        enc = encoded_violation(o, values, timeout=10)
        if enc is None:
            continue
        assert enc == violated, (entry["id"], case.to_json_obj(), sign)
        checked += 1
    assert checked >= 5, f"{entry['id']}: only {checked} states decided"


@pytest.mark.parametrize("hyp,claim", [
    (["0 < theta < 1", "s_B*e_D >= s_D*e_B"], "eta_star <= 1.9/(lambda_k + lambda_d)"),  # constant
    (["0 < theta < 1", "s_B*e_D >= s_D*e_B"], "eta_star >= 2/(lambda_k + lambda_d)"),  # flipped
    ([], "n_loss_B/alpha <= one_minus_theta_crit"),  # thm13-corrected's upper bound, reversed
    (["0 < theta < 1"], "alpha > 0 and n_loss_B > 0"),  # lem23-corrected without its noise hypothesis
    (["0 < theta < 1"], "theta_crit < 1/2"),  # a made-up bound
])
def test_false_statements_are_never_proved(hyp, claim):
    res = decide_statement(parse_statement(hyp, claim), "ci", 0, timeout=20.0)
    assert res["status"] == "refuted", res["evidence"]
    assert res["counterexample"] is not None


def test_readme_examples(tmp_path):
    """thm8 with constants 1, 2, 3 (all refuted: the condition θ ≥ e_B/(e_B+e_D) leaves η*
    unbounded), the sharp corrected form proved, and thm4 with and without s_min > 0."""
    hyp = ["theta >= e_B/(e_B + e_D)"]
    for c in (1, 2, 3):
        claim = f"eta_star <= {c}*(lambda_1 - lambda_d)/(lambda_k*lambda_1 - lambda_kp1*lambda_d)"
        res = decide_statement(parse_statement(hyp, claim), "ci", 0, timeout=20.0)
        assert res["status"] == "refuted"
    res = decide_statement(parse_statement(["0 < theta < 1"], "defined(theta_star)"), "ci", 0)
    assert res["status"] == "refuted"  # θ* does not exist with singular noise (s_min = 0)
    res = decide_statement(parse_statement(["0 < theta < 1", "s_min > 0"], "defined(theta_star)"),
                           "ci", 0)
    assert res["status"] == "checked numerically"
    assert main(["conjecture", "--hyp", hyp[0], "--claim", "eta_star <= 3*(lambda_1 - lambda_d)/"
                 "(lambda_k*lambda_1 - lambda_kp1*lambda_d)", "--cases-dir", str(tmp_path),
                 "--no-prove", "--strict"]) == 1
    assert (tmp_path / "conjecture.json").exists()


def test_toml_file(tmp_path, capsys):
    f = tmp_path / "s.toml"
    f.write_text('hyp = ["0 < theta < 1", "s_B*e_D >= s_D*e_B"]\n'
                 'claim = "eta_star <= 2/(lambda_k + lambda_d)"\n')
    assert main(["conjecture", "--file", str(f), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["result"]["status"] == "proved (two solvers)" and "inputs" in out


_HOSTILE = [
    "__import__('os').system('touch PWNED')", "eval('1')", "exec('x=1')", "open('/etc/passwd')",
    "theta.__class__", "theta[0] < 1", "lambda x: x", "theta if 1 else 0", "[theta] < 1",
    "theta < 1; import os", "2**2**2**2 < theta", "(theta**64)**64 < 1", "theta**1000 < 1",
    "1e999999 < theta", "1" * 200 + " < theta", "(" * 300 + "theta" + ")" * 300 + " < 1",
    "theta < ", "< theta", "theta", "foo < 1", "theta << 1", "theta != 1", "", "   ",
    "theta < 1 => eta < 1 => eta < 2", "defined(1)", "sqrt(theta, 2) < 1", "f'{theta}' < 1",
    "theta < 1 or theta > 2", "not theta < 1", "theta ≠ 1", "\x01theta < 1",
]


@pytest.mark.parametrize("text", _HOSTILE)
def test_hostile_statements_one_line_exit_2(text, tmp_path):
    r = subprocess.run([sys.executable, "-m", "verify", "conjecture", "--claim", text, "--no-prove"],
                       capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert r.returncode == 2, (text, r.stdout, r.stderr)
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr, r.stderr
    assert not (tmp_path / "PWNED").exists()


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=80) | st.from_regex(r"[a-z_()0-9*+/<=> .^-]{0,60}", fullmatch=True))
def test_random_text_parses_or_is_refused_in_one_line(text):
    try:
        parse_statement([], text)
    except UsageError as exc:
        assert "\n" not in str(exc)
