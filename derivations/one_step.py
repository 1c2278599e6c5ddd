"""Section 4 and App. A.2–A.6: one-step alignment dynamics (Lemmas 20–22, Theorems 2–9)."""

from __future__ import annotations

import sympy as sp

from derivations.core import Derivation, Step, gaussian_expectation, held
from derivations.symbols import (
    C_B,
    C_D,
    L_,
    LAM_B,
    LAM_D,
    a_,
    b_,
    beta5,
    c,
    c_j,
    eB,
    eD,
    eps1,
    eps2,
    eps3,
    eps4,
    eta,
    expected_next,
    g_,
    kappa2,
    lam,
    lam1,
    lam_j,
    lamd,
    lamk,
    lamk1,
    lemma22_p,
    lemma22_q,
    m,
    normx,
    nu,
    psiB,
    psiD,
    r_,
    rho,
    s,
    sB,
    sD,
    smax,
    smin,
    tB,
    tD,
    theta,
    uB,
    uD,
    w_i,
    w_j,
    zeta,
)

p, q = lemma22_p(), lemma22_q()
ED, EB = expected_next(sD, tD, uD, eD), expected_next(sB, tB, uB, eB)
eta_star = -q / p


def _double_sum_identity(nd: int, nb: int, pw_left: int, pw_right: int) -> Step:
    """Σ_B w Σ_D w λ^r − Σ_D w Σ_B w λ^r = Σ_{i∈B} Σ_{j∈D} w_i w_j (λ_j^r − λ_i^r), w = λ²c²,
    checked on explicit blocks of sizes (nd, nb) with symbolic λ, c."""
    lD, lB, cD, cB = LAM_D[:nd], LAM_B[:nb], C_D[:nd], C_B[:nb]
    wD = [lD[j] ** 2 * cD[j] ** 2 for j in range(nd)]
    wB = [lB[i] ** 2 * cB[i] ** 2 for i in range(nb)]
    r = pw_right
    lhs = sum(wB) * sum(w * l**r for w, l in zip(wD, lD)) - sum(wD) * sum(
        w * l**r for w, l in zip(wB, lB))
    rhs = sum(wB[i] * wD[j] * (lD[j] ** r - lB[i] ** r) for i in range(nb) for j in range(nd))
    return Step(f"product-of-sums = double sum, blocks of sizes ({nd},{nb}), power {r}", lhs, rhs)


def lem20() -> Derivation:
    Theta = ED / (ED + EB)
    return Derivation(
        "lem20", "Ratio of expectations and the sign of the drift", "App. A.4, Eqs. (13)-(14)",
        ("Assumption 1; block sums concentrate (Lemmas 17-19)",),
        {"Theta": Theta},
        (
            Step("Θ − θ = E[f_t|x] / (s (E s^D' + E s^B')) — the sign transfer of (14)",
                 Theta - sD / (sD + sB), (sB * ED - sD * EB) / ((sD + sB) * (ED + EB))),
            Step("E[f_t|x] = s^B E[s^D'] − s^D E[s^B'] = pη² + qη", sB * ED - sD * EB,
                 p * eta**2 + q * eta),
            Step("replication: every block sum ×r leaves Θ unchanged",
                 Theta.subs({v: 7 * v for v in (sD, sB, tD, tB, uD, uB, eD, eB)},
                            simultaneous=True), Theta),
        ),
    )


