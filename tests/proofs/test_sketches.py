"""Proof sketches (Claim.sketch → verify.proofs.certificate.sketch_steps / prove_sketch): each
sketched claim's steps are read over its obligation's own variables; the steps are proved, never
assumed (an equation or ≠ lemma is refuted through its negation like any other); and a false
statement gets no certificate even with the true claim's sketch."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

from verify.claims import CLAIMS
from verify.proofs.certcheck import InvalidCertificate, check_certificate, rebuild
from verify.proofs.certificate import LEVELS, lemma_atom, prove_sketch, psatz, sketch_steps
from verify.proofs.command import shipped_dir
from verify.proofs.obligation_atoms import Atom, AtomicObligation, System, atomize
from verify.proofs.registry import build

SKETCHED = [c.id for c in CLAIMS if c.sketch]


def test_sketched_claims_are_the_encoded_ones_without_an_easy_certificate():
    assert set(SKETCHED) == {"thm3", "thm3-bounds", "thm5-corrected", "thm5-lower", "thm6",
                             "thm7-corrected", "thm11", "thm13-upper"}


@pytest.mark.parametrize("cid", SKETCHED)
def test_every_sketch_reads_over_its_obligation(cid):
    """Each step names only the obligation's variables (a renamed variable would make the sketch
    silently inapplicable), and its relation is one the certificate can state."""
    from verify.claims import CLAIMS_BY_ID

    ob = atomize(build(cid))
    steps = sketch_steps(CLAIMS_BY_ID[cid].sketch, ob.variables)
    assert steps is not None and len(steps) >= 5
    assert {k for _t, k, _p in steps} <= {"gt", "ge", "eq", "ne"}


EDGE_SKETCHED = [(c.id, i) for c in CLAIMS for i, sk in enumerate(c.edge_sketches) if sk]


def test_edge_sketches_name_existing_edges():
    from verify.claims import CLAIMS_BY_ID

    assert EDGE_SKETCHED == [("lem24", 2), ("thm11", 0)]
    for cid, i in EDGE_SKETCHED:
        assert i < len(CLAIMS_BY_ID[cid].edges)


@pytest.mark.parametrize("cid,i", EDGE_SKETCHED)
def test_every_edge_sketch_reads_over_its_obligation(cid, i):
    from verify.claims import CLAIMS_BY_ID
    from verify.proofs.registry import build_edge

    ob = atomize(build_edge(cid, i))
    assert sketch_steps(CLAIMS_BY_ID[cid].edge_sketches[i], ob.variables) is not None


def test_sketch_step_errors():
    names = ("x", "y")
    with pytest.raises(ValueError, match="no relation"):
        sketch_steps(("x + y",), names)
    assert sketch_steps(("z > 0",), names) is None  # a symbol the obligation lacks
    (t1, k1, p1), (t2, k2, p2) = sketch_steps(("u := x - y", "u <= 1", "x*y != 0"), names)
    assert (k1, k2) == ("ge", "ne")
    assert dict(p1) == {(0, 0): Fraction(1), (1, 0): Fraction(-1), (0, 1): Fraction(1)}


def _moved(ob: AtomicObligation) -> AtomicObligation:
    """The claim moved by a constant (¬claim's p ⋈ 0 becomes p + 1 ≥ 0): a false statement, so
    its obligation is satisfiable and no identity may exist."""
    systems = []
    zero = (0,) * len(ob.variables)
    for s in ob.systems:
        *rest, neg = s.atoms
        poly = dict(neg.poly)
        poly[zero] = poly.get(zero, Fraction(0)) + 1
        systems.append(System(s.disjunct, tuple(rest) + (
            Atom(neg.label, "ge", tuple(sorted((m, c) for m, c in poly.items() if c))),)))
    return AtomicObligation(ob.claim_id, ob.variables, tuple(systems))


def _sketch_certifies(ob: AtomicObligation, cid: str, levels) -> bool:
    from verify.claims import CLAIMS_BY_ID

    steps = sketch_steps(CLAIMS_BY_ID[cid].sketch, ob.variables)
    for s in ob.systems:
        lemmas, _failed = prove_sketch(list(s.atoms), steps, len(ob.variables))
        full = list(s.atoms) + [lemma_atom(i, lem) for i, lem in enumerate(lemmas)]
        if psatz(full, len(ob.variables), levels)[0] is None:
            return False
    return True


@pytest.mark.parametrize("cid", ["thm13-upper", pytest.param("thm5-lower", marks=pytest.mark.slow)])
def test_the_sketch_certifies_the_claim_but_not_the_claim_moved(cid):
    """Negative control: the same sketch and the same levels that certify the claim give no
    certificate for the claim moved by a constant."""
    ob = atomize(build(cid))
    levels = LEVELS[:5]  # up to products of two factors at degree 8: where both claims close
    assert _sketch_certifies(ob, cid, levels)
    assert not _sketch_certifies(_moved(ob), cid, levels)


@pytest.mark.slow
@pytest.mark.parametrize("cid", sorted(set(SKETCHED) - {"thm13-upper", "thm5-lower"}))
def test_the_sketch_does_not_certify_the_moved_claim_slow(cid):
    ob = atomize(build(cid))
    assert not _sketch_certifies(_moved(ob), cid, LEVELS[:9])


def test_equation_and_nonzero_lemmas_are_checked_not_trusted():
    """thm11's certificate uses lemmas p = 0 and p ≠ 0 (refuted through p ≠ 0 and p = 0): moving
    any one of them by a constant breaks its proof or a later identity."""
    cert = json.loads((shipped_dir() / "thm11.cert.json").read_text(encoding="utf-8"))
    ob = rebuild(cert)
    check_certificate(cert, ob)
    lemmas = cert["systems"][0]["lemmas"]
    special = [j for j, lem in enumerate(lemmas) if lem["kind"] in ("eq", "ne")]
    assert {lemmas[j]["kind"] for j in special} == {"eq", "ne"}
    zero = [0] * len(ob.variables)
    for j in special:
        bad = json.loads(json.dumps(cert))
        poly = bad["systems"][0]["lemmas"][j]["poly"]
        const = next((t for t in poly if t[0] == zero), None)
        if const is None:
            poly.append([zero, "1"])
        else:
            const[1] = str(Fraction(const[1]) + 1)
        with pytest.raises(InvalidCertificate):
            check_certificate(bad, ob)
