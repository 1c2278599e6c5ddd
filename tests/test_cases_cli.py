"""Case-file validation and the CLI contract (JSON shape, bad input → one line, exit 2)."""

import json

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
    (lambda o: o.update(state=["1", "NaN", "1", "1"]), "state[1]"),
    (lambda o: o.update(state=["1", "1"]), "state"),
    (lambda o: o.update(extra=1), "extra"),
    (lambda o: o.update(noise={"sigma": "1", "kappa2": ["1"] * 4}), "noise"),
    (lambda o: o.update(eta="-1"), "eta"),
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
