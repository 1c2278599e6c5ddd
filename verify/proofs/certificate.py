"""Search for exact Positivstellensatz certificates of the proof obligations (`salign certify`).

A system of atoms g_i ≥ 0, f_j > 0, e_k = 0, n_l ≠ 0 (verify.proofs.obligation_atoms) has no
real solution if there are rationals c_α ≥ 0 and polynomials q_k with rational coefficients with

    Σ_α c_α · P_α  +  Σ_k q_k · e_k  ≡  0,            Σ_{α strict} c_α = 1,          (★)

where each P_α is a product of at most `depth` factors taken from the g_i, f_j and n_l² (repeats
allowed), and a product is *strict* when every factor is an f_j or an n_l² (the empty product 1
included). At a real solution every P_α ≥ 0, every strict P_α > 0 and every e_k = 0, so the
left side of (★) would be > 0: a contradiction. (★) is a polynomial identity, checked by
expanding it exactly (verify.proofs.certcheck); it is the Positivstellensatz's cone form with the
sums of squares restricted to the squares n_l² and to the products of the hypotheses, i.e. a
Handelman-type certificate.

The search is linear programming over the unknowns c_α ≥ 0 and the coefficients of q_k (each q_k
ranges over the monomials of degree ≤ `eq_degree`): the identity (★) is one linear equation per
monomial. It runs in floating point (SciPy's HiGHS dual simplex, which returns a vertex) and is
then made exact: the vertex's non-zero columns are linearly independent, so the exact system
restricted to them (python-flint's rational matrices) has exactly one solution, which is
rational. It is kept only when every c_α ≥ 0 exactly — the float solution is a hint, never part of
the certificate. Degrees are tried in increasing order, and the first certificate found is kept.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from verify.proofs.obligation_atoms import Atom, AtomicObligation, Monomial, System, expr_of, poly_of

FORMAT = "salign-psatz-1"
MAX_COLUMNS = 150_000  # larger linear programs are skipped (memory and time on 2 cores)


@dataclass(frozen=True)
class Level:
    """One rung of the search: products of ≤ depth factors of total degree ≤ max_degree; equality
    multipliers of degree ≤ eq_degree."""

    depth: int
    max_degree: int
    eq_degree: int
    monomials: bool = False  # add the sign-monomial columns (`_monomial_columns`)


LEVELS = (Level(1, 6, 1), Level(1, 6, 2), Level(2, 6, 1), Level(2, 8, 2), Level(2, 8, 2, True),
          Level(3, 6, 1), Level(3, 8, 2), Level(3, 8, 3), Level(3, 10, 3), Level(4, 6, 1),
          Level(4, 10, 2))


# ------------------------------------------------------------------ polynomial arithmetic (exact)
def factor_poly(ctx, atom: Atom):
    """The factor an atom contributes to a product (python-flint, exact): p for ge/gt, p² for ne."""
    p = to_flint(ctx, dict(atom.poly))
    return p * p if atom.kind == "ne" else p


def _monomials(nvars: int, degree: int) -> list[Monomial]:
    out = []
    for d in range(degree + 1):
        for combo in itertools.combinations_with_replacement(range(nvars), d):
            m = [0] * nvars
            for i in combo:
                m[i] += 1
            out.append(tuple(m))
    return out


# ------------------------------------------------------------------ search
def _columns(system: System, nvars: int, level: Level):
    """Candidate columns of (★): ('prod', factors, poly, strict) and ('eq', atom, monomial, poly),
    poly a python-flint fmpq_mpoly (exact)."""
    ctx = _ctx(nvars)
    gens = [(i, factor_poly(ctx, a), a.kind in ("gt", "ne")) for i, a in enumerate(system.atoms)
            if a.kind in ("ge", "gt", "ne") and a.poly]
    one = ctx.from_dict({(0,) * nvars: 1})
    cols: list[tuple] = [("prod", (), one, True)]
    frontier: list[tuple[tuple[int, ...], Any, bool, int]] = [((), one, True, 0)]
    for _ in range(level.depth):
        nxt = []
        for facs, p, strict, last in frontier:
            dp = p.total_degree()
            for j in range(last, len(gens)):
                i, g, s = gens[j]
                if dp + g.total_degree() > level.max_degree:
                    continue
                q = p * g
                nxt.append((facs + (i,), q, strict and s, j))
                cols.append(("prod", facs + (i,), q, strict and s))
                if len(cols) > MAX_COLUMNS:
                    return cols
        frontier = nxt
    if level.monomials:
        seen = {c[1] for c in cols}
        for facs, q, strict in _monomial_columns(system, gens, level):
            if facs not in seen:
                seen.add(facs)
                cols.append(("prod", facs, q, strict))
                if len(cols) > MAX_COLUMNS:
                    return cols
    for i, a in enumerate(system.atoms):
        if a.kind != "eq":
            continue
        e = to_flint(ctx, dict(a.poly))
        room = min(level.eq_degree, level.max_degree - e.total_degree())
        for m in _monomials(nvars, max(room, 0)):
            cols.append(("eq", i, m, e * ctx.from_dict({m: 1})))
    return cols


MONOMIAL_DEGREE = 4  # sign monomials: products of up to this many variable-sign atoms


def _monomial_columns(system: System, gens: list, level: Level):
    """Products beyond the depth limit that are cheap and often needed: a *sign monomial* — a
    product of up to MONOMIAL_DEGREE atoms of the form x > 0 or x ≥ 0 for a single variable x
    (typically sign lemmas) — times one more generator. They let a positive term such as
    s_min λ_k² K_D be written at once, instead of at depth 4 + 1 of the plain enumeration."""
    var_atoms = [(i, g, s) for i, g, s in gens
                 if len(system.atoms[i].poly) == 1 and sum(system.atoms[i].poly[0][0]) == 1
                 and system.atoms[i].poly[0][1] == 1]
    if not var_atoms:
        return
    monos: list[tuple[tuple[int, ...], Any, bool]] = []
    frontier = [((), None, True, 0)]
    for _ in range(MONOMIAL_DEGREE):
        nxt = []
        for facs, p, strict, last in frontier:
            for j in range(last, len(var_atoms)):
                i, g, s = var_atoms[j]
                q = g if p is None else p * g
                item = (facs + (i,), q, strict and s, j)
                nxt.append(item)
                if len(item[0]) >= 2:
                    monos.append(item[:3])
        frontier = nxt
    for facs, q, strict in monos:
        dq = q.total_degree()
        yield tuple(sorted(facs)), q, strict
        for i, g, s in gens:
            if dq + g.total_degree() <= level.max_degree:
                yield tuple(sorted(facs + (i,))), q * g, strict and s


def _ctx(nvars: int):
    import flint

    return flint.fmpq_mpoly_ctx.get(tuple(f"x{i}" for i in range(nvars)), "lex")


def to_flint(ctx, p: dict[Monomial, Fraction]):
    import flint

    return ctx.from_dict({m: flint.fmpq(c.numerator, c.denominator) for m, c in p.items()})


def _col_poly(col: tuple):
    """The polynomial of a column of (★): a product's, or an equation times its monomial."""
    return col[2] if col[0] == "prod" else col[3]


