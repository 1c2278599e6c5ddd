"""The mutation self-test as one task per mutant (verify.selftest.mutation), for
`python -m verify.selftest --workers N [--scheduler ADDRESS]`.

A task receives the mutant and only the slice of the baseline it needs (its covering tests and
their timings), runs it exactly as the in-process runner does (a forked child applies the
mutant and runs the covering tests, killed past its time limit), and returns the Outcome. The
outcome depends only on the mutant and the tests, so the report is the same whatever the
workers; a worker lost mid-mutant has its mutant rerun elsewhere."""

from __future__ import annotations

import os

_WARM: set[str] = set()  # test files this worker process has already imported


def _warm(M, tests: list[str]) -> None:
    """Import the covering tests' modules (and through them the project and its libraries) once
    per worker process, by a silent pytest collection, so that the forked child of every later
    mutant starts warm — as the in-process runner's children do after its baseline run. Without
    it each child imports pytest, Hypothesis, SymPy and the test modules from scratch."""
    files = sorted({t.split("::")[0] for t in tests} - _WARM)
    if not files:
        return
    import pytest

    with M._quiet():
        pytest.main(M.pytest_args(files, ["--collect-only"]))
    _WARM.update(files)


def run_one(item, base, timeout_factor: float, last: tuple[str, ...]):
    """Outcome of one mutant (`item` = (Mutant, old statement, new statement))."""
    os.environ["HYPOTHESIS_PROFILE"] = "mutation"
    from verify.selftest import mutation as M

    _warm(M, M.covering_tests(item[0], base, last))
    return M.run_mutants([item], base, jobs=1, timeout_factor=timeout_factor, last=last)[0]


def run_mutants(items: list, base, workers: int, scheduler: str | None, timeout_factor: float,
                progress=None, last: tuple[str, ...] = ()) -> list:
    """Like verify.selftest.mutation.run_mutants, one task per mutant on the execution layer;
    outcomes in input order. `progress(mutant, outcome)` is called for each as it finishes
    (completion order; the selftest's --checkpoint writes there), and the execution layer prints
    the aggregated done/total, rate and ETA."""
    from verify.execution.tasks import run_tasks
    from verify.selftest import mutation as M

    tasks = []
    for it in items:
        tests = M.covering_tests(it[0], base, last)
        part = M.Baseline(covered={t: base.covered[t] for t in tests},
                          seconds={t: base.seconds.get(t, 0.0) for t in tests}, failed=[], wall=base.wall)
        tasks.append((it, part, timeout_factor, tuple(last)))
    outcomes = run_tasks(run_one, tasks, workers=workers, scheduler=scheduler, label="mutants",
                         keys=[f"mutant-{it[0].key}" for it in items],
                         on_result=(lambda i, o: progress(items[i][0], o)) if progress else None)
    return outcomes
