"""The claim registry: one entry per claim id of CLAIMS.md (plus corrected statements).

An entry records the paper reference, the statement as printed, the hypotheses, the exact
quantity asserted, its kind, and its checker. Margin-based entries hold iff margin > 0
(strict) or ≥ 0 on every state meeting the hypotheses; asymptotic (d → ∞) claims are
tested on finite-d states through the ratio-of-expectations map Θ(η; x), which the
replication argument of CLAIMS.md makes exact for the family the state stands for.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from verify.cases import Case
from verify.margins import arb
from verify.noise_spectrum import exact_noise_extremes
from verify.theory import Theta_map, blocks, lemma22_pq

Margin = Callable[[Case], Any]  # Fraction | arb | None (None: hypotheses fail)


@dataclass(frozen=True)
class Claim:
    id: str
    reference: str
    statement: str
    hypotheses: str
    quantity: str
    kind: str  # identity | inequality | equivalence | limit | rate | empirical | assumption
    checker: str  # "symbolic:<derivation id>", "margin", or "special:<name>"
    needs_eta: bool = False
    strict: bool = True
    corrected_by: str | None = None
    eta_mode: str = "any"  # how η is sampled: any | below_star | above_star | between_loss


def _theta(case: Case) -> Fraction:
    b = blocks(case)
    return b.sD / b.s if b.s else Fraction(0)


def _in_open_unit(case: Case) -> bool:
    b = blocks(case)
    return b.sD > 0 and b.sB > 0


def _one_minus_theta_star(case: Case):
    """arb value of 1 − θ* (current flint precision), None if undefined."""
    ss = exact_noise_extremes(case)
    if ss is None:
        return None
    smin, smax = ss
    b = blocks(case)
    lam = case.eigenvalues
    a, h, M = smin * b.psiB, smax * b.psiD, b.s * (lam[0] ** 2 - lam[-1] ** 2)
    if a == 0 or h == 0:
        return None
    bb = M + h - a
    disc = (arb(bb) ** 2 + 4 * arb(a) * arb(h)).sqrt()
    r0 = (arb(bb) + disc) / (2 * arb(a)) if bb >= 0 else 2 * arb(h) / (disc - arb(bb))
    return 1 / (1 + r0)


def _g_gap(case: Case) -> Fraction | None:
    ss = exact_noise_extremes(case)
    if ss is None or ss[0] == 0:
        return None
    smin, smax = ss
    lam, k, d = case.eigenvalues, case.k, case.d
    return 1 / (1 + smax / smin * (lam[k] / lam[k - 1]) ** 2 * Fraction(d - k, k))


def _delta_crit(case: Case):
    """arb value of 1 − θ^crit (root of αδ² − (α+n)δ + n_B), None if undefined."""
    b = blocks(case)
    if b.sD == 0 or b.sB == 0:
        return None
    alpha = b.s * (b.tauD / b.sD - b.tauB / b.sB)
    n = b.nB + b.nD
    if alpha <= 0 or b.nB == 0:
        return None
    A, N, NB = arb(alpha), arb(n), arb(b.nB)
    return 2 * NB / ((A + N) + ((A + N) ** 2 - 4 * A * NB).sqrt())


def _eta_star(case: Case) -> Fraction | None:
    p, q = lemma22_pq(blocks(case))
    return None if p == 0 else -q / p


# ---------------------------------------------------------------- margins (holds iff > 0 / ≥ 0)
def m_thm2(case: Case):
    es = _eta_star(case)
    if not _in_open_unit(case) or es is None or es <= 0 or not 0 < case.eta < es:
        return None
    return _theta(case) - Theta_map(case, case.eta)


def m_thm3(case: Case):
    gg, es = _g_gap(case), _eta_star(case)
    if gg is None or es is None or not _in_open_unit(case):
        return None
    if not (_theta(case) <= gg and case.eta > es):
        return None
    return Theta_map(case, case.eta) - _theta(case)


def m_thm3_bounds(case: Case):
    gg = _g_gap(case)
    if gg is None:
        return None
    b = blocks(case)
    smin, smax = exact_noise_extremes(case)  # type: ignore[misc]
    g_noise = 1 / (1 + smax * b.psiB / (smin * b.psiD))
    return min(gg, 1 - gg, g_noise - gg)


def m_thm4(case: Case):
    om = _one_minus_theta_star(case)
    if om is None or not _in_open_unit(case):
        return None
    th = _theta(case)
    if not arb(th) >= 1 - om:  # hypothesis must hold with certainty
        return None
    return _theta(case) - Theta_map(case, case.eta)


def m_thm5_corrected(case: Case):
    om = _one_minus_theta_star(case)
    if om is None:
        return None
    smin, smax = exact_noise_extremes(case)  # type: ignore[misc]
    b, lam = blocks(case), case.eigenvalues
    a, h, M = smin * b.psiB, smax * b.psiD, b.s * (lam[0] ** 2 - lam[-1] ** 2)
    lo, hi = arb(a) / (2 * arb(a) + arb(M) + arb(h)), arb(a) / (arb(M) + arb(h))
    return _arb_min(om - lo, hi - om)


def m_thm6(case: Case):
    om, gg = _one_minus_theta_star(case), _g_gap(case)
    if om is None or gg is None or blocks(case).s == 0:
        return None
    return (1 - om) - arb(gg)


def _thm7_bounds(case: Case):
    ss = exact_noise_extremes(case)
    th = _theta(case)
    if ss is None or th == 0:
        return None
    smax = ss[1]
    b, lam, k = blocks(case), case.eigenvalues, case.k
    M = lam[0] ** 2 - lam[-1] ** 2
    gap1 = lam[k - 1] - lam[k]
    lower = 2 * gap1 / (M + smax * b.psiD / (lam[-1] ** 2 * b.norm2 * th))
    remark = 2 * gap1 / (M + lam[0] ** 2 * smax * b.psiD / (lam[k - 1] ** 2 * lam[-1] ** 2
                                                            * b.normD2))
    return lower, remark


def m_thm7(case: Case, corrected: bool = False, which: int = 0):
    bounds, es = _thm7_bounds(case), _eta_star(case)
    if bounds is None or es is None or not _in_open_unit(case):
        return None
    if corrected and lemma22_pq(blocks(case))[0] <= 0:
        return None
    return es - bounds[which]


def _thm8_hyp(case: Case) -> bool:
    b = blocks(case)
    return _in_open_unit(case) and b.eB + b.eD > 0 and _theta(case) >= b.eB / (b.eB + b.eD)


def m_thm8(case: Case, factor: int):
    es = _eta_star(case)
    if es is None or not _thm8_hyp(case):
        return None
    lam, k = case.eigenvalues, case.k
    return factor * (lam[0] - lam[-1]) / (lam[k - 1] * lam[0] - lam[k] * lam[-1]) - es


def m_thm8_corrected(case: Case):
    b, es = blocks(case), _eta_star(case)
    if es is None or not _in_open_unit(case) or b.sB * b.eD - b.sD * b.eB < 0:
        return None
    lam, k = case.eigenvalues, case.k
    return Fraction(2) / (lam[k - 1] + lam[-1]) - es


def m_cor9(case: Case):
    es = _eta_star(case)
    if es is None or not _thm8_hyp(case):
        return None
    return Fraction(2) / case.eigenvalues[0] - es


def m_intro_box(case: Case):
    """Box claim: E ΔL_D < 0 ⇔ η < η_box. Margin = −(E ΔL_D)·(η_box − η) > 0 when consistent."""
    b = blocks(case)
    if b.uD + b.nD == 0 or b.sD == 0:
        return None
    box = 2 * b.sD / (b.uD + b.nD)
    dl = -case.eta * b.sD + case.eta**2 * (b.tauD + b.nD) / 2
    if case.eta == box:
        return None
    return -dl * (box - case.eta)


def m_thm10(case: Case):
    """E ΔL_S < 0 ⇔ 0 < η < η^loss_S for both S; margin = min over S of −E ΔL·(η^loss − η)."""
    b = blocks(case)
    out = []
    for sS, tS, nS in ((b.sD, b.tauD, b.nD), (b.sB, b.tauB, b.nB)):
        if tS + nS == 0:
            return None
        el = 2 * sS / (tS + nS)
        if case.eta == el:
            return None
        out.append(-(-case.eta * sS + case.eta**2 * (tS + nS) / 2) * (el - case.eta))
    return min(out)


def m_lem23(case: Case, corrected: bool = False):
    b = blocks(case)
    if not _in_open_unit(case):
        return None
    if corrected and (b.nD == 0 or b.nB == 0):
        return None
    alpha = b.s * (b.tauD / b.sD - b.tauB / b.sB)
    return min(alpha, b.nD, b.nB)  # α > 0, γ = −n_D < 0, h(1) = n_B > 0


def m_lem24(case: Case):
    d = _delta_crit(case)
    b = blocks(case)
    if d is None or b.nD == 0:
        return None
    return _arb_min(d, 1 - d)


def m_thm11(case: Case):
    d = _delta_crit(case)
    b = blocks(case)
    if d is None or b.nD == 0 or b.tauD + b.nD == 0 or b.tauB + b.nB == 0:
        return None
    diff = 2 * b.sD / (b.tauD + b.nD) - 2 * b.sB / (b.tauB + b.nB)
    return arb(diff) * (arb(_theta(case)) - (1 - d)) if diff != 0 else None


def m_sec5_interval(case: Case):
    b = blocks(case)
    if b.tauD + b.nD == 0 or b.tauB + b.nB == 0:
        return None
    eD, eB = 2 * b.sD / (b.tauD + b.nD), 2 * b.sB / (b.tauB + b.nB)
    if not eD < case.eta < eB:
        return None
    dD = -case.eta * b.sD + case.eta**2 * (b.tauD + b.nD) / 2
    dB = -case.eta * b.sB + case.eta**2 * (b.tauB + b.nB) / 2
    return min(dD, -dB)


def m_thm13(case: Case, which: str):
    d = _delta_crit(case)
    b, lam, k = blocks(case), case.eigenvalues, case.k
    if d is None:
        return None
    base = b.s * (lam[k - 1] - lam[k])
    alpha = b.s * (b.tauD / b.sD - b.tauB / b.sB)
    if which == "upper":
        return arb(b.nB / base) - d
    if which == "lower":
        return d - arb(b.nB / (base + b.nB + b.nD))
    lo, hi = arb(b.nB / (alpha + b.nB + b.nD)), arb(b.nB / alpha)
    return _arb_min(d - lo, hi - d)


def m_lem22_bound(case: Case):
    b = blocks(case)
    lam, k = case.eigenvalues, case.k
    p, q = lemma22_pq(b)
    return 2 * b.sB * b.sD * (lam[k] - lam[k - 1]) - q


def _arb_min(x, y):
    if isinstance(x, Fraction) and isinstance(y, Fraction):
        return min(x, y)
    x, y = (arb(v) if isinstance(v, Fraction) else v for v in (x, y))
    if x < y:
        return x
    if y < x:
        return y
    return x if x.mid() < y.mid() else y  # overlapping balls: keep the smaller midpoint


MARGINS: dict[str, Margin] = {
    "lem22-bound": m_lem22_bound,
    "thm2": m_thm2,
    "thm3": m_thm3,
    "thm3-bounds": m_thm3_bounds,
    "thm4-corrected": m_thm4,
    "thm5-corrected": m_thm5_corrected,
    "thm6": m_thm6,
    "thm7": lambda c: m_thm7(c, False, 0),
    "thm7-remark": lambda c: m_thm7(c, False, 1),
    "thm7-corrected": lambda c: _arb_min(*(m_thm7(c, True, i) for i in (0, 1)))
    if m_thm7(c, True, 0) is not None else None,
    "thm8-main": lambda c: m_thm8(c, 1),
    "thm8-app": lambda c: m_thm8(c, 2),
    "thm8-corrected": m_thm8_corrected,
    "cor9": m_cor9,
    "thm10": m_thm10,
    "intro-box": m_intro_box,
    "lem23": m_lem23,
    "lem23-corrected": lambda c: m_lem23(c, True),
    "lem24": m_lem24,
    "thm11": m_thm11,
    "sec5-interval": m_sec5_interval,
    "thm13-upper": lambda c: m_thm13(c, "upper"),
    "thm13-lower": lambda c: m_thm13(c, "lower"),
    "thm13-corrected": lambda c: m_thm13(c, "corrected"),
}


def C(id_: str, ref: str, statement: str, hyp: str, quantity: str, kind: str, checker: str,
      **kw: Any) -> Claim:
    return Claim(id_, ref, statement, hyp, quantity, kind, checker, **kw)


A1 = "Assumption 1 (checked through Θ on finite-d states, replication family)"
CLAIMS: tuple[Claim, ...] = (
    C("lem20", "App. A.4, Lemma 20", "block energies concentrate; lim E[θ_{t+1}|x_t] is the "
      "ratio of expected energies (Eq. 13)", A1, "|E[θ_{t+1}|x] − Θ(η;x)| under replication ×r",
      "limit", "special:lem20"),
    C("lem21", "App. A.5, Lemma 21", "E[λ_i²c_{i,t+1}²|x_t] = (1−ηλ_i)²λ_i²c_{i,t}² + η²λ_i²κ_i²; "
      "Eqs. (15)-(16)", "ζ_i centred with variance κ_i²", "E[s^S_{t+1}|x_t]", "identity",
      "symbolic:lem21"),
    C("lem22", "App. A.5, Lemma 22", "E[f_t(η)|x_t] = p_tη² + q_tη, Eqs. (20)-(21); η* = −q/p",
      "x_t fixed", "p_t, q_t, η*_t", "identity", "symbolic:lem22"),
    C("lem22-bound", "App. A.5, Lemma 22, Eq. (20)", "q_t ≤ 2 s^B s^D (λ_{k+1} − λ_k) (< 0 when "
      "s^D s^B > 0)", "x_t fixed", "2s^Bs^D(λ_{k+1}−λ_k) − q_t ≥ 0", "inequality", "margin",
      strict=False),
    C("thm2", "§4 Theorem 2", "0 < η < η*_t ⇒ lim E[θ_{t+1}|x_t] < θ_t", A1 + "; p_t > 0",
      "θ − Θ(η)", "inequality", "margin", needs_eta=True, eta_mode="below_star"),
    C("thm3", "§4 Theorem 3", "θ_t ≤ g_gap and η > η*_t ⇒ lim E[θ_{t+1}|x_t] > θ_t", A1
      + "; s_min > 0", "Θ(η) − θ", "inequality", "margin", needs_eta=True, eta_mode="above_star"),
    C("thm3-bounds", "§4 Theorem 3 and its proof", "g_gap ∈ (0,1) and g_gap ≤ g_noise",
      "s_min > 0", "min(g_gap, 1 − g_gap, g_noise − g_gap)", "inequality", "margin", strict=False),
    C("thm4", "§4 Theorem 4", "∃ θ*_t ∈ (0,1) (positive root of a r² + (a−m−h) r − h) with "
      "θ_t ≥ θ*_t ⇒ lim E[θ_{t+1}|x_t] < θ_t for every η > 0", A1 + " (Tr Σ ∈ (0,∞) only)",
      "existence of θ*; θ − Θ(η)", "inequality", "special:thm4", needs_eta=True,
      corrected_by="thm4-corrected"),
    C("thm4-corrected", "§4 Theorem 4, with s_min > 0", "with s_min > 0: θ_t ≥ θ*_t ⇒ "
      "Θ(η) < θ_t for every η > 0", A1 + "; s_min > 0", "θ − Θ(η)", "inequality", "margin",
      needs_eta=True),
    C("thm5", "§4 Theorem 5", "∃ α, β > 0: 1 − β/m² ≤ θ*_t ≤ 1 − α/m²; θ*_t = 1 − Θ(1/m²)", A1,
      "m²(1 − θ*_t) along families", "rate", "special:thm5", corrected_by="thm5-corrected"),
    C("thm5-corrected", "§4 Theorem 5 (corrected)", "a/(2a+m^aux+h) ≤ 1 − θ*_t ≤ a/(m^aux+h), "
      "a = s_minψ_B, h = s_maxψ_D, m^aux = s_t(λ_1²−λ_d²)", "s_min > 0",
      "both gaps of the two-sided bound", "inequality", "margin", strict=False),
    C("thm6", "§4 Theorem 6", "g_gap < θ*_t", A1 + "; s_min > 0; s_t > 0", "θ* − g_gap",
      "inequality", "margin"),
    C("thm7", "§4 Theorem 7", "for any x_t: η*_t ≥ 2gap1/((λ_1²−λ_d²) + s_maxψ_D/(λ_d²‖x_t‖²θ_t))",
      A1, "η* − bound", "inequality", "margin", strict=False, corrected_by="thm7-corrected"),
    C("thm7-remark", "§4 Remark after Theorem 7", "η*_t ≥ 2gap1/((λ_1²−λ_d²) + λ_1²s_maxψ_D/"
      "(λ_k²λ_d²‖P^D x_t‖²))", A1, "η* − bound", "inequality", "margin", strict=False,
      corrected_by="thm7-corrected"),
    C("thm7-corrected", "§4 Theorem 7 and Remark, with p_t > 0", "if p_t > 0 both lower bounds "
      "on η*_t hold", A1 + "; p_t > 0", "η* − bound", "inequality", "margin", strict=False),
    C("thm7-approx", "§4 Remark after Theorem 7", "two-level spectrum: 2gap1/(λ_1²−λ_d²) = "
      "2/(λ_1+λ_d)", "λ_k = λ_1, λ_{k+1} = λ_d", "identity", "identity", "symbolic:thm7"),
    C("thm8-main", "§4 Theorem 8 (main text)", "θ_t ≥ e_B/(e_B+e_D) ⇒ η*_t ≤ (λ_1−λ_d)/"
      "(λ_kλ_1 − λ_{k+1}λ_d)", A1, "bound − η*", "inequality", "margin", strict=False,
      corrected_by="thm8-corrected"),
    C("thm8-app", "App. A.6 Theorem 8", "θ_t ≥ e_B/(e_B+e_D) ⇒ η*_t ≤ 2(λ_1−λ_d)/"
      "(λ_kλ_1 − λ_{k+1}λ_d)", A1, "bound − η*", "inequality", "margin", strict=False,
      corrected_by="thm8-corrected"),
    C("thm8-corrected", "Theorem 8 (corrected)", "s^B e_D ≥ s^D e_B (i.e. θ_t ≤ e_D/(e_B+e_D)) "
      "⇒ 0 < η*_t ≤ 2/(λ_k + λ_d) (sharp)", A1 + "; θ_t ∈ (0,1)", "2/(λ_k+λ_d) − η*",
      "inequality", "margin", strict=False),
    C("cor9", "§4 Corollary 9; App. A.6", "under Theorem 8's condition η*_t ≤ 2/λ_1", A1,
      "2/λ_1 − η*", "inequality", "margin", strict=False, corrected_by="thm8-corrected"),
    C("thm10", "§5 Theorem 10", "E[ΔL|x_t] < 0 ⇔ 0 < η < η^loss_S = 2s^S/(τ^S + n^loss_S), "
      "S ∈ {D,B}", "x_t fixed, η > 0", "−E ΔL_S·(η^loss_S − η)", "equivalence", "margin",
      needs_eta=True, eta_mode="around_loss"),
    C("thm10-exact", "§5 Theorem 10; App. A.7", "E[ΔL|x_t] = −ηs^S + ½η²(τ^S + n^loss_S)",
      "x_t fixed", "identity", "identity", "symbolic:thm10"),
    C("intro-box", "§1 'Answer to Problem 2'", "η^loss_S = 2Σ_Sλ²c²/(Σ_Sλ⁴c² + Σ_Sλκ²)",
      "x_t fixed", "−E ΔL_D·(η_box − η)", "equivalence", "margin", needs_eta=True,
      eta_mode="around_box", corrected_by="thm10"),
    C("lem23", "App. A.7 Lemma 23", "∀x_t: α_t > 0, γ_t < 0, h(0) < 0, h(1) > 0",
      "Assumption 1 (Tr Σ ∈ (0,∞))", "min(α, n_D, n_B)", "inequality", "margin",
      corrected_by="lem23-corrected"),
    C("lem23-corrected", "App. A.7 Lemma 23, with n^loss_D, n^loss_B > 0", "α_t > 0, γ_t < 0, "
      "h(0) < 0, h(1) > 0 when both blocks carry noise", "n^loss_D, n^loss_B > 0; θ ∈ (0,1)",
      "min(α, n_D, n_B)", "inequality", "margin"),
    C("lem24", "App. A.7 Lemma 24", "h has a unique root θ^crit ∈ (0,1), "
      "θ^crit = (−β + √(β²−4αγ))/(2α)", "α > 0, γ < 0", "min(θ^crit, 1 − θ^crit)", "inequality",
      "margin"),
    C("thm11", "§5 Theorem 11", "θ_t < θ^crit_t ⇔ η^loss_D < η^loss_B (and reverse)",
      "θ ∈ (0,1), n_D, n_B > 0", "(η^loss_D − η^loss_B)(θ − θ^crit)", "equivalence", "margin"),
    C("sec5-interval", "§5 summary", "η ∈ (η^loss_D, η^loss_B) ⇒ DSGD raises, BSGD lowers the "
      "expected loss", "x_t fixed", "min(E ΔL_D, −E ΔL_B)", "inequality", "margin",
      needs_eta=True, eta_mode="between_loss"),
    C("thm12", "§5 Theorem 12", "lim_{m→∞} θ^crit_t = 1", A1, "1 − θ^crit along m → ∞",
      "limit", "special:thm12"),
    C("thm13-upper", "§5 Theorem 13 (upper)", "1 − θ^crit_t ≤ n_B/(s_tλ_{k+1}(m−1))", A1,
      "bound − (1 − θ^crit)", "inequality", "margin", strict=False),
    C("thm13-lower", "§5 Theorem 13 (lower)", "n_B/(s_tλ_{k+1}(m−1) + n_B + n_D) ≤ 1 − θ^crit_t",
      A1, "(1 − θ^crit) − bound", "inequality", "margin", strict=False,
      corrected_by="thm13-corrected"),
    C("thm13-corrected", "§5 Theorem 13 (corrected)", "n_B/(α_t + n_B + n_D) ≤ 1 − θ^crit_t ≤ "
      "n_B/α_t", "θ ∈ (0,1), n_D, n_B > 0", "both gaps", "inequality", "margin", strict=False),
    C("thm13-rate", "§5 Theorem 13", "λ_{k+1} = Θ(1) ⇒ 1 − θ^crit_t ∈ Θ(1/(s_t(m−1)))", A1,
      "s(m−1)(1 − θ^crit) along m → ∞", "rate", "special:thm13rate"),
    C("lem25", "App. A.8 Lemma 25", "lim E[θ_{t+1}|stats] = k(s1,s2,u1,u2,w1,w2)", A1,
      "k(·) = Θ(η; x)", "identity", "symbolic:lem20"),
    C("lem26", "App. A.8 Lemma 26", "c_{i,t} Gaussian, E c_{i,t}² = (1−ηλ_i)^{2t}(c_{i,0}²−β_i)+β_i",
      "deterministic x_0", "E c_t²", "identity", "symbolic:lem26"),
    C("lem27", "App. A.8 Lemma 27", "lim E_t[k(Z_d)] = k(z̄_t)", "Assumptions 1, 14",
      "|E θ_t − R(t)| under replication", "limit", "special:lem27"),
    C("lem28", "App. A.8 Lemma 28", "lim E[θ_{t+1}|stats = means] = lim E[θ_{t+1}]",
      "Assumptions 1, 14", "|E θ_t − R(t)| under replication", "limit", "special:lem27"),
    C("asm14", "§6 Assumption 14", "η < min(2/λ_1, 2gap1/(λ_1²−λ_d²)); c_{i,0}² > β_i on D; "
      "ϱ_D > δ − Σ_Dβ_i", "—", "whether the paper's §7 setups meet it", "assumption",
      "special:asm14"),
    C("thm15", "§6 Theorem 15", "under Assumption 14, lim E[θ_{t+1}] < lim E[θ_t] for "
      "t < t* = ⌊log(ϱ_D/(δ−Σβ))/(−2log(1−ηλ_1))⌋", "Assumptions 1, 14",
      "R(t) − R(t+1) for t < t*", "inequality", "special:thm15"),
    C("thm16", "§6 Theorem 16", "θ_∞ = Σ_Dλ²β_i/Σλ²β_i", "Assumptions 1, 14",
      "R(t) → θ_∞", "limit", "special:thm16"),
    C("thm16-small-eta", "§6 after Theorem 16", "isotropic noise, η ≪ 1: θ_∞ ≈ Σ_Dλ/Σλ",
      "κ² = σ²", "lim_{η→0}", "limit", "symbolic:thm16"),
    C("sec7-two-phase", "§7, Figures 2 and 5", "every m: alignment first decreases then "
      "increases and settles", "paper settings", "shape of the expected trajectory", "empirical",
      "special:sec7_two_phase"),
    C("sec7-limit", "§7, Figure 3", "E[Alignment] → 1 as m grows, with shrinking fluctuations",
      "paper settings", "θ_∞(m), steady-state std", "empirical", "special:sec7_limit"),
    C("sec7-phase1-poly", "App. B.3", "Phase-I alignment decay is polynomial", "paper settings",
      "fit of the exact expected Phase-I curve", "empirical", "special:sec7_phase1"),
    C("sec7-log-m", "App. B.4, Figure 14", "steady-state alignment scales logarithmically in m",
      "paper settings", "1 − θ_∞(m) vs m", "empirical", "special:sec7_logm"),
    C("conclusion", "§8", "η* converges to approximately lower than 1/(λ_1+λ_d)",
      "paper settings, steady state", "η* at the stationary second moments", "empirical",
      "special:conclusion"),
)

CLAIMS_BY_ID = {c.id: c for c in CLAIMS}
