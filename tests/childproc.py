"""Child processes for the Ctrl-C tests (tests/test_error_contract.py, test_execution.py,
test_reliability.py): a child that takes SIGINT the way a terminal's Ctrl-C would reach it, and
a clean-up that leaves nothing running when a test fails."""

from __future__ import annotations

import os
import signal
import subprocess


def default_sigint() -> None:
    """preexec_fn: restore SIGINT's default disposition in the child before exec. A process
    started with SIGINT ignored (nohup, a background job of a non-interactive shell, some CI
    runners) passes the ignore on to its children, and Python then installs no KeyboardInterrupt
    handler: the test's SIGINT would do nothing."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_interruptible(argv: list[str], **kw) -> subprocess.Popen:
    """Popen `argv` in its own session (its own process group, as a shell job has) with SIGINT's
    default disposition restored; pass the result to kill_group in a `finally`."""
    return subprocess.Popen(argv, start_new_session=True, preexec_fn=default_sigint, **kw)


def kill_group(p: subprocess.Popen) -> None:
    """SIGKILL the child's whole process group (the child and anything it started: Dask workers,
    solvers, pytest subprocesses) unless it is gone already, and reap the child."""
    try:
        os.killpg(p.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        p.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass
