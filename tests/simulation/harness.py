"""Shared machinery of the simulation property suite: the Hypothesis bookkeeping (examples,
discards, decision counts) around the package's one implementation of the samplers, exact
references and decisions, verify/simulation/evidence.py (the same functions the audit's
simulation stage runs). Every draw goes through the package's engines: one-step alignments through
`engines.grouped_sgd` (exact in law), one-step loss changes through `engines.simulate` (the numpy
engine), trajectories through `grouped_sgd` / `fused.simulate_fused`.

Decision rule (fixed before any simulation; identical for every property and for its negative
control). A property predicts, for a simulated statistic X (one-step alignment, one-step loss
change, an increment of a trajectory, a late-phase alignment):
  * a reference value μ = E[X] computed exactly (Fraction) or at ≥ 30 digits (mpmath), and/or
  * a direction: sign·(E[X] − baseline) > 0.
With n draws, mean X̄ and standard error SE = sd/√n:
  consistency   accept iff |X̄ − μ| ≤ Z·SE,
  direction     accept iff sign·(X̄ − baseline) ≥ Z·SE,            Z = 6.
The draw count is chosen from the predicted effect e = μ − baseline before the main sample is
drawn: n = max(N_MIN, ⌈(RESOLVE·sd/|e|)²⌉), RESOLVE = 15, with sd exact where the variance has a
closed form (loss changes: Var of a Gaussian quadratic form, exact rationals) and otherwise the
sd of an independent pilot sample of N_PILOT draws (Stein's two-stage plan). When the prediction
is right the expected direction z-score is ≥ 15·(planned SE/actual SE) ≥ 12 for a pilot error
≤ 25 %, so a direction test fails only on a ≥ 6-SE downward deviation.

False alarms (normal approximation of means of n ≥ N_MIN = 4000 draws): a correct prediction
is rejected with probability ≤ P(|N(0,1)| > 6) + P(N(0,1) > 6) ≈ 2.0e-9 + 1.0e-9 = 3e-9 per
decision. The suite counts its decisions (DECISIONS); the per-run false-alarm probability is at
most 3e-9 × DECISIONS by the union bound: ≈ 610 decisions ⇒ ≤ 2e-6 under the ci profile;
≈ 13 000 decisions for the one-step modules alone ⇒ ≤ 4e-5 under HYPOTHESIS_PROFILE=thorough
(the terminal summary printed by tests/simulation/conftest.py reports the run's own count).

Discards. An example is dropped only by a rule applied before simulating, from exact numbers:
  * "unresolvable": the planned n exceeds the draw budget N_MAX (effect too small to resolve),
    or the effect is below float64 resolution (|effect|/15 < 1e-12 × the simulated scale),
  * "finite-d gap": for a d → ∞ claim, no replication factor r ≤ R_MAX brings the exact
    finite-d gap |E_fd − lim| below |e|/4.
Every discard is counted per property (DISCARDS) and reported with hypothesis.event(); each
module's last test asserts that discards stay below half of the simulated examples.
"""

from __future__ import annotations

import math
import os
from collections import Counter
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from hypothesis import assume, event

from verify.simulation import evidence as EV  # the one implementation of samplers and decisions

Z = EV.Z
RESOLVE = EV.RESOLVE
N_MIN = EV.N_MIN
N_PILOT = EV.N_PILOT
N_MAX = EV.N_MAX
R_MAX = EV.R_MAX
FALSE_ALARM_PER_DECISION = EV.FALSE_ALARM_PER_DECISION

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "dev")
_SCALE = {"thorough": 25}.get(PROFILE, 1)

DISCARDS: Counter = Counter()  # (property, rule) → count
SIMULATED: Counter = Counter()  # property → examples simulated and decided (count())
DECISIONS: Counter = Counter()  # property → z-test decisions made (positive properties)


def examples(ci: int) -> int:
    """Examples of a simulation property: `ci` under ci/dev, 25× under HYPOTHESIS_PROFILE=thorough."""
    return ci * _SCALE


def count(prop: str) -> None:
    """Record one simulated-and-decided example of a property (called before its assert)."""
    SIMULATED[prop] += 1


def discard(prop: str, rule: str) -> None:
    """Drop the current example by a pre-simulation rule; counted and reported."""
    DISCARDS[(prop, rule)] += 1
    event(f"discarded: {rule}")
    assume(False)


Verdict = EV.Decision


def decide(sample: np.ndarray, *, reference=None, baseline=None, sign: int | None = None,
           prop: str | None = None, scale: float = 1.0) -> Verdict:
    """verify.simulation.evidence.decide (the fixed-z rule), counted per property."""
    v = EV.decide(sample, reference=reference, baseline=baseline, sign=sign, scale=scale)
    if prop is not None:
        DECISIONS[prop] += v.count
    return v


