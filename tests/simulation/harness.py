"""Shared machinery of the simulation property suite: the decision rule, the draw planner, the
discard bookkeeping, exact references and the vectorised simulators.

Decision rule (fixed before any simulation; identical for every property and for its negative
control). A property predicts, for a simulated statistic X (one-step alignment, one-step loss
change, an increment of a trajectory, a late-phase alignment):
  * a reference value μ = E[X] computed exactly (Fraction) or at ≥ 30 digits (mpmath), and/or
  * a direction: sign·(E[X] − baseline) > 0.
With n draws, mean X̄ and standard error SE = sd/√n:
  consistency   accept iff |X̄ − μ| ≤ Z·SE,
  direction     accept iff sign·(X̄ − baseline) ≥ Z·SE,            Z = 6.
The draw count is chosen from the predicted effect e = μ − baseline before the main sample is
drawn: n = max(N_MIN, ⌈(RESOLVE·sd/|e|)²⌉), RESOLVE = 15, with sd exact where the variance has a
closed form (loss changes: Var of a Gaussian quadratic form, exact rationals) and otherwise the
sd of an independent pilot sample of N_PILOT draws (Stein's two-stage plan). When the prediction
is right the expected direction z-score is ≥ 15·(planned SE/actual SE) ≥ 12 for a pilot error
≤ 25 %, so a direction test fails only on a ≥ 6-SE downward deviation.

False alarms (normal approximation of means of n ≥ N_MIN = 4000 draws): a correct prediction
is rejected with probability ≤ P(|N(0,1)| > 6) + P(N(0,1) > 6) ≈ 2.0e-9 + 1.0e-9 = 3e-9 per
decision. The suite counts its decisions (DECISIONS); the per-run false-alarm probability is at
most 3e-9 × DECISIONS by the union bound: ≈ 610 decisions ⇒ ≤ 2e-6 under the ci profile;
≈ 13 000 decisions for the one-step modules alone ⇒ ≤ 4e-5 under HYPOTHESIS_PROFILE=thorough
(the terminal summary printed by tests/simulation/conftest.py reports the run's own count).

Discards. An example is dropped only by a rule applied before simulating, from exact numbers:
  * "unresolvable": the planned n exceeds the draw budget N_MAX (effect too small to resolve),
    or the effect is below float64 resolution (|effect|/15 < 1e-12 × the simulated scale),
  * "finite-d gap": for a d → ∞ claim, no replication factor r ≤ R_MAX brings the exact
    finite-d gap |E_fd − lim| below |e|/4.
Every discard is counted per property (DISCARDS) and reported with hypothesis.event(); each
module's last test asserts that discards stay below half of the simulated examples.
"""

from __future__ import annotations

import math
import os
from collections import Counter
from dataclasses import dataclass
from fractions import Fraction

import mpmath
import numpy as np
from hypothesis import assume, event

Z = 6.0
RESOLVE = 15.0
N_MIN = 4000
N_PILOT = 4000
N_MAX = 1_500_000
R_MAX = 4**14
FALSE_ALARM_PER_DECISION = 3e-9

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "dev")
_SCALE = {"thorough": 25}.get(PROFILE, 1)

DISCARDS: Counter = Counter()  # (property, rule) → count
SIMULATED: Counter = Counter()  # property → examples simulated and decided (count())
DECISIONS: Counter = Counter()  # property → z-test decisions made (positive properties)


def examples(ci: int) -> int:
    """Examples of a simulation property: `ci` under ci/dev, 25× under HYPOTHESIS_PROFILE=thorough."""
    return ci * _SCALE


def count(prop: str) -> None:
    """Record one simulated-and-decided example of a property (called before its assert)."""
    SIMULATED[prop] += 1


def discard(prop: str, rule: str) -> None:
    """Drop the current example by a pre-simulation rule; counted and reported."""
    DISCARDS[(prop, rule)] += 1
    event(f"discarded: {rule}")
    assume(False)


@dataclass(frozen=True)
class Verdict:
    ok: bool
    n: int
    mean: float
    se: float
    z_ref: float | None
    z_dir: float | None

    def __str__(self) -> str:
        return (f"n={self.n} mean={self.mean:.6g} se={self.se:.3g} z_ref={self.z_ref} "
                f"z_dir={self.z_dir}")


