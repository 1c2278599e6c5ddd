"""Checkers that need families, trajectories or simulations rather than a single margin."""

from __future__ import annotations

from fractions import Fraction

import flint
import mpmath
import numpy as np

from verify import results as R
from verify.cases import make_case
from verify.claims import Claim, _delta_crit, _one_minus_theta_star
from verify.engines import expected_trajectory, grouped_sgd, theta_infinity
from verify.expected_ratio import expected_theta_next
from verify.families import paper_spectrum, replicate
from verify.theory import Theta_map, block_sums, blocks, lemma22_pq, mp

F = Fraction
PAPER_M = (5, 10, 20, 50, 100, 200, 300, 400, 500)


def _slope(xs, ys) -> float:
    return float(np.polyfit(np.log(np.asarray(xs, float)), np.log(np.asarray(ys, float)), 1)[0])


def lem20(claim: Claim, profile: str, seed: int) -> R.CheckResult:
    """Lemma 20 in action: exact finite-d E[θ_{t+1}|x] against Θ(η; x) as d grows, (a) with
    block proportions fixed (replication ×r: Θ unchanged) and (b) with the dominant block
    fixed (bulk ×r: ρ → 0, compared with the Θ of the same finite state)."""
    base = make_case([3, 2, 1, F(1, 2)], 2, [1, F(-1, 2), 2, 1], kappa2=[1, F(1, 2), 2, 1],
                     eta=F(1, 5))
    rs = [1, 2, 4, 8, 16] if profile != "quick" else [1, 2, 4, 8]
    fixed, growing = [], []
    with mpmath.workdps(30):
        Th = Theta_map(base, base.eta)
        for r in rs:
            e = expected_theta_next(replicate(base, r), base.eta)
            fixed.append(abs(e - mp(Th)))
            rb = replicate(base, 1, r)
            e2 = expected_theta_next(rb, base.eta)
            growing.append((abs(e2 - mp(Theta_map(rb, base.eta))), mp(Theta_map(rb, base.eta))))
    slope = _slope(rs, fixed)
    rel = [g / th for g, th in growing]  # gap relative to Θ (the shrinking dominant share)
    ok = -1.3 < slope < -0.7 and all(fixed[i + 1] < fixed[i] for i in range(len(fixed) - 1))
    ev = ("exact finite-d E[θ_{t+1}|x] (Laplace-transform integral, 30 digits) vs Θ(η;x). "
          "(a) proportions fixed, replication r = " + ",".join(map(str, rs)) + ": |gap| = "
          + ", ".join(mpmath.nstr(x, 3) for x in fixed) + f", order r^{slope:.2f} (→ 0 as "
          "Lemma 20 says; O(1/d)). (b) dominant block fixed (k = 2), bulk ×r (ρ → 0): |gap| = "
          + ", ".join(mpmath.nstr(g, 3) for g, _ in growing) + ", relative to Θ: "
          + ", ".join(mpmath.nstr(x, 3) for x in rel) + " — also vanishing: once one block "
          "concentrates and dominates the denominator, Θ is a good guide even with k fixed. "
          "Θ is a poor guide when neither block is large: at d = 4 the relative gap is "
          + mpmath.nstr(rel[0], 3))
    return R.CheckResult(claim.id, R.CHECKED_NUMERICALLY if ok else R.INCONCLUSIVE, ev,
                         n_states=2 * len(rs), dps=30, min_margin=mpmath.nstr(fixed[-1], 5))


def thm4(claim: Claim, profile: str, seed: int) -> R.CheckResult:
    """Singular Σ supported on D (allowed: Tr Σ ∈ (0,∞)): a^aux = 0, no θ* exists, and states
    with θ arbitrarily close to 1 still increase in expectation for a suitable η."""
    eta = F(3, 4)
    rows = []
    for j in range(1, 7):
        case = make_case([2, 1], 1, [1, F(1, 10**j)], kappa2=[1, 0], eta=eta)
        th = blocks(case).sD / blocks(case).s
        rows.append((j, th, Theta_map(case, eta)))
    ok = all(Th > th for _, th, Th in rows)
    cx = make_case([2, 1], 1, [1, F(1, 10)], kappa2=[1, 0], eta=eta)
    b = blocks(cx)
    th, Th = b.sD / b.s, Theta_map(cx, eta)
    if not ok:
        return R.CheckResult(claim.id, R.INCONCLUSIVE, "family did not behave as expected")
    return R.CheckResult(
        claim.id, R.REFUTED,
        "singular noise Σ = diag(1, 0) (Tr Σ = 1, within Assumption 1): a^aux = s_min ψ_B = 0, the "
        "quadratic has no positive root, so no θ* ∈ (0,1) is defined; and for every j = 1..6 the "
        "state c = (1, 10^-j) (θ → 1) has Θ(3/4) > θ (exact rationals), so no threshold θ* < 1 "
        "can make the alignment decrease for every η",
        n_states=len(rows), dps=0, min_margin=str(float(th - Th)), certified=True,
        counterexample=cx.to_json_obj(),
        failing={"theta": str(th), "Theta_next": str(Th)}, corrected_by="thm4-corrected")


