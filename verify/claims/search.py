"""Run claim checkers: symbolic, margin search with counterexample shrinking, or special."""

from __future__ import annotations

import time
from fractions import Fraction

import numpy as np

from derivations.core import check_derivation
from derivations.registry import get_derivations
from verify.claims import CLAIMS_BY_ID, Claim
from verify.core import results as R
from verify.core.cases import Case, make_case
from verify.core.errors import UsageError
from verify.core.families import q, random_case, with_alignment
from verify.core.signs import as_text, certified_sign
from verify.core.theory import blocks, lemma22_pq
from verify.core.tolerances import PRECISION_LADDER_DPS, PROFILES


def _structured(claim: Claim) -> list[Case]:
    """Small hand-made cases tried first: two- and three-level spectra, d = 2..4, extreme θ (both
    ends), singular noise, a tiny gap (λ_k/λ_{k+1} − 1 = 10⁻⁷). These make refutations minimal."""
    F = Fraction
    out = []
    for lam in ([2, 1], [10, 1], [4, 1, F(1, 2)], [10, 1, F(1, 2)], [3, 3, 1, 1]):
        d = len(lam)
        for k in range(1, d):
            if lam[k - 1] == lam[k]:
                continue
            for noise in ({"sigma": 1}, {"kappa2": [1] * k + [0] * (d - k)},
                          {"kappa2": [0] * k + [1] * (d - k)}, {"sigma": F(1, 10)}):
                for c in ([1] * d, [1] * k + [F(1, 10)] * (d - k), [F(1, 10)] * k + [1] * (d - k),
                          [10] * d, [1] * k + [F(1, 100)] * (d - k)):
                    out.append(make_case(lam, k, c, **noise))
    # a tiny gap (λ_1/λ_2 − 1 = 10⁻⁷) and the low end of θ (θ ≈ 10⁻⁶)
    tiny = [F(10**7 + 1, 10**7), 1, F(1, 2)]
    for noise in ({"sigma": 1}, {"kappa2": [1, 0, 0]}, {"kappa2": [0, 1, 1]}):
        for c in ([1, 1, 1], [1, F(1, 10), F(1, 10)], [F(1, 10), 1, 1]):
            out.append(make_case(tiny, 1, c, **noise))
        for lam in ([2, 1], [10, 1, F(1, 2)]):
            if len(noise.get("kappa2", lam)) == len(lam):
                out.append(make_case(lam, 1, [F(1, 1000)] + [1] * (len(lam) - 1), **noise))
    return out


def _etas(claim: Claim, case: Case, rng: np.random.Generator) -> list[Fraction]:
    if not claim.needs_eta:
        return [None]  # type: ignore[list-item]
    b = blocks(case)
    p, qq = lemma22_pq(b)
    star = -qq / p if p != 0 else None
    mode = claim.eta_mode
    out: list[Fraction] = []
    us = [q(float(u), 3) for u in rng.uniform(0.01, 0.99, 2)] + [Fraction(1, 2)]
    # η/η* within 10⁻³ of 1 on either side: 1 ∓ 10⁻³·us[0] (us[0] ∈ [0.01, 0.99])
    near = Fraction(1, 1000) * us[0]
    if mode == "below_star":
        if star is None or star <= 0:
            return []
        out = [star * u for u in us] + [star * (1 - near)]
    elif mode == "above_star":
        if star is None:
            return []
        base = max(star, Fraction(0))
        out = [base * (1 + u) + q(10.0 ** rng.uniform(-3, 2), 3) * u for u in us]
        if star > 0:
            out.append(star * (1 + near))
    elif mode in ("around_loss", "around_box", "between_loss"):
        cands = []
        for num, den in ((2 * b.sD, b.tauD + b.nD), (2 * b.sB, b.tauB + b.nB),
                         (2 * b.sD, b.uD + b.nD)):
            if den:
                cands.append(num / den)
        if mode == "between_loss" and len(cands) >= 2:
            lo, hi = sorted(cands[:2])
            out = [lo + (hi - lo) * u for u in us]
        else:
            out = [v * f for v in cands for f in (Fraction(1, 2), Fraction(99, 100),
                                                  Fraction(101, 100), 2)]
            if len(cands) == 3:
                lo, hi = sorted((cands[0], cands[2]))
                out += [lo + (hi - lo) * u for u in us]
    else:
        out = [q(10.0 ** rng.uniform(-4, 2), 3) for _ in range(3)]
        if star is not None and star > 0:
            out += [star * 2, star / 2]
    return [e for e in out if e > 0]


