"""Closed forms against independent computations; Hypothesis properties of Lemmas 20–22."""

from fractions import Fraction

import mpmath
import numpy as np
from hypothesis import example, given, note, target
from hypothesis import strategies as st

from tests.strategies import cases
from verify.core.cases import make_case
from verify.core.expected_ratio import expected_theta_next
from verify.core.families import paper_spectrum, replicate
from verify.core.theory import Theta_map, blocks, decimal_quantities, lemma22_pq, mp, quantities

PAPER_CASE = make_case([3, 2, 1, Fraction(1, 2)], 2, [1, Fraction(-1, 2), 2, 1], sigma="0.5",
                       eta="0.2")


def _independent(case, eta):
    """Brute force, exact in rationals, from the per-coordinate definitions (no shared code):
    E[λ²c'²] elementwise (Lemma 21), E f at η and 2η, then p and q by solving
    E f(η) = pη² + qη exactly. Undefined quantities are None (θ(0) = 0)."""
    lam, c, kap, k = case.eigenvalues, case.state, case.kappa2, case.k

    def nxt(e):
        return [(1 - e * lam[i]) ** 2 * lam[i] ** 2 * c[i] ** 2 + e**2 * lam[i] ** 2 * kap[i]
                for i in range(case.d)]

    sD = sum(lam[i] ** 2 * c[i] ** 2 for i in range(k))
    sB = sum(lam[i] ** 2 * c[i] ** 2 for i in range(k, case.d))
    n1, n2 = nxt(eta), nxt(2 * eta)
    ED, EB = sum(n1[:k]), sum(n1[k:])
    f1 = sB * ED - sD * EB
    f2 = sB * sum(n2[:k]) - sD * sum(n2[k:])
    p = (f2 - 2 * f1) / (2 * eta**2)
    q = (f1 - p * eta**2) / eta
    return {"Theta_next": ED / (ED + EB) if ED + EB else None, "p": p, "q": q,
            "eta_star": -q / p if p else None,
            "theta": sD / (sD + sB) if sD + sB else Fraction(0)}


def _agree(a: str, b, digits: int) -> bool:
    """Relative agreement to `digits` significant digits (absolute 1e-85 at exact zero)."""
    with mpmath.workdps(90):
        a, b = mpmath.mpf(a), mp(b)
        return abs(a - b) <= abs(b) * mpmath.mpf(10) ** (-digits) + mpmath.mpf(10) ** -85


@given(cases(max_d=6))
@example(PAPER_CASE)
@example(make_case([Fraction(1, 50), Fraction(1, 100)], 1, [0, 0],
                   kappa2=[Fraction(1, 100)] * 2, eta=Fraction(1, 10000)))  # x = 0: η* undefined
def test_eval_agrees_with_brute_force_40_digits(case):
    q = decimal_quantities(case, 50, case.eta)
    ind = _independent(case, case.eta)
    note(case.to_json())
    for name in ("Theta_next", "p", "q", "eta_star", "theta"):
        assert (q[name] is None) == (ind[name] is None), name  # undefined exactly when it is
        if q[name] is not None:
            assert _agree(q[name], ind[name], 40), name


def test_eval_d500_anisotropic_and_correlated():
    rng = np.random.default_rng(3)
    lam = paper_spectrum(50)
    st_ = [Fraction(f"{x:.6f}") for x in rng.standard_normal(500)]
    kap = [Fraction(f"{x:.4f}") for x in rng.uniform(0.1, 1, 500)]
    case = make_case(lam, 50, st_, kappa2=kap, eta="0.003")
    q = decimal_quantities(case, 50, case.eta)
    ind = _independent(case, case.eta)
    for name in ("Theta_next", "p", "q", "eta_star"):
        assert _agree(q[name], ind[name], 40), name
    # correlated noise (d = 6): s_min/s_max by refinement vs mpmath's own eigensolver
    cov = [[Fraction(2 if i == j else 0) + Fraction(1, 2 + i + j) for j in range(6)]
           for i in range(6)]
    cc = make_case([6, 5, 4, 3, 2, 1], 3, [1] * 6, covariance=cov)
    qq = decimal_quantities(cc, 50)
    with mpmath.workdps(80):
        ev = mpmath.eigsy(mpmath.matrix([[mpmath.mpf(x.numerator) / x.denominator for x in r]
                                         for r in cov]))[0]
        assert _agree(qq["s_min"], min(ev), 40) and _agree(qq["s_max"], max(ev), 40)


