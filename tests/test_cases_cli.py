"""Case-file validation and the CLI contract (JSON shape, bad input → one line, exit 2)."""

import json
import re
from fractions import Fraction as F

import pytest

from verify.cli import main

GOOD = {"eigenvalues": ["3", "2", "1", "0.5"], "k": 2, "noise": {"sigma": "0.5"},
        "state": ["1", "-0.5", "2", "1"], "eta": "0.2"}


def _write(tmp_path, obj, name="c.json"):
    p = tmp_path / name
    p.write_text(obj if isinstance(obj, str) else json.dumps(obj))
    return str(p)


@pytest.mark.parametrize("mutate,field", [
    (lambda o: o.update(eigenvalues=["1", "2", "1", "0.5"]), "eigenvalues[1]"),
    (lambda o: o.update(eigenvalues=["3", "2", "0.5", "1"]), "eigenvalues[3]"),
    (lambda o: o.update(eigenvalues=["3", "2", "2", "0.5"], k=2), "k"),
    (lambda o: o.update(k=4), "k"),
    (lambda o: o.update(k=0), "k"),
    (lambda o: o.update(eigenvalues=["3", "2", "1", "0"]), "eigenvalues[3]"),
    (lambda o: o.update(noise={"kappa2": ["1", "-1", "1", "1"]}), "noise.kappa2[1]"),
    (lambda o: o.update(noise={"covariance": [["1", "2"], ["2", "1"]]}), "noise.covariance"),
    (lambda o: o.update(noise={"covariance": [["1", "0.5", "0", "0"], ["0", "1", "0", "0"],
                                              ["0", "0", "1", "0"], ["0", "0", "0", "1"]]}),
     "noise.covariance[0][1]"),
    (lambda o: o.update(noise={"covariance": [["1", "2", "0", "0"], ["2", "1", "0", "0"],
                                              ["0", "0", "1", "0"], ["0", "0", "0", "1"]]}),
     "noise.covariance"),
    (lambda o: o.update(noise={"covariance": [["1", "0", "0", "0.5"], ["0", "1", "0", "0"],
                                              ["0", "0", "1", "0"], ["0", "0", "0", "1"]]}),
     "noise.covariance[0][3]"),
    (lambda o: o.update(state=["1", "NaN", "1", "1"]), "state[1]"),
    (lambda o: o.update(state=["1", "1"]), "state"),
    (lambda o: o.update(extra=1), "extra"),
    (lambda o: o.update(noise={"sigma": "1", "kappa2": ["1"] * 4}), "noise"),
    (lambda o: o.update(eta="-1"), "eta"),
    (lambda o: o.update(eta="0"), "eta"),
    (lambda o: o.update(k=True), "k"),
    (lambda o: o.update(k="2"), "k"),
    (lambda o: o.update(k=2.0), "k"),
])
def test_bad_case_one_line_exit_2(tmp_path, capsys, mutate, field):
    obj = json.loads(json.dumps(GOOD))
    mutate(obj)
    rc = main(["eval", "--case", _write(tmp_path, obj)])
    err = capsys.readouterr().err
    assert rc == 2
    assert err.count("\n") == 1 and f"'{field}'" in err


def test_nan_literal_and_bad_json(tmp_path, capsys):
    assert main(["eval", "--case", _write(tmp_path, '{"eigenvalues": [NaN]}')]) == 2
    assert main(["eval", "--case", _write(tmp_path, "{not json")]) == 2
    assert main(["eval", "--case", str(tmp_path / "missing.json")]) == 2
    assert main(["eval", "--case", _write(tmp_path, GOOD), "--dps", "0"]) == 2
    assert main(["check", "nope"]) == 2
    assert main(["derive", "nope"]) == 2
    assert all(line.startswith("salign: error:") for line in capsys.readouterr().err.splitlines())


