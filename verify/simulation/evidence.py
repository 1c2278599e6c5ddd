"""Simulation evidence per claim, without pytest: the claim's statement confronted with simulated
SGD / Dom-SGD / Bulk-SGD drawn through the package's own engines, decided at ≥ 6 standard errors.

One implementation serves three callers: the Hypothesis properties of tests/simulation (drawn
states, through `theta_step_check`, `loss_check`, …), the fixed-state properties of the claim
registry `verify.simulation.evidence_claims.PROPERTIES` (tests/simulation/test_sim_evidence.py)
and the audit's simulation stage (`evidence_claims.run_claim`, `run_all` → report.json
`simulation_evidence`).

Samplers (all in the package):
  * `sample_theta_step`: one SGD step of the ×r replicated state through
    `engines.grouped_sgd` (exact in law: a scaled noncentral χ² per coordinate group);
  * `sample_step`: one SGD / DSGD / BSGD step of the literal d-dimensional state through
    `engines.simulate` (the numpy engine; a full noise covariance through a PSD square root);
  * `sample_trajectories`: constant-step SGD trajectories of the ×r problem (grouped_sgd).
Every prediction is read from `verify.core.thresholds` / `verify.core.theory` (never re-typed).

Decision rule (fixed before any simulation). A decision compares the mean X̄ of n independent
draws (SE = sd/√n) with
  consistency   |X̄ − μ| ≤ Z·SE           (μ exact: Fraction or ≥ 30-digit quadrature),
  direction     sign·(X̄ − baseline) ≥ Z·SE,            Z = 6;
a direction is *contradicted* when sign·(X̄ − baseline) ≤ −Z·SE. Draw counts are planned before
the main sample from the predicted effect e (n = max(N_MIN, ⌈(15·sd/|e|)²⌉), sd exact or from an
independent pilot), so a right prediction is decided at ≈ 15 SE.

False alarms. For means of n ≥ N_MIN = 4000 draws the normal approximation gives
P(|N(0,1)| > 6) + P(N(0,1) > 6) ≈ 3e-9 per decision (an approximation, not a bound: the
statistics are bounded or sub-exponential and n ≥ 4000, where the Berry–Esseen error at 6 SE is
far below the tail itself is not claimed). A property's `false_alarm_bound` is 3e-9 × its
decisions (union bound over decisions).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

import mpmath
import numpy as np

from verify.core import thresholds as T
from verify.core.cases import Case
from verify.core.theory import block_sums, blocks, lemma22_pq, quantities
from verify.simulation.engines import grouped_sgd, simulate

Z = 6.0
RESOLVE = 15.0
N_MIN = 4000
N_PILOT = 4000
N_MAX = 1_500_000
R_MAX = 4**14
FALSE_ALARM_PER_DECISION = 3e-9
CHUNK = 250_000


class Unresolvable(Exception):
    """A pre-simulation rule drops the example (effect below the draw budget, or a finite-d gap
    too large): raised before any draw of the main sample."""

    def __init__(self, rule: str):
        super().__init__(rule)
        self.rule = rule


@dataclass(frozen=True)
class Decision:
    what: str
    n: int
    mean: float
    se: float
    z_ref: float | None
    z_dir: float | None

    @property
    def ok(self) -> bool:
        return (self.z_ref is None or abs(self.z_ref) <= Z) and (self.z_dir is None
                                                                   or self.z_dir >= Z)

    @property
    def contradicted(self) -> bool:
        """The predicted direction is contradicted at ≥ Z standard errors."""
        return self.z_dir is not None and self.z_dir <= -Z

    @property
    def count(self) -> int:
        return (self.z_ref is not None) + (self.z_dir is not None)

    def __str__(self) -> str:
        zr = "—" if self.z_ref is None else f"{self.z_ref:.2f}"
        zd = "—" if self.z_dir is None else f"{self.z_dir:.2f}"
        return f"{self.what}: n={self.n} mean={self.mean:.6g} se={self.se:.3g} z_ref={zr} z_dir={zd}"


def _f(x) -> float:
    return float(x)


def decide(sample, *, reference=None, baseline=None, sign: int | None = None,
           scale: float = 1.0, what: str = "") -> Decision:
    """The fixed-z decision (module docstring). The SE is floored at float64 resolution,
    1e-13·scale, so a (nearly) deterministic sample is judged on its rounding level."""
    sample = np.asarray(sample, dtype=float)
    n = sample.size
    mean = float(np.mean(sample))
    se = max(float(np.std(sample, ddof=1)) / math.sqrt(n), 1e-13 * scale)
    z_ref = None if reference is None else (mean - _f(reference)) / se
    z_dir = None if sign is None else sign * (mean - _f(baseline)) / se
    return Decision(what, n, mean, se, z_ref, z_dir)


def decide_diff(a, b, *, sign: int | None = None, reference=None, what: str = "") -> Decision:
    """mean(a) − mean(b) for two independent samples (SE of the difference), decided for a
    direction (sign) and/or consistency with `reference`."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    mean = float(a.mean() - b.mean())
    se = max(math.sqrt(np.var(a, ddof=1) / a.size + np.var(b, ddof=1) / b.size), 1e-300)
    return Decision(what, min(a.size, b.size), mean, se,
                    None if reference is None else (mean - _f(reference)) / se,
                    None if sign is None else sign * mean / se)