def test_expected_theta_next_matches_monte_carlo():
    case = make_case([3, 2, 1, Fraction(1, 2)], 2, [1, Fraction(-1, 2), 2, 1],
                     kappa2=[1, Fraction(1, 2), 2, 1], eta=Fraction(1, 5))
    with mpmath.workdps(30):
        exact = float(expected_theta_next(case, case.eta))
    rng = np.random.default_rng(12345)
    lam = np.array([3, 2, 1, 0.5])
    c = np.array([1, -0.5, 2, 1])
    kap = np.array([1, 0.5, 2, 1])
    z = rng.standard_normal((400000, 4)) * np.sqrt(kap)
    cn = (1 - 0.2 * lam) * c - 0.2 * z
    e = lam**2 * cn**2
    th = e[:, :2].sum(1) / e.sum(1)
    se = th.std() / np.sqrt(len(th))
    assert abs(th.mean() - exact) < 4.5 * se
    # and the ratio of expectations is measurably different at d = 4 (negative control)
    assert abs(float(Theta_map(case, case.eta)) - exact) > 10 * se


@given(cases(max_d=5))
def test_lemma22_sign_matches_Theta(case):
    """sign(E f_t(η)) = sign(Θ(η) − θ) (Lemma 20's sign transfer) and E f = pη² + qη."""
    b = blocks(case)
    if b.s == 0:
        return
    p, q = lemma22_pq(b)
    ef = p * case.eta**2 + q * case.eta
    Th = Theta_map(case, case.eta)
    theta = b.sD / b.s
    target(float(-abs(Th - theta)) if Th is not None else 0.0)
    assert Th is not None
    assert (ef > 0) == (Th > theta) and (ef < 0) == (Th < theta)


@given(cases(max_d=4), st.integers(2, 4))
def test_replication_invariance(case, r):
    """Copying every coordinate r times leaves θ, η*, Θ and every threshold unchanged."""
    rep = replicate(case, r)
    assert Theta_map(rep, case.eta) == Theta_map(case, case.eta)
    with mpmath.workdps(30):
        a, b = quantities(case, 30), quantities(rep, 30)
        for name in ("theta", "eta_star", "theta_crit", "eta_loss_D", "eta_loss_B",
                     "theta_star", "g_noise"):
            if a[name] is None:
                assert b[name] is None, name
                continue
            assert abs(mp(a[name]) - mp(b[name])) <= abs(mp(a[name])) * mpmath.mpf(10) ** -25, name


@given(cases(max_d=5))
def test_ordering_within_blocks_and_sign_flip_invariance(case):
    """Permuting coordinates inside a block and flipping signs of c leave θ, η*, Θ unchanged."""
    k = case.k
    perm = list(reversed(range(k))) + list(range(k, case.d))
    st_ = tuple(-case.state[i] for i in perm)
    lam = [case.eigenvalues[i] for i in perm]
    if lam != sorted(lam, reverse=True):
        return  # only equal eigenvalues may be permuted without breaking the order
    new = make_case(lam, k, list(st_), kappa2=[case.kappa2[i] for i in perm], eta=case.eta)
    assert Theta_map(new, case.eta) == Theta_map(case, case.eta)


def test_zero_noise_is_gradient_descent():
    case = make_case([3, 1], 1, [1, 1], sigma=0, eta=Fraction(1, 10))
    with mpmath.workdps(30):
        e = expected_theta_next(case, case.eta)
        th = Theta_map(case, case.eta)
        # deterministic GD step: θ_{t+1} = Θ exactly
        assert abs(e - mpmath.mpf(th.numerator) / th.denominator) < mpmath.mpf(10) ** -25


def test_theta_crit_stable_near_one():
    case = make_case([10**6, 1], 1, [1, 1], sigma=Fraction(1, 1000))
    q = decimal_quantities(case, 50)
    with mpmath.workdps(60):
        # 1 − θ^crit ≈ n_B/α is tiny; θ^crit must carry it to 50 significant digits
        om = mpmath.mpf(q["one_minus_theta_crit"])
        assert om < mpmath.mpf(10) ** -10
        assert abs((1 - mpmath.mpf(q["theta_crit"])) - om) < om * mpmath.mpf(10) ** -30


def test_decided_negation_flips_sign_and_value():
    """−Decided(s, v) = Decided(−s, −v): a margin read the other way round (δ − r ↔ r − δ) keeps its
    exact sign and its reported value consistent; decided_min then picks the negative one."""
    import flint

    from verify.core.signs import Decided, decided_min

    d = Decided(1, flint.arb(2))
    n = -d
    assert n.sign == -1 and float(n) == -2.0 and float(-n) == 2.0 and (-n).sign == 1
    assert decided_min(d, n) is n