def _perturb(case: Case, rng: np.random.Generator) -> Case:
    c = [v * q(10.0 ** rng.normal(0, 0.5), 3) if rng.random() < 0.5 else v for v in case.state]
    new = case.with_state(tuple(c))
    if rng.random() < 0.3 and blocks(new).sD and blocks(new).sB:
        new = with_alignment(new, q(float(rng.uniform(0.01, 0.999)), 3))
    return new


def _shrink(claim: Claim, margin, case: Case, eta) -> tuple[Case, Fraction]:
    """Round entries to fewer digits while the violation persists (a smaller counterexample)."""
    best = (case, eta)
    for digits in (1, 2, 3):
        try:
            st = [q(float(v), digits) for v in best[0].state]
            cand = best[0].with_state(tuple(st))
            e2 = q(float(eta), digits) if eta is not None else None
            cand = cand.with_eta(e2)
            sgn, _, _ = certified_sign(lambda cand=cand: margin(cand))
        except Exception:  # noqa: BLE001 — a failed candidate is simply not smaller
            continue
        if sgn is not None and claim.violated_by(sgn):
            return cand, e2
    return best


def _region(case: Case) -> list[str]:
    """The hard regions a state belongs to (reported so a reader sees what the search covered)."""
    out = []
    b = blocks(case)
    lam, k = case.eigenvalues, case.k
    kap = case.kappa2
    if min(kap) == 0:
        out.append("singular noise (s_min = 0)")
    if not case.noise_is_diagonal:
        out.append("correlated noise (full covariance)")
    if min(kap) > 0 and max(kap) / min(kap) >= 100:
        out.append("extreme noise ratio (s_max/s_min ≥ 100)")
    if lam[k - 1] / lam[k] < Fraction(101, 100):
        out.append("tiny gap (λ_k/λ_{k+1} < 1.01)")
    if b.s and not Fraction(1, 100) <= b.sD / b.s <= Fraction(99, 100):
        out.append("extreme alignment (θ < 0.01 or θ > 0.99)")
    if case.eta is not None:
        p, qq = lemma22_pq(b)
        if p > 0 and qq < 0 and abs(case.eta * p / -qq - 1) <= Fraction(1, 1000):
            out.append("near the critical step (|η/η* − 1| ≤ 10⁻³)")
    if case.eta is not None and case.eta * lam[0] > 1:
        out.append("large step (ηλ_1 > 1)")
    if case.eta is not None and case.eta * lam[0] >= 2:
        out.append("unstable step (ηλ_1 ≥ 2)")
    return out


def _recheck_command(claim: Claim) -> str:
    if claim.margin is not None:
        return (f"salign check {claim.id} --cases-dir cex && "
                f"salign eval --case cex/{claim.id}.json --claim {claim.id}")
    return f"salign check {claim.id}"