def lem21() -> Derivation:
    c_next = (1 - eta * lam) * c - eta * zeta
    E = gaussian_expectation(lam**2 * c_next**2, zeta, kappa2)
    closed = (1 - eta * lam) ** 2 * lam**2 * c**2 + eta**2 * lam**2 * kappa2
    return Derivation(
        "lem21", "Elementwise one-step expectation", "App. A.5, Lemma 21, Eqs. (15)-(18)",
        ("ζ_i = ⟨ξ, u_i⟩ with E ζ_i = 0, E ζ_i² = κ_i²",),
        {"E[lambda^2c'^2]": closed, "E[s^S']": ED},
        (
            Step("E over ζ ~ N(0, κ²) of λ²((1 − ηλ)c − ηζ)² (Gaussian moments)", E, closed),
            Step("summand of (15): λ²c² − 2ηλ³c² + η²(λ⁴c² + λ²κ²)", closed,
                 lam**2 * c**2 - 2 * eta * lam**3 * c**2 + eta**2 * (lam**4 * c**2
                                                                      + lam**2 * kappa2)),
        ),
    )


# the summand weights of the double sums: w_i = λ_i² c_{i,t}² (i ∈ B), w_j = λ_j² c_{j,t}² (j ∈ D)
_SUMMAND_WHERE = ((w_i, lam**2 * c**2), (w_j, lam_j**2 * c_j**2))


def lem22() -> Derivation:
    # q ≤ 2 s^B s^D (λ_{k+1} − λ_k): summand certificate with λ_j = λ_k + a (j ∈ D),
    # λ_i = λ_{k+1} − b (i ∈ B), so λ_j − λ_i − (λ_k − λ_{k+1}) = a + b ≥ 0.
    summand_slack = w_i * w_j * ((lamk + a_) - (lamk1 - b_)) - w_i * w_j * (lamk - lamk1)
    return Derivation(
        "lem22", "Quadratic form of E[f_t(η)|x_t] and the critical step size",
        "App. A.5, Lemma 22, Eqs. (19)-(21); Eq. (2)",
        ("x_t fixed; θ_t ∈ (0,1) for q_t < 0 (s^D s^B > 0)",),
        {"p": p, "q": q, "eta_star": eta_star},
        (
            Step("E[f_t|x] = s^B E[s^D'|x] − s^D E[s^B'|x] = pη² + qη (Lemma 21 substituted)",
                 sB * ED - sD * EB, p * eta**2 + q * eta),
            _double_sum_identity(2, 2, 2, 1),
            _double_sum_identity(3, 2, 2, 1),
            Step("−q/2 − s^B s^D (λ_k − λ_{k+1}) = ΣΣ w_i w_j (a_j + b_i) ≥ 0 (summand)",
                 summand_slack, kind="nonneg", nonneg=(w_i, w_j, a_, b_),
                 where=_SUMMAND_WHERE + ((a_, lam_j - lamk), (b_, lamk1 - lam))),
            Step("η* = −q/p is the non-zero root of pη² + qη",
                 (p * eta**2 + q * eta).subs(eta, eta_star), kind="substitution"),
            Step("Eq. (2) equals −q/p", held(lambda: -q / p),
                 2 * (sB * tD - sD * tB) / (sB * (uD + eD) - sD * (uB + eB))),
        ),
    )


def thm2() -> Derivation:
    return Derivation(
        "thm2", "Decrease condition", "§4 Theorem 2; App. A.6",
        ("Assumption 1", "0 < η < η*_t (so p_t > 0 and q_t < 0)"),
        {"E_f": p * eta**2 + q * eta},
        (
            Step("at η = ν·η*: pη + q = q(1 − ν), negative for ν ∈ (0,1) when q < 0",
                 (p * eta + q).subs(eta, nu * eta_star), q * (1 - nu), where=((nu, eta / eta_star),)),
        ),
    )


def g_noise_form() -> sp.Expr:
    """Theorem 3's g_noise = 1/(1 + (s_max/s_min) ψ_B/ψ_D)."""
    return 1 / (1 + smax * psiB / (smin * psiD))


def g_gap_form() -> sp.Expr:
    """Theorem 3's g_gap = 1/(1 + (s_max/s_min)(1/ρ)(λ_{k+1}/λ_k)²)."""
    return 1 / (1 + smax / smin / rho * (lamk1 / lamk) ** 2)


