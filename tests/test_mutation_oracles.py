"""Independent re-computations that pin every formula the toolkit prints or decides with.

Part of the mutation kill suite (verify/selftest/mutation.py): each quantity of `salign eval`, each
claim margin of `salign check` and each closed form of `salign derive` is recomputed here by a
different route — per-coordinate sums from the definitions, roots of the defining equations
found by the textbook formula at ample precision, Monte-Carlo-free expectations of the one-step update — and
must agree to 25 digits. The step checker and the sign certifier get positive and negative
controls.
"""

from __future__ import annotations

from fractions import Fraction

import flint
import mpmath
import pytest
import sympy as sp
from hypothesis import example, given
from hypothesis import strategies as st

from tests.strategies import cases
from verify.claims import MARGINS
from verify.core.cases import make_case
from verify.core.signs import Decided
from verify.core.theory import quantities

PAPER_CASE = make_case([3, 2, 1, Fraction(1, 2)], 2, [1, Fraction(-1, 2), 2, 1], sigma="0.5",
                       eta="0.2")
NOISY = make_case([5, 4, 1, Fraction(1, 3), Fraction(1, 4)], 2, [1, 2, -1, 3, Fraction(1, 2)],
                  kappa2=[1, 2, 3, 4, 5], eta=Fraction(1, 7))
DPS = 60
TOL = mpmath.mpf(10) ** -25


def _close(a, b) -> bool:
    a, b = _f(a), _f(b)
    return abs(a - b) <= TOL * (1 + abs(a) + abs(b))


def _f(x):
    """Fraction / arb / mpf → mpf (arb: its midpoint)."""
    if isinstance(x, Fraction):
        return mpmath.mpf(x.numerator) / x.denominator
    if isinstance(x, flint.arb):
        return mpmath.mpf(x.mid().str(40, radius=False))
    if isinstance(x, Decided):  # a margin whose sign is decided exactly: its value
        return mpmath.mpf(x.value.mid().str(40, radius=False))
    return mpmath.mpf(x)


def _quadratic_roots(a: Fraction, b: Fraction, c: Fraction) -> list:
    """Real roots of a x² + b x + c (a ≠ 0, exact rational coefficients) by the textbook formula
    (−b ± √(b² − 4ac))/(2a), evaluated with enough digits that its cancellation is harmless:
    the working precision covers the coefficients' full dynamic range plus 60 digits."""
    span = max(abs(v.numerator).bit_length() + v.denominator.bit_length() for v in (a, b, c) if v)
    with mpmath.workdps(int(span * 0.302) * 2 + 120):
        A, B, C = _f(a), _f(b), _f(c)
        disc = B * B - 4 * A * C
        if disc < 0:
            return []
        root = mpmath.sqrt(disc)
        out = sorted([(-B - root) / (2 * A), (-B + root) / (2 * A)])
    return [+r for r in out]