plan_draws = EV.plan_draws


# ------------------------------------------------------------------ exact references
mpf = EV.mpf
grouped_expected_ratio = EV.grouped_expected_ratio


def one_step_levels(lam, k: int, kap2, c, eta: Fraction, r: int):
    """Rows of grouped_expected_ratio for one SGD step from state c, each coordinate ×r."""
    return EV.one_step_levels(lam, k, kap2, [x * x for x in c], eta, r)


def grouped_theta_step(lam, k: int, kap2, c, eta: Fraction, r: int, n: int, seed) -> np.ndarray:
    """n one-step alignments from the state c replicated ×r: the package's grouped engine
    (verify.simulation.evidence.sample_theta_step → engines.grouped_sgd)."""
    return EV.sample_theta_step(lam, k, kap2, [x * x for x in c], eta, r, n, seed)


def loss_change_moments(lam, k: int, cov, c, eta: Fraction, block: str):
    """Exact mean and variance of the one-step DSGD/BSGD loss change (the package's
    verify.simulation.evidence.loss_moments on the equivalent case)."""
    from verify.core.cases import make_case

    case = make_case(list(lam), k, list(c), covariance=[list(r) for r in cov])
    return EV.loss_moments(case, eta, block)


def cov_matrix(case) -> list[list[Fraction]]:
    """C in the eigenbasis as exact rationals (diag(κ²) for isotropic/diagonal noise)."""
    if case.noise_kind == "covariance":
        return [list(r) for r in case.covariance]
    kap = case.kappa2
    return [[kap[i] if i == j else Fraction(0) for j in range(case.d)] for i in range(case.d)]


def rational_sqrt(x: Fraction, digits: int = 10) -> Fraction:
    """√x rounded to `digits` significant digits, as an exact rational."""
    return Fraction(f"{math.sqrt(float(x)):.{digits - 1}e}")


# ------------------------------------------------------------------ one-step alignment claims
def theta_step_check(case, eta: Fraction, sign: int, seed: int, prop: str) -> Verdict:
    """verify.simulation.evidence.theta_step_check (one SGD step of the ×r replicated state
    through the grouped engine, direction vs θ_t and consistency with the exact finite-d
    expectation); its pre-simulation rules become counted Hypothesis discards."""
    try:
        v = EV.theta_step_check(case, eta, sign, seed)
    except EV.Unresolvable as exc:
        discard(prop, exc.rule)
    DECISIONS[prop] += v.count
    return v


def check_discards(prop: str, min_simulated: int = 2) -> None:
    """Every property that simulated must have decided at least `min_simulated` examples and
    discarded no more examples than it decided (discards ≤ half of the examples that met the
    claim's hypotheses)."""
    dis = sum(v for (p, rule), v in DISCARDS.items() if p == prop and not rule.startswith("partial"))
    sim = SIMULATED[prop]
    if sim == 0 and dis == 0:
        return  # the property was not run in this session (e.g. -k selection)
    assert sim >= min_simulated and dis <= sim, (prop, "simulated", sim, "discarded", dis)


# ------------------------------------------------------------------ one-step loss claims
@dataclass(frozen=True)
class LossPlan:
    case: object
    eta: Fraction
    block: str
    mean: Fraction
    var: Fraction
    n: int


def loss_plan(case, eta: Fraction, block: str, prop: str, strict: bool = True) -> LossPlan | None:
    """Exact E ΔL and Var ΔL of DSGD ("D") / BSGD ("B") at `case`'s state
    (verify.simulation.evidence.loss_moments, whose mean is Theorem 10's
    `thresholds.expected_loss_change`) and the draw count with |E ΔL| ≥ RESOLVE·SE; discards
    ("unresolvable") when above N_MAX."""
    mean, var = EV.loss_moments(case, eta, block)
    try:
        n = EV.loss_plan(case, eta, block)
    except EV.Unresolvable:
        if not strict:
            return None
        discard(prop, "unresolvable")
    return LossPlan(case, eta, block, mean, var, n)


def loss_run(plan: LossPlan, sign: int, seed, prop: str) -> Verdict:
    """Simulate the plan's n one-step loss changes through the package's numpy engine
    (verify.simulation.evidence.loss_check); decide sign·E ΔL > 0 and E ΔL = exact."""
    v = EV.loss_check(plan.case, plan.eta, plan.block, sign, seed, n=plan.n)
    DECISIONS[prop] += v.count
    return v


on_family = EV.on_family