def thm3() -> Derivation:
    g_noise, g_gap = g_noise_form(), g_gap_form()
    # (23): s^B e_D − s^D e_B − [s^B s_min ψ_D − s^D s_max ψ_B] with e_D = s_min ψ_D + ε1,
    # e_B = s_max ψ_B − ε2 equals s^B ε1 + s^D ε2 ≥ 0.
    cert23 = (sB * (smin * psiD + eps1) - sD * (smax * psiB - eps2)) - (
        sB * smin * psiD - sD * smax * psiB)
    # (22): summand w_i w_j (λ_j² − λ_i²) − w_i w_j (λ_k² − λ_{k+1}²) ≥ 0
    cert22 = w_i * w_j * ((lamk + a_) ** 2 - (lamk1 - b_) ** 2) - w_i * w_j * (lamk**2 - lamk1**2)
    # b_ ≤ λ_{k+1}: write λ_{k+1} = b + g so that λ_i = g ≥ 0, and λ_k = λ_{k+1} + L
    cert22 = cert22.subs(lamk1, b_ + g_).subs(lamk, b_ + g_ + L_)
    return Derivation(
        "thm3", "Increase condition; g_gap ≤ g_noise", "§4 Theorem 3; App. A.6, Eqs. (22)-(23)",
        ("Assumption 1", "s_min > 0", "θ_t ≤ g_gap", "η_t > η*_t"),
        {"g_gap": g_gap, "g_noise": g_noise},
        (
            _double_sum_identity(2, 2, 2, 2),
            Step("(22) summand: w_i w_j (λ_j² − λ_i²) ≥ w_i w_j (λ_k² − λ_{k+1}²)", cert22,
                 kind="nonneg", nonneg=(w_i, w_j, a_, b_, g_, L_),
                 where=_SUMMAND_WHERE + ((a_, lam_j - lamk), (b_, lamk1 - lam), (g_, lam),
                                         (L_, lamk - lamk1))),
            Step("(23): s^B e_D − s^D e_B ≥ s^B s_min ψ_D − s^D s_max ψ_B", cert23, kind="nonneg",
                 nonneg=(eps1, eps2), where=((eps1, eD - smin * psiD), (eps2, smax * psiB - eB))),
            Step("bracket of (23) vanishes at θ = g_noise",
                 ((1 - theta) * smin * psiD - theta * smax * psiB).subs(theta, g_noise),
                 kind="substitution"),
            Step("1/g_noise − 1 = (s_max/s_min) ψ_B/ψ_D", held(lambda: 1 / g_noise - 1),
                 smax * psiB / (smin * psiD)),
            Step("1/g_gap − 1 = (s_max/s_min)(1/ρ)(λ_{k+1}/λ_k)²; equals the g_noise form when "
                 "ψ_D = kλ_k², ψ_B = (d−k)λ_{k+1}² (ρ = k/(d−k)), hence g_gap ≤ g_noise",
                 held(lambda: (1 / g_noise - 1).subs({psiD: rho * lamk**2, psiB: lamk1**2})),
                 held(lambda: 1 / g_gap - 1)),
        ),
    )


def _theta_star_quadratic(r):
    a, h, mm = smin * psiB, smax * psiD, s * (lam1**2 - lamd**2)
    return a * r**2 + (a - mm - h) * r - h