def margin_check(claim: Claim, profile: str, seed: int) -> R.CheckResult:
    margin = claim.margin
    assert margin is not None
    rng = np.random.default_rng(np.random.SeedSequence([seed, sum(map(ord, claim.id))]))
    budget = PROFILES[profile]
    n_ok = n_undecided = n_boundary = 0
    min_margin = None
    min_val = None
    max_dps = 0
    irrational_exact = False
    coverage: dict[str, int] = {}
    dims: set[int] = set()
    pool: list[tuple[float, Case]] = []
    structured = _structured(claim)
    for it in range(len(structured) + budget):
        if it < len(structured):
            base = structured[it]
        elif pool and rng.random() < 0.4:
            base = _perturb(pool[int(rng.integers(0, min(len(pool), 5)))][1], rng)
        else:
            base = random_case(rng, max_d=8)
        for eta in _etas(claim, base, rng):
            case = base.with_eta(eta) if eta is not None else base
            try:
                sgn, val, dps = certified_sign(lambda case=case: margin(case))
            except ZeroDivisionError:  # a margin undefined at this state (e.g. 0/0)
                continue
            if val is None:
                continue
            if sgn is None:
                n_undecided += 1
                continue
            n_ok += 1
            dims.add(case.d)
            for r in _region(case):
                coverage[r] = coverage.get(r, 0) + 1
            max_dps = max(max_dps, dps)
            irrational_exact = irrational_exact or (dps == 0 and not isinstance(val, Fraction))
            fval = float(val) if isinstance(val, Fraction) else float(val.mid())
            pool.append((fval, case))
            pool.sort(key=lambda t: t[0])
            del pool[20:]
            if min_val is None or fval < min_val:
                min_val, min_margin = fval, as_text(val)
            if sgn == 0 and not claim.violated_by(sgn):
                n_boundary += 1
            if claim.violated_by(sgn):
                small, e2 = _shrink(claim, margin, case, eta)
                sgn2, v2, dps2 = certified_sign(lambda: margin(small))
                how = ("exact rational" if isinstance(v2, Fraction) else
                       "sign decided exactly" if dps2 == 0 else f"certified ball, {dps2} digits")
                ev = (f"counterexample found after {n_ok} states in hypotheses; margin "
                      f"{as_text(v2)} ({how}) violates '{claim.quantity} "
                      f"{'>' if claim.strict else '≥'} 0'"
                      + (" — d-dimensional state standing for its replication family (Θ map)"
                         if "Assumption 1" in claim.hypotheses else ""))
                if claim.explain is not None:
                    ev += ". " + claim.explain(small)
                return R.CheckResult(
                    claim.id, R.REFUTED, ev,
                    n_states=n_ok, dps=dps2, min_margin=as_text(v2), certified=True,
                    counterexample=small.to_json_obj(), failing=witness_sides(claim, small, v2),
                    corrected_by=claim.corrected_by, recheck=_recheck_command(claim),
                )
    if n_ok == 0 and n_undecided:
        return R.CheckResult(claim.id, R.INCONCLUSIVE,
                             f"{n_undecided} states met the hypotheses but every margin sign was "
                             f"undecided at {PRECISION_LADDER_DPS[-1]} digits",
                             n_states=0, dps=PRECISION_LADDER_DPS[-1], n_undecided=n_undecided)
    if n_ok == 0:
        return R.CheckResult(claim.id, R.OUTSIDE, "no generated state met the hypotheses",
                             n_states=0)
    how = ("exact rational arithmetic" if max_dps == 0 and not irrational_exact else
           "exact signs (rational arithmetic; square roots located by their defining quadratics)"
           if max_dps == 0 else f"signs certified by arb ball arithmetic up to {max_dps} digits")
    region = "; ".join(f"{n} {r}" for r, n in sorted(coverage.items())) or "no hard region reached"
    ev = (f"no violation on {n_ok} states (structured small cases, random spectra/states/noise, "
          f"targeted perturbation of the smallest margins; d = {min(dims)}..{max(dims)}; "
          f"seed {seed}, profile {profile}); {how}. Region covered: {region}")
    if n_boundary:
        ev += (f"; {n_boundary} states exactly on the boundary (margin 0, "
               + ("an equivalence's threshold" if claim.kind == "equivalence" else
                  "allowed by the non-strict inequality") + ")")
    if "Assumption 1" in claim.hypotheses:
        ev += "; asymptotic claim checked through Θ(η; x) (replication family of each state)"
    if claim.remark is not None:
        ev += ". " + (claim.remark() if callable(claim.remark) else claim.remark)
    status = R.CHECKED_NUMERICALLY
    if n_undecided:
        # undecided states are not evidence either way: the verdict says so
        status = R.INCONCLUSIVE
        ev = (f"{n_undecided} of {n_ok + n_undecided} states undecided at "
              f"{PRECISION_LADDER_DPS[-1]} digits; on the other {n_ok}: " + ev)
    return R.CheckResult(claim.id, status, ev, n_states=n_ok, dps=max_dps,
                         min_margin=min_margin, certified=True, corrected_by=claim.corrected_by,
                         n_boundary=n_boundary, n_undecided=n_undecided, coverage=coverage)