def reference(case) -> dict:
    """Every eval quantity from the definitions: per-coordinate sums in exact rationals, roots
    of the defining quadratics by the textbook formula at ample precision (mpf). Call inside
    workdps(DPS)."""
    lam = [Fraction(v) for v in case.eigenvalues]
    c = [Fraction(v) for v in case.state]
    kap = [Fraction(v) for v in case.kappa2]
    k, d = case.k, case.d
    D, B = list(range(k)), list(range(k, d))
    R: dict = {}

    def S(idx, f):
        return sum((f(i) for i in idx), Fraction(0))

    for name, idx in (("D", D), ("B", B)):
        R[f"s_{name}"] = S(idx, lambda i: (lam[i] * c[i]) ** 2)
        R[f"tau_{name}"] = S(idx, lambda i: lam[i] * (lam[i] * c[i]) ** 2)
        R[f"u_{name}"] = S(idx, lambda i: (lam[i] ** 2 * c[i]) ** 2)
        R[f"psi_{name}"] = S(idx, lambda i: lam[i] * lam[i])
        R[f"e_{name}"] = S(idx, lambda i: lam[i] ** 2 * kap[i])
        R[f"n_loss_{name}"] = S(idx, lambda i: kap[i] * lam[i])
    s = R["s"] = R["s_D"] + R["s_B"]
    R["theta"] = R["s_D"] / s if s else Fraction(0)
    R["norm_x_sq"] = S(range(d), lambda i: c[i] ** 2)
    R["norm_PDx_sq"] = S(D, lambda i: c[i] ** 2)
    R["s_min"], R["s_max"] = min(kap), max(kap)
    R["gap1"], R["gap2"] = lam[k - 1] - lam[k], lam[k - 1] ** 2 - lam[k] ** 2
    R["m"], R["rho"] = lam[k - 1] / lam[k], Fraction(k, d - k)
    smin, smax = R["s_min"], R["s_max"]
    if smin > 0:  # Theorem 3 (needs s_min > 0): g_gap = ρλ_k²s_min / (ρλ_k²s_min + λ_{k+1}²s_max)
        R["g_gap"] = R["rho"] * lam[k - 1] ** 2 * smin / (R["rho"] * lam[k - 1] ** 2 * smin
                                                          + lam[k] ** 2 * smax)
        R["g_noise"] = R["psi_D"] * smin / (R["psi_D"] * smin + R["psi_B"] * smax)
    # Theorem 4: r0 > 0 solves a r² + (a − M − h) r − h = 0; θ* = r0 / (1 + r0)
    a, h, M = smin * R["psi_B"], smax * R["psi_D"], s * (lam[0] ** 2 - lam[-1] ** 2)
    R["_a"], R["_h"], R["_M"] = a, h, M
    if a and h:  # θ* exists (a positive root) only with noise in both blocks
        roots = [r for r in _quadratic_roots(a, a - M - h, -h) if r > 0]
        R["theta_star"] = roots[0] / (1 + roots[0])
        R["_r0"] = roots[0]
    if R["theta"] and R["norm_x_sq"]:
        R["eta_star_lower_thm7"] = 2 * R["gap1"] / (
            (lam[0] ** 2 - lam[-1] ** 2) * lam[-1] ** 2 * R["norm_x_sq"] * R["theta"]
            + smax * R["psi_D"]) * lam[-1] ** 2 * R["norm_x_sq"] * R["theta"]
    if R["norm_PDx_sq"]:
        x = lam[k - 1] ** 2 * lam[-1] ** 2 * R["norm_PDx_sq"]
        R["eta_star_lower_thm7_remark"] = 2 * R["gap1"] * x / (
            (lam[0] ** 2 - lam[-1] ** 2) * x + lam[0] ** 2 * smax * R["psi_D"])
    den = lam[k - 1] * lam[0] - lam[k] * lam[-1]
    R["eta_star_upper_thm8_main"] = (lam[0] - lam[-1]) / den
    R["eta_star_upper_thm8_app"] = 2 * (lam[0] - lam[-1]) / den
    if R["e_B"] + R["e_D"]:
        R["thm8_threshold"] = R["e_B"] / (R["e_B"] + R["e_D"])
    # expected one-step quantities, per coordinate: c' = (1 − ηλ)c − ηζ, E ζ² = κ²
    eta = Fraction(case.eta)

    def e_next(i, e):
        return (1 - e * lam[i]) ** 2 * (lam[i] * c[i]) ** 2 + e**2 * lam[i] ** 2 * kap[i]

    def dloss(idx, e):  # E[L(x')] − L(x) when the coordinates in idx take the step
        return sum((lam[i] / 2 * (((1 - e * lam[i]) ** 2 - 1) * c[i] ** 2 + e**2 * kap[i])
                    for i in idx), Fraction(0))

    R["E_s_D_next"], R["E_s_B_next"] = S(D, lambda i: e_next(i, eta)), S(B, lambda i: e_next(i, eta))
    if R["E_s_D_next"] + R["E_s_B_next"]:
        R["Theta_next"] = R["E_s_D_next"] / (R["E_s_D_next"] + R["E_s_B_next"])
    R["expected_f"] = R["s_B"] * R["E_s_D_next"] - R["s_D"] * R["E_s_B_next"]
    # p, q from E f at two step sizes (E f(η) = pη² + qη)
    f1 = R["expected_f"]
    f2 = R["s_B"] * S(D, lambda i: e_next(i, 2 * eta)) - R["s_D"] * S(B, lambda i: e_next(i, 2 * eta))
    R["p"] = (f2 - 2 * f1) / (2 * eta**2)
    R["q"] = (f1 - R["p"] * eta**2) / eta
    if R["p"]:
        R["eta_star"] = -R["q"] / R["p"]
    R["expected_loss_change_sgd"] = dloss(range(d), eta)
    R["expected_loss_change_dsgd"] = dloss(D, eta)
    R["expected_loss_change_bsgd"] = dloss(B, eta)
    for name, idx in (("D", D), ("B", B)):  # η^loss_S: the positive root of E ΔL_S(η) = 0
        c2 = dloss(idx, 2) - 2 * dloss(idx, 1)  # coefficient of η²·2
        c1 = dloss(idx, 1) - c2 / 2
        if c2:
            R[f"eta_loss_{name}"] = -c1 / (c2 / 2)
    for name in ("D", "B"):  # the introduction's box prints λ⁴ (u^S) where Thm 10 has λ³
        den_box = R[f"u_{name}"] + R[f"n_loss_{name}"]
        if den_box:
            R[f"eta_loss_{name}_intro_box"] = 2 * R[f"s_{name}"] / den_box
    if R["s_D"] and R["s_B"]:
        alpha = s * (R["tau_D"] / R["s_D"] - R["tau_B"] / R["s_B"])
        R["alpha"], R["beta"] = alpha, -alpha + R["n_loss_B"] + R["n_loss_D"]
        if alpha > 0:  # θ^crit: the root in (0, 1) of h(θ) = αθ² + βθ − n_D (Lemma 23/24)
            rts = _quadratic_roots(alpha, R["beta"], -R["n_loss_D"])
            inside = [r for r in rts if 0 < r <= 1 + TOL]
            if inside:
                R["theta_crit"] = inside[0]
                # the same root as δ = 1 − θ: h(1 − δ) = αδ² − (2α + β)δ + (α + β − n_D), solved
                # directly so that δ keeps its relative precision when θ^crit ≈ 1
                b2 = R["beta"]
                ds = [r for r in _quadratic_roots(alpha, -(2 * alpha + b2), alpha + b2 - R["n_loss_D"])
                      if -TOL <= r < 1]
                R["_one_minus_theta_crit"] = ds[0] if ds else 1 - inside[0]
    R["gamma"] = -R["n_loss_D"]
    return R


SCALAR_FIELDS = (
    "s_D", "s_B", "tau_D", "tau_B", "u_D", "u_B", "psi_D", "psi_B", "e_D", "e_B", "n_loss_D",
    "n_loss_B", "s", "theta", "norm_x_sq", "norm_PDx_sq", "s_min", "s_max", "gap1", "gap2", "m",
    "rho", "g_gap", "g_noise", "theta_star", "eta_star_lower_thm7", "eta_star_lower_thm7_remark",
    "eta_star_upper_thm8_main", "eta_star_upper_thm8_app", "thm8_threshold", "E_s_D_next",
    "E_s_B_next", "Theta_next", "expected_f", "p", "q", "eta_star", "expected_loss_change_sgd",
    "expected_loss_change_dsgd", "expected_loss_change_bsgd", "eta_loss_D", "eta_loss_B",
    "eta_loss_D_intro_box", "eta_loss_B_intro_box", "alpha", "beta", "gamma", "theta_crit",
)


# quantities that are undefined at some states: eval must say so (None) exactly there
DEFINABLE = ("theta_star", "eta_star", "Theta_next", "eta_loss_D", "eta_loss_B", "theta_crit",
             "alpha", "beta", "eta_star_lower_thm7", "eta_star_lower_thm7_remark",
             "thm8_threshold", "eta_loss_D_intro_box", "eta_loss_B_intro_box", "g_gap", "g_noise")
