"""The Hypothesis proof-check suite: one property per margin claim that is not refuted.

Each property draws a problem and state (tests/strategies.py), a step size by the claim's
own η rule, steers the search towards small margins with `target()`, and asserts the claim's
inequality with exact or certified arithmetic. The paper's spectrum construction (at a small d)
is an explicit example. Refuted claims are covered by their counterexamples (test_claims.py).
"""

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, note, settings, target
from hypothesis import strategies as st

from tests.strategies import cases
from tests.test_claims import EXPECTED_REFUTED
from verify.cases import make_case
from verify.check import _etas
from verify.claims import CLAIMS_BY_ID, MARGINS
from verify.families import paper_spectrum
from verify.margins import certified_sign

PAPER_SMALL = make_case(paper_spectrum(50, d=20, k=2), 2, [1] * 20, sigma=Fraction(1, 2),
                        eta=Fraction(3, 1000))
VERIFIED = sorted(k for k in MARGINS if k not in EXPECTED_REFUTED)


@pytest.mark.parametrize("claim_id", VERIFIED)
@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(case=cases(max_d=5), seed=st.integers(0, 2**16))
@example(case=PAPER_SMALL, seed=0)
def test_claim_property(claim_id, case, seed):
    claim = CLAIMS_BY_ID[claim_id]
    margin = MARGINS[claim_id]
    smallest = None
    for eta in _etas(claim, case, np.random.default_rng(seed)):
        c = case.with_eta(eta) if eta is not None else case
        try:
            sign, val, _ = certified_sign(lambda c=c: margin(c))
        except ZeroDivisionError:
            continue
        if val is None or sign is None:
            continue
        fval = float(val) if isinstance(val, Fraction) else float(val.mid())
        smallest = fval if smallest is None else min(smallest, fval)
        note(c.to_json())
        assert sign > 0 or (not claim.strict and sign == 0), (claim_id, fval)
    if smallest is not None:
        target(-smallest, label=claim_id)  # steer the search towards small margins
