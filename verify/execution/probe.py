"""A small deterministic task for exercising the execution layer (tests, cluster checks): its
result depends only on its arguments, and it can be made to take a while."""

from __future__ import annotations

import time

import numpy as np

from verify.execution.tasks import task_seed


def probe(i: int, seed: int, seconds: float = 0.0) -> dict:
    """Sleep `seconds`, then draw from the task's own stream: {"i", "pid"-free summary}."""
    if seconds:
        time.sleep(seconds)
    rng = np.random.default_rng(task_seed(seed, f"probe-{i}"))
    x = rng.standard_normal(1000)
    return {"i": i, "sum": float(x.sum()), "max": float(x.max())}