def plan_draws(effect: float, sd: float, scale: float = 0.0) -> int | None:
    """n with |effect| ≥ RESOLVE·sd/√n; None when above N_MAX or below float64 resolution."""
    if effect == 0 or abs(effect) / RESOLVE < 1e-12 * scale:
        return None
    n = max(N_MIN, math.ceil((RESOLVE * sd / abs(effect)) ** 2))
    return None if n > N_MAX else n


def mpf(x) -> mpmath.mpf:
    if isinstance(x, Fraction):
        return mpmath.mpf(x.numerator) / x.denominator
    return mpmath.mpf(x)


# ------------------------------------------------------------------ exact references
def grouped_expected_ratio(levels, dps: int = 30) -> mpmath.mpf:
    """E[U/(U+V)] for independent X_j = w(μ + √v Z_j)², `levels` = rows (w, μ², v, mult, in_D):
    mult iid copies of X per row, U = Σ over rows in D, V = over the others (0 if U+V = 0).
    As verify.core.expected_ratio (1/y = ∫ e^{−sy} ds) with multiplicities, so a replication ×r
    costs nothing: E[U/(U+V)] = ∫_0^∞ L(s) g_D(s) ds, log L = Σ mult·(−½log(1+2swv) −
    swμ²/(1+2swv)), g_D = Σ_D mult·(wv/(1+2swv) + wμ²/(1+2swv)²); tanh-sinh in y = log(s E(U+V))
    with both tails below 10^(−dps−2); ArithmeticError if the error estimate exceeds 10^(−dps)."""
    tot = sum((m * w * (mu2 + v) for w, mu2, v, m, _ in levels), Fraction(0))
    dom = sum((m * w * (mu2 + v) for w, mu2, v, m, d in levels if d), Fraction(0))
    if tot == 0 or dom == 0:
        return mpmath.mpf(0)
    if all(w * v == 0 for w, _, v, _, _ in levels):
        with mpmath.workdps(dps):
            return mpf(dom / tot)
    if len(levels) > 40:
        return mpmath.mpf(expected_ratio_float(levels, float(tot)))
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


def expected_ratio_float(levels, tot: float) -> float:
    """The integral of `grouped_expected_ratio` in float64, vectorised over the rows (for states
    with hundreds of levels, e.g. the paper's d = 500 spectrum, where 30-digit quadrature takes
    minutes): Gauss–Legendre on y = log(s·E(U+V)) ∈ [−40, Y] in 64 panels of 32 nodes; the value
    at 128 panels must agree to 1e-11 (else ArithmeticError). Accurate to ~1e-12, far below the
    ≥ 1e-6 standard errors it is compared with."""
    wv = np.array([float(w * v) for w, _, v, _, _ in levels])
    wm = np.array([float(w * mu2) for w, mu2, _, _, _ in levels])
    mult = np.array([float(m) for *_, m, _ in levels])
    inD = np.array([bool(d) for *_, d in levels])
    s0 = 1 / tot

    def log_L(s):
        a = 1 + 2 * np.outer(s, wv)
        return -(mult * (np.log(a) / 2 + np.outer(s, wm) / a)).sum(axis=1)

    hi = 20.0
    while log_L(np.array([s0 * math.exp(hi)]))[0] > math.log(1e-17):
        hi *= 2
        if hi > 700:
            raise ArithmeticError("E[U/(U+V)]: upper tail not below 1e-17 by y = 700")
    x, wts = np.polynomial.legendre.leggauss(32)

    def integral(panels: int) -> float:
        edges = np.linspace(-40.0, hi, panels + 1)
        mid, half = (edges[1:] + edges[:-1]) / 2, (edges[1:] - edges[:-1]) / 2
        y = (mid[:, None] + half[:, None] * x[None, :]).ravel()
        w = (half[:, None] * wts[None, :]).ravel()
        s = s0 * np.exp(y)
        a = 1 + 2 * np.outer(s, wv)
        gD = ((mult * (wv / a + wm / a**2))[:, inD]).sum(axis=1)
        return float(np.sum(w * np.exp(log_L(s)) * gD * s))

    v1, v2 = integral(64), integral(128)
    if abs(v1 - v2) > 1e-11:
        raise ArithmeticError(f"float quadrature unstable: {v1} vs {v2}")
    return v2


