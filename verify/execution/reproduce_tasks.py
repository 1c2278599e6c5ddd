"""The §7 reproduction as one task per gap m (verify.simulation.reproduce.run_sweep on a single m),
merged into one SweepResult in the order of the gaps.

Each task runs the paper's 7 seeds for its m with the same per-seed x_0 and noise stream rule as
the all-gaps run (x_0 from each seed, noise from SeedSequence(sum of seeds)), so a task's result
depends only on m: the merged result is the same serially and on any number of workers."""

from __future__ import annotations

import numpy as np

from verify.simulation.reproduce import SweepResult, run_sweep


def reproduce_one(m: int) -> SweepResult:
    """run_sweep for the single gap m (paper settings)."""
    return run_sweep(ms=(m,))


def merge(parts: list[SweepResult]) -> SweepResult:
    """Concatenate single-gap results along the gap axis."""
    first = parts[0]
    return SweepResult(
        ms=tuple(m for p in parts for m in p.ms), steps=first.steps,
        alignment=np.concatenate([p.alignment for p in parts], axis=1),
        loss=np.concatenate([p.loss for p in parts], axis=1),
        rows=[r for p in parts for r in p.rows], phase1=[r for p in parts for r in p.phase1],
        exact_alignment=np.concatenate([p.exact_alignment for p in parts], axis=0),
        setting=first.setting)


def reproduce(ms, workers: int = 1, scheduler: str | None = None) -> SweepResult:
    from verify.execution.tasks import run_tasks

    return merge(run_tasks(reproduce_one, [(m,) for m in ms], workers=workers, scheduler=scheduler,
                           label="reproduce"))
