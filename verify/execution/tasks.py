"""Run independent tasks serially, on a local Dask cluster of processes, or on an existing Dask
cluster, with results in task order and aggregated progress.

Determinism: a task's result may depend only on its arguments. Randomness is derived per task
(`task_seed(seed, key)`), never per worker or per process, so the results — and every output
built from them — are byte-identical whatever the scheduler and the number of workers.

Fault tolerance: with Dask, a task whose worker dies (killed, out of memory, machine lost) is
rescheduled on another worker by the scheduler (up to `distributed.scheduler.allowed-failures`
times); since tasks are pure functions of their arguments, the rerun gives the same result.
Ctrl-C cancels the outstanding tasks and closes the cluster; callers write outputs only after
`run_tasks` returns (atomically), so an interrupted run leaves no partial output.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import signal
import socket
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlsplit

from verify.core.errors import UsageError
from verify.execution.progress import Progress


def task_seed(seed: int, key: str) -> int:
    """A 63-bit seed for the task named `key` under the master `seed`: the first 8 bytes of
    SHA-256("seed:key"). Depends on nothing else (not the worker, not the order of execution)."""
    h = hashlib.sha256(f"{int(seed)}:{key}".encode()).digest()
    return int.from_bytes(h[:8], "big") & (2**63 - 1)


def default_workers() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def max_workers() -> int:
    """The most local worker processes a run may ask for: the cores this process may use (more
    would only oversubscribe them, and a large LocalCluster cannot even start in time)."""
    return default_workers()


def check_workers(workers: int) -> int:
    """`workers` if 1 ≤ workers ≤ max_workers(), else a one-line UsageError."""
    cap = max_workers()
    if not 1 <= workers <= cap:
        raise UsageError(f"--workers {workers}: must lie in 1..{cap} (this machine has {cap} "
                         f"core{'s' if cap != 1 else ''}; use --scheduler for a larger cluster)")
    return workers


_SCHEMES = ("tcp", "tls", "ws", "wss")


def parse_scheduler(address: str) -> tuple[str, str, int]:
    """(scheme, host, port) of a Dask scheduler address 'tcp://host:port' (also tls, ws, wss;
    a bare 'host:port' means tcp, as in Dask), else a one-line UsageError. Checks the form
    only; nothing is connected to."""
    bad = UsageError(f"--scheduler {address!r}: not a Dask scheduler address; give "
                     "tcp://HOST:PORT")
    text = address.strip()
    if not text or any(c.isspace() for c in text):
        raise bad
    try:
        u = urlsplit(text if "://" in text else "tcp://" + text)
        port = u.port
    except ValueError:
        raise bad from None
    if u.scheme not in _SCHEMES or not u.hostname or port is None or not 1 <= port <= 65535 \
            or u.path not in ("", "/") or u.query or u.fragment or u.username or u.password:
        raise bad
    return u.scheme, u.hostname, port


def workers_arg(text: str) -> int:
    """argparse type of --workers: an integer in 1..max_workers()."""
    import argparse

    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    try:
        return check_workers(v)
    except UsageError as exc:
        raise argparse.ArgumentTypeError(str(exc).split(": ", 1)[1]) from None


def scheduler_arg(text: str) -> str:
    """argparse type of --scheduler: a well-formed Dask scheduler address (not yet connected)."""
    import argparse

    try:
        parse_scheduler(text)
    except UsageError:
        raise argparse.ArgumentTypeError(f"not a Dask scheduler address: {text!r} (give "
                                         "tcp://HOST:PORT)") from None
    return text


def _reach_scheduler(address: str, timeout: float = 5.0) -> None:
    """Fail fast, with one line naming the scheduler, when nothing listens at its address."""
    _, host, port = parse_scheduler(address)
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except OSError as exc:
        why = exc.strerror or str(exc) or type(exc).__name__
        raise UsageError(f"cannot reach the Dask scheduler at {address}: {why}") from None


CONNECT_TIMEOUT = 30.0  # seconds for an existing scheduler to answer


def _connect(client_cls, address: str):
    """A Client of the scheduler at `address`, or a one-line UsageError within CONNECT_TIMEOUT
    (+ 5 s) seconds. Dask's own timeout does not cover a peer that accepts the connection but
    never speaks its protocol (any other TCP service): it then waits forever, so the Client is
    made on a daemon thread and abandoned when it does not answer in time."""
    box: dict = {}

    def connect() -> None:
        try:
            box["client"] = client_cls(address, timeout=f"{CONNECT_TIMEOUT}s")
        except BaseException as exc:  # reported on the calling thread
            box["error"] = exc

    t = threading.Thread(target=connect, name="salign-connect", daemon=True)
    t.start()
    t.join(CONNECT_TIMEOUT + 5)
    if t.is_alive():
        raise UsageError(f"no Dask scheduler answered at {address} within {CONNECT_TIMEOUT:g} s "
                         "(something listens there, but not a Dask scheduler?)")
    if "error" in box:
        exc = box["error"]
        if isinstance(exc, (OSError, ValueError)):  # TimeoutError, refused, comm closed, …
            raise UsageError(f"cannot connect to the Dask scheduler at {address}: "
                             f"{exc or type(exc).__name__}") from None
        raise exc
    return box["client"]


@contextlib.contextmanager
def _workers_ignore_sigint():
    """Ignore SIGINT in this process while the local cluster starts its worker processes: they
    inherit the disposition (an ignored signal stays ignored across exec, and Python then
    installs no KeyboardInterrupt handler), so a Ctrl-C at the terminal, which goes to the whole
    process group, interrupts only this process, which closes the cluster quietly — no worker
    prints a traceback. (A Ctrl-C during the start-up itself, a second or two, is lost.)"""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)


def _quiet_dask_logs() -> None:
    for name in ("distributed", "distributed.nanny", "distributed.scheduler", "distributed.worker",
                 "distributed.core", "distributed.comm", "distributed.batched", "tornado"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def run_tasks(fn: Callable[..., Any], task_args: Sequence[tuple], workers: int = 1,
              scheduler: str | None = None, progress: bool = True, label: str = "tasks",
              keys: Sequence[str] | None = None, stream=None,
              on_result: Callable[[int, Any], None] | None = None) -> list[Any]:
    """[fn(*a) for a in task_args], in task order.

    `on_result(i, result)` is called in this process as each task finishes (completion order),
    e.g. to checkpoint results so that an interrupted run can resume.

    workers = 1 and no scheduler: a plain loop in this process. workers > 1: a LocalCluster of
    `workers` single-threaded worker processes, closed afterwards. scheduler = "tcp://host:port":
    the tasks go to that existing cluster (workers is then ignored). `fn` must be importable
    by the workers (a module-level function of an installed package). `progress` prints
    done/total, rate and ETA to stderr (plain lines when stderr is not a terminal)."""
    task_args = [tuple(a) for a in task_args]
    n = len(task_args)
    if scheduler is not None:
        parse_scheduler(scheduler)
    elif workers > 1:
        check_workers(workers)
    bar = Progress(n, label, "tasks", stream=stream) if progress and n else None
    ok = False
    try:
        if scheduler is None and workers <= 1:
            out = []
            for i, a in enumerate(task_args):
                out.append(fn(*a))
                if on_result:
                    on_result(i, out[-1])
                if bar:
                    bar.update(i + 1)
            ok = True
            return out
        out = _run_dask(fn, task_args, workers, scheduler, bar, keys, on_result)
        ok = True
        return out
    finally:
        if bar:
            bar.close(final=ok)  # interrupted or failed: no closing count (one error line)


def _run_dask(fn, task_args, workers, scheduler, bar, keys, on_result=None):
    import dask
    from dask.distributed import Client, LocalCluster, as_completed

    _quiet_dask_logs()
    cluster = None
    # Task keys are derived from the task's position and arguments' repr, so they are stable
    # and unique; pure=False would make them random (harmless, but stable keys read better).
    name = getattr(fn, "__name__", "task")
    if keys is None:
        keys = [f"{name}-{i}-{hashlib.sha256(repr(a).encode()).hexdigest()[:12]}"
                for i, a in enumerate(task_args)]
    with dask.config.set({"distributed.worker.daemon": False,
                          "distributed.scheduler.allowed-failures": 5,
                          "distributed.admin.tick.limit": "1h"}):
        try:
            if scheduler is None:
                with _workers_ignore_sigint():
                    # ":0": the scheduler's HTTP server on a free port (None still binds
                    # 8787, and a second cluster on the machine then printed a UserWarning line,
                    # breaking the one-line error contract)
                    cluster = LocalCluster(n_workers=workers, threads_per_worker=1,
                                           processes=True, dashboard_address=":0",
                                           silence_logs=logging.CRITICAL)
                    client = Client(cluster)
            else:
                _reach_scheduler(scheduler)
                client = _connect(Client, scheduler)
            with client:
                futs = [client.submit(fn, *a, key=k, pure=False) for a, k in zip(task_args, keys)]
                index = {f.key: i for i, f in enumerate(futs)}
                results: list[Any] = [None] * len(futs)
                done = 0
                try:
                    for fut in as_completed(futs):
                        i = index[fut.key]
                        results[i] = fut.result()
                        if on_result:
                            on_result(i, results[i])
                        done += 1
                        if bar:
                            bar.update(done)
                except BaseException:
                    client.cancel(futs)
                    raise
                return results
        finally:
            if cluster is not None:
                cluster.close()


def log(msg: str) -> None:
    sys.stderr.write(msg + "\n")
    sys.stderr.flush()
