"""Tests of verify/claims/common.py: the exact sign helpers against hand-computed roots and against
their own arb values, their undefined cases as documented, θ at degenerate states, and arb_min."""

from fractions import Fraction as F

import flint

from verify.claims import common as C
from verify.core.cases import make_case
from verify.core.signs import arb
from verify.core.theory import blocks


def test_theta_at_degenerate_states():
    """θ = s^D/s, and 0 when s = 0 (x = 0); θ ∈ (0, 1) only when both blocks carry energy."""
    assert C.theta(make_case([2, 1], 1, [0, 0], sigma=1)) == 0
    assert C.theta(make_case([2, 1], 1, [0, 1], sigma=1)) == 0
    assert C.theta(make_case([2, 1], 1, [1, 0], sigma=1)) == 1
    assert C.theta(make_case([2, 1], 1, [1, 1], sigma=1)) == F(4, 5)  # 4·1/(4·1 + 1·1)
    assert not any(C.in_open_unit(make_case([2, 1], 1, c, sigma=1)) for c in ([0, 0], [0, 1], [1, 0]))


def test_theta_star_undefined_when_the_smallest_noise_variance_is_zero():
    """Theorem 4's a = s_min ψ_B vanishes when s_min = 0 (κ² = (1, 0)) while h = s_max ψ_D = 4 does
    not: there is no positive root, θ* is undefined, and the exact sign says so (None) just as
    the arb value does — it must not decide a sign against an undefined threshold."""
    case = make_case([2, 1], 1, [1, 1], kappa2=[1, 0])
    assert C._star_poly(case) is None and C.one_minus_theta_star(case) is None
    assert all(C.sign_minus_one_minus_theta_star(case, y) is None for y in (F(-1), F(0), F(1, 2), F(2)))


def test_sign_minus_one_minus_theta_star_outside_the_unit_interval():
    """1 − θ* = 1/(1 + r0) ∈ (0, 1) (r0 > 0 since a, h > 0): every y ≤ 0 lies below it (sign −1,
    including y = 0 exactly, where 1/y − 1 does not exist), every y ≥ 1 above it (sign +1). The arb
    value confirms the position of the interval."""
    case = make_case([4, 1, F(1, 2)], 1, [1, 1, 1], kappa2=[1, 2, 3])
    om = C.one_minus_theta_star(case)
    assert om > 0 and om < 1
    for y in (F(-3), F(-1, 7), F(0)):
        assert C.sign_minus_one_minus_theta_star(case, y) == -1
    for y in (F(1), F(3, 2), F(5)):
        assert C.sign_minus_one_minus_theta_star(case, y) == 1


def test_sign_minus_one_minus_theta_star_at_an_exact_root():
    """λ = (2, 1), k = 1, c = (2, 1), σ² = 4 (hand computation): a = σ²ψ_B = 4, h = σ²ψ_D = 16,
    m^aux = s(λ_1² − λ_d²) = 17·3 = 51, so P(r) = 4r² − 63r − 16 = (4r + 1)(r − 16), r0 = 16 and
    1 − θ* = 1/17 exactly — which is 1 − θ (θ = 16/17). The exact sign is 0 there, ∓1 just either
    side, and the arb value encloses 1/17; elsewhere it agrees with the arb comparison."""
    case = make_case([2, 1], 1, [2, 1], sigma=2)
    assert C._star_poly(case) == (4, 51, 16) and C.theta(case) == F(16, 17)
    with flint.ctx.workdps(40):
        om = C.one_minus_theta_star(case)
        assert om.contains(arb(F(1, 17)))
        eps = F(1, 10**30)
        assert C.sign_minus_one_minus_theta_star(case, F(1, 17)) == 0
        assert C.sign_minus_one_minus_theta_star(case, F(1, 17) - eps) == -1
        assert C.sign_minus_one_minus_theta_star(case, F(1, 17) + eps) == 1
        for y in (F(1, 100), F(1, 20), F(1, 10), F(1, 2), F(99, 100)):
            assert C.sign_minus_one_minus_theta_star(case, y) == (1 if arb(y) > om else -1)


