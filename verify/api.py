"""The Python API for notebooks and scripts: the same operations as the `salign` commands, returning
data instead of printing.

    >>> import verify
    >>> case = verify.load_case("cex/thm8-main.json")
    >>> verify.decide("thm8-main", case)["verdict"]          # 'violated'
    >>> q = verify.evaluate(case, eta="1/10", dps=30)         # every quantity, decimal strings
    >>> r = verify.check("thm8-corrected", profile="quick")   # a CheckResult (status, evidence, …)
    >>> tr = verify.simulate(case, steps=1000, seeds=4, eta=0.01)   # a Trajectory
    >>> verify.prove("thm6")["status"]                         # 'proved (two solvers)'
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from verify.core.cases import Case, load_case, make_case, parse_number


def evaluate(case: Case, eta: str | Fraction | float | None = None, dps: int = 50
             ) -> dict[str, str | None]:
    """Every quantity of the theory at the case (what `salign eval` prints): decimal strings with
    `dps` significant digits, None where a quantity is undefined. `eta` overrides the case's step
    size; strings are read exactly ("0.1" is 1/10)."""
    from verify.core.theory import decimal_quantities

    if eta is not None:
        eta = _positive_eta(eta)
    return decimal_quantities(case, dps, eta if eta is not None else case.eta)


def _positive_eta(eta: str | Fraction | float | int) -> Fraction:
    """A step size read exactly (strings and floats as their decimal, "0.1" and 0.1 both 1/10);
    not a finite positive number → CaseError (the one-line message the CLI gives)."""
    from verify.core.errors import CaseError

    q = eta if isinstance(eta, Fraction) else parse_number(str(eta), "eta")
    if q <= 0:
        raise CaseError("eta", f"must be positive, got {eta!r}")
    return q


def decide(claim_id: str, case: Case) -> dict[str, Any]:
    """A margin claim's verdict at one case (what `salign eval --claim` prints): verdict (holds /
    violated / boundary / outside hypotheses / undecided), the margin (negative = violated) and the
    two sides of its inequality."""
    from verify.claims.search import evaluate_claim

    return evaluate_claim(claim_id, case)


def check(claim_id: str, profile: str = "ci", seed: int = 0):
    """Run one claim's checker (what `salign check ID` does) and return its `CheckResult`: status,
    evidence, counterexample (a case object), severity for refuted claims, the re-check command."""
    from verify.claims.search import run_claim

    return run_claim(claim_id, profile, seed)


def prove(claim_id: str, timeout: float = 30.0) -> dict[str, Any]:
    """Decide an encoded claim for every dimension d (what `salign prove ID` does): z3 and cvc5 on
    its moment-reduction obligation. Returns the result dict: status ("proved (two solvers)", "refuted",
    "undecided by solvers", "solver disagreement", "solver error"), evidence, the solvers'
    answers and, when refuted, the re-checked counterexample (a case object)."""
    import math

    from verify.core.errors import UsageError
    from verify.proofs.driver import prove as _prove
    from verify.proofs.registry import ENCODINGS, NOT_ENCODED

    if claim_id not in ENCODINGS:
        why = NOT_ENCODED.get(claim_id, "unknown claim id (see verify.claims.CLAIMS)")
        raise UsageError(f"claim '{claim_id}' has no SMT encoding: {why}")
    if not (isinstance(timeout, (int, float)) and math.isfinite(timeout) and 0 < timeout <= 3600):
        raise UsageError(f"timeout must lie in (0, 3600] seconds, got {timeout!r}")
    return _prove([claim_id], float(timeout))[0]


def simulate(case: Case, steps: int, seeds: int = 1, eta: float | None = None, method: str = "sgd",
             seed: int = 0, record_every: int = 1):
    """Simulate SGD / Dom-SGD ("dsgd") / Bulk-SGD ("bsgd") from the case's state (every seed row
    starts there) with the case's noise, in float64 (`verify.simulation.engines.simulate`).
    Returns a Trajectory with alignment and loss per recorded step."""
    from verify.core.errors import CaseError
    from verify.simulation.engines import case_arrays
    from verify.simulation.engines import simulate as _simulate

    if eta is None and case.eta is None:
        raise CaseError("eta", "the case has no step size: give simulate(case, …, eta=…) or a case "
                               "file with an 'eta' field")
    step = float(_positive_eta(eta) if eta is not None else case.eta)
    lam, kap, x0, chol = case_arrays(case, seeds)
    return _simulate(lam, case.k, kap, x0, step, steps, seed, method=method, chol=chol,
                     record_every=record_every)


__all__ = ["Case", "check", "decide", "evaluate", "load_case", "make_case", "prove", "simulate"]