def test_eval_json_shape(tmp_path, capsys):
    assert main(["eval", "--case", _write(tmp_path, GOOD), "--json", "--dps", "30"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["schema_version"] == 1 and out["dps"] == 30
    required = ("theta s_D s_B tau_D tau_B u_D u_B psi_D psi_B e_D e_B n_loss_D n_loss_B s_min "
                "s_max p q eta_star g_gap g_noise theta_star eta_star_lower_thm7 eta_loss_D "
                "eta_loss_B alpha beta gamma theta_crit Theta_next expected_theta_next "
                "expected_loss_change_sgd expected_loss_change_dsgd expected_loss_change_bsgd")
    for name in required.split():
        assert name in out["quantities"], name
        assert out["quantities"][name] is None or isinstance(out["quantities"][name], str)


def test_undefined_is_null(tmp_path, capsys):
    obj = dict(GOOD, state=["1", "1", "0", "0"])  # s^B = 0: α, θ^crit undefined
    assert main(["eval", "--case", _write(tmp_path, obj), "--json"]) == 0
    q = json.loads(capsys.readouterr().out)["quantities"]
    assert q["alpha"] is None and q["theta_crit"] is None


def test_python_m_verify_equals_salign():
    import subprocess
    import sys

    r = subprocess.run([sys.executable, "-m", "verify", "derive", "lem21", "--format", "json"],
                       capture_output=True, text=True, check=True)
    assert json.loads(r.stdout)["derivations"][0]["id"] == "lem21"


def test_derive_formats(capsys):
    for fmt in ("text", "latex", "json"):
        assert main(["derive", "thm13", "--format", fmt]) == 0
    out = capsys.readouterr().out
    # LaTeX display math \[ … \] (never $$ … $$), relations as the derivation states them
    assert "DISAGREEMENT" in out and "\\[\n" in out and "$$" not in out and "\\neq" in out
    assert main(["derive", "thm13", "--standalone"]) == 2  # --standalone needs --format latex


_CANONICAL_DECIMAL = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]*[1-9])?")


def test_fmt_exact_text():
    """fmt_exact writes a rational exactly: a terminating decimal (denominator 2^a·5^b) in its
    canonical form (one leading 0 at most, no trailing zeros, no '.' for integers), otherwise
    'p/q' in lowest terms; the text reads back as the same Fraction."""
    from verify.core.cases import fmt_exact

    assert fmt_exact(F(1, 8)) == "0.125"
    assert fmt_exact(F(-1, 8)) == "-0.125"
    assert fmt_exact(F(5, 2)) == "2.5"
    assert fmt_exact(F(-3, 20)) == "-0.15"
    assert fmt_exact(F(1, 1024)) == "0.0009765625"
    assert fmt_exact(F(100)) == "100" and fmt_exact(F(-7)) == "-7" and fmt_exact(F(0)) == "0"
    assert fmt_exact(F(1, 3)) == "1/3" and fmt_exact(F(-14, 6)) == "-7/3"
    assert fmt_exact(F(1, 10**30)) == "0." + "0" * 29 + "1"
    for p in range(-60, 61, 7):
        for q in (1, 2, 4, 5, 8, 16, 25, 40, 125, 3, 6, 7, 12, 15, 1000, 2**12 * 5**3):
            v = F(p, q)
            text = fmt_exact(v)
            assert F(text) == v, (v, text)
            terminating = all(f in (2, 5) for f in _prime_factors(v.denominator))
            if terminating:
                assert _CANONICAL_DECIMAL.fullmatch(text), (v, text)
            else:
                assert text == f"{v.numerator}/{v.denominator}", (v, text)


def _prime_factors(n: int) -> set[int]:
    out, f = set(), 2
    while n > 1:
        while n % f == 0:
            out.add(f)
            n //= f
        f += 1
    return out


def test_case_file_size_guard_boundary(tmp_path, monkeypatch):
    """A case file larger than MAX_CASE_BYTES is refused before it is read ('(file)', one line);
    a file of exactly MAX_CASE_BYTES is read. The limit is lowered to 1 MiB here so that the
    boundary files stay small; the padding is JSON whitespace, so the at-limit file is valid."""
    import verify.core.cases as cases
    from verify.core.errors import CaseError

    monkeypatch.setattr(cases, "MAX_CASE_BYTES", 2**20)
    body = json.dumps(GOOD)
    at = tmp_path / "at.json"
    at.write_text(body + " " * (2**20 - len(body)))
    assert at.stat().st_size == 2**20
    assert cases.load_case(at).k == 2
    over = tmp_path / "over.json"
    over.write_text(body + " " * (2**20 + 1 - len(body)))
    with pytest.raises(CaseError) as exc:
        cases.load_case(over)
    assert exc.value.field == "(file)" and "larger than 1 MiB" in str(exc.value)


