"""Tests mirroring verify/claims/sec7.py: the verdict of every claim of the section, a negative
control per checker, the counterexamples' strict re-check, and one Hypothesis property per true
margin claim."""

import numpy as np
import pytest

from tests.claims.checks import assert_verdict
from verify.claims import CLAIMS_BY_ID, sec7  # noqa: F401
from verify.claims.sec7 import log_vs_inverse_law
from verify.core.families import PAPER_M
from verify.core.results import CHECKED_NUMERICALLY as CHECKED
from verify.core.results import REFUTED
from verify.core.results import VERIFIED_SYMBOLICALLY as SYMBOLIC  # noqa: F401
from verify.simulation.phase1 import analyse

EXPECTED = {
    "sec7-two-phase": CHECKED,
    "sec7-limit": CHECKED,
    "sec7-phase1-poly": REFUTED,
    "sec7-log-m": REFUTED,
    "conclusion": REFUTED,
}


def test_every_claim_of_the_section_has_an_expected_verdict():
    assert set(EXPECTED) == {c.id for c in sec7.CLAIMS}


@pytest.mark.parametrize("claim_id", list(EXPECTED))
def test_verdict(claim_id):
    assert_verdict(claim_id, EXPECTED[claim_id])


# negative controls of the family / trajectory decision rules: they must reject data built to
# satisfy the opposite statement
def test_log_law_data_is_not_called_inverse_law():
    ms = np.array(PAPER_M, float)
    tis = 0.4 + 0.08 * np.log(ms)  # a genuinely logarithmic law on the same grid
    rl, ri, _ = log_vs_inverse_law(ms, tis)
    assert not ri < rl / 10  # the sec7-log-m refutation rule does not fire


def test_polynomial_decay_is_not_called_logistic():
    t = np.arange(0, 200, dtype=float)
    curve = 0.02 + 0.98 / (1 + t) ** 2  # polynomial decay towards a floor
    assert analyse(curve)["r2_logit_vs_t"] < 0.99  # the sec7-phase1-poly rule does not fire
    a = 1 / (1 + 0.01 * 1.5**t)  # a logistic curve is recognised
    assert analyse(a[:40])["r2_logit_vs_t"] > 0.999


def test_conclusion_holds_only_at_the_paper_step():
    from verify.claims.search import run_claim

    r = run_claim("conclusion", "quick", 0)
    assert r.status == REFUTED and "holds only for the paper's step size" in r.evidence
    assert r.severity["class"] == "statement or rate error"


def test_lem27_and_lem28_evidence_differ():
    from verify.claims.search import run_claim

    assert run_claim("lem27", "quick", 0).evidence != run_claim("lem28", "quick", 0).evidence


def test_conclusion_separates_clear_marginal_and_beyond_assumption14_failures():
    """§8's failures are told apart, each recomputed here from its definition: the evidence leads
    with a failure inside Assumption 14's step bound and away from η = 1/λ_1, where η* exceeds
    1/(λ_1+λ_d) by tens of percent; the marginal ones at η = 1/λ_1 and those beyond the paper's own
    step bound are counted separately."""
    from fractions import Fraction

    from verify.claims.search import run_claim
    from verify.claims.sec7 import GRID, _stationary_eta_star
    from verify.core.families import paper_spectrum

    r = run_claim("conclusion", "quick", 0)
    sev = r.severity
    clear = at1 = beyond = 0
    for m in (5, 50, 500):
        lam = paper_spectrum(m)
        gap = lam[49] - lam[50]
        step_bound = min(2 / lam[0], 2 * gap / (lam[0] ** 2 - lam[-1] ** 2))
        for j in GRID:
            eta = Fraction(j, 10) / lam[0]
            if _stationary_eta_star(lam, eta) < 1 / (lam[0] + lam[-1]):
                continue
            if j == 10:
                at1 += 1
            elif eta >= step_bound:
                beyond += 1
            else:
                clear += 1
    assert (sev["clear_inside_assumption14"], sev["at_one_over_lambda1"],
            sev["beyond_assumption14"]) == (clear, at1, beyond)
    assert clear > 0 and f"{clear} clear failures inside Assumption 14" in sev["why"]
    # the headline witness is a clear one: inside the step bound, not at 1/λ_1, ≥ 10 % over
    m, eta = int(r.failing["m"]), Fraction(r.failing["eta"])
    lam = paper_spectrum(m)
    assert r.failing["inside_assumption14"] == "True" and eta != 1 / lam[0]
    assert Fraction(r.failing["eta_star"]) * (lam[0] + lam[-1]) > Fraction(11, 10)