def one_step_levels(lam, k: int, kap2, c2, eta: Fraction, r: int):
    """Rows of grouped_expected_ratio for one SGD step from squared coordinates c2, each ×r."""
    return [(lam[i] ** 2, (1 - eta * lam[i]) ** 2 * c2[i], eta**2 * kap2[i], r, i < k)
            for i in range(len(lam))]


# ------------------------------------------------------------------ samplers (package engines)
def sample_theta_step(lam, k: int, kap2, c2, eta, r: int, n: int, seed) -> np.ndarray:
    """n independent one-step alignments θ_{t+1} of the state with squared coordinates c2, every
    coordinate ×r, through `engines.grouped_sgd` (exact in law), in chunks of CHUNK rows."""
    lam_f = np.array([_f(x) for x in lam])
    kap_f = np.array([_f(x) for x in kap2])
    e0 = np.array([_f(r * x) for x in c2])
    out = np.empty(n)
    for j, start in enumerate(range(0, n, CHUNK)):
        m = min(CHUNK, n - start)
        tr = grouped_sgd(lam_f, np.full(len(lam_f), r), k, kap_f, np.tile(e0, (m, 1)), _f(eta),
                         1, _seed(seed, j))
        out[start:start + m] = tr.alignment[1]
    return out


def _seed(seed, j: int) -> list[int]:
    return (list(seed) if isinstance(seed, (list, tuple)) else [int(seed)]) + [j]


def noise_root(case: Case) -> np.ndarray | None:
    """A factor F with F Fᵀ = C (PSD square root, so singular C is allowed), None if diagonal."""
    if case.noise_is_diagonal:
        return None
    C = np.array([[_f(x) for x in r] for r in case.covariance])
    w, Q = np.linalg.eigh(C)
    return Q * np.sqrt(np.clip(w, 0, None))


def sample_step(case: Case, eta, n: int, seed, method: str = "sgd",
                state: np.ndarray | None = None, engine: str = "numpy") -> dict[str, np.ndarray]:
    """n independent one-step updates of `method` from the case's state through the numpy engine
    `engines.simulate` or (`engine="fused"`, diagonal noise only) the fused engine
    `fused.simulate_fused`, the default of `salign simulate`: arrays s_D, s_B (after the step),
    dL (loss change), alignment."""
    from verify.simulation import fused  # imported here: numba is loaded only when it is used

    lam = np.array([_f(x) for x in case.eigenvalues])
    kap = np.array([_f(x) for x in case.kappa2])
    x0 = np.array([_f(x) for x in case.state]) if state is None else state
    root = noise_root(case)
    if engine not in ("numpy", "fused") or (engine == "fused" and root is not None):
        raise ValueError(f"engine {engine!r}: 'numpy', or 'fused' for diagonal noise")
    parts: dict[str, list] = {"s_D": [], "s_B": [], "dL": [], "alignment": []}
    for j, start in enumerate(range(0, n, CHUNK)):
        m = min(CHUNK, n - start)
        if engine == "fused":
            sub = int(np.random.SeedSequence(_seed(seed, j)).generate_state(1)[0])
            tr = fused.simulate_fused(lam, case.k, kap, np.tile(x0, (m, 1)), _f(eta), 1, sub,
                                      method=method)
        else:
            tr = simulate(lam, case.k, kap, np.tile(x0, (m, 1)), _f(eta), 1, _seed(seed, j),
                          method=method, chol=root)
        parts["s_D"].append(tr.s_D[1])
        parts["s_B"].append(tr.s_B[1])
        parts["dL"].append(tr.loss[1] - tr.loss[0])
        parts["alignment"].append(tr.alignment[1])
    return {k: np.concatenate(v) for k, v in parts.items() if v}