def decide(sample: np.ndarray, *, reference=None, baseline=None, sign: int | None = None,
           prop: str | None = None, scale: float = 1.0) -> Verdict:
    """The fixed-z decision (module docstring). `reference`/`baseline` may be Fraction/mpf.
    The SE is floored at float64 resolution, 1e-13·scale (`scale` = magnitude of the simulated
    quantity), so a (nearly) deterministic sample is judged on its rounding level; the planner
    never resolves effects below 1.5e-11·scale, so the floor cannot mask a direction."""
    sample = np.asarray(sample, dtype=float)
    n = sample.size
    mean = float(np.mean(sample))
    se = float(np.std(sample, ddof=1)) / math.sqrt(n)
    se = max(se, 1e-13 * scale)
    z_ref = None if reference is None else (mean - float(reference)) / se
    z_dir = None if sign is None else sign * (mean - float(baseline)) / se
    ok = (z_ref is None or abs(z_ref) <= Z) and (z_dir is None or z_dir >= Z)
    if prop is not None:
        DECISIONS[prop] += (z_ref is not None) + (z_dir is not None)
    return Verdict(ok, n, mean, se, z_ref, z_dir)


def plan_draws(effect: float, sd: float, scale: float = 0.0) -> int | None:
    """n with |effect| ≥ RESOLVE·sd/√n; None when above the budget N_MAX, or when the effect is
    below float64 resolution of the simulated quantity (|effect|/RESOLVE < 1e-12·scale)."""
    if effect == 0 or abs(effect) / RESOLVE < 1e-12 * scale:
        return None
    n = max(N_MIN, math.ceil((RESOLVE * sd / abs(effect)) ** 2))
    return None if n > N_MAX else n


# ------------------------------------------------------------------ exact references
def mpf(x) -> mpmath.mpf:
    if isinstance(x, Fraction):
        return mpmath.mpf(x.numerator) / x.denominator
    return mpmath.mpf(x)


def grouped_expected_ratio(levels, dps: int = 30) -> mpmath.mpf:
    """E[U/(U+V)] for independent X_j = w(μ + √v Z_j)², `levels` = rows (w, μ², v, mult, in_D):
    mult iid copies of X per row, U = Σ over rows in D, V = over the others (θ = 0 if U+V = 0).

    As in verify.core.expected_ratio (1/y = ∫ e^{−sy} ds, U ⟂ V):
        E[U/(U+V)] = ∫_0^∞ L(s) g_D(s) ds,
        log L(s) = Σ_rows mult·(−½ log(1 + 2swv) − swμ²/(1 + 2swv)),
        g_D(s) = Σ_{rows in D} mult·(wv/(1 + 2swv) + wμ²/(1 + 2swv)²),
    but with multiplicities, so a replication ×r costs nothing. Tanh-sinh quadrature in
    y = log(s·E[U+V]) ∈ [−80, Y] at dps + 10 digits, Y doubled until the tail bound L(s(Y)) is
    below 10^(−dps−2) (the lower tail is ≤ e^{−80}); the quadrature's error estimate must be
    below 10^(−dps) or ArithmeticError is raised. Returned at `dps` digits.
    """
    tot = sum((m * w * (mu2 + v) for w, mu2, v, m, _ in levels), Fraction(0))
    dom = sum((m * w * (mu2 + v) for w, mu2, v, m, d in levels if d), Fraction(0))
    if tot == 0 or dom == 0:
        return mpmath.mpf(0)
    if all(w * v == 0 for w, _, v, _, _ in levels):
        with mpmath.workdps(dps):
            return mpf(dom / tot)
    with mpmath.workdps(dps + 10):
        rows = [(mpf(w * v), mpf(w * mu2), m, d) for w, mu2, v, m, d in levels]
        s0 = 1 / mpf(tot)

        def log_L(s):
            return -mpmath.fsum(m * (mpmath.log(1 + 2 * s * wv) / 2 + s * wm / (1 + 2 * s * wv))
                                for wv, wm, m, _ in rows)

        def f(y):
            s = s0 * mpmath.exp(y)
            gD = mpmath.fsum(m * (wv / (1 + 2 * s * wv) + wm / (1 + 2 * s * wv) ** 2)
                             for wv, wm, m, d in rows if d)
            return mpmath.exp(log_L(s)) * gD * s

        # tails: ∫_{y<lo} ≤ e^{lo}·E U/E(U+V) (L ≤ 1, g_D decreasing); ∫_{s>S} L g_D ds =
        # E[U e^{−S(U+V)}/(U+V)] ≤ L(S). Both must be below 10^(−dps−2).
        lo, hi, eps = -80, 40, mpmath.mpf(10) ** (-dps - 2)
        while mpmath.exp(log_L(s0 * mpmath.exp(hi))) > eps:
            hi *= 2
            if hi > 700:
                raise ArithmeticError("E[U/(U+V)]: upper tail not below 10^-dps by y = 700")
        val, err = mpmath.quad(f, [lo, -4, 0, 4, hi], error=True)
        if err > mpmath.mpf(10) ** (-dps):
            raise ArithmeticError(f"quadrature error estimate {err} above 1e-{dps}")
    with mpmath.workdps(dps):
        return +val


