"""The encoded claims: each claim unit's `encoding` (verify/claims/secN.py), and `build`, which turns
one into its proof obligation. (Kept apart from verify/proofs/encode.py, whose building blocks the
claim units import, so that the claims and the proof machinery do not import each other.)"""

from __future__ import annotations

from collections.abc import Callable

from verify.claims import CLAIMS, CLAIMS_BY_ID
from verify.proofs.encode import Obligation

# claim id → (encoding, moment-condition groups); claim id → why it is not encoded
ENCODINGS: dict[str, tuple[Callable[[Obligation], None], tuple[str, ...]]] = {
    c.id: c.encoding for c in CLAIMS if c.encoding is not None}
NOT_ENCODED: dict[str, str] = {c.id: c.not_encoded for c in CLAIMS if c.not_encoded is not None}


def build(claim_id: str, strict: bool | None = None, polynomial: bool = False) -> Obligation:
    """The obligation of a claim (strictness from the registry unless given, e.g. by a mutant)."""
    enc, groups = CLAIMS_BY_ID[claim_id].encoding
    st = CLAIMS_BY_ID[claim_id].strict if strict is None else strict
    o = Obligation(claim_id, groups, st, CLAIMS_BY_ID[claim_id].statement, polynomial=polynomial)
    enc(o)
    return o


def edge_id(claim_id: str, i: int) -> str:
    """The obligation id of a claim's edge i (0-based): "ID#edge{i+1}"."""
    return f"{claim_id}#edge{i + 1}"


def build_edge(claim_id: str, i: int, polynomial: bool = False) -> Obligation:
    """The obligation of edge i (0-based) of a claim (`Claim.edges`): a boundary case of the printed
    statement that the claim's main obligation (`build`) leaves out, decided on its own. Its
    claim_id is "ID#edge{i+1}", its statement the claim's statement and the edge's sentence; the
    strictness is the claim's (each edge's negation fixes its own strictness part by part)."""
    c = CLAIMS_BY_ID[claim_id]
    label, enc, groups = c.edges[i]
    o = Obligation(edge_id(claim_id, i), groups, c.strict, f"{c.statement} — edge: {label}",
                   polynomial=polynomial)
    enc(o)
    return o


def obligation_ids() -> list[str]:
    """Every proof obligation's id: each encoded claim, followed by its edges ("ID#edgeN")."""
    return [oid for cid in ENCODINGS
            for oid in [cid] + [edge_id(cid, i) for i in range(len(CLAIMS_BY_ID[cid].edges))]]


def split_id(oid: str) -> tuple[str, int | None]:
    """(claim id, edge index or None) of an obligation id; ValueError when it names none."""
    cid, sep, edge = oid.partition("#edge")
    if cid not in ENCODINGS:
        raise ValueError(f"names no encoded claim ({oid!r})")
    if not sep:
        return cid, None
    if not edge.isdigit() or not 1 <= int(edge) <= len(CLAIMS_BY_ID[cid].edges):
        raise ValueError(f"names no edge of {cid} ({oid!r})")
    return cid, int(edge) - 1


def build_id(oid: str, polynomial: bool = False) -> Obligation:
    """The obligation named by an obligation id (a claim's, or one of its edges')."""
    cid, i = split_id(oid)
    return build(cid, polynomial=polynomial) if i is None else build_edge(cid, i, polynomial)


def groups_of(oid: str) -> tuple[str, ...]:
    """The moment-condition groups of an obligation id's encoding."""
    cid, i = split_id(oid)
    return CLAIMS_BY_ID[cid].encoding[1] if i is None else CLAIMS_BY_ID[cid].edges[i][2]