# ------------------------------------------------------------------ one-step checks
def theta_step_check(case: Case, eta: Fraction, sign: int, seed, what: str = "θ_{t+1} − θ_t"
                     ) -> Decision:
    """One SGD step from the case's state replicated ×r (grouped engine) at step size η, decided
    against the prediction sign·(lim E θ_{t+1} − θ_t) > 0 (direction) together with consistency
    with the exact finite-d E[θ_{t+1}|x] at ×r (see `theta_step_sq`)."""
    return theta_step_sq(case.eigenvalues, case.k, case.kappa2, [c * c for c in case.state], eta,
                         sign, seed, what)


def theta_step_sq(lam, k: int, kap2, c2, eta: Fraction, sign: int, seed,
                  what: str = "θ_{t+1} − θ_t") -> Decision:
    """`theta_step_check` for a state given by its squared coordinates c2 (e.g. the stationary
    moments β_i). The claims are about the d → ∞ limit Θ(η; x) (Lemma 20,
    `thresholds.theta_map`); r is the smallest 64·4^j whose delta-method finite-d gap c₁/r is
    ≤ |Θ − θ|/8 and whose planned draw count fits the budget; the exact gap |E_r − Θ| must then
    be ≤ |Θ − θ|/4, otherwise Unresolvable("finite-d gap"). The draw count comes from an
    independent pilot; nothing looks at the main sample before it is decided."""
    b = block_sums(lam, k, c2, kap2)
    if b.s == 0:
        raise Unresolvable("unresolvable")
    theta = b.sD / b.s
    Th = T.theta_map(b.sD, b.sB, b.tauD, b.tauB, b.uD, b.uB, b.eD, b.eB, eta)
    if Th is None or Th == theta:
        raise Unresolvable("unresolvable")
    e_lim = Th - theta
    r, n = _replication(lam, k, kap2, c2, eta, float(e_lim))
    Er = grouped_expected_ratio(one_step_levels(lam, k, kap2, c2, eta, r))
    if abs(Er - mpf(Th)) > abs(mpf(e_lim)) / 4:
        raise Unresolvable("finite-d gap")
    pilot = sample_theta_step(lam, k, kap2, c2, eta, r, N_PILOT, _seed(seed, 1))
    n = plan_draws(float(Er - mpf(theta)), float(np.std(pilot, ddof=1)), 1.0)
    if n is None:
        raise Unresolvable("unresolvable")
    sample = sample_theta_step(lam, k, kap2, c2, eta, r, n, _seed(seed, 2))
    return decide(sample, reference=Er, baseline=theta, sign=sign, what=what)


def _replication(lam, k, kap2, c2, eta, e_lim: float) -> tuple[int, int]:
    mom = [0.0, 0.0, 0.0, 0.0]  # E U, Var U, E V, Var V per unit replication
    for i in range(len(lam)):
        w, a2, v = _f(lam[i] ** 2), _f((1 - eta * lam[i]) ** 2 * c2[i]), _f(eta**2 * kap2[i])
        j = 0 if i < k else 2
        mom[j] += w * (a2 + v)
        mom[j + 1] += w * w * (2 * v * v + 4 * a2 * v)
    mU, vU, mV, vV = mom
    S = mU + mV
    c1 = (-mV * vU + mU * vV) / S**3
    var1 = (mV * mV * vU + mU * mU * vV) / S**4
    r = 64
    while r <= R_MAX:
        if abs(c1) / r <= abs(e_lim) / 8:
            n = plan_draws(e_lim, math.sqrt(var1 / r), 1.0)
            if n is not None:
                return r, n
        r *= 4
    raise Unresolvable("unresolvable")


def lemma26_levels(lam, k: int, kap, c0sq, eta: Fraction, t: int, r: int):
    """Rows of grouped_expected_ratio for the exact law of c_t from a deterministic c_0 (Lemma 26:
    c_{i,t} ~ N((1−ηλ_i)^t c_{i,0}, β_i(1 − (1−ηλ_i)^{2t})), β_i from
    `verify.core.assumption14.decide`), each coordinate ×r."""
    from verify.core.assumption14 import decide as asm14

    beta = asm14(lam, k, kap, c0sq, eta).beta
    rows = []
    for i in range(len(lam)):
        if t <= 1000:
            a = (1 - eta * lam[i]) ** (2 * t)
        else:  # the exact power has millions of digits: 45 significant digits suffice
            with mpmath.workdps(45):
                a = Fraction(mpmath.nstr(mpf(1 - eta * lam[i]) ** (2 * t), 45))
        rows.append((lam[i] ** 2, a * c0sq[i], beta[i] * (1 - a), r, i < k))
    return rows


