"""Tests mirroring verify/claims/sec7.py: the verdict of every claim of the section, a negative
control per checker, the counterexamples' strict re-check, and one Hypothesis property per true
margin claim."""

from fractions import Fraction

import numpy as np
import pytest

from tests.claims.checks import assert_verdict
from verify.claims import CLAIMS_BY_ID, sec7  # noqa: F401
from verify.claims.sec7 import log_vs_inverse_law
from verify.core.families import PAPER_M, paper_spectrum
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
    from verify.core.assumption14 import step_bound
    from verify.core.families import paper_spectrum

    r = run_claim("conclusion", "quick", 0)
    sev = r.severity
    clear = at1 = beyond = 0
    for m in (5, 50, 500):
        lam = paper_spectrum(m)
        bound = step_bound(lam, 50)
        for j in GRID:
            eta = Fraction(j, 10) / lam[0]
            if _stationary_eta_star(lam, eta) < 1 / (lam[0] + lam[-1]):
                continue
            if j == 10:
                at1 += 1
            elif eta >= bound:
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


# ---------------------------------------------------------------------------------------------
# The §7 decision rules on hand-made inputs and the paper-setting helpers against the paper's
# formulas (Lemma 26: E c_{i,t}² = (1 − ηλ_i)^{2t}(c_{i,0}² − β_i) + β_i, β_i = ηκ_i²/(2λ_i − ηλ_i²);
# Theorem 16: θ_∞ = Σ_D λ²β / Σ λ²β), at the §7 settings d = 500, k = 50, η = 0.003, σ = 0.5, T = 30000.

F = Fraction


def _theta_inf_exact(m):
    lam = paper_spectrum(m)
    eta, kap = F(3, 1000), F(1, 4)
    w = [x * x * eta * kap / (2 * x - eta * x * x) for x in lam]
    return sum(w[:50]) / sum(w)


def test_paper_expected_is_lemma26_at_the_paper_settings():
    """_paper_expected(m, t) is the ratio of expected energies from x_0 ~ N(0, I) (E c_{i,0}² = 1):
    Σ_D λ²/Σ λ² at t = 0, the Lemma 26 value at t = 1 (computed exactly), θ_∞ (Theorem 16) at
    t = 10⁶."""
    eta, kap = F(3, 1000), F(1, 4)
    for m in (5, 500):
        lam = paper_spectrum(m)
        a = sec7._paper_expected(m, np.array([0, 1, 10**6]))["alignment"]
        w = [x * x for x in lam]
        assert abs(a[0] - float(sum(w[:50]) / sum(w))) < 1e-13
        beta = [eta * kap / (2 * x - eta * x * x) for x in lam]
        e1 = [x * x * ((1 - eta * x) ** 2 * (1 - b) + b) for x, b in zip(lam, beta)]
        assert abs(a[1] - float(sum(e1[:50]) / sum(e1))) < 1e-13
        assert abs(a[2] - float(_theta_inf_exact(m))) < 1e-12


def test_paper_theta_inf_is_theorem16_exactly():
    """_paper_theta_inf() lists θ_∞ = Σ_D λ²β/Σ λ²β on the nine paper spectra (η = 0.003,
    κ² = 1/4, k = 50), compared with an exact rational evaluation."""
    got = sec7._paper_theta_inf()
    assert len(got) == len(PAPER_M)
    for m, t in zip(PAPER_M, got):
        assert abs(t - float(_theta_inf_exact(m))) < 1e-13


def _two_phase_on(monkeypatch, curve):
    seen = []

    def fake(m, ts):
        seen.append(np.asarray(ts))
        return {"alignment": np.asarray(curve, float)}

    monkeypatch.setattr(sec7, "_paper_expected", fake)
    return sec7.sec7_two_phase(CLAIMS_BY_ID["sec7-two-phase"], "quick", 0), seen