EDGE_CASES = [
    # x in the bulk only: θ = 0, s_D = 0 (θ*, α and Thm 7's bounds undefined or degenerate)
    make_case([2, 1], 1, [0, 1], sigma=1, eta=Fraction(1, 10)),
    # a = s_min ψ_B = 1 and h = s_max ψ_D = 1 exactly (the guards of θ* compare with 0)
    make_case([2, 1], 1, [1, 1], kappa2=[1, 1], eta=Fraction(1, 10)),
    make_case([2, 1], 1, [1, 1], kappa2=[Fraction(1, 4), Fraction(1, 4)], eta=Fraction(1, 10)),
    # b = M + h − a ∈ (0, 1) with a·h ≈ 1e-80: only the b ≥ 0 branch of θ* is free of cancellation
    make_case([1, Fraction(1, 2)], 1, [Fraction(1, 2), 1],
              kappa2=[Fraction(1, 10**40), Fraction(1, 10**40)], eta=Fraction(1, 10)),
    # n_B = 0 and α + n_D = 1/2: the root formula's denominator of 1 − θ^crit equals 1; θ^crit = 1
    make_case([2, 1], 1, [Fraction(1, 4), Fraction(1, 4)], kappa2=[Fraction(3, 32), 0],
              eta=Fraction(1, 10)),
    # no noise: θ*, g_gap, g_noise undefined
    make_case([3, 1], 1, [1, 2], sigma=0, eta=Fraction(1, 10)),
    # x in the dominant space only: θ = 1, s_B = 0 (θ ∈ (0, 1) hypotheses fail)
    make_case([2, 1], 1, [1, 0], sigma=1, eta=Fraction(1, 10)),
    # a > M + h (bulk-heavy noise energy): the b < 0 branch of θ*
    make_case([2] + [Fraction(19, 10)] * 5, 1, [1] * 6, sigma=1, eta=Fraction(1, 10)),
    # θ = g_gap = 4/5 exactly, η > η* (Theorem 3's boundary θ ≤ g_gap)
    make_case([2, 1], 1, [1, 1], kappa2=[1, 1], eta=Fraction(9, 10)),
    # θ ≈ 1 > θ* ≈ 0.94 (Theorem 4's hypothesis holds)
    make_case([2, 1], 1, [1, Fraction(1, 100)], sigma=1, eta=Fraction(1, 100)),
    # u_D + n_D = 1 and τ_D + n_D = 1 exactly (guards compare with 0), x in D only, κ_D = 0
    make_case([1, Fraction(1, 2)], 1, [1, 1], kappa2=[0, 1], eta=Fraction(1, 10)),
    make_case([2, 1], 1, [1, 0], kappa2=[0, 1], eta=Fraction(1, 10)),
    # τ_D = n_D and τ_B = n_B exactly
    make_case([2, 1], 1, [1, 1], kappa2=[4, 1], eta=Fraction(1, 10)),
    # x in B only with κ_B = 0: η^loss_D = 0 < η < η^loss_B = 2
    make_case([2, 1], 1, [0, 1], kappa2=[1, 0], eta=Fraction(1, 2)),
    # η^loss_D − η^loss_B = 2 − 1 = 1 exactly (Theorem 11's guard compares the difference with 0)
    make_case([Fraction(1, 2), Fraction(1, 4)], 1, [1, 1], kappa2=[Fraction(1, 4), Fraction(7, 16)],
              eta=Fraction(1, 10)),
    # η inside (η^loss_D, η^loss_B) ≈ (0.998, 1.998): the Section 5 interval
    make_case([2, 1], 1, [1, 3], sigma=Fraction(1, 10), eta=Fraction(3, 2)),
]


@given(cases(max_d=6))
@example(PAPER_CASE)
@example(NOISY)
def test_eval_quantities_match_definitions(case):
    _eval_matches_reference(case)


@pytest.mark.parametrize("case", EDGE_CASES, ids=range(len(EDGE_CASES)))
def test_eval_quantities_at_edge_states(case):
    _eval_matches_reference(case)


def _eval_matches_reference(case):
    with mpmath.workdps(DPS):
        q = quantities(case, DPS, case.eta)
        R = reference(case)
        for name in SCALAR_FIELDS:
            if name not in R:
                if name in DEFINABLE:
                    assert q[name] is None, (name, q[name])
                continue
            assert q[name] is not None, name
            assert _close(q[name], R[name]), (name, q[name], R[name])
        if "theta_crit" in R:
            assert _close(q["one_minus_theta_crit"], R["_one_minus_theta_crit"])
        if "theta_star" in R:  # 1 − θ* = 1/(1 + r0): no cancellation even when θ* ≈ 1
            assert _close(q["one_minus_theta_star"], 1 / (1 + R["_r0"]))
            assert _close(q["theta_star_r0"], R["_r0"])


