"""The certificate checker: the trusted base of "proved (certificate)". No solver, no float.

A certificate (verify.proofs.certificate, format "salign-psatz-1") never states what it proves.
The checker rebuilds the claim's proof obligation from the claim unit (verify.proofs.registry →
verify.proofs.obligation_atoms: exact rational polynomials), compares its SHA-256 with the one the
certificate names, and then, for every system (one per disjunct of ¬claim), checks:

1. each lemma L_j: p_j ⋈ 0 with ⋈ one of >, ≥, =, ≠, in order: the identity (★) below holds over
   the system's atoms, the lemmas before it, and the lemma's negation (−p_j ≥ 0, −p_j > 0,
   p_j ≠ 0, p_j = 0 respectively), so the negation is infeasible and L_j holds on the system; L_j
   then joins the atoms (an equation lemma takes polynomial multipliers, a ≠ lemma is squared);
2. the final identity (★) over the system's atoms and all its lemmas.

(★) is  Σ_α c_α Π_{i∈α} F_i + Σ_k q_k e_k ≡ 0  with every c_α ≥ 0, Σ_{α strict} c_α = 1, where
F_i = p_i for an atom p_i ≥ 0 or p_i > 0 and F_i = p_i² for p_i ≠ 0; a product is strict when
each of its factors is (> 0 or ≠ 0; the empty product is 1), and e_k ranges over the atoms
p_k = 0. At a common real zero of the system the left side would be > 0, so no such point exists:
the obligation is unsatisfiable, and the claim holds for every state of every dimension
(docs/proofs.md §1: the obligation's conditions are necessary).

The identity is expanded exactly with python's Fraction over dictionaries of monomials (a few
dozen lines, below), so that the checker does not even trust a polynomial library.
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path
from typing import Any

from verify.proofs.obligation_atoms import Atom, AtomicObligation

FORMAT = "salign-psatz-1"
_KINDS = ("ge", "gt", "eq", "ne")


class InvalidCertificate(ValueError):
    """The certificate does not prove its obligation (the message says the first reason)."""


Poly = dict[tuple[int, ...], Fraction]


def _add_into(acc: Poly, p: Poly, scale: Fraction) -> None:
    for m, c in p.items():
        v = acc.get(m, Fraction(0)) + scale * c
        if v:
            acc[m] = v
        else:
            acc.pop(m, None)


def _mul(p: Poly, q: Poly) -> Poly:
    out: Poly = {}
    for m1, c1 in p.items():
        for m2, c2 in q.items():
            m = tuple(a + b for a, b in zip(m1, m2))
            v = out.get(m, Fraction(0)) + c1 * c2
            if v:
                out[m] = v
            else:
                out.pop(m, None)
    return out


def _frac(text: Any, where: str) -> Fraction:
    if not isinstance(text, str):
        raise InvalidCertificate(f"{where}: a coefficient must be a string 'p/q', got {text!r}")
    try:
        return Fraction(text)
    except (ValueError, ZeroDivisionError) as exc:
        raise InvalidCertificate(f"{where}: not a rational: {text!r}") from exc


def _monomial(m: Any, nvars: int, where: str) -> tuple[int, ...]:
    if (not isinstance(m, list) or len(m) != nvars
            or not all(isinstance(e, int) and not isinstance(e, bool) and e >= 0 for e in m)):
        raise InvalidCertificate(f"{where}: a monomial must be {nvars} non-negative integer exponents")
    return tuple(m)


def _poly(terms: Any, nvars: int, where: str) -> Poly:
    if not isinstance(terms, list):
        raise InvalidCertificate(f"{where}: a polynomial must be a list of [monomial, coefficient]")
    out: Poly = {}
    for t in terms:
        if not isinstance(t, list) or len(t) != 2:
            raise InvalidCertificate(f"{where}: a term must be [monomial, coefficient]")
        m = _monomial(t[0], nvars, where)
        if m in out:
            raise InvalidCertificate(f"{where}: monomial {list(m)} appears twice")
        out[m] = _frac(t[1], where)
    return {m: c for m, c in out.items() if c}


def check_identity(atoms: list[Atom], ident: Any, nvars: int, where: str) -> None:
    """Raise InvalidCertificate unless (★) holds for these atoms (see the module docstring)."""
    if not isinstance(ident, dict) or not isinstance(ident.get("products"), list) \
            or not isinstance(ident.get("equality_multipliers"), list):
        raise InvalidCertificate(f"{where}: an identity needs 'products' and 'equality_multipliers'")
    factor: dict[int, Poly] = {}
    total: Poly = {}
    strict_sum = Fraction(0)
    for n, prod in enumerate(ident["products"]):
        w = f"{where}, product {n + 1}"
        facs = prod.get("factors") if isinstance(prod, dict) else None
        if not isinstance(facs, list):
            raise InvalidCertificate(f"{w}: 'factors' must be a list of atom indices")
        c = _frac(prod.get("coefficient"), w)
        if c < 0:
            raise InvalidCertificate(f"{w}: negative coefficient {c}")
        p: Poly = {(0,) * nvars: Fraction(1)}
        strict = True
        for i in facs:
            if not isinstance(i, int) or isinstance(i, bool) or not 0 <= i < len(atoms):
                raise InvalidCertificate(f"{w}: factor {i!r} names no atom")
            a = atoms[i]
            if a.kind == "eq":
                raise InvalidCertificate(f"{w}: factor {i} is an equation, not a sign condition")
            if i not in factor:
                base = dict(a.poly)
                factor[i] = _mul(base, base) if a.kind == "ne" else base
            p = _mul(p, factor[i])
            strict = strict and a.kind in ("gt", "ne")
        _add_into(total, p, c)
        if strict:
            strict_sum += c
    seen: set[int] = set()
    for n, em in enumerate(ident["equality_multipliers"]):
        w = f"{where}, equality multiplier {n + 1}"
        k = em.get("atom") if isinstance(em, dict) else None
        if not isinstance(k, int) or isinstance(k, bool) or not 0 <= k < len(atoms) \
                or atoms[k].kind != "eq" or k in seen:
            raise InvalidCertificate(f"{w}: 'atom' must name an equation atom, once")
        seen.add(k)
        q = _poly(em.get("multiplier"), nvars, w)
        _add_into(total, _mul(q, dict(atoms[k].poly)), Fraction(1))
    if strict_sum != 1:
        raise InvalidCertificate(f"{where}: the strict products' coefficients sum to {strict_sum}, not 1")
    if total:
        m, c = next(iter(sorted(total.items())))
        raise InvalidCertificate(f"{where}: the identity does not vanish "
                                 f"({len(total)} monomials left, e.g. {list(m)} with {c})")


# a lemma p ⋈ 0 is proved by refuting its negation: ¬(p > 0) is −p ≥ 0, ¬(p ≥ 0) is −p > 0,
# ¬(p = 0) is p ≠ 0 and ¬(p ≠ 0) is p = 0 (each over the reals)
NEGATION = {"gt": ("ge", -1), "ge": ("gt", -1), "eq": ("ne", 1), "ne": ("eq", 1)}


def negation(kind: str, p: Poly) -> Atom:
    """The atom ¬(p ⋈ 0) for a lemma of this kind."""
    nk, sign = NEGATION[kind]
    return Atom("¬lemma", nk, tuple(sorted((m, sign * c) for m, c in p.items())))


def check_certificate(cert: Any, ob: AtomicObligation) -> None:
    """Raise InvalidCertificate unless `cert` proves the obligation `ob` is unsatisfiable."""
    if not isinstance(cert, dict) or cert.get("format") != FORMAT:
        raise InvalidCertificate(f"not a certificate of format {FORMAT}")
    if cert.get("obligation_sha256") != ob.sha256():
        raise InvalidCertificate(f"{ob.claim_id}: the obligation hash does not match the claim's "
                                 "obligation (the claim or its encoding changed, or the certificate "
                                 "belongs to another obligation)")
    nvars = len(ob.variables)
    systems = cert.get("systems")
    if not isinstance(systems, list) or len(systems) != len(ob.systems):
        raise InvalidCertificate(f"{ob.claim_id}: one certificate per disjunct of ¬claim is needed "
                                 f"({len(ob.systems)})")
    for s, sc in zip(ob.systems, systems):
        where = f"{ob.claim_id} [{s.disjunct}]"
        if not isinstance(sc, dict) or not isinstance(sc.get("lemmas"), list):
            raise InvalidCertificate(f"{where}: a system needs 'lemmas' and 'identity'")
        atoms = list(s.atoms)
        for j, lem in enumerate(sc["lemmas"]):
            w = f"{where}, lemma {j + 1}"
            if not isinstance(lem, dict) or lem.get("kind") not in NEGATION:
                raise InvalidCertificate(f"{w}: kind must be one of {', '.join(NEGATION)}")
            p = _poly(lem.get("poly"), nvars, w)
            check_identity(atoms + [negation(lem["kind"], p)], lem.get("proof"), nvars, w)
            atoms.append(Atom(f"lemma {j + 1}", lem["kind"], tuple(sorted(p.items()))))
        check_identity(atoms, sc.get("identity"), nvars, f"{where}, final identity")


def rebuild(cert: dict[str, Any]) -> AtomicObligation:
    """The obligation a certificate refers to (a claim's, or an edge's: "ID#edgeN"), rebuilt from
    its claim unit in the encoding form the certificate names (quotients as variables, or cleared
    into polynomials)."""
    from verify.proofs.obligation_atoms import atomize
    from verify.proofs.registry import build_id, split_id

    cid = cert.get("claim_id")
    try:
        if not isinstance(cid, str):
            raise ValueError(f"names no encoded claim ({cid!r})")
        split_id(cid)  # a claim ("thm10") or one of its edges ("thm10#edge1")
    except ValueError as exc:
        raise InvalidCertificate(str(exc)) from None
    form = cert.get("encoding", "variables")
    if form not in ("variables", "polynomial"):
        raise InvalidCertificate(f"unknown encoding form {form!r}")
    return atomize(build_id(cid, polynomial=form == "polynomial"))


def check_file(path: Path) -> tuple[dict[str, Any], AtomicObligation]:
    """Read a certificate file and check it against its claim's rebuilt obligation; return both."""
    try:
        cert = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidCertificate(f"{path.name}: cannot read: {exc}") from exc
    if not isinstance(cert, dict):
        raise InvalidCertificate(f"{path.name}: not a certificate object")
    try:
        ob = rebuild(cert)
    except InvalidCertificate as exc:
        raise InvalidCertificate(f"{path.name}: {exc}") from None
    check_certificate(cert, ob)
    return cert, ob


def load_and_check(path: Path) -> str:
    """Check one certificate file against its claim's rebuilt obligation; return the claim id."""
    return check_file(path)[0]["claim_id"]