def test_parse_number_rejects_booleans_and_none_and_guards_length_at_the_limit():
    """parse_number takes exact numbers only: JSON true/false (ints in Python) and null are
    refused, not read as 1/0; a number text of exactly MAX_NUMBER_CHARS characters is read, one
    character more is refused with a one-line reason (before any conversion)."""
    import verify.core.cases as cases
    from verify.core.errors import CaseError

    for bad in (True, False, None):
        with pytest.raises(CaseError) as exc:
            cases.parse_number(bad, "eta")
        assert exc.value.field == "eta" and "must be a number" in str(exc.value)
    # a fraction p/q, so that neither part exceeds Python's 4300-digit int-conversion limit
    half = cases.MAX_NUMBER_CHARS // 2
    at = "1" * (half - 1) + "/" + "1" * half
    assert len(at) == cases.MAX_NUMBER_CHARS
    assert cases.parse_number(at, "eta") == F(int("1" * (half - 1)), int("1" * half))
    with pytest.raises(CaseError) as exc:
        cases.parse_number(at + "1", "eta")
    assert f"longer than {cases.MAX_NUMBER_CHARS} characters" in str(exc.value)


def test_parse_number_digit_runs_and_long_refusals_stay_short():
    """A run of exactly MAX_DIGITS digits is read exactly; one more digit (as an integer or after a
    decimal point) is refused by name, below Python's 4300-digit conversion limit that would
    otherwise call it 'not a number'; a long text that is not a number is quoted in 40
    characters, not in full."""
    import verify.core.cases as cases
    from verify.core.errors import CaseError

    n = cases.MAX_DIGITS
    assert cases.parse_number("7" * n, "eta") == int("7" * n)
    assert cases.parse_number("0." + "5" * n, "eta") == F(int("5" * n), 10**n)
    for bad in ("7" * (n + 1), "0." + "5" * (n + 1), "1/" + "3" * (n + 1)):
        with pytest.raises(CaseError) as exc:
            cases.parse_number(bad, "eta")
        assert f"a run of {n + 1} digits (at most {n}" in str(exc.value), str(exc.value)[:200]
    with pytest.raises(CaseError) as exc:
        cases.parse_number("x" * 3000, "eta")
    msg = str(exc.value)
    assert "not a number: 'xxxx" in msg and "(3000 characters)" in msg and len(msg) < 120


def test_parse_number_exponent_limit_and_number_lists():
    """A decimal exponent of exactly ±MAX_EXPONENT is read exactly, one beyond is refused
    ('magnitude out of range'); a list field must be a non-empty list (a string such as "12" is
    not read as the list 1, 2)."""
    import verify.core.cases as cases
    from verify.core.errors import CaseError

    e = cases.MAX_EXPONENT
    assert cases.parse_number(f"1e{e}", "eta") == F(10) ** e
    assert cases.parse_number(f"2.5E-{e}", "eta") == F(5, 2) / F(10) ** e
    for bad in (f"1e{e + 1}", f"1e-{e + 1}"):
        with pytest.raises(CaseError) as exc:
            cases.parse_number(bad, "eta")
        assert "magnitude out of range" in str(exc.value)
    assert cases._number_list(["1", 2], "state") == (F(1), F(2))
    for bad in ("12", [], {"a": 1}, 3):
        with pytest.raises(CaseError) as exc:
            cases._number_list(bad, "state")
        assert exc.value.field == "state" and "non-empty list" in str(exc.value)


def test_case_json_round_trips_for_every_noise_kind():
    """A case written by `Case.to_json` reads back as the same case (exact Fractions) for each noise
    form: σ, a κ² list and a full covariance matrix (with off-diagonal entries), with and without η."""
    from verify.core.cases import loads_case, make_case

    lam, state = [3, F(3, 2), F(1, 3)], [F(1, 7), F(-2, 5), 0]
    cases = [make_case(lam, 1, state, sigma=F(1, 2), eta=F(1, 1000)),
             make_case(lam, 2, state, kappa2=[F(1, 3), 1, F(1, 4)]),
             make_case(lam, 1, state, covariance=[[2, F(1, 2), 0], [F(1, 2), 1, F(-1, 3)],
                                                  [0, F(-1, 3), 1]], eta=F(2, 3))]
    for c in cases:
        back = loads_case(c.to_json())
        assert back == c and back.to_json() == c.to_json()
    assert not cases[2].noise_is_diagonal and loads_case(cases[2].to_json()).covariance[0][1] == F(1, 2)