def oracle_margins(case, exact: dict | None = None) -> dict:
    """Every margin claim's margin from the reference quantities (undefined ones omitted);
    `exact` is reference(case) when the caller has it already."""
    R = {name: _f(v) for name, v in (exact or reference(case)).items()}
    lam = [_f(v) for v in case.eigenvalues]
    k, eta = case.k, _f(case.eta)
    O: dict = {}
    g = R.get
    O["lem22-bound"] = 2 * R["s_B"] * R["s_D"] * (lam[k] - lam[k - 1]) - R["q"]
    if g("Theta_next") is not None:
        O["thm2"] = O["thm4-corrected"] = R["theta"] - R["Theta_next"]
        O["thm3"] = -O["thm2"]
    if "g_gap" in R:
        O["thm3-bounds"] = min(R["g_gap"], 1 - R["g_gap"], R["g_noise"] - R["g_gap"])
    if "theta_star" in R:
        a, h, M, om = R["_a"], R["_h"], R["_M"], 1 / (1 + R["_r0"])
        O["thm5-corrected"] = min(om - a / (2 * a + M + h), a / (M + h) - om)
        lam_f = [_f(v) for v in case.eigenvalues]
        k_, d_ = case.k, case.d
        O["thm5-lower"] = (d_ - k_) / mpmath.mpf(k_) * (lam_f[k_] / lam_f[k_ - 1]) ** 2 - om
        if "g_gap" in R:
            O["thm6"] = R["theta_star"] - R["g_gap"]
    if g("eta_star") is not None and g("eta_star_lower_thm7") is not None:
        O["thm7"] = R["eta_star"] - R["eta_star_lower_thm7"]
        O["thm7-remark"] = R["eta_star"] - R["eta_star_lower_thm7_remark"]
        O["thm7-corrected"] = min(O["thm7"], O["thm7-remark"])
    if g("eta_star") is not None:
        O["thm8-main"] = R["eta_star_upper_thm8_main"] - R["eta_star"]
        O["thm8-app"] = R["eta_star_upper_thm8_app"] - R["eta_star"]
        # the whole statement 0 < η* ≤ 2/(λ_k+λ_d): min of the two parts
        O["thm8-corrected"] = min(2 / (lam[k - 1] + lam[-1]) - R["eta_star"], R["eta_star"])
        O["cor9"] = 2 / lam[0] - R["eta_star"]
    if g("eta_loss_D_intro_box") is not None:
        O["intro-box"] = -R["expected_loss_change_dsgd"] * (R["eta_loss_D_intro_box"] - eta)
    if g("eta_loss_D") is not None and g("eta_loss_B") is not None:
        O["thm10"] = min(-R["expected_loss_change_dsgd"] * (R["eta_loss_D"] - eta),
                         -R["expected_loss_change_bsgd"] * (R["eta_loss_B"] - eta))
        O["sec5-interval"] = min(R["expected_loss_change_dsgd"], -R["expected_loss_change_bsgd"])
    if g("alpha") is not None:
        O["lem23"] = O["lem23-corrected"] = min(R["alpha"], R["n_loss_D"], R["n_loss_B"])
    if g("theta_crit") is not None:
        dc = 1 - R["theta_crit"]
        O["lem24"] = min(dc, 1 - dc)
        if g("eta_loss_D") is not None and g("eta_loss_B") is not None:
            O["thm11"] = (R["eta_loss_D"] - R["eta_loss_B"]) * (R["theta"] - R["theta_crit"])
        nB, n = R["n_loss_B"], R["n_loss_B"] + R["n_loss_D"]
        base = R["s"] * R["gap1"]
        O["thm13-upper"] = nB / base - dc
        O["thm13-lower"] = dc - nB / (base + n)
        O["thm13-corrected"] = min(dc - nB / (R["alpha"] + n), nB / R["alpha"] - dc)
    return O


@given(cases(max_d=5))
@example(PAPER_CASE)
@example(NOISY)
def test_claim_margins_match_independent_values(case):
    _margins_match(case)


@pytest.mark.parametrize("case", EDGE_CASES, ids=range(len(EDGE_CASES)))
def test_claim_margins_at_edge_states(case):
    _margins_match(case)


def _margins_match(case):
    with mpmath.workdps(DPS), flint.ctx.workdps(50):
        R = reference(case)
        O = oracle_margins(case, R)
        eta = Fraction(case.eta)
        outside = set(_outside(R)) | (set() if _in_sec5(R, eta) else {"sec5-interval"})
        inside = _inside(R, eta)
        for cid, margin in sorted(MARGINS.items()):
            try:
                v = margin(case)
            except ZeroDivisionError:
                continue
            if cid in outside:
                assert v is None, (cid, "defined outside its hypotheses")
            if cid in inside:
                assert v is not None, (cid, "undefined inside its hypotheses")
            if v is None or cid not in O:
                continue
            assert _close(_f(v), O[cid]), (cid, v, O[cid])


# claims whose hypotheses need θ ∈ (0, 1), i.e. s^D > 0 and s^B > 0
OPEN_UNIT = ("thm2", "thm3", "thm4-corrected", "thm7", "thm7-remark", "thm7-corrected",
             "thm8-main", "thm8-app", "thm8-corrected", "cor9", "lem23", "lem23-corrected")


def _outside(R: dict) -> tuple[str, ...]:
    """Claims outside their hypotheses at the state whose reference values are R."""
    out = OPEN_UNIT if R["s_D"] == 0 or R["s_B"] == 0 else ()
    if R["n_loss_D"] == 0:  # Lemma 24 and Theorem 11 assume n^loss_D > 0 (γ < 0)
        out = out + ("lem24", "thm11")
    if R["n_loss_D"] + R["n_loss_B"] == 0:  # Lemma 23's Assumption 1: Tr Σ > 0
        out = out + ("lem23",)
    return out


def _inside(R: dict, eta: Fraction) -> set[str]:
    """Claims whose hypotheses hold at the state (reference values R, step size η), so their
    margin must be defined (not None)."""
    out = {"lem22-bound"}
    open_unit = R["s_D"] > 0 and R["s_B"] > 0
    if "g_gap" in R:
        out.add("thm3-bounds")
    if "theta_star" in R:
        out.add("thm5-corrected")
        out.add("thm5-lower")
        if "g_gap" in R and R["s"]:
            out.add("thm6")
        if open_unit and _f(R["theta"]) > R["theta_star"] + TOL:
            out.add("thm4-corrected")
    if R["s_D"] and R["u_D"] + R["n_loss_D"] and eta != R.get("eta_loss_D_intro_box"):
        out.add("intro-box")
    if "eta_loss_D" in R and "eta_loss_B" in R and eta not in (R["eta_loss_D"], R["eta_loss_B"]):
        out.add("thm10")
        if _in_sec5(R, eta):
            out.add("sec5-interval")
    crit = open_unit and R.get("alpha", 0) > 0 and R["n_loss_B"] != 0
    if crit:
        out |= {"thm13-upper", "thm13-lower", "thm13-corrected"}
        if R["n_loss_D"]:
            out.add("lem24")
            if "eta_loss_D" in R and "eta_loss_B" in R and R["eta_loss_D"] != R["eta_loss_B"]:
                out.add("thm11")
    if open_unit and "g_gap" in R and "eta_star" in R and R["theta"] <= R["g_gap"] and \
            eta > R["eta_star"]:
        out.add("thm3")
    return out


def _in_sec5(R: dict, eta: Fraction) -> bool:
    """η strictly between η^loss_D and η^loss_B (the Section 5 interval's hypothesis)."""
    return "eta_loss_D" in R and "eta_loss_B" in R and R["eta_loss_D"] < eta < R["eta_loss_B"]


