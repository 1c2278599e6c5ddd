"""Precision and tolerance policy, in one place.

Rational margins are decided exactly (Fraction). Irrational margins (square roots in θ*,
θ^crit) are computed in ball arithmetic (python-flint arb): the sign is *certified* when the
ball excludes 0; otherwise precision is escalated through PRECISION_LADDER_DPS and the
verdict is 'inconclusive' if the last rung cannot decide.
"""

PRECISION_LADDER_DPS = (30, 60, 120)
DEFAULT_DPS = 50
# relative agreement demanded between two independent high-precision evaluations (tests)
AGREEMENT_DIGITS = 40
# Monte Carlo: a mean agrees with its exact expectation when within this many standard errors
MC_SIGMAS = 4.5
# counterexample-search budget (random states per margin claim) by profile
PROFILES = {"quick": 120, "ci": 300, "thorough": 4000}