def thm4() -> Derivation:
    a, h, mm = smin * psiB, smax * psiD, s * (lam1**2 - lamd**2)
    r = r_
    bound24 = s**2 * theta * (1 - theta) * (lam1**2 - lamd**2) + s * (1 - theta) * (
        smax * psiD) - s * theta * smin * psiB
    # RHS(24) − p ≥ 0 with u^D = λ1² s^D − ε1, u^B = λ_d² s^B + ε2, e_D = s_max ψ_D − ε3,
    # e_B = s_min ψ_B + ε4
    p_sub = p.subs({uD: lam1**2 * sD - eps1, uB: lamd**2 * sB + eps2, eD: smax * psiD - eps3,
                    eB: smin * psiB + eps4})
    rhs_blocks = sB * (lam1**2 * sD + smax * psiD) - sD * (lamd**2 * sB + smin * psiB)
    r0 = (-(a - mm - h) + sp.sqrt((a - mm - h) ** 2 + 4 * a * h)) / (2 * a)
    return Derivation(
        "thm4", "Large-alignment regime: θ ≥ θ* ⇒ decrease for every η > 0",
        "§4 Theorem 4; App. A.6, Eq. (24)",
        ("Assumption 1", "s_min > 0 (else a^aux = 0 and the quadratic has no positive root)"),
        {"r0": r0, "theta_star": r0 / (1 + r0)},
        (
            Step("RHS(24) − p = s^B ε1 + s^B ε3 + s^D ε2 + s^D ε4 ≥ 0", rhs_blocks - p_sub,
                 kind="nonneg", nonneg=(eps1, eps2, eps3, eps4),
                 where=((eps1, lam1**2 * sD - uD), (eps2, uB - lamd**2 * sB),
                        (eps3, smax * psiD - eD), (eps4, eB - smin * psiB))),
            Step("block form of the bound equals (24) with s^D = sθ, s^B = s(1−θ)",
                 rhs_blocks.subs({sD: s * theta, sB: s * (1 - theta)}), bound24),
            Step("(24) at θ = r/(1+r) equals −s/(1+r)² · [a r² + (a − m − h) r − h]",
                 bound24.subs(theta, r / (1 + r)), -s / (1 + r) ** 2 * _theta_star_quadratic(r),
                 where=((r, theta / (1 - theta)),)),
            Step("r0 is a root of the θ* quadratic Q(r) = a r² + (a − m − h) r − h, with "
                 "a = s_min ψ_B, h = s_max ψ_D, m = s_t(λ_1² − λ_d²)", _theta_star_quadratic(r0),
                 kind="substitution"),
        ),
    )


def thm5() -> Derivation:
    a, h, mm = smin * psiB, smax * psiD, s * (lam1**2 - lamd**2)
    beta_c = beta5
    r_lo = beta_c / m**2 - 1
    return Derivation(
        "thm5", "Asymptotic rate of θ*: printed proof vs corrected two-sided bound",
        "§4 Theorem 5; App. A.6",
        ("Assumption 1", "s_min > 0"),
        {"one_minus_theta_star_lower": a / (2 * a + mm + h),
         "one_minus_theta_star_upper": a / (mm + h)},
        (
            Step("printed step: r/(1+r) at r = β/m² − 1 is 1 − m²/β, not 1 − β/m²",
                 r_lo / (1 + r_lo), 1 - m**2 / beta_c),
            Step("so the printed conclusion 1 − β/m² differs from what the step gives",
                 r_lo / (1 + r_lo), 1 - beta_c / m**2, kind="differs"),
            Step("Q((m+h)/a − 1) = −h ≤ 0, so r0 ≥ (m+h)/a − 1",
                 _theta_star_quadratic((mm + h) / a - 1), -h),
            Step("Q((m+h)/a + 1) = 2m + h + 2a > 0, so r0 < (m+h)/a + 1",
                 _theta_star_quadratic((mm + h) / a + 1), 2 * mm + h + 2 * a),
            Step("1 − θ* = 1/(1+r0) ∈ [a/(m+h+2a), a/(m+h)]: endpoint forms",
                 1 / (1 + ((mm + h) / a + 1)), a / (mm + h + 2 * a)),
        ),
        disagreements=(
            "Proof of Thm 5: from r0 ≥ β/m² − 1 the proof concludes θ* ≥ 1 − β/m², but "
            "r/(1+r) at r = β/m² − 1 equals 1 − m²/β (and β/m² − 1 < 0 for large m).",
            "The upper bound r0 ≤ α m² with a state-independent α is asserted, not derived: "
            "r0 ≥ m^aux/a − 1 grows without bound with s_t at fixed m.",
        ),
    )