def _solve_lp(cols: list[tuple], time_limit: float | None = None) -> list[float] | None:
    import numpy as np
    from scipy.optimize import linprog
    from scipy.sparse import coo_matrix

    rows: dict[Monomial, int] = {}
    r, c, v = [], [], []
    for j, col in enumerate(cols):
        for m, coef in _col_poly(col).to_dict().items():
            r.append(rows.setdefault(m, len(rows)))
            c.append(j)
            v.append(int(coef.p) / int(coef.q))
    n = len(cols)
    nrow = len(rows)
    A = coo_matrix((v, (r, c)), shape=(nrow + 1, n)).tolil()
    for j, col in enumerate(cols):
        if col[0] == "prod" and col[3]:
            A[nrow, j] = 1.0
    b = np.zeros(nrow + 1)
    b[nrow] = 1.0
    bounds = [(0, None) if col[0] == "prod" else (None, None) for col in cols]
    cost = np.array([1.0 if col[0] == "prod" else 0.0 for col in cols])
    options = {} if time_limit is None else {"time_limit": max(time_limit, 1.0)}
    res = linprog(cost, A_eq=A.tocsr(), b_eq=b, bounds=bounds, method="highs-ds", options=options)
    if res.status != 0:
        return None
    return list(res.x)


def _exact(cols: list[tuple], x: list[float]) -> list[Fraction] | None:
    """The exact solution of (★) on the float vertex's support (None if none, or not ≥ 0)."""
    import flint

    support = [j for j, xj in enumerate(x) if abs(xj) > 1e-12]
    if not support:
        return None
    rows: dict[Monomial, int] = {}
    entries = []
    for jj, j in enumerate(support):
        for m, coef in _col_poly(cols[j]).to_dict().items():
            entries.append((rows.setdefault(m, len(rows)), jj, coef))
    nrow = len(rows)
    M = flint.fmpq_mat(nrow + 1, len(support) + 1)
    for i, jj, coef in entries:
        M[i, jj] = coef
    for jj, j in enumerate(support):
        if cols[j][0] == "prod" and cols[j][3]:
            M[nrow, jj] = 1
    M[nrow, len(support)] = 1
    R, rank = M.rref()
    # consistent and unique: the pivots are exactly the first len(support) columns
    ncol = len(support)
    pivots = []
    for i in range(rank):
        row = [R[i, jj] for jj in range(ncol + 1)]
        piv = next((jj for jj in range(ncol + 1) if row[jj] != 0), None)
        pivots.append(piv)
    if ncol in pivots or rank != ncol:
        return None
    sol = [Fraction(0)] * len(cols)
    for i, piv in enumerate(pivots):
        val = R[i, ncol]
        sol[support[piv]] = Fraction(int(val.p), int(val.q))
    for j in support:
        if cols[j][0] == "prod" and sol[j] < 0:
            return None
    return sol