def test_margins_defined_on_a_generic_state():
    """On a generic state inside every hypothesis the margins are defined (not None), so the
    comparison above is not vacuous; and each takes its exact reference value."""
    case = NOISY
    with mpmath.workdps(DPS), flint.ctx.workdps(50):
        O = oracle_margins(case)
        defined = {cid for cid, m in MARGINS.items() if m(case) is not None}
    assert {"lem22-bound", "thm2", "thm3-bounds", "thm5-corrected", "thm6", "thm7", "thm8-main",
            "thm10", "lem23", "lem24", "thm13-corrected"} <= defined
    assert defined <= set(O)


# ----------------------------------------------------------------- closed forms of `derive`
CLOSED_FORM_FIELDS = {
    ("lem22", "p"): "p", ("lem22", "q"): "q", ("lem22", "eta_star"): "eta_star",
    ("thm2", "E_f"): "expected_f", ("thm3", "g_gap"): "g_gap", ("thm3", "g_noise"): "g_noise",
    ("thm4", "theta_star"): "theta_star", ("thm8", "main_text_bound"): "eta_star_upper_thm8_main",
    ("thm8", "appendix_bound"): "eta_star_upper_thm8_app", ("thm10", "eta_loss_S"): "eta_loss_D",
    ("thm10", "E_dL_S"): "expected_loss_change_dsgd", ("sec5-interval", "E_dL_D"):
    "expected_loss_change_dsgd", ("intro-box", "eta_loss_box"): "eta_loss_D_intro_box",
    ("lem24", "theta_crit"): "theta_crit", ("thm11", "alpha"): "alpha", ("thm11", "beta"): "beta",
    ("thm11", "gamma"): "gamma", ("lem20", "Theta"): "Theta_next",
    ("lem21", "E[s^S']"): "E_s_D_next",
}


def _symbol_values(case, R) -> dict:
    from derivations import symbols as S

    lam = [_f(v) for v in case.eigenvalues]
    k = case.k
    return {
        S.sD: R["s_D"], S.sB: R["s_B"], S.tD: R["tau_D"], S.tB: R["tau_B"], S.uD: R["u_D"],
        S.uB: R["u_B"], S.eD: R["e_D"], S.eB: R["e_B"], S.nD: R["n_loss_D"], S.nB: R["n_loss_B"],
        S.psiD: R["psi_D"], S.psiB: R["psi_B"], S.smin: R["s_min"], S.smax: R["s_max"],
        S.s: R["s"], S.theta: R["theta"], S.lam1: lam[0], S.lamk: lam[k - 1], S.lamk1: lam[k],
        S.lamd: lam[-1], S.rho: R["rho"], S.eta: _f(case.eta),
        sp.Symbol("alpha", positive=True): R.get("alpha", 1),
    }


@pytest.mark.parametrize("case", [PAPER_CASE, NOISY], ids=["paper", "noisy"])
def test_derive_closed_forms_match_eval(case):
    from derivations.registry import get_derivations

    with mpmath.workdps(DPS):
        R = {n: _f(v) for n, v in reference(case).items()}
        vals = {sym: sp.Float(str(v), 60) for sym, v in _symbol_values(case, R).items()}
        checked = 0
        for der in get_derivations():
            for name, expr in der.closed_forms.items():
                field = CLOSED_FORM_FIELDS.get((der.id, name))
                if field is None or field not in R:
                    continue
                got = expr.subs(vals).evalf(60)
                assert not got.free_symbols, (der.id, name, got.free_symbols)
                assert _close(mpmath.mpf(str(got)), R[field]), (der.id, name, got, R[field])
                checked += 1
    assert checked >= 15


@pytest.mark.parametrize("case", [PAPER_CASE, NOISY], ids=["paper", "noisy"])
def test_other_closed_forms_match_their_definitions(case):
    """Closed forms without an eval field: Thm 5's bounds, Thm 6's ratio, Thm 7's bound (X =
    ‖x‖²), the sharp Thm 8 / Cor 9 bounds, h of Lemma 23, Thm 12/13 bounds, Lemma 26's moment,
    Thm 16's weights and Thm 15's δ, each against its definition."""
    from derivations.registry import get_derivations

    with mpmath.workdps(DPS):
        R = {n: _f(v) for n, v in reference(case).items()}
        lam = [_f(v) for v in case.eigenvalues]
        k, eta = case.k, _f(case.eta)
        vals = {sym: sp.Float(str(v), 60) for sym, v in _symbol_values(case, R).items()}
        X = sp.Symbol("X", positive=True)
        vals[X] = sp.Float(str(R["norm_x_sq"]), 60)
        forms = {(d.id, n): e for d in get_derivations() for n, e in d.closed_forms.items()}

        def ev(key, extra=None):
            e = forms[key].subs({**vals, **(extra or {})}).evalf(60)
            assert not e.free_symbols, (key, e.free_symbols)
            return mpmath.mpf(str(e))

        a, h, M = R["_a"], R["_h"], R["_M"]
        assert _close(ev(("thm5", "one_minus_theta_star_lower")), a / (2 * a + M + h))
        assert _close(ev(("thm5", "one_minus_theta_star_upper")), a / (M + h))
        assert _close(ev(("thm6", "r_noise")), R["psi_D"] * R["s_min"] / (R["psi_B"] * R["s_max"]))
        assert _close(ev(("thm7", "eta_star_lower")), R["eta_star_lower_thm7"])
        assert _close(ev(("thm8", "sharp_bound")), 2 / (lam[k - 1] + lam[-1]))
        assert _close(ev(("cor9", "claimed_bound")), 2 / lam[0])
        t = mpmath.mpf(1) / 3
        hv = ev(("lem23", "h"), {sp.Symbol("theta", positive=True): sp.Float(str(t), 60)})
        assert _close(hv, R["alpha"] * t * t + R["beta"] * t - R["n_loss_D"])
        assert _close(ev(("thm12", "upper_bound_one_minus")), R["n_loss_B"] / R["alpha"])
        n = R["n_loss_B"] + R["n_loss_D"]
        assert _close(ev(("thm13", "lower_valid")), R["n_loss_B"] / (R["alpha"] + n))
        dsym = sp.Symbol("delta", positive=True)
        dv = mpmath.mpf("0.3")
        assert _close(ev(("thm13", "delta_equation"), {dsym: sp.Float("0.3", 60)}),
                      R["alpha"] * dv**2 - (R["alpha"] + n) * dv + R["n_loss_B"])
        # Lemma 26 / Thm 16 at one coordinate: c² ← β + (1 − ηλ)^{2t}(c0² − β)
        lv, kv, c0, tv = lam[0], _f(case.kappa2[0]), mpmath.mpf(2), 3
        beta = eta * kv / (2 * lv - eta * lv**2)
        sub = {sp.Symbol("lambda", real=True): sp.Float(str(lv), 60),
               sp.Symbol("kappa2", real=True): sp.Float(str(kv), 60),
               sp.Symbol("c0sq", nonnegative=True): sp.Float(str(c0), 60),
               sp.Symbol("t", integer=True, nonnegative=True): tv}
        assert _close(ev(("lem26", "beta_i"), sub), beta)
        c2 = c0
        for _ in range(tv):  # the exact recursion E c'² = (1 − ηλ)² c² + η² κ²
            c2 = (1 - eta * lv) ** 2 * c2 + eta**2 * kv
        assert _close(ev(("lem26", "E_c2_t"), sub), c2)
        assert _close(ev(("thm16", "weight_i"), sub), lv**2 * beta)
        g1 = lam[k - 1] - lam[k]
        dl = ev(("thm15", "delta"))
        # δ is defined by: Thm 7's bound with ‖x‖²θ = (λ_k²/λ_1²)δ equals η
        lhs = 2 * g1 / ((lam[0] ** 2 - lam[-1] ** 2) + R["s_max"] * R["psi_D"] / (
            lam[-1] ** 2 * lam[k - 1] ** 2 / lam[0] ** 2 * dl))
        assert _close(lhs, eta)
        # t*: the real T with |1 − ηλ_1|^{2T} ϱ + Σβ = δ (Thm 15), at ϱ = δ/2, Σβ = δ/4
        varrho, sb = sp.symbols("varrho Sigma_beta", positive=True)
        T = ev(("thm15", "t_star_real"), {varrho: sp.Float(str(dl / 2), 60),
                                          sb: sp.Float(str(dl / 4), 60)})
        assert _close(abs(1 - eta * lam[0]) ** (2 * T) * dl / 2 + dl / 4, dl)