def thm6() -> Derivation:
    a, h, mm = smin * psiB, smax * psiD, s * (lam1**2 - lamd**2)
    r_noise = smin * psiD / (smax * psiB)
    return Derivation(
        "thm6", "Separation g_gap < θ*", "§4 Theorem 6; App. A.6",
        ("Assumption 1", "s_min > 0", "s_t > 0"),
        {"r_noise": r_noise},
        (
            Step("Q(h/a) = −m h / a < 0, so r0 > h/a", _theta_star_quadratic(h / a), -mm * h / a),
            Step("h/a − r_noise = (ψ_D/ψ_B)(s_max/s_min − s_min/s_max) ≥ 0", h / a - r_noise,
                 psiD / psiB * (smax / smin - smin / smax)),
            Step("(s_max/s_min − s_min/s_max) = (s_max² − s_min²)/(s_min s_max), s_max = s_min + ε",
                 (smax / smin - smin / smax).subs(smax, smin + eps1) * smin * (smin + eps1),
                 kind="nonneg", nonneg=(eps1,), where=((eps1, smax - smin),)),
        ),
    )


def thm7() -> Derivation:
    M = lam1**2 - lamd**2
    H = smax * psiD
    gap1 = lamk - lamk1
    lower = 2 * gap1 / (M + H / (lamd**2 * normx * theta))
    return Derivation(
        "thm7", "Lower bound on η* in ‖x‖² and θ", "§4 Theorem 7 and Remark; App. A.6",
        ("Assumption 1", "p_t > 0 (needed to divide; the statement says 'for any x_t')"),
        {"eta_star_lower": lower},
        (
            Step("2s²θ(1−θ)gap1 / (s²θ(1−θ)M + s(1−θ)H) = 2gap1/(M + H/(sθ))",
                 2 * s**2 * theta * (1 - theta) * gap1 / (s**2 * theta * (1 - theta) * M
                                                          + s * (1 - theta) * H),
                 2 * gap1 / (M + H / (s * theta))),
            Step("Remark: two-level spectrum (λ_k = λ_1, λ_{k+1} = λ_d) gives 2/(λ_1 + λ_d)",
                 (2 * gap1 / M).subs({lamk: lam1, lamk1: lamd}), 2 / (lam1 + lamd)),
        ),
        disagreements=(
            "η* = −q/p is negative when p_t < 0 (e.g. θ_t ≥ θ*_t), so the bound cannot hold "
            "'for any x_t'; the proof divides by p_t assuming p_t > 0.",
        ),
    )