def one_step_levels(lam, k: int, kap2, c, eta: Fraction, r: int):
    """Rows of grouped_expected_ratio for one SGD step from state c, each coordinate ×r."""
    return [(lam[i] ** 2, ((1 - eta * lam[i]) * c[i]) ** 2, eta**2 * kap2[i], r, i < k)
            for i in range(len(lam))]


# ------------------------------------------------------------------ simulators (float64)
def grouped_theta_step(lam, k: int, kap2, c, eta: Fraction, r: int, n: int,
                       seed) -> np.ndarray:
    """n independent one-step SGD alignments θ_{t+1} from the state c replicated ×r.

    Exact in law: the r copies of coordinate i move independently, c' = (1−ηλ)c − ηζ,
    ζ ~ N(0, κ²), so their energy Σc'² is (ηκ)²·χ'²_r(r(1−ηλ)²c²/(ηκ)²) (noncentral χ²;
    r(1−ηλ)²c² when κ = 0). θ_{t+1} = Σ_D λ²E / Σ λ²E."""
    rng = np.random.default_rng(seed)
    U = np.zeros(n)
    V = np.zeros(n)
    for i in range(len(lam)):
        a2 = float(((1 - eta * lam[i]) * c[i]) ** 2)
        v = float(eta**2 * kap2[i])
        if v > 0:
            E = v * (rng.noncentral_chisquare(r, r * a2 / v, n) if a2 > 0 else rng.chisquare(r, n))
        else:
            E = np.full(n, r * a2)
        (U if i < k else V)[:] += float(lam[i]) ** 2 * E
    s = U + V
    return np.divide(U, s, out=np.zeros(n), where=s > 0)


def loss_change_moments(lam, k: int, cov, c, eta: Fraction, block: str):
    """Exact mean and variance (Fractions) of the one-step loss change of DSGD (block "D") or
    BSGD ("B") from state c: y = c'_S ~ N(a, S) with a = (1−ηλ)c_S, S = η²C_SS, and
    ΔL = ½ yᵀΛy − ½ c_Sᵀ Λ c_S, so E ΔL = ½(aᵀΛa + tr ΛS) − ½ c_SᵀΛc_S and
    Var ΔL = ½ tr((ΛS)²) + aᵀΛSΛa (Gaussian quadratic form)."""
    idx = range(0, k) if block == "D" else range(k, len(lam))
    a = {i: (1 - eta * lam[i]) * c[i] for i in idx}
    S = {(i, j): eta**2 * cov[i][j] for i in idx for j in idx}
    mean = (sum((lam[i] * a[i] ** 2 for i in idx), Fraction(0)) + sum(
        (lam[i] * S[i, i] for i in idx), Fraction(0)) - sum(
        (lam[i] * c[i] ** 2 for i in idx), Fraction(0))) / 2
    LS = {(i, j): lam[i] * S[i, j] for i in idx for j in idx}
    tr = sum((LS[i, j] * LS[j, i] for i in idx for j in idx), Fraction(0))
    La = {i: lam[i] * a[i] for i in idx}
    quad = sum((La[i] * S[i, j] * La[j] for i in idx for j in idx), Fraction(0))
    return mean, tr / 2 + quad


