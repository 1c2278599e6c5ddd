"""The counterexample search (verify/claims/search.py): which regions of the hypotheses it
reaches, how it steers, and when it decides. Mirrors verify/claims/search.py.

The searches here run on small test claims whose margin is known in closed form (a true
inequality, a deliberately false one, one that is undefined or undecided on chosen states), with
a small budget (the "tiny" profile, 30 random states after the structured ones), so that each
verdict and each count in the evidence can be recounted from the states the search visited."""

from __future__ import annotations

import json
import math
from fractions import Fraction

import flint
import numpy as np
import pytest

from verify.claims import search as S
from verify.claims.unit import Claim
from verify.core import results as R
from verify.core.cases import loads_case, make_case
from verify.core.errors import UsageError
from verify.core.signs import Decided, as_text
from verify.core.theory import blocks, lemma22_pq
from verify.core.thresholds import eta_loss, eta_loss_intro_box
from verify.core.tolerances import PRECISION_LADDER_DPS, PROFILES

F = Fraction
BUDGET = 30


@pytest.fixture(autouse=True)
def tiny_profile(monkeypatch):
    """A small search budget for these tests (the claims' profiles search hundreds of states)."""
    monkeypatch.setitem(PROFILES, "tiny", BUDGET)


def claim(margin, cid="t-claim", **kw) -> Claim:
    base = dict(id=cid, reference="test", statement="test statement", hypotheses="",
                quantity="m", kind="inequality", margin=margin)
    return Claim(**{**base, **kw})


def recording(f):
    """A margin that records every state it is asked about (the states the search visits)."""
    seen = []

    def margin(case):
        seen.append(case)
        return f(case)

    return margin, seen


def theta(case) -> Fraction:
    b = blocks(case)
    return b.sD / (b.sD + b.sB)


def star(case):
    """η* = −q/p of Lemma 22 (the root of E[f(η)] = pη² + qη other than 0), None when p = 0."""
    p, qq = lemma22_pq(blocks(case))
    return -qq / p if p else None


# --- _structured -----------------------------------------------------------------------------

def test_structured_cases_reach_small_dimensions_singular_noise_and_extreme_alignment():
    """The hand-made cases are two- and three-level spectra in d = 2..4 with a gap at k, include
    singular noise vanishing on the dominant block and on the bulk, isotropic noise, states with
    θ > 0.99 and θ < 10⁻³ besides moderate θ, and a tiny gap (λ_k/λ_{k+1} − 1 ≤ 10⁻⁶); apart from
    the tiny gap's top eigenvalue every entry has one significant digit (the point of trying them
    first: a refutation found there is already minimal)."""
    cases = S._structured(claim(lambda c: F(1)))
    assert {c.d for c in cases} == {2, 3, 4}
    assert {len(set(c.eigenvalues)) for c in cases} == {2, 3}
    assert all(c.eigenvalues[c.k - 1] > c.eigenvalues[c.k] for c in cases)
    gap = [c.eigenvalues[c.k - 1] / c.eigenvalues[c.k] - 1 for c in cases]
    assert min(gap) <= F(1, 10**6)
    grid = [c for c, g in zip(cases, gap) if g > F(1, 100)]
    # every admissible split k of each spectrum of the grid is tried
    for lam in {c.eigenvalues for c in grid}:
        ks = {c.k for c in grid if c.eigenvalues == lam}
        assert ks == {k for k in range(1, len(lam)) if lam[k - 1] > lam[k]}
    assert any(min(c.kappa2[:c.k]) == 0 < min(c.kappa2[c.k:]) for c in cases)
    assert any(min(c.kappa2[c.k:]) == 0 < min(c.kappa2[:c.k]) for c in cases)
    assert any(c.noise_kind == "sigma" for c in cases)
    th = [theta(c) for c in cases]
    # both ends of θ ∈ (0, 1): above 0.99, and below 10⁻³
    assert min(th) < F(1, 1000) and max(th) > F(99, 100)
    assert any(F(1, 10) < t < F(9, 10) for t in th)

    def one_digit(v: Fraction) -> bool:
        s = f"{float(v):.15e}"
        return v == 0 or float(s[:1] + s[s.index("e"):]) == float(v)

    for c in grid:
        assert all(one_digit(v) for v in c.eigenvalues + c.state + c.kappa2)


# --- _etas -----------------------------------------------------------------------------------

CASE = make_case([4, 1, F(1, 2)], 1, [1, 3, 2], sigma=F(1, 2))