def test_thm8_hypothesis_boundary_is_inside():
    """θ = e_B/(e_B + e_D) exactly (λ = (2, 1), c = (1, 1), κ² = (1, 16)/100): Theorem 8's
    hypothesis θ ≥ e_B/(e_B + e_D) holds, so its margins are defined there."""
    from verify.claims.sec4 import _thm8_hyp

    case = make_case([2, 1], 1, [1, 1], kappa2=[Fraction(1, 100), Fraction(16, 100)],
                     eta=Fraction(1, 10))
    assert _thm8_hyp(case)
    assert MARGINS["thm8-main"](case) is not None and MARGINS["cor9"](case) is not None
    above = make_case([2, 1], 1, [1, 1], kappa2=[Fraction(1, 100), Fraction(17, 100)],
                      eta=Fraction(1, 10))
    assert not _thm8_hyp(above) and MARGINS["thm8-main"](above) is None


# ----------------------------------------------------------------- checker controls
def test_step_checker_positive_controls():
    from derivations.core import Step, check_step

    a, b = sp.symbols("a b", nonnegative=True)
    x = sp.Symbol("x", positive=True)
    assert check_step(Step("fractional coefficients", a / 2 + b / 3 + sp.Rational(1, 5) * a * b,
                           kind="nonneg", nonneg=(a, b)))
    assert check_step(Step("positive-symbol coefficient", x * a + x**2 * b, kind="nonneg",
                           nonneg=(a, b)))
    assert check_step(Step("zero is non-negative", sp.Integer(0) * a, kind="nonneg", nonneg=(a,)))
    assert check_step(Step("positive denominator", (a + 1) / (b + 2), kind="nonneg", nonneg=(a, b)))
    assert check_step(Step("positive constant denominator", (a + b) / 3, kind="nonneg", nonneg=(a, b)))
    # a/b ≥ 0 wherever it is defined (b ≥ 0): accepted, like every certificate with a
    # denominator that is a non-negative polynomial
    assert check_step(Step("non-negative denominator", a / b, kind="nonneg", nonneg=(a, b)))
    assert not check_step(Step("negative denominator", a / (-b - 1), kind="nonneg", nonneg=(a, b)))
    assert not check_step(Step("negative symbol coefficient", -x * a, kind="nonneg", nonneg=(a,)))
    assert not check_step(Step("fractional negative", a / 2 - b / 3, kind="nonneg", nonneg=(a, b)))
    y = sp.Symbol("y", nonnegative=True)  # known ≥ 0 but not > 0
    r = sp.Symbol("r", real=True)
    assert check_step(Step("coefficient x·y with y ≥ 0", x * y * a, kind="nonneg", nonneg=(a,)))
    assert check_step(Step("half-weighted positive denominator", a / (x / 2 + a), kind="nonneg",
                           nonneg=(a,)))
    assert not check_step(Step("denominator a − x", 1 / (a - x), kind="nonneg", nonneg=(a,)))
    assert not check_step(Step("denominator with a real symbol", a / (b + r), kind="nonneg",
                               nonneg=(a, b)))
    assert not check_step(Step("coefficient with a real symbol", r * a, kind="nonneg", nonneg=(a,)))
    assert check_step(Step("difference", x**2, x, kind="differs"))
    assert check_step(Step("identity", (x + 1) ** 2, x**2 + 2 * x + 1))
    assert check_step(Step("trig identity needs simplify", sp.sin(x) ** 2 + sp.cos(x) ** 2, 1))
    assert check_step(Step("substitution", x**2 - x**2, kind="substitution"))


def test_gaussian_expectation_moments():
    from derivations.core import gaussian_expectation

    z, v = sp.Symbol("z", real=True), sp.Symbol("v", positive=True)
    assert sp.simplify(gaussian_expectation(z**4 + 3 * z**3 + z**2 + 5, z, v) - (3 * v**2 + v + 5)) == 0
    assert sp.simplify(gaussian_expectation(z**6, z, v) - 15 * v**3) == 0


