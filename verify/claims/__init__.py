"""Every numbered result of the paper as a claim unit (`verify.claims.unit.Claim`), one module per
paper section, and the engine that checks them (`verify.claims.search.run_claim`).

    sec4  §4 + App. A.4–A.6   η*_t, g_gap, θ*_t (one SGD step)
    sec5  §5 + App. A.7       projected SGD: η^loss_S, θ^crit_t
    sec6  §6 + App. A.8       constant steps over time: Assumption 14, Theorems 15–16
    sec7  §7, App. B, §8      the experiments and the conclusion
"""

from verify.claims import sec4, sec5, sec6, sec7
from verify.claims.unit import Claim

CLAIMS: tuple[Claim, ...] = sec4.CLAIMS + sec5.CLAIMS + sec6.CLAIMS + sec7.CLAIMS
CLAIMS_BY_ID: dict[str, Claim] = {c.id: c for c in CLAIMS}
MARGINS = {c.id: c.margin for c in CLAIMS if c.margin is not None}

__all__ = ["CLAIMS", "CLAIMS_BY_ID", "MARGINS", "Claim"]
