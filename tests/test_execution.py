"""Execution layer (verify.execution): results in task order and identical whatever the scheduler
and worker count; a real cluster (scheduler + two worker processes on 127.0.0.1) survives the loss
of a worker mid-run with identical results; Ctrl-C leaves no partial output; `check` and `sweep`
give the same JSON serially and on workers; progress lines without \\r."""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.childproc import kill_group, start_interruptible
from verify.execution.probe import probe
from verify.execution.progress import Progress
from verify.execution.tasks import default_workers, run_tasks, task_seed

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
# --workers is capped by the machine's cores (a larger local cluster is refused)
two_cores = pytest.mark.skipif(default_workers() < 2, reason="--workers 2 needs 2 cores")


def _salign(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "verify", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)


def test_task_seed_depends_on_seed_and_key_only():
    assert task_seed(0, "a") == task_seed(0, "a")
    assert len({task_seed(0, "a"), task_seed(1, "a"), task_seed(0, "b")}) == 3
    assert 0 <= task_seed(2**63 - 1, "x") < 2**63


def test_progress_plain_lines_and_tty():
    buf = io.StringIO()
    p = Progress(10, "demo", "tasks", stream=buf, every=0.0, tty=False)
    for i in range(1, 11):
        p.update(i)
    p.close()
    text = buf.getvalue()
    assert "\r" not in text and text.endswith("demo: 10/10 tasks (100%), " + text.rsplit("(100%), ", 1)[1])
    assert all(ln.startswith("  demo: ") for ln in text.splitlines())
    buf = io.StringIO()
    p = Progress(4, "demo", stream=buf, tty=True)
    p.update(2)
    p.close()
    assert buf.getvalue().startswith("\r") and buf.getvalue().endswith("\n")


@two_cores
def test_local_cluster_same_results_in_task_order():
    args = [(i, 5, 0.0) for i in range(12)]
    serial = run_tasks(probe, args, workers=1, progress=False)
    assert [r["i"] for r in serial] == list(range(12))
    assert run_tasks(probe, args, workers=2, progress=False) == serial
    # negative control: another master seed changes every result
    other = run_tasks(probe, [(i, 6, 0.0) for i in range(12)], workers=1, progress=False)
    assert all(a != b for a, b in zip(serial, other))


@two_cores
def test_on_result_sees_every_task_as_it_finishes():
    """on_result (the selftest's checkpoint hook) gets each (index, result) once, serial and on
    workers, and the results it sees are the returned ones."""
    args = [(i, 5, 0.0) for i in range(8)]
    for workers in (1, 2):
        seen: dict[int, object] = {}
        out = run_tasks(probe, args, workers=workers, progress=False,
                        on_result=lambda i, r: seen.setdefault(i, r))
        assert sorted(seen) == list(range(8)) and [seen[i] for i in range(8)] == out


def _start(cmd: list[str], log: Path) -> subprocess.Popen:
    fh = open(log, "wb")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(cmd, cwd=ROOT, stdout=fh, stderr=subprocess.STDOUT,
                            start_new_session=True)


def _stop(p: subprocess.Popen) -> None:
    if p.poll() is None:
        p.terminate()
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


@pytest.mark.skipif(shutil.which("dask", path=str(BIN)) is None and shutil.which("dask") is None,
                    reason="the dask command-line tool is not installed")
def test_worker_killed_mid_run_same_results(tmp_path):
    """A scheduler and two workers (separate processes, loopback only); 16 tasks of 0.4 s; one
    worker is SIGKILLed while tasks are running; the run completes and equals the serial run."""
    dask = shutil.which("dask", path=str(BIN)) or shutil.which("dask")
    sched_file = tmp_path / "scheduler.json"
    procs = [_start([dask, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                     "--scheduler-file", str(sched_file)], tmp_path / "scheduler.log")]
    try:
        t0 = time.monotonic()
        while not sched_file.exists() and time.monotonic() - t0 < 30:
            time.sleep(0.1)
        address = json.loads(sched_file.read_text())["address"]
        for i in range(2):
            procs.append(_start([dask, "worker", address, "--nthreads", "1", "--no-nanny",
                                 "--host", "127.0.0.1", "--no-dashboard", "--name", f"w{i}"],
                                tmp_path / f"worker{i}.log"))
        from dask.distributed import Client

        with Client(address, timeout="30s") as c:
            c.wait_for_workers(2, timeout=60)
        args = [(i, 11, 0.4) for i in range(16)]
        box: dict = {}

        def go():
            try:
                box["res"] = run_tasks(probe, args, scheduler=address, progress=False)
            except BaseException as exc:  # reported below
                box["exc"] = exc

        th = threading.Thread(target=go)
        th.start()
        time.sleep(1.5)  # tasks are running on both workers (16 × 0.4 s / 2 workers = 3.2 s)
        victim = procs[1]
        assert th.is_alive() and victim.poll() is None, "the run must still be in progress"
        os.killpg(victim.pid, signal.SIGKILL)
        th.join(timeout=120)
        assert not th.is_alive() and "exc" not in box, box.get("exc")
        assert victim.wait(timeout=10) == -signal.SIGKILL
        assert box["res"] == run_tasks(probe, [(i, 11, 0.0) for i in range(16)], progress=False)
    finally:
        for p in reversed(procs):
            _stop(p)