def test_two_phase_rule_on_hand_made_curves(monkeypatch):
    """"First decreases then increases and settles": strictly decreasing up to an interior minimum,
    then non-decreasing (a flat tail settles; a change of one ulp near the minimum is float noise of
    the exact curve). Only decreasing, only increasing, a turn at either end, a bump before the
    minimum or a real dip after it are not this shape. The curve examined is the paper's whole run,
    t = 0, 1, …, 30000."""
    v = [0.9, 0.7, 0.5, 0.4, 0.4, 0.6, 0.8, 0.8]  # a flat bottom and a flat tail are allowed
    r, seen = _two_phase_on(monkeypatch, v)
    assert r.status == CHECKED
    assert all(np.array_equal(ts, np.arange(0, 30001)) for ts in seen) and len(seen) == len(PAPER_M)
    assert "min 0.400 at t=3, end 0.8000" in r.evidence  # the minimum and where the run ends
    assert _two_phase_on(monkeypatch, [0.9, 0.7, 0.5, 0.6])[0].status == CHECKED  # turn at t = T − 1
    assert "end 0.7000" in _two_phase_on(monkeypatch, [0.9, 0.5, 0.6, 0.7])[0].evidence  # the last value
    ulp = np.spacing(0.6)
    assert _two_phase_on(monkeypatch, [0.9, 0.5, 0.6, 0.6 - ulp, 0.7])[0].status == CHECKED
    for bad in ([0.9, 0.8, 0.7, 0.6],          # only decreasing: the minimum at the end
                [0.4, 0.5, 0.6, 0.7],          # only increasing: the minimum at t = 0
                [0.5, 0.6, 0.3, 0.4, 0.5],     # a rise before the minimum
                [0.9, 0.7, 0.7, 0.5, 0.6],     # a stall in Phase I (Theorem 15: strict decrease)
                [0.9, 0.5, 0.7, 0.6, 0.7],     # a dip after the minimum
                [0.9, 0.5, 0.7, 0.7 - 1e-9],   # a small but real dip at the end
                [0.9, 0.8, 0.7, 0.7]):         # a fall, then flat: never increases
        assert _two_phase_on(monkeypatch, bad)[0].status == REFUTED, bad


def _with_theta_inf(monkeypatch, tis):
    monkeypatch.setattr(sec7, "_paper_theta_inf", lambda: list(tis))


def test_limit_rule_needs_strict_increase_towards_one(monkeypatch):
    """sec7-limit: θ_∞(m) strictly increasing along the grid and ending near 1 (0.995 here) is
    checked; a stall (two equal values), a decrease anywhere (also at the last m, above 0.99), or a
    limit visibly below 1 (0.95) is not."""
    from verify.core.results import INCONCLUSIVE

    claim = CLAIMS_BY_ID["sec7-limit"]
    up = list(np.linspace(0.6, 0.995, len(PAPER_M)))
    _with_theta_inf(monkeypatch, up)
    assert sec7.sec7_limit(claim, "quick", 0).status == CHECKED
    for bad in (up[:3] + [up[2]] + up[4:], up[:4] + [up[3] - 0.01] + up[5:],
                list(np.linspace(0.6, 0.997, len(PAPER_M) - 1)) + [0.995],
                list(np.linspace(0.6, 0.95, len(PAPER_M)))):
        _with_theta_inf(monkeypatch, bad)
        assert sec7.sec7_limit(claim, "quick", 0).status == INCONCLUSIVE, bad


def test_inverse_law_fit_recovers_its_law():
    """log_vs_inverse_law on data of the law (1 − θ)/θ = c/(m + 0.1) it documents recovers c and
    leaves no residual; on data of θ = a + b log m the logarithmic fit leaves none and the residual
    rms equals a least-squares fit computed with numpy.linalg.lstsq."""
    ms = np.array(PAPER_M, float)
    c = 3.7
    rl, ri, c_fit = log_vs_inverse_law(ms, 1 / (1 + c / (ms + 0.1)))
    assert ri < 1e-14 and abs(c_fit - c) < 1e-12 and rl > 1e-3
    tis = 0.4 + 0.08 * np.log(ms)
    rl, ri, _ = log_vs_inverse_law(ms, tis)
    assert rl < 1e-14 and ri > 1e-3
    tis = 1 / (1 + c / (ms + 0.1)) + 0.01 * np.cos(ms)
    X = np.c_[np.ones_like(ms), np.log(ms)]
    res = tis - X @ np.linalg.lstsq(X, tis, rcond=None)[0]
    assert abs(log_vs_inverse_law(ms, tis)[0] - np.sqrt(np.mean(res**2))) < 1e-14


def test_logm_rule_refutes_only_when_the_inverse_law_is_decisively_better(monkeypatch):
    """sec7-log-m refutes "logarithmic in m" only when θ_∞ follows 1 − Θ(1/m) decisively better
    than a + b log m: not on logarithmic data, and not on data both laws fit comparably."""
    from verify.core.results import INCONCLUSIVE

    claim = CLAIMS_BY_ID["sec7-log-m"]
    ms = np.array(PAPER_M, float)
    inv = 1 / (1 + 3.7 / (ms + 0.1))
    log = 0.4 + 0.08 * np.log(ms)
    _with_theta_inf(monkeypatch, inv)
    assert sec7.sec7_logm(claim, "quick", 0).status == REFUTED
    _with_theta_inf(monkeypatch, log)
    assert sec7.sec7_logm(claim, "quick", 0).status == INCONCLUSIVE
    mix = (inv + log) / 2
    rl, ri, _ = log_vs_inverse_law(ms, mix)
    assert rl / 10 < ri < 10 * rl  # comparable fits
    _with_theta_inf(monkeypatch, mix)
    assert sec7.sec7_logm(claim, "quick", 0).status == INCONCLUSIVE