def psatz(atoms: list[Atom], nvars: int, levels=LEVELS, deadline: float | None = None):
    """(identity (★) for the atoms, as a JSON-able dict, None) or (None, why not)."""
    system = System("", tuple(atoms))
    last = "no level tried"
    for level in levels:
        if deadline is not None and time.monotonic() > deadline:
            return None, f"time budget spent ({last})"
        cols = _columns(system, nvars, level)
        if len(cols) > MAX_COLUMNS:
            last = f"products of ≤ {level.depth} factors: {len(cols)} columns, over the limit {MAX_COLUMNS}"
            continue
        x = _solve_lp(cols, None if deadline is None else deadline - time.monotonic())
        if x is None:
            last = f"no certificate with products of ≤ {level.depth} factors, degree ≤ {level.max_degree}"
            continue
        sol = _exact(cols, x)
        if sol is None:
            last = (f"the float solution at depth {level.depth}, degree {level.max_degree} "
                    "could not be made exact (rounding)")
            continue
        prods, eqs = [], {}
        for j, col in enumerate(cols):
            if not sol[j]:
                continue
            if col[0] == "prod":
                prods.append({"factors": list(col[1]), "coefficient": str(sol[j])})
            else:
                eqs.setdefault(col[1], []).append([list(col[2]), str(sol[j])])
        return {"products": prods,
                "equality_multipliers": [{"atom": k, "multiplier": v} for k, v in sorted(eqs.items())],
                "level": [level.depth, level.max_degree, level.eq_degree, level.monomials]}, None
    return None, last


LEMMA_LEVEL = (Level(2, 6, 2),)
# for the factors of ¬claim's polynomial (the claim's own inequality, cross-multiplied): one more
# factor, since the core inequality typically needs a product of three conditions
DEEP_LEMMA_LEVEL = (Level(2, 6, 2), Level(3, 8, 2), Level(4, 6, 1))
DEEP_CUR = (Level(3, 6, 1),)  # a deep candidate, over the atoms and the lemmas so far


