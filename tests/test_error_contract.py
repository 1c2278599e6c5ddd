"""The CLI's error contract (issue 20): bad input → one line on stderr and exit 2, never a
traceback or a silently wrong number; exit 1 only for --strict with a refuted claim; Ctrl-C → one
line and exit 130; outputs checked writable before any computing, and written atomically."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

import pytest

from tests.childproc import kill_group
from verify.cli import main
from verify.execution.tasks import default_workers, parse_scheduler

ROOT = Path(__file__).resolve().parent.parent


def _one_error_line(err: str, *needles: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("salign: error:") and "Traceback" not in err, err
    for n in needles:
        assert n in lines[0], (n, lines[0])
    return lines[0]


# --- Dask paths: --scheduler, --workers, Ctrl-C ------------------------------------------------

@pytest.mark.parametrize("cmd", [["check", "intro-box"], ["reproduce", "--quick"],
                                 ["sweep", "--m", "5"]])
@pytest.mark.parametrize("address", ["notaurl", "tcp://host", "http://h:1", "tcp://h:99999",
                                     "tcp://h:1/path", ""])
def test_bad_scheduler_address_one_line_exit_2(capsys, tmp_path, cmd, address):
    rc = main([*cmd, "--scheduler", address, *(["--out", str(tmp_path / "o")] if cmd[0] != "check"
                                                else [])])
    assert rc == 2
    _one_error_line(capsys.readouterr().err, "--scheduler", "tcp://HOST:PORT")
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("address,expect", [
    ("tcp://127.0.0.1:8786", ("tcp", "127.0.0.1", 8786)),
    ("127.0.0.1:8786", ("tcp", "127.0.0.1", 8786)),
    ("tls://sched.example:443", ("tls", "sched.example", 443)),
    ("tcp://[::1]:8786", ("tcp", "::1", 8786)),
])
def test_scheduler_address_forms_accepted(address, expect):
    assert parse_scheduler(address) == expect


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_scheduler_one_line_names_it_fast(capsys):
    address = f"tcp://127.0.0.1:{_free_port()}"
    t0 = time.monotonic()
    rc = main(["check", "intro-box", "--scheduler", address])
    assert rc == 2 and time.monotonic() - t0 < 10
    line = _one_error_line(capsys.readouterr().err, f"Dask scheduler at {address}")
    assert "cannot write or read" not in line


def test_workers_capped_by_the_machine(capsys):
    too_many = default_workers() + 1
    assert main(["check", "intro-box", "--workers", str(too_many)]) == 2
    _one_error_line(capsys.readouterr().err, "--workers", f"1..{default_workers()}", "core")
    assert main(["sweep", "--workers", "64", "--out", "unused"]) == 2
    _one_error_line(capsys.readouterr().err, "--workers")


@pytest.mark.skipif(default_workers() < 2, reason="needs 2 cores for --workers 2")
@pytest.mark.skipif(not hasattr(os, "killpg"), reason="POSIX process groups")
def test_ctrl_c_during_check_on_workers_one_line_exit_130(tmp_path):
    """Ctrl-C at a terminal signals the whole foreground process group: here the CLI and its
    Dask worker processes get SIGINT together (killpg). Exit 130, one line, no traceback, and
    every process of the group gone soon after."""
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1"}
    p = subprocess.Popen([sys.executable, "-m", "verify", "check", "--profile", "quick",
                          "--workers", "2", "--out", str(tmp_path / "c.json")], cwd=ROOT, env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                         start_new_session=True,  # its own process group, as a shell job has
                         preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        time.sleep(6)  # the cluster is up (≈ 2 s) and tasks are running (the run takes ≈ 20 s)
        assert p.poll() is None, "finished before it could be interrupted"
        os.killpg(p.pid, signal.SIGINT)
        err = p.communicate(timeout=60)[1]
        assert p.returncode == 130, err
        lines = [ln for ln in err.splitlines() if not ln.startswith("  check: ")]  # progress
        assert lines == ["salign: interrupted"], err
        assert not (tmp_path / "c.json").exists()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                os.killpg(p.pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.2)
        else:
            pytest.fail("worker processes outlived the interrupted run")
    finally:
        kill_group(p)  # the CLI and its workers, also when an assertion above failed
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


# --- the paper's spectrum needs a gap m > 1 ------------------------------------------------------

@pytest.mark.parametrize("m", ["0.5", "1", "0.95"])
@pytest.mark.parametrize("cmd", [["simulate", "--paper-spectrum", "--steps", "2", "--out", "{tmp}/s.json"],
                                 ["phases", "--paper-spectrum", "--grid", "2"],
                                 ["diagram", "--paper-spectrum", "--out", "{tmp}/d.png"]])
def test_paper_spectrum_gap_at_most_1_rejected(capsys, tmp_path, cmd, m):
    argv = [a.replace("{tmp}", str(tmp_path)) for a in cmd] + ["--m", m]
    assert main(argv) == 2
    _one_error_line(capsys.readouterr().err, "--m", "must exceed 1")
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize("grid", ["0.5", "0.5,5", "1:10:3"])
def test_sweep_gap_at_most_1_rejected(capsys, tmp_path, grid):
    assert main(["sweep", "--m", grid, "--out", str(tmp_path / "sw")]) == 2
    _one_error_line(capsys.readouterr().err, "--m", "must exceed 1")
    assert not (tmp_path / "sw").exists()


# --- Assumption 14 decided exactly ---------------------------------------------------------------

def _asm14_edge_case(tmp_path, excess: Fraction) -> str:
    """λ = (5, 2, 1, 1/2), k = 2, η = 0.15, c_{1,0} = 1 and κ_1² chosen so that
    β_1 = ηκ_1²/(2λ_1 − ηλ_1²) = 1 + excess exactly, i.e. c_{1,0}² = β_1 − excess."""
    lam1, eta = Fraction(5), Fraction(15, 100)
    kap1 = (1 + excess) * (2 * lam1 - eta * lam1 ** 2) / eta
    case = {"eigenvalues": ["5", "2", "1", "0.5"], "k": 2,
            "noise": {"kappa2": [str(kap1), "0.25", "0.25", "0.25"]},
            "state": ["1", "2", "1", "1"], "eta": "0.15"}
    p = tmp_path / "asm14.json"
    p.write_text(json.dumps(case))
    return str(p)


@pytest.mark.parametrize("excess,init_ok", [(Fraction(1, 10**24), False),
                                            (Fraction(-1, 10**24), True)])
def test_phases_decides_assumption14_exactly(tmp_path, capsys, excess, init_ok):
    """c_{1,0}² = β_1 − 10⁻²⁴: float64 rounds the two sides together (the old float path said
    init_ok True); the exact decision says False — and True for β_1 + 10⁻²⁴ (control)."""
    path = _asm14_edge_case(tmp_path, excess)
    assert main(["phases", "--case", path, "--eta", "0.15", "--json"]) == 0
    rep = json.loads(capsys.readouterr().out)["report"]["assumption14"]
    assert rep["init_ok"] is init_ok
    if not init_ok:
        assert rep["met"] is False
    assert main(["phases", "--case", path, "--eta", "0.15"]) == 0
    assert re.search(rf"init_ok\s+{'yes' if init_ok else 'no'}\n", capsys.readouterr().out)


@pytest.mark.parametrize("excess,init_ok", [(Fraction(1, 10**24), False),
                                            (Fraction(-1, 10**24), True)])
def test_python_assumption14_exact_and_same_as_checker(tmp_path, excess, init_ok):
    from verify.claims.sec6 import _asm14
    from verify.core.cases import load_case
    from verify.simulation.two_phase import assumption14

    case = load_case(_asm14_edge_case(tmp_path, excess))
    c0sq = [s * s for s in case.state]
    assert assumption14(case.eigenvalues, case.k, case.kappa2, c0sq, case.eta)["init_ok"] is init_ok
    assert _asm14(case.eigenvalues, case.k, case.kappa2, c0sq, case.eta)[1] is init_ok


# --- outputs: checked writable before any computing; atomic; errors name the user's path -------

def _not_called(*a, **k):
    raise AssertionError("computed before checking that the output can be written")


@pytest.mark.parametrize("argv,patch", [
    (["check", "thm2", "--out", "{bad}/c.json"], "verify.execution.tasks.run_tasks"),
    (["check", "thm2", "--cases-dir", "{bad}/cex"], "verify.execution.tasks.run_tasks"),
    (["check", "thm8-main", "--paper-states-dir", "{bad}/states"],
     "verify.execution.tasks.run_tasks"),
    (["simulate", "--paper-spectrum", "--steps", "2", "--out", "{bad}/s.json"], "verify.cli._problem"),
    (["simulate", "--paper-spectrum", "--steps", "2", "--out", "{tmp}/s.json", "--plot",
      "{bad}/s.png"], "verify.cli._problem"),
    (["diagram", "--paper-spectrum", "--out", "{bad}/d.png"], "verify.cli._problem"),
    (["reproduce", "--quick", "--out", "{bad}/r"], "verify.execution.tasks.run_tasks"),
    (["sweep", "--out", "{bad}/sw"], "verify.execution.tasks.run_tasks"),
    (["audit", "--out", "{bad}/a"], "verify.report.audit.run_audit"),
    (["prove", "thm2", "--smt-dir", "{bad}/smt"], "verify.proofs.driver.prove"),
    (["network", "--quick", "--out", "{bad}/n"], "verify.network.run.run_network"),
])
def test_unwritable_output_refused_before_computing(tmp_path, capsys, monkeypatch, argv, patch):
    """The output's directory cannot be created (a regular file sits where a directory should
    be; unwritable for root too): one line naming the user's path, exit 2, nothing computed."""
    if argv[0] == "network":
        from verify.network.command import available

        if not available():
            pytest.skip("network extra (jax, scikit-learn) not installed")
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setattr(patch, _not_called)
    argv = [a.replace("{bad}", str(blocker)).replace("{tmp}", str(tmp_path)) for a in argv]
    assert main(argv) == 2
    flag_value = next(a for a in argv if str(blocker) in a)
    _one_error_line(capsys.readouterr().err, flag_value, "cannot write there")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only directories")