def witness_sides(claim: Claim, case: Case, margin) -> dict[str, str]:
    """The witness's certified margin and, where the claim names them, the two sides of its
    inequality as `salign eval` names its quantities (20 significant digits)."""
    out = {"margin": as_text(margin, 20)}
    if claim.sides:
        from verify.core.theory import decimal_quantities

        q = decimal_quantities(case, 20, case.eta)
        for name in claim.sides:
            out[name] = q.get(name)
    return out


def symbolic_check(claim: Claim, der_id: str) -> R.CheckResult:
    (der,) = get_derivations([der_id])
    res = check_derivation(der)
    bad = [s.description for s, ok in res if not ok]
    if bad:
        return R.CheckResult(claim.id, R.INCONCLUSIVE, "SymPy could not confirm: " + "; ".join(bad))
    kinds = sorted({s.kind for s, _ in res})
    return R.CheckResult(
        claim.id, R.VERIFIED_SYMBOLICALLY,
        f"derivation '{der_id}': {len(res)} steps confirmed by SymPy ({', '.join(kinds)})",
        n_states=0, certified=True)


def run_claim(claim_id: str, profile: str = "ci", seed: int = 0) -> R.CheckResult:
    if claim_id not in CLAIMS_BY_ID:
        raise UsageError(f"unknown claim id '{claim_id}' (see `salign check --list`)")
    claim = CLAIMS_BY_ID[claim_id]
    t0 = time.perf_counter()
    if claim.margin is not None:
        res = margin_check(claim, profile, seed)
    elif claim.special is not None:
        res = claim.special(claim, profile, seed)
    else:
        assert claim.derivation is not None
        res = symbolic_check(claim, claim.derivation)
    if res.status == R.REFUTED:
        from verify.claims.severity import classify

        res.corrected_by = res.corrected_by or claim.corrected_by
        res.recheck = res.recheck or _recheck_command(claim)
        res.severity = classify(claim, res, seed)
    res.seconds = time.perf_counter() - t0
    return res


def evaluate_claim(claim_id: str, case: Case) -> dict:
    """The claim's verdict at one case (for `salign eval --claim`): {"claim_id", "verdict",
    "margin", "sign_convention", "sides"}. verdict ∈ holds | violated | boundary (margin exactly 0,
    not a violation) | outside hypotheses | undecided. Only margin claims are decided at a state."""
    if claim_id not in CLAIMS_BY_ID:
        raise UsageError(f"unknown claim id '{claim_id}' (see `salign check --list`)")
    claim = CLAIMS_BY_ID[claim_id]
    if claim.margin is None:
        raise UsageError(f"claim '{claim_id}' is not decided at a single state (it is checked by "
                         f"{claim.checker}); re-check it with `salign check {claim_id}`")
    if claim.needs_eta and case.eta is None:
        raise UsageError(f"claim '{claim_id}' needs a step size: give --eta or an 'eta' in the case")
    sign, val, _ = certified_sign(lambda: claim.margin(case))
    if val is None:
        verdict = "outside hypotheses"
    elif sign is None:
        verdict = "undecided"
    elif claim.violated_by(sign):
        verdict = "violated"
    elif sign == 0:
        verdict = "boundary"
    else:
        verdict = "holds"
    out = {"claim_id": claim.id, "statement": claim.statement, "verdict": verdict,
           "quantity": claim.quantity, "strict": claim.strict,
           "margin": None if val is None else as_text(val, 20),
           "sign_convention": "margin > 0: holds; margin < 0: violated; 0: "
                              + ("violated (strict inequality)" if claim.strict and
                                 claim.kind != "equivalence" else "boundary, not a violation")}
    if val is not None and claim.sides:
        from verify.core.theory import decimal_quantities

        q = decimal_quantities(case, 20, case.eta)
        out["sides"] = {name: q.get(name) for name in claim.sides}
    return out