def thm5(claim: Claim, profile: str, seed: int) -> R.CheckResult:
    vals = []
    with flint.ctx.workdps(40):
        for j in range(0, 6):
            m = F(2) ** (j + 1)
            case = make_case([m, 1], 1, [1, 1], sigma=1)
            om = _one_minus_theta_star(case)
            vals.append((m, om * arb_q(m) ** 2))
        scaled = []
        for j in range(0, 6):
            case = make_case([4, 1], 1, [10**j, 10**j], sigma=1)
            scaled.append((10**j, _one_minus_theta_star(case) * 16))
    decreasing = all(vals[i + 1][1] < vals[i][1] for i in range(len(vals) - 1))
    cx = make_case([4, 1], 1, [10**5, 10**5], sigma=1)
    ev = ("family A (λ = (m, 1), c = (1,1), σ = 1): m²(1−θ*) = " + ", ".join(
        f"{v.str(3, radius=False)} at m={m}" for m, v in vals)
        + " → 0, so no α > 0 gives θ* ≤ 1 − α/m² (1 − θ* ~ 1/m⁴ when s_t grows with λ_k²); "
        "family B (m = 4 fixed, state ×10^j): m²(1−θ*) = " + ", ".join(
            v.str(2, radius=False) for _, v in scaled) + " → 0 at fixed m. The proof's lower "
        "bound step gives 1 − m²/β, not 1 − β/m² (derivation thm5). Ball arithmetic, 40 digits.")
    return R.CheckResult(claim.id, R.REFUTED if decreasing else R.INCONCLUSIVE, ev,
                         n_states=12, dps=40, min_margin=scaled[-1][1].str(5, radius=False),
                         certified=True, counterexample=cx.to_json_obj(),
                         failing={"m2_one_minus_theta_star": scaled[-1][1].str(10, radius=False)},
                         corrected_by="thm5-corrected")


def arb_q(x: Fraction):
    return flint.arb(flint.fmpq(x.numerator, x.denominator))


def _crit_family(lams_of_m, state, ms):
    out = []
    with flint.ctx.workdps(40):
        for m in ms:
            lam, k = lams_of_m(m)
            case = make_case(lam, k, state, sigma=1)
            out.append((m, case, _delta_crit(case)))
    return out


def thm12(claim: Claim, profile: str, seed: int) -> R.CheckResult:
    ms = [F(2) ** j for j in range(1, 12)]
    fam = _crit_family(lambda m: ([m, m, 1, 1], 2), [1, 1, 1, 1], ms)
    fam2 = _crit_family(lambda m: ([1, 1, 1 / m, 1 / m], 2), [1, 1, 1, 1], ms)
    mono = all(fam[i + 1][2] < fam[i][2] for i in range(len(fam) - 1))
    mono2 = all(fam2[i + 1][2] < fam2[i][2] for i in range(len(fam2) - 1))
    sl, sl2 = _slope([float(m) for m in ms], [float(d.mid()) for _, _, d in fam]), _slope(
        [float(m) for m in ms], [float(d.mid()) for _, _, d in fam2])
    ev = (f"1 − θ^crit along m = 2..2048: dominant scaled up (λ_D = m): {fam[-1][2].str(3, radius=False)}"
          f" at m = 2048, fitted order m^{sl:.2f}; bulk scaled down (λ_B = 1/m): "
          f"{fam2[-1][2].str(3, radius=False)}, order m^{sl2:.2f}; both → 0 (40-digit balls)")
    return R.CheckResult(claim.id, R.CHECKED_NUMERICALLY if mono and mono2 else R.INCONCLUSIVE,
                         ev, n_states=2 * len(ms), dps=40,
                         min_margin=fam[-1][2].str(5, radius=False), certified=True)