def _candidates(atoms: list[Atom], names: tuple[str, ...]) -> list[tuple[dict[Monomial, Fraction], bool]]:
    """Polynomials whose sign is worth knowing, with a flag for a deeper search: every variable,
    every ≠-atom, every irreducible factor of an atom's polynomial (SymPy's factor_list over QQ);
    the factors of ¬claim's polynomial (and the polynomial itself) get the deeper search."""
    import sympy as sp

    gens = [sp.Symbol(n) for n in names]
    seen: dict = {}
    out: list[list] = []

    def add(p: dict[Monomial, Fraction], deep: bool) -> None:
        if not p or all(sum(m) == 0 for m in p):
            return
        lead = p[max(p)]
        key = tuple(sorted((m, c / abs(lead)) for m, c in p.items()))
        if key in seen:
            out[seen[key]][1] = out[seen[key]][1] or deep
            return
        seen[key] = len(out)
        out.append([p, deep])

    for i in range(len(names)):
        m = [0] * len(names)
        m[i] = 1
        add({tuple(m): Fraction(1)}, False)
    for a in atoms:
        if a.kind == "ne":  # a denominator: both signs may be needed (then ≠ 0 closes the case)
            add(dict(a.poly), True)
    for a in atoms:
        if all(sum(m) == 0 for m, _ in a.poly):
            continue
        neg = a.label.startswith("¬claim")
        if neg:
            add(dict(a.poly), True)
        _, facs = sp.factor_list(expr_of(a.poly, names), *gens)
        if len(facs) == 1 and facs[0][1] == 1:
            continue
        for f, _e in facs:  # (add skips the constant factors)
            add(dict(poly_of(f, names)), neg)
    return [(p, d) for p, d in out]


def saturate(atoms: list[Atom], names: tuple[str, ...], rounds: int = 3,
             deadline: float | None = None, hints: tuple = ()) -> list[dict[str, Any]]:
    """Sign lemmas: for each candidate c, try to prove c > 0, −c > 0, c ≥ 0, −c ≥ 0 from the atoms
    and the lemmas proved so far (each with its own identity (★) over atoms + lemmas + the
    lemma's negation). Returns the lemma chain, in order."""
    from verify.proofs.certcheck import negation

    nvars = len(names)
    cands = [(h, True) for h in hints] + _candidates(atoms, names)
    lemmas: list[dict[str, Any]] = []
    known: set = set()
    cur = list(atoms)
    for _ in range(rounds):
        new = False
        for c, deep in cands:
            for sign, kind in ((1, "gt"), (-1, "gt"), (1, "ge"), (-1, "ge")):
                if deadline is not None and time.monotonic() > deadline:
                    return lemmas
                p = tuple(sorted((m, sign * v) for m, v in c.items()))
                if (p, "gt") in known or (p, kind) in known:
                    continue
                negated = negation(kind, dict(p))
                cert, _ = psatz(cur + [negated], nvars, LEMMA_LEVEL + (DEEP_CUR if deep else ()),
                                deadline)
                if cert is None and deep:
                    # the deep levels over the obligation's own atoms only: with the lemmas too,
                    # products of four factors exceed MAX_COLUMNS
                    cert, _ = psatz(atoms + [negated], nvars, DEEP_LEMMA_LEVEL[1:], deadline)
                    if cert is not None:
                        # the negated lemma: last of the shorter list → last of cur + [negated]
                        cert = _renumber(cert, lambda i: len(cur) if i == len(atoms) else i)
                if cert is None:
                    continue
                known.add((p, kind))
                lem = Atom(f"lemma {len(lemmas) + 1}", kind, p)
                cur.append(lem)
                lemmas.append({"kind": kind, "poly": [[list(m), str(v)] for m, v in p], "proof": cert})
                new = True
        if not new:
            break
    return lemmas


def _renumber(ident: dict[str, Any], m) -> dict[str, Any]:
    """The identity with every atom index i (factors and equation multipliers) replaced by m(i)."""
    return {**ident, "products": [{**pr, "factors": [m(i) for i in pr["factors"]]}
                                  for pr in ident["products"]],
            "equality_multipliers": [{**em, "atom": m(em["atom"])}
                                     for em in ident["equality_multipliers"]]}


def lemma_atom(i: int, lem: dict[str, Any]) -> Atom:
    return Atom(f"lemma {i + 1}", lem["kind"],
                tuple(sorted((tuple(m), Fraction(v)) for m, v in lem["poly"])))