def sample_trajectories(lam, k: int, kap, c0sq, eta, r: int, steps: int, n: int, seed
                        ) -> np.ndarray:
    """(steps + 1, n) alignments of n independent constant-step SGD trajectories of the ×r
    replicated problem from deterministic c_0 (engines.grouped_sgd, exact in law)."""
    lam_f = np.array([_f(x) for x in lam])
    kap_f = np.array([_f(x) for x in kap])
    e0 = np.array([_f(r * x) for x in c0sq])
    parts = []
    for j, start in enumerate(range(0, n, CHUNK)):
        m = min(CHUNK, n - start)
        parts.append(grouped_sgd(lam_f, np.full(len(lam_f), r), k, kap_f, np.tile(e0, (m, 1)),
                                 _f(eta), steps, _seed(seed, j)).alignment)
    return np.concatenate(parts, axis=1)


def increment_check(lam, k: int, kap, c0sq, eta: Fraction, t: int, sign: int, seed, r: int,
                    what: str, n_cap: int = 300_000) -> Decision:
    """The increment θ_{t+1} − θ_t of simulated trajectories (×r, grouped engine), decided for
    sign·E[θ_{t+1} − θ_t] > 0 and consistency with the exact finite-d value (Lemma 26 law)."""
    fd = (grouped_expected_ratio(lemma26_levels(lam, k, kap, c0sq, eta, t + 1, r))
          - grouped_expected_ratio(lemma26_levels(lam, k, kap, c0sq, eta, t, r)))
    pilot = sample_trajectories(lam, k, kap, c0sq, eta, r, t + 1, N_PILOT, _seed(seed, 1))
    n = plan_draws(float(fd), float(np.std(pilot[t + 1] - pilot[t], ddof=1)), 1.0)
    if n is None or n > n_cap:
        raise Unresolvable("unresolvable")
    a = sample_trajectories(lam, k, kap, c0sq, eta, r, t + 1, n, _seed(seed, 2))
    return decide(a[t + 1] - a[t], reference=fd, baseline=0, sign=sign, what=what)


def loss_moments(case: Case, eta: Fraction, block: str) -> tuple[Fraction, Fraction]:
    """Exact mean (Theorem 10's `thresholds.expected_loss_change`) and variance of the one-step
    loss change of DSGD ("D") / BSGD ("B"): y = c'_S ~ N(a, S), a = (1−ηλ)c_S, S = η²C_SS,
    Var ΔL = ½ tr((ΛS)²) + aᵀΛSΛa (Gaussian quadratic form)."""
    lam, c = case.eigenvalues, case.state
    cov = _cov(case)
    idx = range(0, case.k) if block == "D" else range(case.k, case.d)
    b = blocks(case)
    sS, tS, nS = (b.sD, b.tauD, b.nD) if block == "D" else (b.sB, b.tauB, b.nB)
    mean = T.expected_loss_change(eta, sS, tS, nS)
    a = {i: (1 - eta * lam[i]) * c[i] for i in idx}
    S = {(i, j): eta**2 * cov[i][j] for i in idx for j in idx}
    LS = {(i, j): lam[i] * S[i, j] for i in idx for j in idx}
    tr = sum((LS[i, j] * LS[j, i] for i in idx for j in idx), Fraction(0))
    quad = sum((lam[i] * a[i] * S[i, j] * lam[j] * a[j] for i in idx for j in idx), Fraction(0))
    return mean, tr / 2 + quad


def _cov(case: Case) -> list[list[Fraction]]:
    if case.noise_kind == "covariance":
        return [list(r) for r in case.covariance]
    kap = case.kappa2
    return [[kap[i] if i == j else Fraction(0) for j in range(case.d)] for i in range(case.d)]


def _loss0(case: Case) -> Fraction:
    return sum((case.eigenvalues[i] * case.state[i] ** 2 for i in range(case.d)), Fraction(0)) / 2


def loss_plan(case: Case, eta: Fraction, block: str) -> int:
    """Draws for one DSGD/BSGD loss-change decision at the case's state (Unresolvable if none)."""
    mean, var = loss_moments(case, eta, block)
    n = plan_draws(_f(mean), math.sqrt(_f(var)), _f(_loss0(case)))
    if n is None:
        raise Unresolvable("unresolvable")
    return n