@pytest.mark.parametrize("value,sign", [
    (Fraction(-1, 3), -1), (Fraction(0), 0), (Fraction(2, 7), 1), (3, 1),
])
def test_certified_sign_exact(value, sign):
    from verify.core.signs import certified_sign

    s, v, dps = certified_sign(lambda: value)
    assert (s, dps) == (sign, 0) and v == Fraction(value)


def test_certified_sign_balls():
    from verify.core.signs import arb, certified_sign
    from verify.core.tolerances import PRECISION_LADDER_DPS

    s, _, dps = certified_sign(lambda: arb(2).sqrt() - arb(Fraction(14142, 10000)))
    assert s == 1 and dps == 30
    s, _, _ = certified_sign(lambda: arb(Fraction(14142, 10000)) - arb(2).sqrt())
    assert s == -1
    s, _, dps = certified_sign(lambda: arb(2).sqrt() - arb(2).sqrt())  # overlaps 0, never exact
    assert s is None and dps == PRECISION_LADDER_DPS[-1]  # undecided after the last rung
    assert certified_sign(lambda: None) == (None, None, 0)
    # needs more than 30 digits: sign only certain at the second rung
    tiny = Fraction(1, 10**40)
    s, _, dps = certified_sign(lambda: arb(2).sqrt() + arb(tiny) - arb(2).sqrt())
    assert s == 1 and dps == 60
    s, _, dps = certified_sign(lambda: flint.arb(0))
    assert s == 0


@given(st.fractions(min_value=-10, max_value=10, max_denominator=10**6))
def test_arb_encloses_the_fraction(x):
    from verify.core.signs import arb

    with flint.ctx.workdps(30):
        ball = arb(x)
        assert ball.contains(flint.arb(flint.fmpq(x.numerator, x.denominator)))
        assert (ball > 0) == (x > 0) and (ball < 0) == (x < 0)


def test_full_covariance_quantities_match_definitions():
    """Correlated noise (s_min, s_max irrational): every quantity built from them (mpf
    arithmetic, not rationals) against the definitions with 80-digit Jacobi eigenvalues."""
    cov = [[2, 1, 0], [1, 2, Fraction(1, 3)], [0, Fraction(1, 3), 1]]
    case = make_case([3, 2, 1], 1, [1, Fraction(-1, 2), 2], covariance=cov, eta=Fraction(1, 10))
    with mpmath.workdps(80):
        ev = mpmath.eigsy(mpmath.matrix([[_f(Fraction(x)) for x in r] for r in cov]),
                          eigvals_only=True)
        smin, smax = min(ev), max(ev)
    with mpmath.workdps(DPS):
        q = quantities(case, DPS, case.eta)
        lam = [mpmath.mpf(v) for v in (3, 2, 1)]
        c = [mpmath.mpf(1), mpmath.mpf(-0.5), mpmath.mpf(2)]
        psiD, psiB = lam[0] ** 2, lam[1] ** 2 + lam[2] ** 2
        sD, sB = (lam[0] * c[0]) ** 2, (lam[1] * c[1]) ** 2 + (lam[2] * c[2]) ** 2
        s, theta, rho = sD + sB, sD / (sD + sB), mpmath.mpf(1) / 2
        n2 = sum(x * x for x in c)
        ref = {
            "s_min": smin, "s_max": smax,
            "g_gap": rho * lam[0] ** 2 * smin / (rho * lam[0] ** 2 * smin + lam[1] ** 2 * smax),
            "g_noise": psiD * smin / (psiD * smin + psiB * smax),
            "eta_star_lower_thm7": 2 * (lam[0] - lam[1]) / ((lam[0] ** 2 - lam[2] ** 2)
                                                            + smax * psiD / (lam[2] ** 2 * n2 * theta)),
            "eta_star_lower_thm7_remark": 2 * (lam[0] - lam[1]) / (
                (lam[0] ** 2 - lam[2] ** 2) + lam[0] ** 2 * smax * psiD / (
                    lam[0] ** 2 * lam[2] ** 2 * c[0] ** 2)),
        }
        a, h, M = smin * psiB, smax * psiD, s * (lam[0] ** 2 - lam[2] ** 2)
        b = M + h - a
        r0 = (b + mpmath.sqrt(b * b + 4 * a * h)) / (2 * a)
        ref["theta_star"] = r0 / (1 + r0)
        for name, v in ref.items():
            assert _close(q[name], v), (name, q[name], v)


def test_theta_map_guard_only_at_zero_over_zero():
    """Θ(η) is None only when E s' = E s'^D + E s'^B = 0 (0/0), and defined at the values a
    wrong guard would catch instead (found alive by the thorough mutation run): Θ = 1/2
    (E s'^D = E s'^B), E s' = 1, and Θ = 1 (E s'^B = 0 with s^B = 0)."""
    from verify.core.thresholds import theta_map

    z, h = Fraction(0), Fraction(1, 2)
    one = Fraction(1)
    # (s^D, s^B, τ^D, τ^B, u^D, u^B, e_D, e_B, η) → Θ
    assert theta_map(one, one, z, z, z, z, z, z, h) == h             # E s'^D = E s'^B
    assert theta_map(Fraction(1, 4), Fraction(3, 4), z, z, z, z, z, z, h) == Fraction(1, 4)  # E s' = 1
    assert theta_map(one, z, z, z, z, z, z, z, h) == one             # E s'^B = 0
    assert theta_map(z, z, z, z, z, z, z, z, h) is None               # 0/0