def prune(n_base: int, lemmas: list[dict[str, Any]], final: dict[str, Any]):
    """Keep only the lemmas the final identity needs (transitively), renumbering the atom indices
    that refer to lemmas (atom n_base + j is lemma j)."""
    need: set[int] = set()
    stack = [final]
    while stack:
        ident = stack.pop()
        used = [i for prod in ident["products"] for i in prod["factors"]]
        used += [em["atom"] for em in ident["equality_multipliers"]]  # equation lemmas
        for i in used:
            j = i - n_base
            if 0 <= j < len(lemmas) and j not in need:
                need.add(j)
                stack.append(lemmas[j]["proof"])
    keep = sorted(need)
    newpos = {n_base + j: n_base + k for k, j in enumerate(keep)}

    def remap(ident: dict[str, Any], own: int | None) -> dict[str, Any]:
        # inside lemma j's proof, index n_base + j is the lemma's negation (last atom)
        def m(i: int) -> int:
            if i < n_base:
                return i
            if own is not None and i == n_base + own:
                return n_base + keep.index(own)
            return newpos[i]

        return _renumber(ident, m)

    out = [{**lemmas[j], "proof": remap(lemmas[j]["proof"], j)} for j in keep]
    return out, remap(final, None)


# a sketch step: products of ≤ 3 conditions (the step follows from a few facts at a time); an
# equation or ≠ step may need higher equation multipliers (e² g² ≡ (e g)·Σ q_k e_k), though an
# equation is cheapest as its two inequalities first (then e² + [e ≥ 0]·[−e ≥ 0] ≡ 0)
SKETCH_LEVELS = (Level(1, 6, 1), Level(2, 6, 2), Level(2, 8, 2), Level(3, 6, 1), Level(3, 8, 2),
                 Level(2, 8, 3))
SKETCH_EQ_LEVELS = SKETCH_LEVELS + (Level(2, 10, 3), Level(2, 12, 4))
_OPS = (("==", "eq"), ("!=", "ne"), (">=", "ge"), ("<=", "ge"), (">", "gt"), ("<", "gt"))


def sketch_steps(sketch: tuple[str, ...], names: tuple[str, ...]):
    """The claim's proof sketch (Claim.sketch) as [(step text, kind, Poly)] over the obligation's
    variables, or None when a step names a symbol the obligation lacks (e.g. a quotient variable
    in the polynomial encoding form). Abbreviations "X := expression" are substituted in the
    steps after them; "a <= b" is b − a ≥ 0, "a < b" is b − a > 0."""
    import sympy as sp

    local: dict[str, Any] = {n: sp.Symbol(n) for n in names}
    allowed = set(local.values())
    out = []
    for text in sketch:
        if ":=" in text:
            key, expr = (t.strip() for t in text.split(":=", 1))
            local[key] = sp.sympify(expr, locals=local)
            continue
        op, kind = next(((o, k) for o, k in _OPS if o in text), (None, None))
        if op is None:
            raise ValueError(f"sketch step {text!r}: no relation (==, !=, >=, <=, >, <)")
        lhs, rhs = (sp.sympify(t, locals=local) for t in text.split(op, 1))
        e = rhs - lhs if op in ("<=", "<") else lhs - rhs
        if not e.free_symbols <= allowed:
            return None
        out.append((text, kind, poly_of(e, names)))
    return out


def prove_sketch(atoms: list[Atom], steps, nvars: int, deadline: float | None = None):
    """Prove the sketch's steps in order, each by its own identity (★) over the atoms, the steps
    proved before it and its negation; a step that fails is left out (and named). Returns
    (lemmas in the certificate's form, the texts of the failed steps)."""
    from verify.proofs.certcheck import negation

    lemmas: list[dict[str, Any]] = []
    failed: list[str] = []
    cur = list(atoms)
    for text, kind, p in steps:
        levels = SKETCH_EQ_LEVELS if kind in ("eq", "ne") else SKETCH_LEVELS
        cert, _ = psatz(cur + [negation(kind, dict(p))], nvars, levels, deadline)
        if cert is None:
            failed.append(text)
            continue
        lem = {"kind": kind, "poly": [[list(m), str(v)] for m, v in p], "proof": cert}
        cur.append(lemma_atom(len(lemmas), lem))
        lemmas.append(lem)
    return lemmas, failed