def test_conclusion_failures_from_the_fixed_point_identity():
    """At the stationary moments η* = η exactly (the stationary state is a fixed point of Θ), so
    §8's "η* < 1/(λ_1 + λ_d)" fails exactly for the grid steps η = (j/10)/λ_1 with η(λ_1 + λ_d) ≥ 1;
    each failure carries η, η* = η, 1/(λ_1 + λ_d), the excess η*(λ_1 + λ_d) − 1 and its kind:
    "at 1/λ_1" for j = 10, "beyond A14" at or above min(2/λ_1, 2(λ_k − λ_{k+1})/(λ_1² − λ_d²)),
    "inside" otherwise."""
    from verify.claims.sec7 import GRID, _stationary_eta_star, conclusion_failures

    ms = (5, 500)
    rows, fails, equal = conclusion_failures(ms)
    assert equal == len(ms) * (len(GRID) + 1)
    want = []
    for m in ms:
        lam = paper_spectrum(m)
        ref = 1 / (lam[0] + lam[-1])
        assert (m, F(3, 1000), ref) in rows
        bound = min(2 / lam[0], 2 * (lam[49] - lam[50]) / (lam[0] ** 2 - lam[-1] ** 2))
        for j in GRID:
            eta = F(j, 10) / lam[0]
            if eta >= ref:
                kind = "at 1/λ_1" if j == 10 else "beyond A14" if eta >= bound else "inside"
                want.append((m, j, eta, eta, ref, eta * (lam[0] + lam[-1]) - 1, kind))
    assert sorted(fails) == sorted(want)
    assert {f[6] for f in fails} >= {"inside", "at 1/λ_1"}
    lam = paper_spectrum(20)
    assert _stationary_eta_star(lam, F(1, 7) / lam[0]) == F(1, 7) / lam[0]


def test_conclusion_quick_profile_uses_paper_spectra():
    """The §8 check reads η* on the paper's own spectra (m ∈ PAPER_M), several of them."""
    import re

    r = sec7.conclusion(CLAIMS_BY_ID["conclusion"], "quick", 0)
    ms = [int(x) for x in re.findall(r"m=(\d+): η\* = ", r.evidence)]
    assert len(ms) >= 2 and set(ms) <= set(PAPER_M)


def test_range_prints_one_value_or_a_span():
    """_range: fractions printed as percentages to 2 significant digits; a single value (or values
    equal at that precision) is one number, distinct ones a lo–hi span."""
    assert sec7._range([F(1, 10)]) == "10 %"
    assert sec7._range([F(1, 10), F(1, 4), F(1, 5)]) == "10–25 %"
    assert sec7._range([0.1231, 0.1234]) == "12 %"


def _hand_spectra(monkeypatch, spectra):
    monkeypatch.setattr(sec7, "paper_spectrum", lambda m: spectra[m])


# λ = (3 × 50, 2 × 10): 1/(λ_1 + λ_d) = 1/5 = (6/10)/λ_1, a grid step exactly at the §8 bound;
# λ = (1 × 50, 3/7 × 10): Assumption 14's step bound 2·(4/7)/(40/49) = 14/10 = (14/10)/λ_1, a grid step
_TIE = [F(3)] * 50 + [F(2)] * 10
_AT_BOUND = [F(1)] * 50 + [F(3, 7)] * 10


def test_conclusion_failures_boundaries_on_hand_made_spectra(monkeypatch):
    """§8 claims η* < 1/(λ_1 + λ_d) strictly, so η* = 1/(λ_1 + λ_d) is a failure (excess 0); the
    docstring's "beyond A14" is η ≥ the step bound, so a grid step exactly at the bound is beyond it.
    η* = η exactly at every step (the fixed-point identity)."""
    from verify.claims.sec7 import GRID, conclusion_failures
    from verify.core.assumption14 import step_bound

    _hand_spectra(monkeypatch, {1: _TIE, 2: _AT_BOUND})
    assert F(6, 10) / _TIE[0] == 1 / (_TIE[0] + _TIE[-1])
    assert step_bound(_AT_BOUND, 50) == F(14, 10) / _AT_BOUND[0]
    rows, fails, equal = conclusion_failures((1, 2))
    assert equal == 2 * (len(GRID) + 1)
    got = {(m, j): (x, kind) for m, j, _, _, _, x, kind in fails}
    assert got[(1, 6)] == (0, "inside")
    assert got[(2, 14)][1] == got[(2, 18)][1] == "beyond A14" and got[(2, 10)][1] == "at 1/λ_1"
    assert (2, 6) not in got and (1, 2) not in got and (2, 2) not in got