def test_read_only_output_dir_refused(tmp_path, capsys, monkeypatch):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        monkeypatch.setattr("verify.execution.tasks.run_tasks", _not_called)
        assert main(["check", "thm2", "--out", str(ro / "c.json")]) == 2
        _one_error_line(capsys.readouterr().err, str(ro / "c.json"), "cannot write there")
    finally:
        ro.chmod(0o700)


def test_write_failure_names_the_users_file_not_a_temp_file(tmp_path, capsys, monkeypatch):
    """A disk that fills up while the output is written: one line naming --out (not the hidden
    temporary file), exit 2, and neither the output nor a temporary file left behind."""
    import errno

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("verify.core.atomic.os.fsync", full)
    out = tmp_path / "s.json"
    assert main(["simulate", "--paper-spectrum", "--d", "6", "--k", "2", "--steps", "3",
                 "--out", str(out)]) == 2
    line = _one_error_line(capsys.readouterr().err, str(out), "No space left")
    assert ".tmp" not in line
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("target", ["group", "process"])
def test_ctrl_c_during_prove_leaves_no_partial_obligations(tmp_path, target):
    """Ctrl-C while thm2 is being decided: --smt-dir holds the complete obligations of the claims
    already decided (lem22-bound) and nothing of thm2 — no staging directory, no temp file; the
    command exits within seconds (the solver subprocesses are killed, not waited for up to
    --timeout), also when only the CLI process gets the signal, and leaves no solver running."""
    smt = tmp_path / "smt"
    p = subprocess.Popen([sys.executable, "-m", "verify", "prove", "lem22-bound", "thm2",
                          "--smt-dir", str(smt)], cwd=ROOT, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True, start_new_session=True,
                         preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        first = p.stderr.readline()  # "  lem22-bound: proved (two solvers)": thm2 is now being decided
        assert "lem22-bound" in first, first
        time.sleep(0.5)
        assert p.poll() is None, "finished before it could be interrupted"
        t0 = time.monotonic()
        if target == "group":  # a terminal's Ctrl-C
            os.killpg(p.pid, signal.SIGINT)
        else:  # kill -INT PID: the solver subprocesses get no signal
            p.send_signal(signal.SIGINT)
        err = p.communicate(timeout=60)[1]
        assert time.monotonic() - t0 < 5, "waited for the solvers instead of stopping them"
        assert p.returncode == 130 and err.strip() == "salign: interrupted", err
        assert sorted(x.name for x in smt.iterdir()) == ["lem22-bound.smt2"]
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                os.killpg(p.pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
        else:
            pytest.fail("a solver subprocess outlived the interrupted run")
    finally:
        kill_group(p)  # the CLI and its solvers, also when an assertion above failed


# --- polish: version, licence, ignored tour outputs, docs cite real flags, README = CI ----------

def test_version_prints_the_package_version():
    import importlib.metadata

    import verify

    p = subprocess.run([sys.executable, "-m", "verify", "--version"], cwd=ROOT,
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0 and p.stderr == ""
    assert p.stdout.strip() == f"salign {verify.__version__}"
    assert verify.__version__ == importlib.metadata.version("suspicious-alignment")


def test_license_file_matches_pyproject():
    tomllib = pytest.importorskip("tomllib" if sys.version_info >= (3, 11) else "tomli")
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert meta["license"] == {"text": "MIT"}
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License") and "WITHOUT WARRANTY OF ANY KIND" in text


def _tour_outputs() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("<!-- tour:start -->", 1)[1].split("<!-- tour:end -->", 1)[0]
    outs = []
    for line in block.splitlines():
        words = line.split("#", 1)[0].split()
        outs += [words[i + 1] for i, w in enumerate(words[:-1])
                 if w in ("--out", "--cases-dir", "--plot", ">")]
    return outs


@pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(),
                    reason="needs a git checkout")
def test_tour_outputs_are_gitignored():
    outs = _tour_outputs()
    assert {"cex", "quantities.json", "prove.json", "run.npz", "run.png", "phases.json",
            "phase.png", "repro"} <= set(outs)
    for name in outs:
        probe = name + ("/x.json" if "." not in name else "")
        r = subprocess.run(["git", "check-ignore", "-q", "--no-index", probe], cwd=ROOT)
        assert r.returncode == 0, f"{name} (written by the README tour) is not gitignored"
    # negative control: a source file is not ignored
    assert subprocess.run(["git", "check-ignore", "-q", "--no-index", "verify/cli.py"],
                          cwd=ROOT).returncode == 1


def _known_flags() -> set[str]:
    import argparse

    from verify.cli import _build

    flags: set[str] = set()
    stack = [_build()]
    while stack:
        p = stack.pop()
        for a in p._actions:
            flags.update(s for s in a.option_strings if s.startswith("--"))
            if isinstance(a, argparse._SubParsersAction):
                stack.extend(a.choices.values())
    helptext = subprocess.run([sys.executable, "-m", "verify.selftest", "--help"], cwd=ROOT,
                              capture_output=True, text=True, timeout=60).stdout
    flags.update(re.findall(r"--[a-z][a-z0-9-]*", helptext))
    return flags


def test_docs_cite_only_flags_that_exist():
    """Every --flag named in README.md and docs/*.md is an option of salign (some subcommand)
    or of `python -m verify.selftest` (docs/experiments.md cited a `--full` that did not)."""
    known = _known_flags()
    assert "--full" not in known and "--full-reproduction" in known  # the control
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        cited = set(re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", doc.read_text(encoding="utf-8")))
        assert not cited - known, f"{doc.name} cites options that do not exist: {cited - known}"


def test_readme_test_command_sets_ci_profile_and_matches_ci_script():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("Run the tests", 1)[1].split("\n\n", 2)[1]
    command = section.strip().split(" && ")[-1]
    assert command == "HYPOTHESIS_PROFILE=ci python -m pytest -q"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert command in ci, ".ci/run does not run the README's test command"


# --- provenance: every solver and library version; `inputs` in every JSON output --------------

def test_provenance_records_solvers_and_libraries(monkeypatch):
    from verify.core import provenance as P

    v = P.versions()
    for dist in ("z3-solver", "cvc5", "numba", "jax", "dask", "distributed", "sympy", "mpmath",
                 "numpy", "python-flint", "matplotlib", "scikit-learn"):
        assert isinstance(v.get(dist), str) and v[dist], dist
    import z3

    assert v["z3-solver"].startswith(z3.get_version_string())
    # a library that is not installed is recorded as "absent", not an error
    monkeypatch.setitem(P._DISTS, "no-such-dist-salign", "no_such_module_salign")
    assert P.versions()["no-such-dist-salign"] == "absent"


def test_prove_json_has_inputs(capsys):
    assert main(["prove", "lem22-bound", "--json", "--timeout", "20"]) == 0
    obj = json.loads(capsys.readouterr().out)
    assert obj["inputs"] == {"ids": ["lem22-bound"], "timeout": 20.0, "smt_dir": None}
    assert obj["provenance"]["versions"]["cvc5"] != "absent"


# network.json's `inputs`: tests/network/test_command.py::test_json_shape_and_markdown (shares its
# module's tiny study run, ~20 s, rather than paying for another)


def test_selftest_json_has_inputs(tmp_path, monkeypatch):
    from verify.selftest import runner

    monkeypatch.setattr(runner, "run_fuzz", lambda quick: {"exit_code": 0, "summary": "stub",
                                                           "seconds": 0.0})
    assert runner.main(["--only", "fuzz", "--out", str(tmp_path / "st")]) == 0
    data = json.loads((tmp_path / "st" / "selftest.json").read_text())
    assert data["inputs"]["mode"] == "quick" and data["inputs"]["only"] == "fuzz"
    assert data["provenance"]["versions"]["numba"]


# --- CLI and API polish --------------------------------------------------------------------------

@pytest.mark.parametrize("argv,needles", [
    (["network", "--help"], ["--seed SEED", "master seed", "default: 0"]),
    (["prove", "--help"], ["default: 30"]),
    (["simulate", "--help"], ["to switch methods at (default: never)", "(default: --method's"]),
    (["diagram", "--help"], ["--json"]),
])
def test_help_names_defaults(capsys, argv, needles):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 0
    out = " ".join(capsys.readouterr().out.split())  # argparse wraps lines
    for n in needles:
        assert n in out, n


SMALL = {"eigenvalues": ["4", "4", "1", "1", "1"], "k": 2, "noise": {"sigma": "1"},
         "state": ["1", "1", "1", "1", "1"], "eta": "0.1"}


def test_diagram_prints_json_only_with_json_flag(tmp_path, capsys):
    case = tmp_path / "c.json"
    case.write_text(json.dumps(SMALL))
    png = tmp_path / "pd.png"
    assert main(["diagram", "--case", str(case), "--out", str(png)]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and out.startswith(f"wrote {png}") and "{" not in out
    assert main(["diagram", "--case", str(case), "--out", str(png), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["inputs"]["out"] == str(png)


@pytest.mark.parametrize("name,expect", [("s.json", "{out}"), ("s.npz", "{out}"),
                                         ("sdir", "{out}/simulate.npz and {out}/simulate.json")])
def test_simulate_says_where_it_wrote(tmp_path, capsys, name, expect):
    out = tmp_path / name
    assert main(["simulate", "--paper-spectrum", "--d", "8", "--k", "2", "--steps", "5",
                 "--seeds", "2", "--out", str(out)]) == 0
    line = capsys.readouterr().out
    assert line.count("\n") == 1
    assert line.startswith("wrote " + expect.format(out=out) + ": SGD samples, 5 steps × 2 seeds")


def test_api_simulate_without_eta_is_a_clear_error():
    import verify
    from verify.core.errors import CaseError

    case = verify.make_case([4, 4, 1, 1, 1], 2, [1] * 5, sigma=1)
    assert case.eta is None
    with pytest.raises(CaseError, match="no step size"):
        verify.simulate(case, steps=3)
    assert verify.simulate(case, steps=3, eta=0.1).alignment.shape[0] == 4  # the control


@pytest.mark.parametrize("eta", ["-1", -1, 0, "0", "-1/10", float("nan"), "abc"])
def test_api_evaluate_rejects_a_non_positive_eta(eta):
    import verify
    from verify.core.errors import CaseError

    case = verify.make_case([4, 4, 1, 1, 1], 2, [1] * 5, sigma=1)
    with pytest.raises(CaseError, match="'eta'"):
        verify.evaluate(case, eta=eta, dps=10)


def test_api_evaluate_reads_eta_as_written():
    import verify

    case = verify.make_case([4, 4, 1, 1, 1], 2, [1] * 5, sigma=1)
    assert verify.evaluate(case, eta=0.1, dps=20) == verify.evaluate(case, eta="1/10", dps=20)


def test_network_negative_control_that_passes_is_not_called_disagree(tmp_path, capsys,
                                                                     monkeypatch):
    from verify.network import command

    if not command.available():
        pytest.skip("network extra (jax, scikit-learn) not installed")
    import verify.network.report as report
    import verify.network.run as run

    preds = [{"name": "η* (NEGATIVE CONTROL: shifted 5 %)", "agree": False,
              "expected_agree": False, "agree_count": "0/2"},
             {"name": "η* of the quadratic", "agree": True, "agree_count": "2/2"},
             {"name": "θ_crit of the quadratic", "agree": False, "agree_count": "0/2"}]
    monkeypatch.setattr(run, "run_network", lambda quick, seed, **kw: {
        "predictions": [], "control": {"predictions": preds}, "timings": {"total": 0.0},
        "power": {"summary": {"line": "power: (stub)"}}})
    monkeypatch.setattr(report, "write_outputs", lambda result, out: None)
    assert main(["network", "--quick", "--out", str(tmp_path / "n")]) == 0
    lines = capsys.readouterr().out.splitlines()
    neg = next(ln for ln in lines if "NEGATIVE CONTROL" in ln)
    assert "rejected (control passes)" in neg and "DISAGREE" not in neg
    assert any(ln.startswith("control  agree (2/2)") for ln in lines)
    assert any(ln.startswith("control  DISAGREE") and "θ_crit" in ln for ln in lines)


@pytest.mark.parametrize("status", ["solver disagreement", "solver error"])
def test_prove_solver_trouble_is_inconclusive_not_exit_1(capsys, monkeypatch, status):
    """Exit 1 means only `--strict` with a refuted claim: a solver disagreement or failure is
    inconclusive (exit 3, one line on stderr)."""
    from verify.proofs import driver

    assert status in (driver.DISAGREE, driver.ERROR)
    fake = {"claim_id": "thm2", "status": status, "evidence": "faked", "counterexample": None,
            "obligation_file": None, "solvers": {n: {"answer": "sat", "seconds": 0.0}
                                                 for n in ("z3", "cvc5")}}
    monkeypatch.setattr(driver, "prove", lambda ids, timeout, smt_dir: [dict(fake)])
    assert main(["prove", "thm2"]) == 3
    err = [ln for ln in capsys.readouterr().err.splitlines() if ln.startswith("salign:")]
    assert err == [f"salign: inconclusive: thm2: {status}: faked"]


def test_text_output_has_no_python_reprs(tmp_path, capsys, monkeypatch):
    """phases and reproduce print values, not Python reprs (dicts, lists, None, True)."""
    assert main(["phases", "--paper-spectrum", "--d", "40", "--k", "4", "--eta", "0.003"]) == 0
    out = capsys.readouterr().out
    assert "assumption14:\n  eta_bound" in out and "t_star" in out
    for repr_ in ("{", "[", "None", "True", "False"):
        assert repr_ not in out, repr_
    from types import SimpleNamespace

    import verify.execution.reproduce_tasks as rt
    import verify.simulation.reproduce as rp

    row = {"m": 5, "steady_mean": "0.554896", "ci95": ["0.5521", "0.5577"],
           "finite_d_expected": "0.554427", "theta_inf": "0.55", "theta_inf_small_eta": "0.54"}
    monkeypatch.setattr(rt, "reproduce", lambda ms, workers, scheduler: SimpleNamespace(
        rows=[row], phase1=[], setting={}))
    monkeypatch.setattr(rp, "figures", lambda res, where: None)
    assert main(["reproduce", "--quick", "--out", str(tmp_path / "r")]) == 0
    out = capsys.readouterr().out
    assert out == ("m =    5: steady state 0.554896, 95 % CI [0.5521, 0.5577]; exact finite-d "
                   "0.554427; θ_∞ 0.55 (small-η 0.54)\n")
    assert "'" not in out and "None" not in out


def test_api_prove_and_its_errors():
    import verify
    from verify.core.errors import UsageError

    r = verify.prove("lem22-bound", timeout=20)
    assert r["status"] == "proved (two solvers)" and r["claim_id"] == "lem22-bound"
    with pytest.raises(UsageError, match="no SMT encoding"):
        verify.prove("no-such-claim")
    with pytest.raises(UsageError, match="timeout"):
        verify.prove("lem22-bound", timeout=-1)


def test_prove_reports_progress_with_rate_and_eta(capsys):
    assert main(["prove", "lem22-bound", "--json"]) == 0
    err = capsys.readouterr().err
    assert re.search(r"lem22-bound: proved \(two solvers\) \(1/1 claims \(100%\), "
                     r"[\d.e+-]+ claims/s, ETA ", err)


def test_check_says_where_each_witness_was_written(tmp_path, capsys):
    cex = tmp_path / "cex"
    assert main(["check", "thm8-main", "lem22", "--profile", "quick", "--cases-dir", str(cex)]) == 0
    err = capsys.readouterr().err
    where = cex / "thm8-main.json"
    assert where.exists()
    assert (f"thm8-main: witness written to {where} (re-check: salign eval --case {where} "
            "--claim thm8-main)") in err
    assert "lem22: witness" not in err
    assert main(["check", "lem22", "--profile", "quick", "--cases-dir", str(tmp_path / "none")]) == 0
    assert "no witness to write" in capsys.readouterr().err


@pytest.mark.parametrize("field,value", [("state", ["1e200", "1", "1", "1"]),
                                         ("eigenvalues", ["1e400", "2", "1", "0.5"]),
                                         ("noise", {"sigma": "1e300"})])
@pytest.mark.parametrize("cmd", [["simulate", "--steps", "3", "--eta", "0.1", "--out", "{tmp}/s.json"],
                                 ["diagram", "--out", "{tmp}/d.png"],
                                 ["phases", "--eta", "0.1"]])
def test_case_beyond_float64_refused_by_float_commands(tmp_path, capsys, field, value, cmd):
    """A valid (exact) case whose numbers overflow float64: the float64 commands refuse it in one
    line (they gave a traceback, or silently computed on inf)."""
    obj = {"eigenvalues": ["3", "2", "1", "0.5"], "k": 2, "noise": {"sigma": "0.5"},
           "state": ["1", "1", "1", "1"], field: value}
    case = tmp_path / "big.json"
    case.write_text(json.dumps(obj))
    argv = [cmd[0], "--case", str(case)] + [a.replace("{tmp}", str(tmp_path)) for a in cmd[1:]]
    assert main(argv) == 2
    _one_error_line(capsys.readouterr().err, "exceed float64's range", str(case))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.json"]


@pytest.mark.parametrize("m", ["1e10", "1e308"])
def test_paper_spectrum_gap_too_large_rejected(capsys, m):
    assert main(["phases", "--paper-spectrum", "--m", m, "--eta", "0.003"]) == 2
    _one_error_line(capsys.readouterr().err, "--m", "at most")


@pytest.mark.parametrize("argv", [["check", "thm2", "--out", ""], ["check", "thm2", "--cases-dir", ""],
                                  ["check", "thm8-main", "--paper-states-dir", ""],
                                  ["prove", "thm2", "--smt-dir", ""],
                                  ["simulate", "--paper-spectrum", "--out", ""],
                                  ["reproduce", "--out", ""], ["sweep", "--out", ""]])
def test_empty_output_path_is_an_error_not_no_output(capsys, monkeypatch, argv):
    monkeypatch.setattr("verify.execution.tasks.run_tasks", _not_called)
    monkeypatch.setattr("verify.proofs.driver.prove", _not_called)
    assert main(argv) == 2
    _one_error_line(capsys.readouterr().err, "empty path")


def _strict_json(text: str):
    def no_constant(c):
        raise AssertionError(f"{c} in JSON output (not JSON; a silently undefined number)")

    return json.loads(text, parse_constant=no_constant)


@pytest.mark.parametrize("argv,key,expect", [
    (["phases", "--case", "{case}", "--eta", "100"], "theta_end", None),  # unstable: overflows
    (["phases", "--paper-spectrum", "--sigma", "0", "--d", "10", "--k", "2", "--eta", "0.003"],
     "theta_inf", None),  # no noise: θ_∞ = 0/0
])
def test_phases_undefined_numbers_are_null_not_nan(tmp_path, capsys, argv, key, expect):
    case = tmp_path / "c.json"
    case.write_text(json.dumps({**SMALL, "eigenvalues": ["3", "2", "1", "0.5", "0.5"]}))
    argv = [a.replace("{case}", str(case)) for a in argv]
    assert main([*argv, "--json"]) == 0
    out = capsys.readouterr()
    rep = _strict_json(out.out)["report"]
    assert rep[key] is expect
    assert "RuntimeWarning" not in out.err and out.err == ""
    assert main(argv) == 0
    assert re.search(rf"{key}\s+undefined\n", capsys.readouterr().out)


def test_scheduler_address_of_a_non_dask_service_fails_in_time(capsys, monkeypatch):
    """Something listens at the address but never speaks Dask's protocol: Dask's own time-out
    does not cover that (it waited forever); one line naming the address, exit 2, in time."""
    import verify.execution.tasks as tasks

    monkeypatch.setattr(tasks, "CONNECT_TIMEOUT", 1.5)
    with socket.socket() as srv:
        srv.bind(("127.0.0.1", 0))
        srv.listen(4)  # the kernel completes the TCP handshake; nothing ever answers
        address = f"tcp://127.0.0.1:{srv.getsockname()[1]}"
        t0 = time.monotonic()
        assert main(["check", "thm2", "--scheduler", address]) == 2
        assert time.monotonic() - t0 < 15
    _one_error_line(capsys.readouterr().err, f"no Dask scheduler answered at {address}")


def test_ctrl_c_during_selftest_one_line_exit_130(tmp_path):
    out = tmp_path / "st"
    p = subprocess.Popen([sys.executable, "-m", "verify.selftest", "--only", "fuzz", "--out",
                          str(out)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                         text=True, start_new_session=True,
                         preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        time.sleep(4)  # the fuzz tests are running (a pytest subprocess, tens of seconds)
        assert p.poll() is None, "finished before it could be interrupted"
        os.killpg(p.pid, signal.SIGINT)
        err = p.communicate(timeout=60)[1]
        assert p.returncode == 130 and err.strip().splitlines() == ["selftest: interrupted"], err
        assert not out.exists()
    finally:
        kill_group(p)  # selftest and its pytest subprocess, also when an assertion above failed


@pytest.mark.parametrize("argv", [["--workers", "999"], ["--scheduler", "notaurl"], ["--bogus"],
                                  ["--quick", "--thorough"], ["--out", ""]])
def test_selftest_bad_arguments_one_line_exit_2(capsys, argv):
    from verify.selftest.runner import main as selftest_main

    assert selftest_main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and ("error" in err[0] or "empty path" in err[0]), err


def test_reproduce_write_failure_names_out_not_staging(tmp_path, capsys, monkeypatch):
    import errno
    from types import SimpleNamespace

    import verify.execution.reproduce_tasks as rt
    import verify.simulation.reproduce as rp

    def full(res, where):
        raise OSError(errno.ENOSPC, "No space left on device", str(Path(where) / "fig.png"))

    monkeypatch.setattr(rt, "reproduce", lambda ms, workers, scheduler: SimpleNamespace(
        rows=[], phase1=[], setting={}))
    monkeypatch.setattr(rp, "figures", full)
    out = tmp_path / "r"
    assert main(["reproduce", "--quick", "--out", str(out)]) == 2
    line = _one_error_line(capsys.readouterr().err, str(out), "No space left")
    assert "staging" not in line
    assert list(tmp_path.iterdir()) == []