def thm13rate(claim: Claim, profile: str, seed: int) -> R.CheckResult:
    ms = [F(2) ** j for j in range(2, 12)]
    fam = _crit_family(lambda m: ([m * m, m, 1], 2), [1, F(1, 1000), 1], ms)
    rows = []
    for m, case, d in fam:
        s = blocks(case).s
        rows.append((m, d * arb_q(s * (m - 1))))
    last = rows[-1]
    ev = ("family λ = (m², m, 1), k = 2, λ_{k+1} = 1 = Θ(1), state (1, 10⁻³, 1), σ = 1: "
          "s_t(m−1)(1 − θ^crit) = " + ", ".join(f"{v.str(3, radius=False)}" for _, v in rows)
          + " → 0, so 1 − θ^crit is not Ω(1/(s_t(m−1))): the rate needs λ_1/λ_k bounded "
          "(μ^D − μ^B = Θ(m)); with λ_D = m it holds (thm13-corrected gives n_B/α).")
    dec = all(rows[i + 1][1] < rows[i][1] for i in range(len(rows) - 1))
    return R.CheckResult(claim.id, R.REFUTED if dec else R.INCONCLUSIVE, ev, n_states=len(rows),
                         dps=40, min_margin=last[1].str(5, radius=False), certified=True,
                         counterexample=fam[-1][1].to_json_obj(),
                         failing={"s_(m-1)_(1-theta_crit)": last[1].str(10, radius=False)},
                         corrected_by="thm13-corrected")


def lem27(claim: Claim, profile: str, seed: int) -> R.CheckResult:
    lam = np.array([4.0, 1.0])
    kap = np.array([1.0, 1.0])
    eta, T = 0.1, 30
    seeds = {"quick": 20000, "ci": 40000, "thorough": 200000}[profile]
    rows = []
    for r in (1, 4, 16, 64):
        sizes = np.array([r, 3 * r])
        E0 = np.tile(sizes * 1.0, (seeds, 1))  # c_i0² = 1 for every coordinate
        tr = grouped_sgd(lam, sizes, 1, kap, E0, eta, T, seed)
        mc = tr.alignment[T].mean()
        se = tr.alignment[T].std() / np.sqrt(seeds)
        ex = expected_trajectory(np.repeat(lam, sizes), r, np.repeat(kap, sizes),
                                 np.ones(sizes.sum()), eta, np.array([T]))["alignment"][0]
        rows.append((r, mc, se, ex))
    gaps = [abs(mc - ex) for _, mc, _, ex in rows]
    # the finite-d gap is a bias of order 1/d, not zero: the limit claim is checked by the gap
    # decreasing at that rate, each gap resolved beyond its Monte Carlo error
    slope = _slope([r for r, *_ in rows], gaps)
    resolved = all(g > 4.5 * se for g, (_, _, se, _) in zip(gaps, rows))
    ok = (all(gaps[i + 1] < gaps[i] for i in range(len(gaps) - 1)) and -1.3 < slope < -0.6
          and resolved)
    ev = ("exact-in-law grouped sampler, two-level spectrum (4, 1), proportions 1:3 kept fixed, "
          f"η = {eta}, t = {T}, {seeds} paths: |E θ_t − R(t)| = "
          + ", ".join(f"{g:.2e} (r={r}, se {se:.1e})" for g, (r, _, se, _) in zip(gaps, rows))
          + f"; fitted order r^{slope:.2f} → 0 (O(1/d)); R(t) is the ratio of exact expected "
          "energies (Lemma 26)")
    return R.CheckResult(claim.id, R.CHECKED_NUMERICALLY if ok else R.INCONCLUSIVE, ev,
                         n_states=4 * seeds, min_margin=f"{gaps[-1]:.3e}")


def _asm14(lam, k, kap, c0sq, eta):
    lam = [F(x) for x in lam]
    beta = [eta * kap[i] / (2 * lam[i] - eta * lam[i] ** 2) for i in range(len(lam))]
    gap1 = lam[k - 1] - lam[k]
    cond_eta = eta < min(F(2) / lam[0], 2 * gap1 / (lam[0] ** 2 - lam[-1] ** 2))
    cond_c = all(c0sq[i] > beta[i] for i in range(k))
    psiD = sum(x * x for x in lam[:k])
    den = lam[-1] ** 2 * lam[k - 1] ** 2 * (2 * gap1 / eta - (lam[0] ** 2 - lam[-1] ** 2))
    delta = max(kap) * psiD * lam[0] ** 2 / den if den > 0 else None
    varrho = sum(c0sq[i] - beta[i] for i in range(k))
    sum_beta = sum(beta[:k])
    cond_rho = delta is not None and varrho > delta - sum_beta
    return cond_eta, cond_c, cond_rho, delta, varrho, sum_beta, beta