def thm8() -> Derivation:
    # correct bound η* ≤ 2/(λ_k + λ_d) when s^B e_D − s^D e_B ≥ 0: summand certificate for
    # (2/(λ_k+λ_d))(λ_j² − λ_i²) − 2(λ_j − λ_i) ≥ 0 with λ_d = L, λ_i = L + b, λ_k = L + b + g,
    # λ_j = λ_k + a (a, b, g ≥ 0).
    Ld = L_ + 1  # λ_d > 0
    li, lk = Ld + b_, Ld + b_ + g_
    lj = lk + a_
    cert = (2 / (lk + Ld)) * (lj**2 - li**2) - 2 * (lj - li)
    main = (lam1 - lamd) / (lamk * lam1 - lamk1 * lamd)
    app = 2 * (lam1 - lamd) / (lamk * lam1 - lamk1 * lamd)
    return Derivation(
        "thm8", "Upper bound on η* under θ ≥ e_B/(e_B + e_D)", "§4 Theorem 8; App. A.6 (25)-(29)",
        ("Assumption 1", "θ_t ≥ e_B/(e_B + e_D)", "θ_t ∈ (0, 1)"),
        {"main_text_bound": main, "appendix_bound": app, "sharp_bound": 2 / (lamk + lamd)},
        (
            Step("θ(e_B+e_D) − e_B at θ = s^D/s equals (s^D e_D − s^B e_B)/s",
                 (sD / (sD + sB)) * (eB + eD) - eB, (sD * eD - sB * eB) / (sD + sB)),
            Step("…which is not the noise residual s^B e_D − s^D e_B the proof needs",
                 sD * eD - sB * eB, sB * eD - sD * eB, kind="differs"),
            Step("the residual is ≥ 0 iff θ ≤ e_D/(e_B+e_D): (1−θ)e_D − θe_B at θ = e_D/(e_B+e_D)",
                 ((1 - theta) * eD - theta * eB).subs(theta, eD / (eB + eD)), kind="substitution"),
            Step("sharp bound summand: (2/(λ_k+λ_d))(λ_j² − λ_i²) − 2(λ_j − λ_i) ≥ 0 (homogeneous "
                 "of degree 1 in the eigenvalues: A is scaled so that λ_d ≥ 1, L = λ_d − 1 ≥ 0)",
                 cert, kind="nonneg", nonneg=(a_, b_, g_, L_),
                 where=((a_, lam_j - lamk), (b_, lam - lamd), (g_, lamk - lam), (L_, lamd - 1))),
            Step("two-level spectrum: main-text bound is 1/(λ_1+λ_d), half of η* = 2/(λ_1+λ_d)",
                 main.subs({lamk: lam1, lamk1: lamd}), 1 / (lam1 + lamd)),
            Step("main text and appendix bounds differ by the factor 2", app, main, kind="differs"),
        ),
        disagreements=(
            "Proof of Thm 8: 'θ ≥ e_B/(e_B+e_D) ⇔ … ⇔ s^B e_D − s^D e_B ≥ 0' is false; the "
            "condition is equivalent to s^D e_D ≥ s^B e_B, while s^B e_D − s^D e_B ≥ 0 is "
            "equivalent to θ ≤ e_D/(e_B+e_D). Near θ = 1 the residual is negative, p_t can "
            "vanish and η* = −q/p is unbounded.",
            "Main text prints η* ≤ (λ_1−λ_d)/(λ_kλ_1 − λ_{k+1}λ_d); App. A.6 prints twice that.",
            "Proof (25) drops the factor 2 of q_t (−q_t = 2(s^B τ^D − s^D τ^B)).",
            "Proof (27) claims s^B u^D − s^D u^B ≥ (λ_kλ_1 − λ_{k+1}λ_d) s^D s^B; only "
            "(λ_k² − λ_{k+1}²) s^D s^B follows from λ_j ≥ λ_k, λ_i ≤ λ_{k+1}. The sharp valid "
            "bound is η* ≤ 2/(λ_k + λ_d), which is ≤ the appendix bound.",
        ),
    )


def cor9() -> Derivation:
    return Derivation(
        "cor9", "η* ≤ 2/λ_1 under Theorem 8's condition", "§4 Corollary 9; App. A.6",
        ("Theorem 8's condition",),
        {"claimed_bound": 2 / lam1, "sharp_bound": 2 / (lamk + lamd)},
        (
            Step("sharp bound 2/(λ_k+λ_d) exceeds 2/λ_1 when λ_k + λ_d < λ_1 (e.g. λ=(10,1,1/2))",
                 (2 / (lamk + lamd)).subs({lamk: 1, lamd: sp.Rational(1, 2)}),
                 (2 / lam1).subs(lam1, 10), kind="differs"),
        ),
        disagreements=(
            "The proof's step 'λ_1(λ_1−λ_d) ≤ λ_kλ_1 − λ_{k+1}λ_d holds if λ_1² − λ_1λ_d ≤ "
            "λ_1² − λ_{k+1}λ_d' replaces λ_kλ_1 by the larger λ_1², which goes the wrong way.",
        ),
    )


DERIVATIONS = (lem20, lem21, lem22, thm2, thm3, thm4, thm5, thm6, thm7, thm8, cor9)