def simulate_loss_change(lam, k: int, cov, c, eta: Fraction, block: str, n: int,
                         seed) -> np.ndarray:
    """n independent one-step loss changes of DSGD/BSGD: the block S moves,
    c_S' = (1−ηλ_S)c_S − ηζ_S with ζ ~ N(0, C) (C through its PSD square root, so singular
    and correlated C are allowed); the other block stays. Chunked to bound memory."""
    rng = np.random.default_rng(seed)
    idx = list(range(0, k)) if block == "D" else list(range(k, len(lam)))
    lamS = np.array([float(lam[i]) for i in idx])
    cS = np.array([float(c[i]) for i in idx])
    C = np.array([[float(cov[i][j]) for j in idx] for i in idx])
    w, Q = np.linalg.eigh(C)
    root = Q * np.sqrt(np.clip(w, 0, None))  # C = root rootᵀ
    eta_f = float(eta)
    base = (1 - eta_f * lamS) * cS
    L0 = 0.5 * float(np.dot(lamS, cS * cS))
    out = np.empty(n)
    for start in range(0, n, 200_000):
        m = min(200_000, n - start)
        zeta = rng.standard_normal((m, len(idx))) @ root.T
        y = base - eta_f * zeta
        out[start:start + m] = 0.5 * (y * y) @ lamS - L0
    return out


def cov_matrix(case) -> list[list[Fraction]]:
    """C in the eigenbasis as exact rationals (diag(κ²) for isotropic/diagonal noise)."""
    if case.noise_kind == "covariance":
        return [list(r) for r in case.covariance]
    kap = case.kappa2
    return [[kap[i] if i == j else Fraction(0) for j in range(case.d)] for i in range(case.d)]


def rational_sqrt(x: Fraction, digits: int = 10) -> Fraction:
    """√x rounded to `digits` significant digits, as an exact rational."""
    return Fraction(f"{math.sqrt(float(x)):.{digits - 1}e}")


# ------------------------------------------------------------------ one-step alignment claims
def theta_step_check(case, eta: Fraction, sign: int, seed: int, prop: str) -> Verdict:
    """Simulate one SGD step from `case`'s state replicated ×r and decide the prediction
    sign·(E θ_{t+1} − θ_t) > 0 (direction) together with E θ_{t+1} = E_fd (consistency with the
    exact finite-d expectation at the replicated state, 30 digits).

    The claims are about the d → ∞ limit Θ(η; x) (Lemma 20); r is the smallest 64·4^j whose
    finite-d gap c₁/r and planned draw count (second-order delta method for U/(U+V): gap ≈
    (−E V·Var U + E U·Var V)/(E U + E V)³, Var θ ≈ ((E V)²Var U + (E U)²Var V)/(E U + E V)⁴, both
    ∝ 1/r) satisfy gap ≤ |Θ − θ|/8 and n ≤ N_MAX; the exact gap |E_r − Θ| (30-digit quadrature)
    must then be ≤ |Θ − θ|/4, otherwise the example is discarded ("finite-d gap"). The final
    draw count comes from a pilot sample at r. None of this looks at the main sample."""
    from verify.core.theory import Theta_map, blocks

    lam, k, kap2, c = case.eigenvalues, case.k, case.kappa2, case.state
    b = blocks(case)
    theta = b.sD / b.s
    Th = Theta_map(case, eta)
    e_lim = Th - theta
    if e_lim == 0:
        discard(prop, "unresolvable")
    mom = [0.0, 0.0, 0.0, 0.0]  # E U, Var U, E V, Var V per unit replication
    for i in range(len(lam)):
        w, a2, v = float(lam[i] ** 2), float(((1 - eta * lam[i]) * c[i]) ** 2), float(
            eta**2 * kap2[i])
        j = 0 if i < k else 2
        mom[j] += w * (a2 + v)
        mom[j + 1] += w * w * (2 * v * v + 4 * a2 * v)
    mU, vU, mV, vV = mom
    S = mU + mV
    c1 = (-mV * vU + mU * vV) / S**3
    var1 = (mV * mV * vU + mU * mU * vV) / S**4
    r, n = 64, None
    while r <= R_MAX:
        if abs(c1) / r <= abs(float(e_lim)) / 8:
            n = plan_draws(float(e_lim), math.sqrt(var1 / r), 1.0)
            if n is not None:
                break
        r *= 4
    if n is None:
        discard(prop, "unresolvable")
    Er = grouped_expected_ratio(one_step_levels(lam, k, kap2, c, eta, r))
    if abs(Er - mpf(Th)) > abs(mpf(e_lim)) / 4:
        discard(prop, "finite-d gap")
    pilot = grouped_theta_step(lam, k, kap2, c, eta, r, N_PILOT, [seed, 1])
    n = plan_draws(float(Er - mpf(theta)), float(np.std(pilot, ddof=1)), 1.0)
    if n is None:
        discard(prop, "unresolvable")
    sample = grouped_theta_step(lam, k, kap2, c, eta, r, n, [seed, 2])
    return decide(sample, reference=Er, baseline=theta, sign=sign, prop=prop)