def test_threshold_guards_and_corrected_bound():
    """Guards of the thresholds fire exactly where the quantity is undefined, and nowhere else
    (wrong guards survived the thorough mutation run): Theorem 8's bound at denominator 1, its
    hypothesis threshold at e_B = e_D, g_noise at ψ_B = 0; and the corrected bound 2/(λ_k + λ_d)."""
    from verify.core import thresholds as T

    F = Fraction
    assert T.eta_star_upper_thm8(F(2), F(1), F(1), F(1), 1) == 1          # λ_kλ_1 − λ_{k+1}λ_d = 1
    assert T.eta_star_upper_thm8(F(2), F(1), F(2), F(1), 1) is None       # denominator 0
    assert T.thm8_threshold(F(1), F(1)) == F(1, 2)
    assert T.thm8_threshold(F(0), F(0)) is None
    assert T.g_noise(F(1), F(1), F(1), F(0)) == 1                         # ψ_B = 0 is fine
    assert T.g_noise(F(1), F(1), F(0), F(1)) is None                      # s_min ψ_D = 0
    assert T.eta_star_upper_corrected(F(3), F(1)) == F(1, 2)
    assert T.eta_star_upper_corrected(F(5), F(1, 2)) == F(4, 11)


def test_covariance_extremes_exact_values():
    """s_min, s_max of full covariances against exact eigenvalues: a matrix whose off-diagonal
    entries are all 1 (not diagonal), 30 digits of (3 ± √5)/2, and an exactly singular matrix at
    the largest size that gets the exact path (s_min = 0 exactly, not a rounding residue)."""
    from verify.core.noise_spectrum import EXACT_MAX_D, covariance_extremes

    F = Fraction
    with mpmath.workdps(30):
        lo, hi = covariance_extremes(((F(2), F(1)), (F(1), F(2))), 30)
        assert (lo, hi) == (1, 3)
        lo, hi = covariance_extremes(((F(1), F(1)), (F(1), F(2))), 30)
        r5 = mpmath.sqrt(5)
        assert abs(lo - (3 - r5) / 2) < mpmath.mpf(10) ** -29
        assert abs(hi - (3 + r5) / 2) < mpmath.mpf(10) ** -29
        n = EXACT_MAX_D
        ones = tuple(tuple(F(1) for _ in range(n)) for _ in range(n))
        lo, hi = covariance_extremes(ones, 20)
        assert lo == 0 and abs(hi - n) < mpmath.mpf(10) ** -15
        # a diagonal matrix beyond the exact size, with repeated extremes: read off the diagonal
        n = EXACT_MAX_D + 1
        diag = [F(1), F(1)] + [F(2)] * (n - 4) + [F(3), F(3)]
        cov = tuple(tuple(diag[i] if i == j else F(0) for j in range(n)) for i in range(n))
        assert covariance_extremes(cov, 20) == (1, 3)


def test_exact_psd_and_rank_on_small_matrices():
    """The exact PSD test and rank (rational elimination) on matrices whose answer is known,
    including a zero pivot after elimination (found untested by the thorough mutation run)."""
    from verify.core.noise_spectrum import _exact_psd, _exact_rank

    F = Fraction
    ones = [[F(1), F(1)], [F(1), F(1)]]
    assert _exact_psd(ones) and _exact_rank(ones) == 1                 # PSD, zero pivot at i = 1
    assert not _exact_psd([[F(1), F(2)], [F(2), F(1)]])                # eigenvalues 3, −1
    assert _exact_rank([[F(2), F(1)], [F(1), F(2)]]) == 2
    assert _exact_rank([[F(0), F(0)], [F(0), F(0)]]) == 0
    assert _exact_rank([[F(0), F(1)], [F(1), F(0)]]) == 2              # needs a row swap
    m = [[F(1), F(2), F(3)], [F(2), F(4), F(6)], [F(1), F(0), F(1)]]  # row 2 = 2·row 1
    assert _exact_rank(m) == 2
    m = [[F(1), F(1), F(0)], [F(1), F(1), F(0)], [F(0), F(0), F(1)]]  # the row right after the pivot
    assert _exact_rank(m) == 2


def test_covariance_is_psd_on_both_paths():
    """Exact path (d ≤ 40): a matrix with λ_min = −10⁻⁵⁵ is not PSD. Refined path (d = 41): the
    same defect is within the documented tolerance −10⁻⁵⁰‖Σ‖, a defect of −10⁻³ is not."""
    from verify.core.noise_spectrum import covariance_is_psd

    F = Fraction

    def cov(n: int, eps: Fraction):
        # diag(−eps, [[1, 1/2], [1/2, 2]], 3, 4, …): not diagonal, λ_min = −eps exactly
        a = [[F(0)] * n for _ in range(n)]
        a[0][0] = -eps
        a[1][1], a[2][2], a[1][2], a[2][1] = F(1), F(2), F(1, 2), F(1, 2)
        for i in range(3, n):
            a[i][i] = F(i)
        return tuple(tuple(r) for r in a)

    tiny = F(1, 10**55)
    assert not covariance_is_psd(cov(40, tiny))
    assert covariance_is_psd(cov(40, F(0)))
    assert covariance_is_psd(cov(41, tiny))
    assert covariance_is_psd(cov(41, F(0)))
    assert not covariance_is_psd(cov(41, F(1, 1000)))


def test_margins_undefined_exactly_on_their_guards():
    """Margins return None on the boundary of their hypotheses and a value just inside (guards
    found untested by the thorough mutation run): thm3 at η = η* exactly; intro-box with s^D = 0
    but D-noise; sec5-interval with neither mass nor noise in B."""
    from verify.claims.common import eta_star

    F = Fraction
    base = dict(eigenvalues=[2, 1], k=1, state=[F(1, 10), 1], kappa2=[1, 1])
    c = make_case(base["eigenvalues"], 1, base["state"], kappa2=base["kappa2"], eta=F(1, 100))
    es = eta_star(c)
    assert es is not None and es > 0
    at = make_case(base["eigenvalues"], 1, base["state"], kappa2=base["kappa2"], eta=es)
    assert MARGINS["thm3"](at) is None                                  # η = η*: not η > η*
    above = make_case(base["eigenvalues"], 1, base["state"], kappa2=base["kappa2"], eta=es * F(11, 10))
    assert MARGINS["thm3"](above) is not None
    no_signal = make_case([2, 1], 1, [0, 1], kappa2=[1, 1], eta=F(1, 10))
    assert MARGINS["intro-box"](no_signal) is None                      # s^D = 0, n^loss_D > 0
    empty_b = make_case([2, 1], 1, [1, 0], kappa2=[1, 0], eta=F(1, 10))
    assert MARGINS["sec5-interval"](empty_b) is None                    # τ^B + n^loss_B = 0