def test_sign_minus_delta_crit_at_exact_roots_on_both_sides_of_the_vertex():
    """With n_D = 0 (κ² = (0, κ_2²)) g(x) = αx² − (α + n_B)x + n_B = (αx − n_B)(x − 1): both roots
    rational. λ = (2, 1), c = (1, 1): α = s(τ^D/s^D − τ^B/s^B) = 5·(2 − 1) = 5, n_B = κ_2².
    n_B = 1: roots 1/5 < 1, δ = 1/5, so r = 1 (g = 0, right of the vertex 3/5) lies above δ;
    n_B = 5 = α: a double root δ = 1 = the vertex (r = 1 is δ itself);
    n_B = 10: roots 1 < 2, δ = 1, and r = 2 (g = 0) lies above it.
    At every r of a grid through 0, both roots, the vertex and beyond, the sign of r − δ is the hand
    value, and the arb value of δ encloses the hand δ."""
    grid = [F(0), F(1, 10), F(1, 5), F(1, 2), F(3, 5), F(4, 5), F(9, 10), F(1), F(11, 10), F(3, 2),
            F(2), F(3)]
    for nB, delta in ((1, F(1, 5)), (5, F(1)), (10, F(1))):
        case = make_case([2, 1], 1, [1, 1], kappa2=[0, nB])
        b = blocks(case)
        assert (b.nB, b.nD) == (nB, 0)
        with flint.ctx.workdps(40):
            assert C.delta_crit(case).contains(arb(delta))
        for r in grid:
            want = (r > delta) - (r < delta)
            assert C.sign_minus_delta_crit(case, r) == want, (nB, r)


def test_sign_minus_delta_crit_near_an_irrational_root_matches_the_ball():
    """At a state with n_D > 0 (δ irrational) the exact sign agrees with 40-digit balls at
    r = δ ± 10⁻²⁰ (rationalised midpoints), on both sides of the root."""
    case = make_case([4, 1, F(1, 2)], 1, [1, 1, 1], kappa2=[1, 2, 3])
    with flint.ctx.workdps(40):
        d = C.delta_crit(case)
        mid = F(d.mid().str(35, radius=False))
        for r in (mid - F(1, 10**20), mid + F(1, 10**20), F(1, 2) * mid, 2 * mid):
            assert C.sign_minus_delta_crit(case, r) == (1 if arb(r) > d else -1)


def test_delta_undefined_outside_its_domain():
    """δ = 1 − θ^crit needs θ ∈ (0, 1) (α is s(τ^D/s^D − τ^B/s^B)) and n_B > 0 (Lemma 23: n_B = 0
    makes h(1) = 0, so 1 is a root and (0, 1) holds none): the exact sign is None exactly where the
    arb value is."""
    for case in (make_case([2, 1], 1, [0, 1], sigma=1), make_case([2, 1], 1, [1, 0], sigma=1),
                 make_case([2, 1], 1, [1, 1], kappa2=[1, 0])):
        assert C.delta_crit(case) is None
        assert all(C.sign_minus_delta_crit(case, r) is None for r in (F(0), F(1, 2), F(1)))


def test_arb_min_on_fractions_balls_and_mixed_margins():
    """The smaller of two margins: two Fractions give the exact minimum; a Fraction and a ball
    (margins of either kind) give a ball enclosing the smaller value; disjoint balls give the
    smaller in either order; overlapping balls a ball that holds the minimum of every pair of
    values they allow (x = 0.9 ± 0.01, y = 1 ± 2: y may be −1, so the result must not be positive)."""
    assert C.arb_min(F(1, 3), F(1, 2)) == F(1, 3) and isinstance(C.arb_min(F(1, 2), F(1, 3)), F)
    for x, y in ((F(1, 3), arb(1)), (arb(1), F(1, 3))):
        m = C.arb_min(x, y)
        assert isinstance(m, flint.arb) and m.contains(arb(F(1, 3))) and not m.contains(1)
    for x, y in ((F(-2), arb(1)), (arb(1), F(-2))):
        assert C.arb_min(x, y).contains(-2)
    lo, hi = flint.arb(1, 0.1), flint.arb(2, 0.1)
    assert C.arb_min(lo, hi) is lo and C.arb_min(hi, lo) is lo
    a, b = flint.arb(1, 1), flint.arb(1.5, 1)
    for m in (C.arb_min(a, b), C.arb_min(b, a)):  # min ranges over [0, 2]
        assert m.contains(0) and m.contains(2) and m.contains(1) and not m.contains(3)
    x, y = flint.arb("0.9 +/- 0.01"), flint.arb("1 +/- 2")
    for m in (C.arb_min(x, y), C.arb_min(y, x)):  # min ranges over [−1, 0.91]
        assert not m > 0 and m.contains(-1) and m.contains(flint.arb("0.9")) and not m.contains(1)