def check_discards(prop: str, min_simulated: int = 2) -> None:
    """Every property that simulated must have decided at least `min_simulated` examples and
    discarded no more examples than it decided (discards ≤ half of the examples that met the
    claim's hypotheses)."""
    dis = sum(v for (p, rule), v in DISCARDS.items() if p == prop and not rule.startswith("partial"))
    sim = SIMULATED[prop]
    if sim == 0 and dis == 0:
        return  # the property was not run in this session (e.g. -k selection)
    assert sim >= min_simulated and dis <= sim, (prop, "simulated", sim, "discarded", dis)


# ------------------------------------------------------------------ one-step loss claims
@dataclass(frozen=True)
class LossPlan:
    case: object
    eta: Fraction
    block: str
    mean: Fraction
    var: Fraction
    n: int


def loss_plan(case, eta: Fraction, block: str, prop: str, strict: bool = True) -> LossPlan | None:
    """Exact E ΔL and Var ΔL of DSGD ("D") / BSGD ("B") at `case`'s state and the draw count
    with |E ΔL| ≥ RESOLVE·SE; discards ("unresolvable") when above N_MAX. The exact mean from the
    Gaussian law must equal Theorem 10's −ηs^S + ½η²(τ^S + n^loss_S) (asserted)."""
    from verify.core.theory import blocks

    mean, var = loss_change_moments(case.eigenvalues, case.k, cov_matrix(case), case.state, eta,
                                    block)
    b = blocks(case)
    sS, tS, nS = (b.sD, b.tauD, b.nD) if block == "D" else (b.sB, b.tauB, b.nB)
    assert mean == -eta * sS + eta**2 * (tS + nS) / 2
    L0 = sum((case.eigenvalues[i] * case.state[i] ** 2 for i in range(case.d)), Fraction(0)) / 2
    n = plan_draws(float(mean), math.sqrt(float(var)), float(L0))
    if n is None:
        if not strict:
            return None
        discard(prop, "unresolvable")
    return LossPlan(case, eta, block, mean, var, n)


def loss_run(plan: LossPlan, sign: int, seed, prop: str) -> Verdict:
    """Simulate the plan's n one-step loss changes; decide sign·E ΔL > 0 and E ΔL = exact."""
    c = plan.case
    sample = simulate_loss_change(c.eigenvalues, c.k, cov_matrix(c), c.state, plan.eta,
                                  plan.block, plan.n, seed)
    L0 = sum((c.eigenvalues[i] * c.state[i] ** 2 for i in range(c.d)), Fraction(0)) / 2
    return decide(sample, reference=plan.mean, baseline=0, sign=sign, prop=prop, scale=float(L0))


def on_family(case, theta: Fraction):
    """The state with the same block directions and the same s = s^D + s^B but alignment
    ≈ θ: c_D·√(θs/s^D), c_B·√((1−θ)s/s^B), square roots rounded to 10 significant digits
    (exact rationals; the caller re-reads θ and θ^crit at the returned state)."""
    from verify.core.theory import blocks

    b = blocks(case)
    fD, fB = rational_sqrt(theta * b.s / b.sD), rational_sqrt((1 - theta) * b.s / b.sB)
    return case.with_state(tuple(v * (fD if i < case.k else fB)
                                 for i, v in enumerate(case.state)))
