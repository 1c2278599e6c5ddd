"""How much a refutation matters, measured rather than asserted.

Every refuted claim gets one of three classes, in the order a reviewer needs them:

1. **fails in the paper's own regime** — random states of the paper's §7 setting (its spectra,
   σ = 0.5, η = 0.003; states drawn from the initialisation x_0 ~ N(0, I), from the exact law of
   constant-step SGD at t = 100, 1 000, 10 000, and from the stationary law) violate the claim; the
   fraction is reported. Empirical claims refuted at the paper's own settings belong here too.
2. **statement or rate error** — the statement is wrong as a mathematical claim (a wrong bound,
   rate or equation), although the paper's §7 states do not exhibit it.
3. **missing hypothesis** — it fails only on states that violate a hypothesis the paper did not
   state (the claim unit names it as `missing_hypothesis`; the corrected claim adds it): the
   witness fails that predicate.

A special checker that measured its own class (e.g. `conclusion`) sets `CheckResult.severity`.
"""

from __future__ import annotations

import functools
import json
from fractions import Fraction
from typing import Any

import numpy as np

from verify.claims.unit import Claim
from verify.core import results as R
from verify.core.cases import loads_case, make_case
from verify.core.families import PAPER_M, paper_spectrum, q
from verify.core.signs import certified_sign

PAPER = "fails in the paper's own regime"
STATEMENT = "statement or rate error"
MISSING = "missing hypothesis"
RANK = {PAPER: 1, STATEMENT: 2, MISSING: 3}

PAPER_ETA = Fraction(3, 1000)
PAPER_SIGMA = Fraction(1, 2)
PAPER_TIMES = (0, 100, 1000, 10000, None)  # None: the stationary law


@functools.lru_cache(maxsize=4)
def paper_states(seed: int = 0, ms=PAPER_M) -> tuple:
    """Random states of the §7 setting: for each gap m and each time t of PAPER_TIMES, one state
    c with c_i ~ N(0, v_i(t)), v_i(t) = (1 − ηλ_i)^{2t}(1 − β_i) + β_i (Lemma 26 from x_0 ~ N(0, I);
    t = None: v_i = β_i), rounded to 6 significant digits; η = 0.003, σ = 0.5, d = 500, k = 50."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 7]))
    eta = float(PAPER_ETA)
    out = []
    for m in ms:
        lam = paper_spectrum(m)
        lf = np.array([float(x) for x in lam])
        beta = eta * 0.25 / (2 * lf - eta * lf * lf)
        for t in PAPER_TIMES:
            var = beta if t is None else (1 - eta * lf) ** (2 * t) * (1 - beta) + beta
            c = rng.standard_normal(len(lf)) * np.sqrt(var)
            out.append((m, t, make_case(lam, 50, [q(float(x), 6) for x in c], sigma=PAPER_SIGMA,
                                        eta=PAPER_ETA)))
    return tuple(out)


def paper_regime_violations(claim: Claim, seed: int = 0) -> tuple[int, int]:
    """(states of the §7 setting inside the claim's hypotheses, how many violate it strictly)."""
    n = bad = 0
    for _, _, case in paper_states(seed):
        sign, val, _ = certified_sign(lambda case=case: claim.margin(case))
        if val is None or sign is None:
            continue
        n += 1
        bad += claim.violated_by(sign)
    return n, bad


def classify(claim: Claim, result: R.CheckResult, seed: int = 0) -> dict[str, Any] | None:
    """The severity record of a refuted claim: {"class", "rank", "why", …}; None otherwise."""
    if result.status != R.REFUTED:
        return None
    if result.severity is not None:  # measured by the checker itself
        return {**result.severity, "rank": RANK[result.severity["class"]]}
    if claim.margin is not None:
        n, bad = paper_regime_violations(claim, seed)
        if bad:
            return {"class": PAPER, "rank": 1, "paper_states": n, "paper_violations": bad,
                    "why": f"{bad} of {n} random states of the paper's §7 setting (inside the claim's "
                           "hypotheses) violate it"}
        regime = f"none of {n} random §7 states inside its hypotheses violates it"
    elif claim.kind == "empirical":
        return {"class": PAPER, "rank": 1,
                "why": "refuted at the paper's own experimental settings (docs/experiments.md)"}
    else:
        regime = "checked on families, not on §7 states"
    witness = result.counterexample
    if claim.missing_hypothesis is not None and witness is not None:
        case = loads_case(json.dumps(witness))
        if not claim.missing_hypothesis(case):
            fix = f"; {claim.corrected_by} adds it" if claim.corrected_by else ""
            return {"class": MISSING, "rank": 3,
                    "why": f"the witness violates a hypothesis the paper did not state{fix}; {regime}"}
    return {"class": STATEMENT, "rank": 2,
            "why": f"the statement itself is wrong (see the evidence); {regime}"}