def asm14(claim: Claim, profile: str, seed: int) -> R.CheckResult:
    rows = []
    for m in PAPER_M:
        lam = paper_spectrum(m)
        kap = [F(1, 4)] * 500
        c0 = [F(1)] * 500  # E c_{i,0}² = 1 for x_0 ~ N(0, I)
        ce, cc, cr, delta, varrho, sb, _ = _asm14(lam, 50, kap, c0, F(3, 1000))
        rows.append((m, ce, cc, cr, float(delta) if delta else None, float(varrho)))
    met = [m for m, ce, cc, cr, *_ in rows if ce and cc and cr]
    ev = ("paper settings (η = 0.003, σ = 0.5, E c_{i,0}² = 1): Assumption 14 met for m ∈ "
          f"{met}; not met for " + ", ".join(
              f"m={m} (δ − Σβ ≈ {dl:.3g} vs ϱ_D ≈ {vr:.3g})" for m, ce, cc, cr, dl, vr in rows
              if not (ce and cc and cr)) + " — the step-size part holds for every m")
    return R.CheckResult(claim.id, R.CHECKED_NUMERICALLY, ev, n_states=len(rows), dps=0)


def thm15(claim: Claim, profile: str, seed: int) -> R.CheckResult:
    rng = np.random.default_rng(np.random.SeedSequence([seed, 15]))
    n = {"quick": 40, "ci": 120, "thorough": 2000}[profile]
    checked = outside = undefined = 0
    min_gap = None
    for _ in range(n):
        d = int(rng.integers(2, 5))
        k = int(rng.integers(1, d))
        lam = sorted((F(int(rng.integers(1, 40)), 4) for _ in range(d)), reverse=True)
        if lam[k - 1] == lam[k]:
            continue
        kap = [F(int(rng.integers(1, 10)), 10)] * d
        c0 = [F(int(rng.integers(1, 10)) * 10 ** int(rng.integers(0, 4))) ** 2 for _ in range(d)]
        gap1 = lam[k - 1] - lam[k]
        bound = min(F(2) / lam[0], 2 * gap1 / (lam[0] ** 2 - lam[-1] ** 2))
        eta = bound * F(int(rng.integers(1, 100)), 100)
        ce, cc, cr, delta, varrho, sb, beta = _asm14(lam, k, kap, c0, eta)
        if not (ce and cc and cr):
            outside += 1
            continue
        r = abs(1 - eta * lam[0])
        if r == 0 or eta * lam[0] >= 1:
            undefined += 1  # log(1 − ηλ_1) undefined as printed
            if r == 0:
                continue
        with mpmath.workdps(50):
            if delta - sb <= 0:  # the condition holds for every t: t* = ∞
                tstar = 400
            else:
                tstar = int(mpmath.floor(mpmath.log(mp(varrho) / mp(delta - sb))
                                         / (-2 * mpmath.log(mp(r)))))
                tstar = min(tstar, 400)
            def R_(t):
                e = [mp(lam[i] ** 2) * (mp(1 - eta * lam[i]) ** (2 * t) * mp(c0[i] - beta[i])
                                        + mp(beta[i])) for i in range(d)]
                return mpmath.fsum(e[:k]) / mpmath.fsum(e)

            for t in range(tstar):
                g = R_(t) - R_(t + 1)
                if min_gap is None or g < min_gap:
                    min_gap = g
                if g <= 0:
                    cx = make_case(lam, k, [F(int(mpmath.sqrt(x))) for x in c0], kappa2=kap,
                                   eta=eta)
                    return R.CheckResult(
                        claim.id, R.REFUTED, f"R(t) − R(t+1) = {mpmath.nstr(g, 5)} ≤ 0 at t = {t} "
                        f"< t* = {tstar} (50 digits; R = ratio of exact expected energies, Lemma "
                        "26/28)", n_states=checked + 1, dps=50, min_margin=mpmath.nstr(g, 5),
                        counterexample=cx.to_json_obj(), certified=False)
        checked += 1
    ev = (f"{checked} random setups meeting Assumption 14 (exact test; d ≤ 4, rational data): "
          "R(t) = E s^D_t / E s_t strictly decreasing for every t < t* (capped at 400), 50 digits"
          f"; {outside} setups outside Assumption 14; {undefined} with ηλ_1 ≥ 1 where the "
          "printed t* (log(1 − ηλ_1)) is undefined — checked with |1 − ηλ_1|")
    return R.CheckResult(claim.id, R.CHECKED_NUMERICALLY if checked else R.OUTSIDE, ev,
                         n_states=checked, dps=50,
                         min_margin=mpmath.nstr(min_gap, 5) if min_gap is not None else None)