def test_etas_below_and_above_star_stay_on_their_side_of_eta_star():
    """eta_mode below_star samples 0 < η < η*, above_star η > max(η*, 0): the modes of the claims
    stated on one side of η* (Theorems 2 and 3). No η at all when η* does not exist on the side
    asked for (p = 0, or η* ≤ 0 for below_star)."""
    rng = np.random.default_rng(1)
    below = claim(None, needs_eta=True, eta_mode="below_star")
    above = claim(None, needs_eta=True, eta_mode="above_star")
    s = star(CASE)
    assert s is not None and s > 0
    his = []
    for _ in range(20):
        lo = S._etas(below, CASE, rng)
        hi = S._etas(above, CASE, rng)
        assert lo and all(0 < e < s for e in lo)
        assert hi and all(e > s for e in hi)
        # where the claim turns: one η within 10⁻³ of η* on its side, every time
        assert any(e / s > 1 - F(1, 1000) for e in lo) and any(e / s < 1 + F(1, 1000) for e in hi)
        his += hi
    assert s < 1 and min(his) < 2 * s  # above η* means near it too, not only beyond η = 1
    # η* ≤ 0: the state with all its energy in the bulk (q = 2 s^D τ^B − … = 0 with s^D = 0)
    neg = make_case([4, 1, F(1, 2)], 1, [0, 3, 2], sigma=F(1, 2))
    assert star(neg) is not None and star(neg) <= 0
    assert S._etas(below, neg, rng) == []
    assert all(e > 0 for e in S._etas(above, neg, rng)) and S._etas(above, neg, rng)
    # p = 0 (no η*): a single eigen-direction carrying everything, without noise on the bulk
    flat = make_case([2, 1], 1, [1, 0], kappa2=[0, 0])
    assert lemma22_pq(blocks(flat))[0] == 0
    assert S._etas(below, flat, rng) == [] and S._etas(above, flat, rng) == []


def test_etas_around_the_loss_thresholds_bracket_each_threshold_closely():
    """around_loss / around_box sample on both sides of each loss threshold, within 2 %:
    η^loss_D = 2s^D/(τ^D + n^D), η^loss_B = 2s^B/(τ^B + n^B) (Theorem 10) and the introduction's
    box 2s^D/(u^D + n^D); and between η^loss_D and the box. between_loss samples strictly between
    η^loss_D and η^loss_B (the interval of §5)."""
    rng = np.random.default_rng(2)
    b = blocks(CASE)
    thresholds = [eta_loss(b.sD, b.tauD, b.nD), eta_loss(b.sB, b.tauB, b.nB),
                  eta_loss_intro_box(b.sD, b.uD, b.nD)]
    assert len(set(thresholds)) == 3
    for mode in ("around_loss", "around_box"):
        etas = S._etas(claim(None, needs_eta=True, eta_mode=mode), CASE, rng)
        assert all(e > 0 for e in etas)
        for t in thresholds:
            assert any(F(98, 100) * t <= e < t for e in etas), (mode, t)
            assert any(t < e <= F(102, 100) * t for e in etas), (mode, t)
        lo, hi = sorted((thresholds[0], thresholds[2]))
        assert any(lo + (hi - lo) / 100 < e < hi - (hi - lo) / 100 for e in etas)
    # s^D = 0: η^loss_D = 0 is not a step size — only positive η are ever returned
    bulk_only = make_case([4, 1, F(1, 2)], 1, [0, 3, 2], sigma=F(1, 2))
    etas = S._etas(claim(None, needs_eta=True, eta_mode="around_loss"), bulk_only, rng)
    assert etas and all(e > 0 for e in etas)
    lo, hi = sorted(thresholds[:2])
    for _ in range(10):
        etas = S._etas(claim(None, needs_eta=True, eta_mode="between_loss"), CASE, rng)
        assert len(etas) >= 3 and all(lo < e < hi for e in etas)


def test_etas_any_mode_spans_both_sides_of_eta_star_and_of_one_over_lambda1():
    """Without a mode the step sizes are spread over decades: over a few draws they reach
    ηλ_1 > 1 and ηλ_1 < 1/10, and at every draw one η below η* and one above it; a claim without
    η gets the single value None."""
    rng = np.random.default_rng(3)
    c = claim(None, needs_eta=True)
    assert S._etas(claim(None), CASE, rng) == [None]
    s, lam1 = star(CASE), CASE.eigenvalues[0]
    allv = []
    for _ in range(10):
        etas = S._etas(c, CASE, rng)
        assert all(e > 0 for e in etas)
        assert any(e < s for e in etas) and any(e > s for e in etas)
        allv += etas
    assert any(e * lam1 > 1 for e in allv) and any(e * lam1 < F(1, 10) for e in allv)


# --- _perturb --------------------------------------------------------------------------------

