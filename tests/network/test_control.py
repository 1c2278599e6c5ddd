"""The quadratic control through the network code path reproduces the paper's formulas; wrong
thresholds (λ⁴ in η^loss, a 5% shifted η*) are detected; same seed ⇒ same numbers."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("jax")
pytest.importorskip("sklearn")

from verify.network.experiment import agrees, analyze_state, score_state  # noqa: E402
from verify.network.problems import quadratic_control  # noqa: E402

SEEDS = range(8)


def _state(seed: int):
    pr = quadratic_control(d=30, k=4, n=400, seed=seed)
    return analyze_state(pr, pr.w0, b=4, k=4, ks=[4], R=300, grid=21, eta_train=0.25, seed=100 + seed,
                         boot=200)


@pytest.fixture(scope="module")
def states():
    return [_state(s) for s in SEEDS]


def _by_name(st):
    return {p["name"]: p for p in score_state(st, 4, "", wrong_control=True)}


def test_control_crossings_agree_within_monte_carlo_error(states):
    """95% intervals: each true prediction agrees in ≥ 6 of 8 independent controls
    (P(≤ 5 of 8) < 0.6% at 95% coverage)."""
    for name in ("eta_star (Θ ratio of expectations)", "eta_loss_D", "eta_loss_B"):
        hits = [_by_name(st)[name]["agree"] for st in states]
        assert sum(hits) >= 6, (name, hits)
    for st in states:  # the sign of Θ(η) − θ is right wherever the measurement is decisive
        p = _by_name(st)["sign of Θ(η) − θ over the η grid"]
        assert p["decisive_points"] >= 10 and p["agreeing_points"] == p["decisive_points"]


def test_negative_controls_disagree(states):
    """The intro box's λ⁴ thresholds and a 5% shifted η* are rejected (at most 1 of 8 by chance)."""
    for name in ("NEGATIVE CONTROL eta_loss_D with λ⁴ (intro box)",
                 "NEGATIVE CONTROL eta_loss_B with λ⁴ (intro box)"):
        hits = [_by_name(st)[name]["agree"] for st in states]
        assert sum(hits) <= 1, (name, hits)
    shifted = []
    for st in states:
        r = st["by_k"][4]
        shifted.append(agrees(1.05 * r["quantities_psd"]["eta_star"], r["cross_ratio"], st["etas"][-1]))
        assert agrees(1.05 * r["quantities_psd"]["eta_loss_D"], r["cross_loss_D"], st["etas"][-1]) is False
    assert sum(shifted) <= 1


def test_determinism_same_seed_same_numbers():
    a = json.dumps(score_state(_state(3), 4, ""), sort_keys=True)
    b = json.dumps(score_state(_state(3), 4, ""), sort_keys=True)
    assert a == b