def certify_system(system: System, names: tuple[str, ...], levels=LEVELS,
                   deadline: float | None = None, hints: tuple = (), sketch=None):
    """(certificate of one system, None) or (None, reason): first without lemmas (depth ≤ 2); then,
    when the claim has a proof sketch, with its steps as lemmas; then with the sign lemmas of
    `saturate`. Only the lemmas the identity uses are kept."""
    atoms = list(system.atoms)
    cert, why = psatz(atoms, len(names), tuple(lv for lv in levels if lv.depth <= 2), deadline)
    if cert is not None:
        return {"disjunct": system.disjunct, "lemmas": [], "identity": cert}, None
    notes = ""
    if sketch:
        lemmas, failed = prove_sketch(atoms, sketch, len(names), deadline)
        full = atoms + [lemma_atom(i, lem) for i, lem in enumerate(lemmas)]
        cert, why = psatz(full, len(names), levels, deadline)
        if cert is not None:
            lemmas, cert = prune(len(atoms), lemmas, cert)
            return {"disjunct": system.disjunct, "lemmas": lemmas, "identity": cert}, None
        notes = (f"; the proof sketch: {len(lemmas)} of {len(sketch)} steps proved"
                 + (f" (not: {'; '.join(failed[:3])})" if failed else "") + f", then {why}")
    lemmas = saturate(atoms, names, deadline=deadline, hints=hints)
    full = atoms + [lemma_atom(i, lem) for i, lem in enumerate(lemmas)]
    cert, why = psatz(full, len(names), levels, deadline)
    if cert is None:
        return None, f"{why} (after {len(lemmas)} sign lemmas){notes}"
    lemmas, cert = prune(len(atoms), lemmas, cert)
    return {"disjunct": system.disjunct, "lemmas": lemmas, "identity": cert}, None


def certify(ob: AtomicObligation, levels=LEVELS, budget: float | None = None,
            hints: tuple = (), sketch=None) -> dict[str, Any]:
    """A certificate for every system of the obligation, or the reason why none was found."""
    t0 = time.monotonic()
    deadline = None if budget is None else t0 + budget
    systems = []
    for s in ob.systems:
        cert, info = certify_system(s, ob.variables, levels, deadline, hints, sketch)
        if cert is None:
            return {"claim_id": ob.claim_id, "found": False, "reason": f"{s.disjunct}: {info}",
                    "seconds": round(time.monotonic() - t0, 3)}
        systems.append(cert)
    return {"claim_id": ob.claim_id, "found": True, "seconds": round(time.monotonic() - t0, 3),
            "certificate": {"format": FORMAT, "claim_id": ob.claim_id,
                            "obligation_sha256": ob.sha256(), "variables": list(ob.variables),
                            "systems": systems}}


ENCODING_FORMS = ("variables", "polynomial")


def cut_hints(claim_id: str, ob: AtomicObligation) -> tuple[dict[Monomial, Fraction], ...]:
    """Lemma candidates from the moment chains (verify.proofs.model._chain_cuts: a²s ≤ u ≤ b²s,
    s_min ψ ≤ e ≤ s_max ψ, …) over the obligation's variables: redundant consequences of its
    conditions, each proved in the certificate like any lemma (never assumed)."""
    import sympy as sp

    from verify.proofs.model import _chain_cuts
    from verify.proofs.registry import groups_of

    groups = groups_of(claim_id)
    names = set(ob.variables)
    exprs = [rel.lhs - rel.rhs for _label, rel in _chain_cuts(tuple(groups) + ("nu",), None)
             if isinstance(rel, sp.GreaterThan) and {x.name for x in rel.free_symbols} <= names]
    # the counting measures N_S on [a, b]: a²K_S ≤ ψ_S ≤ b²K_S (the same chains for Σ_S λ²)
    for X, (a, b) in {"D": ("lambda_k", "lambda_1"), "B": ("lambda_d", "lambda_k1")}.items():
        K, psi, a, b = (sp.Symbol(n) for n in (f"K_{X}", f"psi_{X}", a, b))
        if {K.name, psi.name, a.name, b.name} <= names:
            exprs += [psi - a**2 * K, b**2 * K - psi]
    out = []
    for e in exprs:
        p = dict(poly_of(e, ob.variables))
        if any(sum(m) for m in p):  # not a constant
            out.append(p)
    return tuple(out)  # Obligation.polynomial False / True