def test_sigint_during_sweep_leaves_no_output(tmp_path):
    """SIGINT to a running sweep (the child takes it with the default handler, whatever the test
    runner ignores): exit 130, one line, nothing written; the child's process group is killed
    when the test fails."""
    out = tmp_path / "sw"
    err = tmp_path / "stderr.txt"
    with open(err, "wb") as fh:
        p = start_interruptible([sys.executable, "-m", "verify", "sweep", "--m", "5:500:30",
                                 "--eta", "0.002,0.004", "--d", "200", "--k", "20", "--seeds", "3",
                                 "--records", "200", "--out", str(out)], cwd=ROOT, stderr=fh,
                                stdout=subprocess.DEVNULL)
        try:
            t0 = time.monotonic()
            while ("sweep:" not in err.read_text() and time.monotonic() - t0 < 60
                   and p.poll() is None):
                time.sleep(0.1)
            time.sleep(0.5)
            assert p.poll() is None, "finished before it could be interrupted"
            p.send_signal(signal.SIGINT)
            rc = p.wait(timeout=60)
        finally:
            kill_group(p)
    assert rc == 130 and err.read_text().strip().endswith("salign: interrupted")
    assert not out.exists() or not any(out.iterdir())


def _same_bytes(x: str, y: str) -> None:
    """Identical bytes — unless the provenance differs because the checkout moved between the two
    runs (another commit in a shared working tree): then identical apart from `provenance`."""
    px, py = json.loads(x), json.loads(y)
    if px["provenance"] == py["provenance"]:
        assert x == y
    else:
        px.pop("provenance"), py.pop("provenance")
        assert json.dumps(px, sort_keys=True) == json.dumps(py, sort_keys=True)


@two_cores
def test_check_and_sweep_same_json_serial_and_on_workers(tmp_path):
    """Byte-identical JSON serially and on 2 local workers (the JSON holds no wall times)."""
    ids = ["thm2", "thm8-main", "lem24", "intro-box"]
    a = _salign("check", *ids, "--profile", "quick", "--json")
    b = _salign("check", *ids, "--profile", "quick", "--json", "--workers", "2")
    assert a.returncode == 0 and b.returncode == 0, (a.stderr, b.stderr)
    _same_bytes(a.stdout, b.stdout)
    assert "seconds" not in a.stdout
    sweep = ["sweep", "--m", "5,50", "--eta", "0.002,0.01", "--d", "40", "--k", "4", "--seeds", "3",
             "--records", "30", "--record-every", "10"]
    a = _salign(*sweep, "--out", str(tmp_path / "a"))
    b = _salign(*sweep, "--out", str(tmp_path / "b"), "--workers", "2")
    assert a.returncode == 0 and b.returncode == 0, (a.stderr, b.stderr)
    _same_bytes((tmp_path / "a" / "sweep.json").read_text(), (tmp_path / "b" / "sweep.json").read_text())
    assert (tmp_path / "a" / "sweep.png").read_bytes() == (tmp_path / "b" / "sweep.png").read_bytes()
    assert "\r" not in a.stderr and "sweep: 4/4 tasks (100%)" in a.stderr
    # negative control: another master seed gives other estimates
    c = _salign(*sweep, "--out", str(tmp_path / "c"), "--seed", "1")
    assert c.returncode == 0
    pa = json.loads((tmp_path / "a" / "sweep.json").read_text())["points"]
    pc = json.loads((tmp_path / "c" / "sweep.json").read_text())["points"]
    assert [p["estimate"] for p in pa] != [p["estimate"] for p in pc]
    assert [p["exact_finite_d"] for p in pa] == [p["exact_finite_d"] for p in pc]


@pytest.mark.slow
@two_cores
def test_full_quick_check_same_json_on_two_workers():
    a = _salign("check", "--profile", "quick", "--json", timeout=1800)
    b = _salign("check", "--profile", "quick", "--json", "--workers", "2", timeout=1800)
    assert a.returncode == b.returncode == 0
    _same_bytes(a.stdout, b.stdout)


def test_sweep_estimates_agree_with_exact_prediction(tmp_path):
    """Every stable point's z = (estimate − exact E[θ])/se is moderate: with 7 seeds z is
    Student-t with 6 degrees of freedom, P(|t₆| > 6) ≈ 0.001 per point. A point with ηλ₁ ≥ 2
    is reported unstable, without numbers."""
    r = _salign("sweep", "--m", "5,50", "--eta", "0.004,0.021", "--d", "40", "--k", "4", "--seeds",
                "7", "--records", "200", "--record-every", "20", "--out", str(tmp_path / "s"))
    assert r.returncode == 0, r.stderr
    pts = json.loads((tmp_path / "s" / "sweep.json").read_text())["points"]
    stable = [p for p in pts if p["stable"]]
    assert len(stable) == 2 and all(not p["stable"] and "estimate" not in p
                                    for p in pts if p["eta"] == 0.021)
    for p in stable:
        assert abs(p["z_vs_exact"]) < 6 and p["ci95"][0] < p["estimate"] < p["ci95"][1]
        # negative control: the ratio of expectations θ_∞ is a different number here (d = 40)
        assert abs(p["theta_inf"] - p["exact_finite_d"]) > 3 * p["se"]