def loss_check(case: Case, eta: Fraction, block: str, sign: int, seed, n: int | None = None,
               what: str | None = None) -> Decision:
    """n one-step loss changes of DSGD/BSGD (numpy engine); decide sign·E ΔL > 0 and E ΔL =
    Theorem 10's exact value."""
    mean, _ = loss_moments(case, eta, block)
    n = loss_plan(case, eta, block) if n is None else n
    s = sample_step(case, eta, n, seed, method="dsgd" if block == "D" else "bsgd")
    return decide(s["dL"], reference=mean, baseline=0, sign=sign, scale=_f(_loss0(case)),
                  what=what or f"ΔL_{block} at η={float(eta):.4g}")


def on_family(case: Case, theta: Fraction) -> Case:
    """The state with the same block directions and s = s^D + s^B but alignment ≈ θ (square
    roots rounded to 10 significant digits; exact rationals)."""
    b = blocks(case)

    def rs(x: Fraction) -> Fraction:
        return Fraction(f"{math.sqrt(float(x)):.9e}")

    fD, fB = rs(theta * b.s / b.sD), rs((1 - theta) * b.s / b.sB)
    return case.with_state(tuple(v * (fD if i < case.k else fB) for i, v in enumerate(case.state)))


def loss_thresholds(case: Case) -> tuple[Fraction | None, Fraction | None]:
    b = blocks(case)
    return T.eta_loss(b.sD, b.tauD, b.nD), T.eta_loss(b.sB, b.tauB, b.nB)


def order_check(case: Case, d_lower: bool, seed) -> list[Decision]:
    """The order of η^loss_D and η^loss_B seen in SGD: at η midway between the two thresholds the
    method with the lower threshold raises the expected loss and the other lowers it. `d_lower`
    is the claim's prediction (η^loss_D < η^loss_B), never read from the thresholds."""
    eD, eB = loss_thresholds(case)
    eta = (eD + eB) / 2
    s = +1 if d_lower else -1
    return [loss_check(case, eta, "D", s, _seed(seed, 0), what="ΔL_D at the midpoint η"),
            loss_check(case, eta, "B", -s, _seed(seed, 1), what="ΔL_B at the midpoint η")]


def _q(case: Case) -> dict:
    with mpmath.workdps(30):
        return quantities(case, 30)


def theta_of(case: Case) -> Fraction:
    b = blocks(case)
    return b.sD / b.s


def eta_star(case: Case) -> Fraction | None:
    p, q = lemma22_pq(blocks(case))
    return None if p == 0 else -q / p


def _rat(x, digits: int = 15) -> Fraction:
    return Fraction(mpmath.nstr(mpf(x), digits))


def theta_crit(case: Case) -> Fraction:
    om = _q(case)["one_minus_theta_crit"]
    return 1 - _rat(om)


# ------------------------------------------------------------------ results
@dataclass
class Evidence:
    claim: str
    test: str
    decisions: list[Decision] = field(default_factory=list)
    note: str = ""
    seconds: float = 0.0

    @property
    def agrees_with_claim(self) -> bool:
        return bool(self.decisions) and all(d.ok for d in self.decisions)

    @property
    def contradicted(self) -> bool:
        """Some prediction of the claim is contradicted at ≥ 6 SE by simulation."""
        return any(d.contradicted for d in self.decisions)

    @property
    def min_z(self) -> float | None:
        """The smallest |z| of the direction decisions (None when the property makes only
        consistency decisions, e.g. a late-phase mean equal to a formula)."""
        zs = [abs(d.z_dir) for d in self.decisions if d.z_dir is not None]
        return min(zs) if zs else None

    @property
    def n_decisions(self) -> int:
        return sum(d.count for d in self.decisions)

    def as_dict(self) -> dict:
        return {"agrees_with_claim": self.agrees_with_claim, "decisions": self.n_decisions,
                "min_z": None if self.min_z is None else round(self.min_z, 2),
                "max_abs_z_ref": max((round(abs(d.z_ref), 2) for d in self.decisions
                                      if d.z_ref is not None), default=None),
                "contradicted_at_6se": self.contradicted,
                "false_alarm_bound": self.n_decisions * FALSE_ALARM_PER_DECISION,
                "test": self.test, "note": self.note}


__all__ = ["Decision", "Evidence", "Unresolvable", "decide", "loss_check", "theta_step_check",
           "theta_step_sq"]