def certify_claim(claim_id: str, budget: float = 240.0) -> dict[str, Any]:
    """Search a certificate for the claim's obligation (or an edge's, "ID#edgeN") in its two
    encodings (quotients as variables, then quotients cleared into polynomials:
    verify.proofs.encode.Obligation.quot), half the budget each; the certificate names the form,
    which the checker rebuilds."""
    from verify.claims import CLAIMS_BY_ID
    from verify.proofs.obligation_atoms import NotAtomic, atomize
    from verify.proofs.registry import build_id, split_id

    cid, edge = split_id(claim_id)
    c = CLAIMS_BY_ID[cid]
    sketch = c.sketch if edge is None else (c.edge_sketches[edge] if edge < len(c.edge_sketches) else ())

    t0 = time.monotonic()
    reasons = []
    for form in ENCODING_FORMS:
        left = budget - (time.monotonic() - t0)
        share = left / 2 if form == ENCODING_FORMS[0] else left
        try:
            ob = atomize(build_id(claim_id, polynomial=form == "polynomial"))
        except NotAtomic as exc:
            reasons.append(f"{form}: {exc}")
            continue
        steps = sketch_steps(sketch, ob.variables)
        # an edge's obligation is small: the moment-chain hints only slow its search down
        hints = cut_hints(claim_id, ob) if edge is None else ()
        r = certify(ob, budget=share, hints=hints, sketch=steps)
        if r["found"]:
            r["certificate"]["encoding"] = form
            r["seconds"] = round(time.monotonic() - t0, 3)
            return r
        reasons.append(f"{form}: {r['reason']}")
    return {"claim_id": claim_id, "found": False, "reason": "; ".join(reasons),
            "seconds": round(time.monotonic() - t0, 3)}


# the obligation's variable names as the report writes them (the symbols of docs/proofs.md §1;
# √crit and √disc are the square roots in θ^crit and θ*, δ_crit = 1 − θ^crit)
DISPLAY = {"alpha": "α", "delta_crit": "δ_crit", "sqrt_crit": "√crit", "theta": "θ", "eta": "η",
           "lambda_1": "λ_1", "lambda_k": "λ_k", "lambda_k1": "λ_{k+1}", "lambda_d": "λ_d",
           "s_D": "s^D", "s_B": "s^B", "tau_D": "τ^D", "tau_B": "τ^B", "u_D": "u^D", "u_B": "u^B",
           "psi_D": "ψ_D", "psi_B": "ψ_B", "Lambda_D": "Λ_D", "Lambda_B": "Λ_B",
           "eta_loss_D": "η^loss_D", "eta_loss_B": "η^loss_B", "eta_star": "η*",
           "one_minus_theta_star": "(1−θ*)", "sqrt_disc": "√disc"}


def identity_text(cert: dict[str, Any], ob: AtomicObligation, max_terms: int = 12) -> list[str]:
    """Each system's final identity (★) in words: "c · [atom label] · [atom label] + … + q·[equation
    label] ≡ 0", with the sign lemmas it uses written out as polynomials (SymPy's text form)."""
    import sympy as sp

    rename = {sp.Symbol(n): sp.Symbol(DISPLAY.get(n, n)) for n in ob.variables}

    def ptext(terms) -> str:
        e = expr_of(terms, ob.variables).xreplace(rename)
        return sp.sstr(e).replace("**", "^").replace("*", "·")

    lines = []
    for s, sc in zip(ob.systems, cert["systems"]):
        # the obligation's labels hold SymPy's str (x**2, a*b): written with ^ and · here
        labels = ([a.label.replace("**", "^").replace("*", "·") for a in s.atoms]
                  + [f"lemma {j + 1}" for j in range(len(sc["lemmas"]))])
        terms = []
        for pr in sc["identity"]["products"]:
            facs = " · ".join(f"[{labels[i]}]" + ("²" if i < len(s.atoms) and s.atoms[i].kind == "ne"
                                                   else "") for i in pr["factors"])
            terms.append(f"{pr['coefficient']} · {facs}" if facs else pr["coefficient"])
        shown = terms[:max_terms] + ([f"… ({len(terms)} products in all)"] if len(terms) > max_terms else [])
        eqs = [f"q_{k + 1}·[{labels[em['atom']]}]"
               for k, em in enumerate(sc["identity"]["equality_multipliers"])]
        lines.append(f"case {s.disjunct}: " + " + ".join(shown + eqs) + " ≡ 0")
        for j, lem in enumerate(sc["lemmas"]):
            rel = {"gt": ">", "ge": "≥", "eq": "=", "ne": "≠"}[lem["kind"]]
            lines.append(f"  lemma {j + 1}: {ptext(lem['poly'])} {rel} 0 "
                         f"({len(lem['proof']['products'])} products)")
    return lines
