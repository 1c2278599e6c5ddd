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

import hashlib
import logging
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

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
    bar = Progress(n, label, "tasks", stream=stream) if progress and n else None
    try:
        if scheduler is None and workers <= 1:
            out = []
            for i, a in enumerate(task_args):
                out.append(fn(*a))
                if on_result:
                    on_result(i, out[-1])
                if bar:
                    bar.update(i + 1)
            return out
        return _run_dask(fn, task_args, workers, scheduler, bar, keys, on_result)
    finally:
        if bar:
            bar.close()


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
                cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                       dashboard_address=None, silence_logs=logging.CRITICAL)
                client = Client(cluster)
            else:
                client = Client(scheduler, timeout="30s")
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
