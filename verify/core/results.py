"""Result objects returned by checkers (data only; rendering lives in verify/report/render.py)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

VERIFIED_SYMBOLICALLY = "verified symbolically"
CHECKED_NUMERICALLY = "checked numerically"
REFUTED = "refuted"
OUTSIDE = "outside hypotheses"
INCONCLUSIVE = "inconclusive"
STATUSES = (VERIFIED_SYMBOLICALLY, CHECKED_NUMERICALLY, REFUTED, OUTSIDE, INCONCLUSIVE)
# `salign prove` / `salign certify` (verify/proofs): an exact certificate re-checked by the
# project's own checker; the encoding unsat under z3 and cvc5
PROVED_CERTIFICATE = "proved (certificate)"


@dataclass
class CheckResult:
    claim_id: str
    status: str
    evidence: str
    n_states: int = 0
    dps: int = 0
    min_margin: str | None = None
    certified: bool = False
    counterexample: dict[str, Any] | None = None
    failing: dict[str, str] = field(default_factory=dict)
    corrected_by: str | None = None
    # margin searches: states whose margin is exactly 0 and not a violation (boundary points),
    # states whose sign stayed undecided at the top precision, and the region covered
    n_boundary: int = 0
    n_undecided: int = 0
    coverage: dict[str, int] = field(default_factory=dict)
    # the command that re-checks this verdict from a fresh shell
    recheck: str | None = None
    # for refuted claims: how much the refutation matters (verify.claims.severity)
    severity: dict[str, Any] | None = None
    seconds: float = 0.0

    def to_json_obj(self, with_time: bool = False) -> dict[str, Any]:
        d = asdict(self)
        if not with_time:
            d.pop("seconds")
        return d
