"""The CLI's error contract (issue 20): bad input → one line on stderr and exit 2, never a
traceback or a silently wrong number; exit 1 only for --strict with a refuted claim; Ctrl-C → one
line and exit 130; outputs checked writable before any computing, and written atomically."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

import pytest

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
        if p.poll() is None:
            p.kill()
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
    assert re.search(rf"init_ok\W+{init_ok}", capsys.readouterr().out)


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