def thm16(claim: Claim, profile: str, seed: int) -> R.CheckResult:
    rows = []
    for m in PAPER_M:
        lam = np.array([float(x) for x in paper_spectrum(m)])
        kap = np.full(500, 0.25)
        tr = expected_trajectory(lam, 50, kap, np.ones(500), 0.003, np.array([10**6]))
        ti, _ = theta_infinity(lam, 50, kap, 0.003)
        rows.append(abs(tr["alignment"][0] - ti))
    ok = max(rows) < 1e-12
    return R.CheckResult(claim.id, R.CHECKED_NUMERICALLY if ok else R.INCONCLUSIVE,
                         "ratio of exact expected energies at t = 10⁶ (Lemma 26, verified "
                         "symbolically) vs θ_∞ for the nine paper spectra: max |gap| = "
                         f"{max(rows):.1e} (float64); the limit is the ratio-of-expectations "
                         "limit — finite-d E[θ_t] differs by O(1/d), see sec7-limit",
                         n_states=len(rows), min_margin=f"{max(rows):.2e}")


def _paper_expected(m, ts):
    lam = np.array([float(x) for x in paper_spectrum(m)])
    return expected_trajectory(lam, 50, np.full(500, 0.25), np.ones(500), 0.003, ts)


def sec7_two_phase(claim: Claim, profile: str, seed: int) -> R.CheckResult:
    ts = np.arange(0, 30001)
    shapes = []
    for m in PAPER_M:
        a = _paper_expected(m, ts)["alignment"]
        i = int(np.argmin(a))
        dec = np.all(np.diff(a[: i + 1]) < 0)
        inc = np.all(np.diff(a[i:]) >= -1e-15)
        shapes.append((m, i, a[0], a[i], a[-1], dec and inc and 0 < i < len(a) - 1))
    ok = all(s[-1] for s in shapes)
    ev = ("exact expected trajectory (ratio of expected energies, x_0 ~ N(0,I) averaged), paper "
          "settings: " + "; ".join(f"m={m}: min {mn:.3f} at t={i}, end {e:.4f}"
                                   for m, i, a0, mn, e, _ in shapes)
          + (" — decreasing then increasing for every m" if ok else ""))
    return R.CheckResult(claim.id, R.CHECKED_NUMERICALLY if ok else R.REFUTED, ev,
                         n_states=len(shapes))


def sec7_limit(claim: Claim, profile: str, seed: int) -> R.CheckResult:
    tis = []
    for m in PAPER_M:
        lam = np.array([float(x) for x in paper_spectrum(m)])
        tis.append(theta_infinity(lam, 50, np.full(500, 0.25), 0.003)[0])
    mono = all(tis[i + 1] > tis[i] for i in range(len(tis) - 1))
    return R.CheckResult(
        claim.id, R.CHECKED_NUMERICALLY if mono and tis[-1] > 0.99 else R.INCONCLUSIVE,
        "θ_∞(m) (Theorem 16) for m = 5..500: " + ", ".join(f"{t:.4f}" for t in tis)
        + " — increasing towards 1; fluctuation shrinkage is measured by `salign reproduce` "
        "(steady-state std per m)", n_states=len(tis))