def test_perturb_keeps_the_problem_and_signs_and_moves_the_state_locally():
    """A perturbation changes only the state: spectrum, split, noise and η are kept, each entry
    keeps its sign (zeros stay zero), and the change is local — the median factor applied to a
    changed dominant entry is within a factor 3 (|log10| < 0.5), so the search refines around the
    smallest margins rather than jumping away; some perturbations also re-align (rescale the bulk
    by one common factor) and some leave entries untouched."""
    rng = np.random.default_rng(4)
    base = make_case([5, 4, 2, 1], 2, [F(3, 2), F(-7, 10), F(1, 5), 0], kappa2=[1, 2, 0, 1],
                     eta=F(1, 10))
    logs, untouched, realigned = [], 0, 0
    for _ in range(200):
        new = S._perturb(base, rng)
        assert (new.eigenvalues, new.k, new.kappa2, new.eta, new.noise_kind) == \
            (base.eigenvalues, base.k, base.kappa2, base.eta, base.noise_kind)
        for a, b in zip(base.state, new.state):
            assert (a > 0) == (b > 0) and (a < 0) == (b < 0)
        for a, b in zip(base.state[:2], new.state[:2]):
            if a != b:
                logs.append(abs(math.log10(b / a)))
            else:
                untouched += 1
        r = new.state[2] / base.state[2]
        realigned += new.state[2] != base.state[2]
        assert r > 0
    assert 0 < sorted(logs)[len(logs) // 2] < 0.5
    assert untouched > 20 and realigned > 20


# --- _shrink ---------------------------------------------------------------------------------

def theta_at_most_half(case):
    """The deliberately false claim θ ≤ 1/2 (margin 1/2 − θ)."""
    return F(1, 2) - theta(case)


def step_below_one_over_lambda1(case):
    """The deliberately false claim ηλ_1 < 1 (margin 1 − ηλ_1, strict)."""
    return 1 - case.eta * case.eigenvalues[0]


def digits(v: Fraction) -> int:
    """Significant decimal digits of a terminating decimal."""
    if v == 0:
        return 0
    n = abs(v)
    e = 0
    while n.denominator != 1:
        n *= 10
        e += 1
    s = str(n.numerator).rstrip("0")
    return len(s)


def test_shrink_keeps_a_counterexample_and_never_grows_it():
    """_shrink rounds a counterexample to 1, 2 or 3 significant digits, returning the first rounding
    that is still a counterexample (so the witness stays a witness and gets shorter), and the
    original when none is."""
    c = claim(theta_at_most_half, strict=False)
    big = make_case([F("2.718281"), F("1.414213")], 1, [F("1.234567"), F("0.8765432")],
                    sigma=F("0.3333333"))
    assert theta_at_most_half(big) < 0
    small, e2 = S._shrink(c, theta_at_most_half, big, None)
    assert e2 is None and theta_at_most_half(small) < 0
    assert all(digits(v) == 1 for v in small.state)
    assert small.eigenvalues == big.eigenvalues and small.kappa2 == big.kappa2
    # θ barely above 1/2: one digit loses the violation, more digits keep it
    lam = [F(2), F(1)]
    near = make_case(lam, 1, [F("0.5123"), F("1.0234")], sigma=1)  # θ = 4a²/(4a² + b²), 2a > b
    assert theta_at_most_half(near) < 0
    assert theta_at_most_half(near.with_state((F("0.5"), F(1)))) == 0  # one digit: θ = 1/2
    small, _ = S._shrink(c, theta_at_most_half, near, None)
    assert theta_at_most_half(small) < 0
    assert max(map(digits, small.state)) < max(map(digits, near.state))
    # nothing shorter violates: the counterexample comes back unchanged
    exact = make_case(lam, 1, [F("0.5000001"), F(1)], sigma=1)
    assert S._shrink(c, theta_at_most_half, exact, None) == (exact, None)


def test_shrink_rounds_the_step_size_too():
    """With a step size, η is rounded with the state, and the rounded pair is still a
    counterexample (here ηλ_1 = 1 exactly after rounding: still a violation of the strict claim)."""
    c = claim(step_below_one_over_lambda1, needs_eta=True)
    case = make_case([2, 1], 1, [F("0.123456"), F("0.654321")], sigma=1, eta=F("0.5234567"))
    small, e2 = S._shrink(c, step_below_one_over_lambda1, case, case.eta)
    assert e2 == F(1, 2) == small.eta
    assert step_below_one_over_lambda1(small) == 0 and c.violated_by(0)
    assert all(digits(v) == 1 for v in small.state)


# --- _region ---------------------------------------------------------------------------------

def regions(lam, k, state, eta=None, **noise):
    return set(S._region(make_case(lam, k, state, eta=eta, **noise)))


def test_region_labels_follow_their_stated_thresholds_at_the_boundaries():
    """Each label states its threshold; the label is given exactly when the state is past it
    (boundary values decide the strict/non-strict side the label names)."""
    iso = {"sigma": 1}
    tiny = "tiny gap (λ_k/λ_{k+1} < 1.01)"
    assert tiny in regions([F(1009, 1000), 1], 1, [1, 1], **iso)
    assert tiny not in regions([F(101, 100), 1], 1, [1, 1], **iso)
    # the ratio, not the product: λ = (1/2, 0.499) has ratio ≈ 1.002 but a product far below 1.01
    assert tiny in regions([F(1, 2), F(499, 1000)], 1, [1, 1], **iso)
    assert tiny not in regions([F(30, 10), 1], 1, [1, 1], **iso)
    assert tiny not in regions([F(1015, 1000), 1], 1, [1, 1], **iso)
    large, unstable = "large step (ηλ_1 > 1)", "unstable step (ηλ_1 ≥ 2)"
    assert not {large, unstable} & regions([4, 1], 1, [1, 1], eta=F(1, 4), **iso)
    assert large in regions([4, 1], 1, [1, 1], eta=F(26, 100), **iso)
    assert unstable not in regions([4, 1], 1, [1, 1], eta=F(49, 100), **iso)
    assert {large, unstable} <= regions([4, 1], 1, [1, 1], eta=F(1, 2), **iso)
    assert not {large, unstable} & regions([4, 1], 1, [1, 1], **iso)
    # θ = s^D/s exactly 99/100 with λ = (3, 1, 1, 1), c = (11, 3, 1, 1): s^D = 1089, s^B = 11;
    # exactly 1/100 with λ = (1, 1/3, 1/3, 1/3), c = (1, 27, 9, 9): s^D = 1, s^B = 99
    ext = "extreme alignment (θ < 0.01 or θ > 0.99)"
    hi_lam, lo_lam = [3, 1, 1, 1], [1, F(1, 3), F(1, 3), F(1, 3)]
    assert theta(make_case(hi_lam, 1, [11, 3, 1, 1], **iso)) == F(99, 100)
    assert theta(make_case(lo_lam, 1, [1, 27, 9, 9], **iso)) == F(1, 100)
    assert ext not in regions(hi_lam, 1, [11, 3, 1, 1], **iso)
    assert ext in regions(hi_lam, 1, [F("11.001"), 3, 1, 1], **iso)
    assert ext not in regions(lo_lam, 1, [1, 27, 9, 9], **iso)
    assert ext in regions(lo_lam, 1, [F("0.999"), 27, 9, 9], **iso)
    assert ext not in regions([1, F(1, 2)], 1, [1, 2], **iso)  # θ = 1/2
    assert ext in regions([1, F(1, 2)], 1, [1, 0], **iso)  # θ = 1
    assert ext in regions([1, F(1, 2)], 1, [0, 1], **iso)  # θ = 0
    assert ext not in regions([1, F(1, 2)], 1, [0, 0], **iso)  # s = 0: no θ
    # the noise labels
    assert "singular noise (s_min = 0)" in regions([2, 1], 1, [1, 1], kappa2=[1, 0])
    assert "singular noise (s_min = 0)" not in regions([2, 1], 1, [1, 1], kappa2=[1, F(1, 10)])
    ratio = "extreme noise ratio (s_max/s_min ≥ 100)"
    assert ratio in regions([2, 1], 1, [1, 1], kappa2=[100, 1])
    assert ratio not in regions([2, 1], 1, [1, 1], kappa2=[99, 1])
    assert ratio not in regions([2, 1], 1, [1, 1], kappa2=[100, 0])  # singular, not a ratio
    corr = "correlated noise (full covariance)"
    assert corr in regions([2, 1], 1, [1, 1], covariance=[[2, 1], [1, 2]])
    assert corr not in regions([2, 1], 1, [1, 1], covariance=[[2, 0], [0, 2]])


# --- margin_check ----------------------------------------------------------------------------

def lam1_eta(case) -> Fraction:
    return case.eta * case.eigenvalues[0]


def test_true_claim_is_not_refuted_and_the_evidence_recounts_the_region_covered():
    """A true claim (η‖x‖² + η > 0 for every η > 0) is checked, never refuted; every visited state
    counts, and the coverage reported is the recount of the hard regions over the visited states.
    With a small budget the search already reaches the regimes where the paper is thinnest: a
    large share of steps with ηλ_1 > 1 (and some ≥ 2), singular, correlated and extreme-ratio
    noise, and extreme alignment; the evidence states the region covered, the dimensions and the
    exact arithmetic."""
    margin, seen = recording(lambda c: c.eta * (blocks(c).norm2 + 1))
    c = claim(margin, needs_eta=True)
    res = S.margin_check(c, "tiny", 0)
    assert res.status == R.CHECKED_NUMERICALLY and res.certified and res.counterexample is None
    assert res.n_states == len(seen) and res.n_undecided == res.n_boundary == 0 and res.dps == 0
    recount: dict[str, int] = {}
    for case in seen:
        for r in S._region(case):
            recount[r] = recount.get(r, 0) + 1
    assert res.coverage == recount
    n = len(seen)
    assert sum(lam1_eta(s) > 1 for s in seen) >= n // 4
    assert sum(lam1_eta(s) >= 2 for s in seen) >= n // 10
    assert sum(lam1_eta(s) < F(1, 10) for s in seen) >= n // 10
    assert sum(min(s.kappa2) == 0 for s in seen) >= n // 10
    assert any(not s.noise_is_diagonal for s in seen)
    assert any(min(s.kappa2) > 0 and max(s.kappa2) >= 100 * min(s.kappa2) for s in seen)
    assert sum(not F(1, 100) <= theta(s) <= F(99, 100) for s in seen if blocks(s).s) >= n // 10
    dims = {s.d for s in seen}
    assert min(dims) == 2 and max(dims) >= 6
    assert f"d = {min(dims)}..{max(dims)}" in res.evidence
    assert "seed 0, profile tiny" in res.evidence and "exact rational arithmetic" in res.evidence
    for r, k in recount.items():
        assert f"{k} {r}" in res.evidence.split("Region covered: ")[1]
    assert res.min_margin == as_text(min(c.eta * (blocks(c).norm2 + 1) for c in seen))
    assert "Θ" not in res.evidence  # no Assumption 1 in the hypotheses


def test_the_search_is_a_function_of_the_seed():
    """The same seed visits the same states (a verdict can be re-run); another seed others."""
    m0, seen0 = recording(lambda c: F(1))
    m1, seen1 = recording(lambda c: F(1))
    m2, seen2 = recording(lambda c: F(1))
    S.margin_check(claim(m0), "tiny", 5)
    S.margin_check(claim(m1), "tiny", 5)
    S.margin_check(claim(m2), "tiny", 6)
    assert seen0 == seen1 and seen0 != seen2
    # the hand-made cases come first, whatever the seed
    k = len(S._structured(claim(m0)))
    assert seen0[:k] == seen2[:k] == S._structured(claim(m0))


def test_hypotheses_are_enforced_on_every_counted_state():
    """States outside the hypotheses (margin None) are neither counted nor searched as
    counterexamples: a margin that would be negative off its hypothesis (here: isotropic noise)
    is checked, and n_states counts exactly the states inside it."""
    def m(case):
        return F(1) if case.noise_kind == "sigma" else None

    margin, seen = recording(m)
    res = S.margin_check(claim(margin), "tiny", 0)
    inside = [s for s in seen if s.noise_kind == "sigma"]
    assert res.status == R.CHECKED_NUMERICALLY and res.n_states == len(inside) < len(seen)
    assert "singular noise (s_min = 0)" not in res.coverage
    assert "correlated noise (full covariance)" not in res.coverage
    # nowhere inside: outside the hypotheses, no state counted
    res = S.margin_check(claim(lambda c: None), "tiny", 0)
    assert res.status == R.OUTSIDE and res.n_states == 0


def test_false_claim_is_refuted_with_a_strict_certified_witness():
    """A deliberately false claim (θ ≤ 1/2) is refuted by a witness that violates it strictly:
    re-evaluating the margin at the counterexample the result carries gives a negative value,
    equal to the reported margin; the witness is shrunk (one-digit entries) and the evidence says
    which inequality it violates."""
    res = S.margin_check(claim(theta_at_most_half, strict=False), "tiny", 0)
    assert res.status == R.REFUTED and res.certified
    wit = loads_case(json.dumps(res.counterexample))
    m = theta_at_most_half(wit)
    assert m < 0 and res.min_margin == as_text(m) and res.failing["margin"] == as_text(m, 20)
    assert "violates 'm ≥ 0'" in res.evidence and "exact rational" in res.evidence
    assert res.n_states >= 1 and "Θ" not in res.evidence
    assert res.recheck.startswith("salign check t-claim --cases-dir cex")
    # a strict claim names '>' and an Assumption-1 claim says its state stands for a family
    res = S.margin_check(claim(theta_at_most_half, hypotheses="Assumption 1 (d → ∞)"), "tiny", 0)
    assert res.status == R.REFUTED and "violates 'm > 0'" in res.evidence
    assert "replication family (Θ map)" in res.evidence


def test_zero_margin_refutes_a_strict_claim_and_is_a_boundary_point_otherwise():
    """margin = 0 violates a strict inequality, is allowed by a non-strict one (counted as a
    boundary state) and is a threshold point of an equivalence (counted, never a witness)."""
    def m(case):
        return F(0) if case.d == 2 else F(1)

    strict = S.margin_check(claim(m), "tiny", 0)
    assert strict.status == R.REFUTED and strict.min_margin == "0"
    for kw, words in (({"strict": False}, "allowed by the non-strict inequality"),
                      ({"kind": "equivalence"}, "an equivalence's threshold")):
        margin, seen = recording(m)
        res = S.margin_check(claim(margin, **kw), "tiny", 0)
        n0 = sum(s.d == 2 for s in seen)
        assert res.status == R.CHECKED_NUMERICALLY and res.n_boundary == n0 > 0
        assert f"{n0} states exactly on the boundary" in res.evidence and words in res.evidence


def undecided(case):
    """An arb ball containing 0 at every precision: a sign no precision decides."""
    return flint.arb(0, 1)


def test_undecided_states_are_reported_not_counted_as_evidence():
    """States whose sign stays undecided at the top precision are counted apart: all undecided
    gives inconclusive with no state counted; some undecided makes the verdict inconclusive and
    the evidence says how many of how many."""
    margin, seen = recording(undecided)
    res = S.margin_check(claim(margin), "tiny", 0)
    n = len({id(s) for s in seen})  # each state is asked at every precision of the ladder
    assert res.status == R.INCONCLUSIVE and res.n_states == 0 and res.n_undecided == n
    assert f"{n} states met the hypotheses but every margin sign was undecided" in res.evidence
    assert res.dps == PRECISION_LADDER_DPS[-1]

    def mixed(case):
        return undecided(case) if case.d == 3 else F(1)

    margin, seen = recording(mixed)
    res = S.margin_check(claim(margin), "tiny", 0)
    und = len({id(s) for s in seen if s.d == 3})
    seen_states = [s for s in seen if s.d != 3]
    assert res.status == R.INCONCLUSIVE and res.n_undecided == und > 0
    assert res.n_states == len(seen_states) > 0
    assert res.evidence.startswith(f"{und} of {und + len(seen_states)} states undecided")
    assert "no violation on" in res.evidence


def test_evidence_names_the_arithmetic_that_decided_the_signs():
    """Rational margins: exact rational arithmetic; margins whose sign is decided exactly though
    the value is irrational: exact signs; arb balls: certified to the digits actually used."""
    def dec(case):
        return Decided(1, flint.arb(2).sqrt())

    res = S.margin_check(claim(dec), "tiny", 0)
    assert "exact signs (rational arithmetic; square roots" in res.evidence and res.dps == 0

    def ball(case):
        return flint.arb(2).sqrt()

    res = S.margin_check(claim(ball), "tiny", 0)
    dps = PRECISION_LADDER_DPS[0]
    assert res.dps == dps and f"signs certified by arb ball arithmetic up to {dps} digits" in res.evidence
    res = S.margin_check(claim(lambda c: F(1), remark="A remark."), "tiny", 0)
    assert res.evidence.endswith(". A remark.") and "exact rational arithmetic" in res.evidence


# --- evaluate_claim --------------------------------------------------------------------------

def test_evaluate_claim_verdicts_and_sign_convention(monkeypatch):
    """One state, one verdict: holds / violated / boundary / outside hypotheses / undecided, and
    the sign convention says what margin 0 means for the claim (strict: violated; non-strict or an
    equivalence: boundary)."""
    def m(case):
        return {F(1): F(1), F(2): F(-1), F(3): F(0), F(4): None}.get(case.state[0], undecided(case))

    for cid, kw in (("t-strict", {}), ("t-weak", {"strict": False}),
                    ("t-eq", {"kind": "equivalence"})):
        monkeypatch.setitem(S.CLAIMS_BY_ID, cid, claim(m, cid=cid, **kw))
    verdicts = {}
    for cid in ("t-strict", "t-weak", "t-eq"):
        for c0 in (1, 2, 3, 4, 5):
            out = S.evaluate_claim(cid, make_case([2, 1], 1, [c0, 1], sigma=1))
            verdicts[cid, c0] = out["verdict"]
            assert (out["margin"] is None) == (c0 == 4)
        assert out["claim_id"] == cid
    assert [verdicts["t-strict", i] for i in (1, 2, 3, 4, 5)] == \
        ["holds", "violated", "violated", "outside hypotheses", "undecided"]
    assert verdicts["t-weak", 3] == verdicts["t-eq", 3] == "boundary"
    conv = {cid: S.evaluate_claim(cid, make_case([2, 1], 1, [1, 1], sigma=1))["sign_convention"]
            for cid in ("t-strict", "t-weak", "t-eq")}
    assert conv["t-strict"].endswith("violated (strict inequality)")
    assert conv["t-weak"].endswith("boundary, not a violation")
    # an equivalence is strict by default, yet 0 is its threshold, not a violation
    assert conv["t-eq"].endswith("boundary, not a violation")
    monkeypatch.setitem(S.CLAIMS_BY_ID, "t-eta", claim(m, cid="t-eta", needs_eta=True))
    with pytest.raises(UsageError, match="needs a step size"):
        S.evaluate_claim("t-eta", make_case([2, 1], 1, [1, 1], sigma=1))
    with pytest.raises(UsageError, match="unknown claim"):
        S.evaluate_claim("no-such-claim", make_case([2, 1], 1, [1, 1], sigma=1))


def test_region_near_the_critical_step_is_within_one_per_mille():
    """The region "near the critical step" is |η/η* − 1| ≤ 10⁻³, on both sides, boundary included;
    not at 1 % away, and never without a positive η*."""
    s = star(CASE)
    label = "near the critical step (|η/η* − 1| ≤ 10⁻³)"
    for f, inside in ((1 - F(1, 1000), True), (1 + F(1, 1000), True), (1 + F(1, 10**6), True),
                      (F(99, 100), False), (F(101, 100), False)):
        assert (label in S._region(CASE.with_eta(s * f))) is inside, f
    neg = make_case([4, 1, F(1, 2)], 1, [0, 3, 2], sigma=F(1, 2))  # η* ≤ 0
    assert label not in S._region(neg.with_eta(F(1, 10)))


# --- added: η sampling far from the random decades, thresholds at states where D and B differ ----

LOW = make_case([40000, 10000, 5000], 1, [1, 3, 2], sigma=F(1, 2))  # η* ≈ 4·10⁻⁵ < 10⁻⁴
HIGH = make_case([F(1, 100), F(1, 400), F(1, 800)], 1, [1, 3, 2], sigma=F(1, 10**4))  # η* ≈ 162


def test_etas_any_mode_brackets_eta_star_outside_the_random_decades():
    """The claim of "any" mode is sampled on both sides of η* at every draw even where η* lies
    outside the decades [10⁻⁴, 10²] the random steps span: η* < 10⁻⁴ (large spectrum) needs a step
    below it, η* > 10² (small spectrum, small noise) one above it."""
    rng = np.random.default_rng(5)
    c = claim(None, needs_eta=True)
    s_low, s_high = star(LOW), star(HIGH)
    assert 0 < s_low < F(1, 10**4) and s_high > 100
    for case, s in ((LOW, s_low), (HIGH, s_high)):
        for _ in range(5):
            etas = S._etas(c, case, rng)
            assert any(e < s for e in etas) and any(e > s for e in etas), float(s)


def test_etas_above_star_reach_just_above_eta_star_and_small_steps():
    """above_star samples η > max(η*, 0) near η* and not only beyond it: besides the point within
    10⁻³ of η*, some steps lie in (η*, 2η*); when η* ≤ 0 every η > 0 qualifies and the sample
    reaches small steps (ηλ_1 < 1), not only η > 1."""
    rng = np.random.default_rng(6)
    above = claim(None, needs_eta=True, eta_mode="above_star")
    s = star(CASE)
    inner = []
    for _ in range(10):
        inner += [e for e in S._etas(above, CASE, rng) if (1 + F(1, 1000)) * s < e < 2 * s]
    assert inner
    neg = make_case([4, 1, F(1, 2)], 1, [0, 3, 2], sigma=F(1, 2))
    assert star(neg) <= 0
    small = []
    for _ in range(10):
        small += [e for e in S._etas(above, neg, rng) if e * neg.eigenvalues[0] < 1]
    assert small


# n^loss_D = 20 ≠ n^loss_B = 1/2, u^D = 16 ≠ n^loss_D, τ^D = 8: the noise weighs in every threshold
NOISY = make_case([2, F(1, 2)], 1, [1, 1], kappa2=[10, 1])


def test_etas_around_the_loss_thresholds_where_the_noise_dominates():
    """around_loss / around_box bracket each threshold within 2 % (eta_loss / eta_loss_intro_box of
    verify/core/thresholds.py) at a state where the D- and B-block noise differ and the noise is
    comparable to τ^D and u^D, so that each threshold depends on its own block's noise."""
    b = blocks(NOISY)
    assert b.nD != b.nB and b.uD != b.nD and b.nD > b.tauD
    thresholds = [eta_loss(b.sD, b.tauD, b.nD), eta_loss(b.sB, b.tauB, b.nB),
                  eta_loss_intro_box(b.sD, b.uD, b.nD)]
    rng = np.random.default_rng(7)
    for mode in ("around_loss", "around_box"):
        for _ in range(3):
            etas = S._etas(claim(None, needs_eta=True, eta_mode=mode), NOISY, rng)
            for t in thresholds:
                assert any(F(98, 100) * t <= e < t for e in etas), (mode, t)
                assert any(t < e <= F(102, 100) * t for e in etas), (mode, t)


def test_etas_probe_between_the_loss_threshold_and_the_box_when_they_nearly_coincide():
    """With noise vanishing on D, η^loss_D / box = u^D/τ^D = λ_1 (k = 1): at λ_1 = 1.005 the two are
    within 1 % of each other, so the ±1 % probes of each fall outside the interval between them;
    the search still probes strictly inside it (the interval where Theorem 10 and the box disagree)."""
    case = make_case([F(201, 200), F(1, 2)], 1, [1, 1], kappa2=[0, 1])
    b = blocks(case)
    lo, hi = sorted((eta_loss(b.sD, b.tauD, b.nD), eta_loss_intro_box(b.sD, b.uD, b.nD)))
    assert hi / lo == F(201, 200)
    rng = np.random.default_rng(8)
    for mode in ("around_loss", "around_box"):
        for _ in range(3):
            etas = S._etas(claim(None, needs_eta=True, eta_mode=mode), case, rng)
            assert sum(lo < e < hi for e in etas) >= 2, mode


# --- added: region labels ---------------------------------------------------------------------

def test_region_labels_use_the_ratios_they_name():
    """"tiny gap" is the ratio λ_k/λ_{k+1} < 1.01 (also for a large spectrum, λ = (2, 1.999), where
    the product is far above 1.01); "extreme noise ratio" is s_max/s_min ≥ 100 (also when the
    product s_max·s_min is small, κ² = (10, 1/100))."""
    iso = {"sigma": 1}
    assert "tiny gap (λ_k/λ_{k+1} < 1.01)" in regions([2, F(1999, 1000)], 1, [1, 1], **iso)
    ratio = "extreme noise ratio (s_max/s_min ≥ 100)"
    assert ratio in regions([2, 1], 1, [1, 1], kappa2=[10, F(1, 100)])
    assert ratio not in regions([2, 1], 1, [1, 1], kappa2=[F(1, 10), F(1, 100)])


def test_region_near_the_critical_step_boundary_and_small_coefficients():
    """|η/η* − 1| ≤ 10⁻³ exactly: at 1 ± 1.5·10⁻³ the state is not near the critical step; and the
    label depends on η/η* only, not on the size of p (a small spectrum, p ≈ 6·10⁻³ < 1)."""
    s = star(CASE)
    label = "near the critical step (|η/η* − 1| ≤ 10⁻³)"
    for f in (1 - F(15, 10000), 1 + F(15, 10000)):
        assert label not in S._region(CASE.with_eta(s * f)), f
    small = make_case([F(2, 5), F(1, 10), F(1, 20)], 1, [1, 3, 2], sigma=F(1, 2))
    p, qq = lemma22_pq(blocks(small))
    assert 0 < p < 1 and qq < 0
    for f in (1, 1 - F(1, 1000), 1 + F(1, 2000)):
        assert label in S._region(small.with_eta(star(small) * f)), f


# --- added: witnesses and verdicts in decimals, symbolic checks, run_claim's assembly ----------

def significant_digits(text: str) -> int:
    """Significant digits of a decimal string such as '-1.4142…' or '0.0123…e-5'."""
    mant = text.lstrip("-").split("e")[0].replace(".", "")
    return len(mant.lstrip("0"))


def minus_root_two(case):
    """A deliberately false claim with an irrational margin: −√2 as an arb ball."""
    return -flint.arb(2).sqrt()


def test_refutation_evidence_names_how_the_witness_sign_was_decided_and_gives_20_digits():
    """A witness whose margin is an arb ball is reported as a certified ball at the digits used
    (the first rung of the precision ladder), one whose sign was decided exactly as such; the
    witness's margin and the sides the claim names are given to 20 significant digits (the
    witness_sides contract), checked against mpmath's √2 and the witness's own θ."""
    import mpmath

    c = claim(minus_root_two, sides=("theta", "theta_star"))
    res = S.margin_check(c, "tiny", 0)
    assert res.status == R.REFUTED and res.dps == PRECISION_LADDER_DPS[0]
    assert f"(certified ball, {PRECISION_LADDER_DPS[0]} digits)" in res.evidence
    with mpmath.workdps(40):
        assert res.failing["margin"] == mpmath.nstr(-mpmath.sqrt(2), 20, strip_zeros=False)
    th = theta(loads_case(json.dumps(res.counterexample)))
    assert significant_digits(res.failing["theta"]) == 20
    assert abs(F(res.failing["theta"]) - th) <= th * F(1, 10**19)

    res = S.margin_check(claim(lambda case: Decided(-1, -flint.arb(2).sqrt())), "tiny", 0)
    assert res.status == R.REFUTED and "(sign decided exactly)" in res.evidence


def test_symbolic_check_reports_unconfirmed_steps_and_counts_no_states(monkeypatch):
    """A derivation whose steps SymPy all confirms verifies the claim symbolically, certified and
    with no state visited; one with unconfirmed steps is inconclusive and names each of them."""
    from types import SimpleNamespace as NS

    steps = [NS(description="step one", kind="identity"), NS(description="step two", kind="limit")]
    outcome = {"step one": True, "step two": True}
    monkeypatch.setattr(S, "get_derivations", lambda ids: [NS(id=ids[0])])
    monkeypatch.setattr(S, "check_derivation", lambda der: [(s, outcome[s.description]) for s in steps])
    c = claim(None, kind="identity", derivation="t-der")
    res = S.symbolic_check(c, "t-der")
    assert res.status == R.VERIFIED_SYMBOLICALLY and res.certified and res.n_states == 0
    assert "2 steps confirmed by SymPy (identity, limit)" in res.evidence
    outcome["step two"] = False
    res = S.symbolic_check(c, "t-der")
    assert res.status == R.INCONCLUSIVE and res.evidence == "SymPy could not confirm: step two"


def test_run_claim_completes_a_refutation_and_times_it(monkeypatch):
    """A refutation from a special checker that names neither the corrected claim nor a recheck
    command gets both from the claim (corrected_by, `salign check ID`), and a severity; the
    reported seconds are the run's own wall time (non-negative, at most the time around the call)."""
    import time

    def special(cl, profile, seed):
        return R.CheckResult(cl.id, R.REFUTED, "refuted by a family")

    monkeypatch.setitem(S.CLAIMS_BY_ID, "t-special",
                        claim(None, cid="t-special", special=special, corrected_by="t-fixed"))
    t0 = time.perf_counter()
    res = S.run_claim("t-special", "tiny", 0)
    wall = time.perf_counter() - t0
    assert res.status == R.REFUTED and res.corrected_by == "t-fixed"
    assert res.recheck == "salign check t-special" and res.severity is not None
    assert 0 <= res.seconds <= wall


def test_evaluate_claim_gives_20_digits_and_sides_only_inside_the_hypotheses(monkeypatch):
    """`salign eval --claim` gives the margin and the sides the claim names to 20 significant
    digits (checked against mpmath's √2 and the state's exact θ); outside the hypotheses (no
    margin) the claim asserts nothing and no sides are reported, nor for a claim naming none."""
    import mpmath

    def m(case):
        return None if case.state[0] == 4 else flint.arb(2).sqrt() - 1

    monkeypatch.setitem(S.CLAIMS_BY_ID, "t-sides", claim(m, cid="t-sides", sides=("theta", "theta_star")))
    monkeypatch.setitem(S.CLAIMS_BY_ID, "t-bare", claim(m, cid="t-bare"))
    case = make_case([2, 1], 1, [1, 1], sigma=1)  # θ = 4/5 exactly
    out = S.evaluate_claim("t-sides", case)
    with mpmath.workdps(40):
        root = mpmath.nstr(mpmath.sqrt(2) - 1, 20, strip_zeros=False)
    assert out["verdict"] == "holds" and out["margin"] == root
    assert significant_digits(out["sides"]["theta"]) == 20 and F(out["sides"]["theta"]) == theta(case)
    outside = S.evaluate_claim("t-sides", make_case([2, 1], 1, [4, 1], sigma=1))
    assert outside["verdict"] == "outside hypotheses" and "sides" not in outside
    assert "sides" not in S.evaluate_claim("t-bare", case)


def test_search_with_a_single_state_inside_the_hypotheses():
    """A claim whose hypotheses hold at one state only is checked there: the search refines the
    states it holds (here one) without failing, and counts that state once per visit."""
    first = S._structured(claim(lambda c: F(1)))[0]

    def m(case):
        return F(1) if case == first else None

    margin, seen = recording(m)
    res = S.margin_check(claim(margin), "tiny", 0)
    assert res.status == R.CHECKED_NUMERICALLY
    assert res.n_states == sum(s == first for s in seen) >= 1