def test_conclusion_counts_and_lead_recounted(monkeypatch):
    """conclusion's counts recounted from the same grid: n_states is the number of η* evaluated,
    "η* = η exactly in e/n" and "fails for f of the other n − |ms|" are recounted from those
    evaluations; the headline failure (failing) is the inside-bound failure of largest excess
    η(λ_1 + λ_d) − 1; decided in exact rationals: certified, dps 0."""
    from verify.claims.sec7 import GRID
    from verify.core.assumption14 import step_bound

    spectra = {5: _TIE, 50: [F(4)] * 50 + [F(1)] * 10, 500: [F(5)] * 50 + [F(1, 2)] * 10}
    _hand_spectra(monkeypatch, spectra)
    calls = []
    real = sec7._stationary_eta_star

    def spy(lam, eta):
        es = real(lam, eta)
        calls.append((lam[0] + lam[-1], eta, es))
        return es

    monkeypatch.setattr(sec7, "_stationary_eta_star", spy)
    r = sec7.conclusion(CLAIMS_BY_ID["conclusion"], "quick", 0)
    n = len(calls)
    assert r.n_states == n == 3 * (len(GRID) + 1)
    assert f"η* = η exactly in {sum(es == eta for _, eta, es in calls)}/{n}" in r.evidence
    nf = sum(not es * s < 1 for s, _, es in calls)
    assert f"fails for {nf} of the other {n - 3} step sizes" in r.evidence
    best = max(((eta * (lam[0] + lam[-1]) - 1, m, eta) for m, lam in spectra.items()
                for j in GRID if j != 10
                for eta in [F(j, 10) / lam[0]] if 1 <= eta * (lam[0] + lam[-1])
                and eta < step_bound(lam, 50)))
    assert (r.failing["m"], F(r.failing["eta"])) == (str(best[1]), best[2])
    assert r.status == REFUTED and r.certified and r.dps == 0


def test_conclusion_without_inside_failures_leads_with_the_largest_excess(monkeypatch):
    """With no failure inside the step bound, the headline is the failure of largest excess."""
    fails = [(5, 10, F(1, 100), F(1, 100), F(1, 102), F(2, 100), "at 1/λ_1"),
             (50, 18, F(18, 1000), F(18, 1000), F(1, 101), F(818, 1000), "beyond A14"),
             (500, 14, F(14, 1000), F(14, 1000), F(1, 100), F(4, 10), "beyond A14")]
    monkeypatch.setattr(sec7, "conclusion_failures", lambda ms: ([], fails, 0))
    r = sec7.conclusion(CLAIMS_BY_ID["conclusion"], "quick", 0)
    assert r.failing["m"] == "50" and "The clearest: m=50, η = 0.018" in r.evidence


def test_phase1_reads_the_curve_from_t0_and_counts_strict_wins(monkeypatch):
    """The Phase-I window starts at t = 1 (docs/experiments.md) and `analyse` reads a[1] as θ_1, so
    the curve handed to it starts at t = 0; "cubic better" counts strict wins only (a tie is not)."""
    import verify.simulation.phase1 as ph

    seen = []

    def fake(m, ts):
        seen.append(np.asarray(ts))
        return {"alignment": np.linspace(0.9, 0.1, len(ts))}

    tie = {"r2_cubic_ridge": 0.9, "r2_exponential": 0.9, "r2_log_vs_t": 0.5, "r2_log_vs_log_t": 0.5,
           "r2_logit_vs_t": 0.999}
    monkeypatch.setattr(sec7, "_paper_expected", fake)
    monkeypatch.setattr(ph, "analyse", lambda a: dict(tie))
    r = sec7.sec7_phase1(CLAIMS_BY_ID["sec7-phase1-poly"], "quick", 0)
    assert all(ts[0] == 0 and np.all(np.diff(ts) == 1) for ts in seen)
    assert "(cubic better for 0/9 gaps" in r.evidence