def sec7_phase1(claim: Claim, profile: str, seed: int) -> R.CheckResult:
    from verify.phase1 import analyse

    rows = []
    for m in PAPER_M:
        a = _paper_expected(m, np.arange(0, 2000))["alignment"]
        rows.append((m, analyse(a)))
    logistic = min(r["r2_logit_vs_t"] for _, r in rows)
    cubic_wins = sum(r["r2_cubic_ridge"] > r["r2_exponential"] for _, r in rows)
    ev = ("exact expected Phase-I curve R(t) = E s^D_t/E s_t (Lemma 26), window of EXPERIMENTS.md. "
          "Paper-style fits on it: cubic ridge R² " + ", ".join(
              f"{r['r2_cubic_ridge']:.3f}" for _, r in rows) + " vs single exponential "
          + ", ".join(f"{r['r2_exponential']:.3f}" for _, r in rows)
          + f" (cubic better for {cubic_wins}/9 gaps, as the paper observed). Order of decay: "
          "log(R − min R) against t: R² " + ", ".join(f"{r['r2_log_vs_t']:.2f}" for _, r in rows)
          + "; against log t: " + ", ".join(f"{r['r2_log_vs_log_t']:.2f}" for _, r in rows)
          + "; logit log(1/R − 1) against t: " + ", ".join(
              f"{r['r2_logit_vs_t']:.4f}" for _, r in rows)
          + ". The curve is logistic in t (E s^B/E s^D grows geometrically), so its decay is "
          "geometric, not polynomial; a cubic fits a short sigmoid window well")
    status = R.REFUTED if logistic > 0.99 else R.INCONCLUSIVE
    return R.CheckResult(claim.id, status, ev, n_states=len(rows), min_margin=f"{logistic:.4f}")


def log_vs_inverse_law(ms: np.ndarray, tis: np.ndarray) -> tuple[float, float, float]:
    """rms residuals of θ = a + b log m and of (1 − θ)/θ = c/(m + 0.1); returns (log, inv, c)."""
    c_log = np.polyfit(np.log(ms), tis, 1)
    rl = float(np.sqrt(np.mean((tis - np.polyval(c_log, np.log(ms))) ** 2)))
    odds = (1 - tis) / tis
    c = float(np.exp(np.mean(np.log(odds * (ms + 0.1)))))
    ri = float(np.sqrt(np.mean((tis - 1 / (1 + c / (ms + 0.1))) ** 2)))
    return rl, ri, c


def sec7_logm(claim: Claim, profile: str, seed: int) -> R.CheckResult:
    ms = np.array(PAPER_M, float)
    tis = []
    for m in PAPER_M:
        lam = np.array([float(x) for x in paper_spectrum(m)])
        tis.append(theta_infinity(lam, 50, np.full(500, 0.25), 0.003)[0])
    tis = np.array(tis)
    rl, ri, c = log_vs_inverse_law(ms, tis)
    ev = (f"θ_∞(m) exactly (Theorem 16) on the paper grid: the two-parameter law a + b·log m "
          f"leaves rms residual {rl:.2e}; the one-parameter law (1 − θ_∞)/θ_∞ = c/(m+0.1) "
          f"(c = {c:.3g}) leaves {ri:.2e}. θ_∞ = 1 − Θ(1/m), bounded by 1, whereas a logarithmic "
          "law is unbounded; the apparent log trend is the curvature of 1 − c/m on a log axis")
    return R.CheckResult(claim.id, R.REFUTED if ri < rl / 10 else R.INCONCLUSIVE, ev,
                         n_states=len(ms), min_margin=f"{rl:.3e}")


def conclusion(claim: Claim, profile: str, seed: int) -> R.CheckResult:
    rows = []
    eta = F(3, 1000)
    for m in PAPER_M:
        lam = paper_spectrum(m)
        kap = [F(1, 4)] * 500
        beta = [eta * kap[i] / (2 * x - eta * x * x) for i, x in enumerate(lam)]
        # stationary second moments c_i² = β_i (Theorem 16) as the state
        p, q = lemma22_pq(block_sums(lam, 50, beta, kap))
        es = -q / p if p else None
        rows.append((m, es, 1 / (lam[0] + lam[-1])))
    ok = all(es is not None and es < ref for _, es, ref in rows)
    ev = ("η* at the stationary second moments c_i² = β_i (exact rationals), paper settings: "
          + "; ".join(f"m={m}: η* = {float(es):.3g} vs 1/(λ_1+λ_d) = {float(ref):.3g}"
                      for m, es, ref in rows)
          + ". The paper cites Theorem 6 for this, which contains no such bound; the §4 "
          "approximation is 2/(λ_1+λ_d)")
    return R.CheckResult(claim.id, R.CHECKED_NUMERICALLY if ok else R.REFUTED, ev,
                         n_states=len(rows))
