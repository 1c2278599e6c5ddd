"""The claim unit: one numbered result of the paper (or a corrected statement), declared once.

A unit records the paper reference, the statement as printed, its hypotheses, the quantity whose
sign decides it, its kind, and exactly one way of checking it:

* `margin`: a function of a `Case` returning a number (Fraction or certified arb ball) that is
  > 0 (strict claims) or ≥ 0 wherever the claim holds, and None where the hypotheses fail;
  `verify.claims.search` looks for a state with a violating margin;
* `special`: a checker `(claim, profile, seed) -> CheckResult` for claims about families,
  limits, trajectories or the §7 experiments;
* `derivation` alone: the claim is an identity proved by that SymPy derivation (`derivations/`).

`derivation` may also accompany a margin or special checker: it names the derivation that
states the claim's closed forms (shown by `salign derive ID`). `encoding` is the claim's SMT
encoding for `salign prove` (or `not_encoded` says why there is none), `edges` the boundary cases
of the printed statement that encoding leaves out, each with its own encoding; `sides`, `explain`,
`missing_hypothesis` and `remark` shape the evidence a reviewer reads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from verify.core.cases import Case
    from verify.core.results import CheckResult

Margin = Callable[["Case"], Any]  # Fraction | arb | None (None: hypotheses fail)
Special = Callable[["Claim", str, int], "CheckResult"]

# hypothesis text shared by the asymptotic (d → ∞) claims
A1 = "Assumption 1 (checked through Θ on finite-d states, replication family)"


@dataclass(frozen=True)
class Claim:
    id: str
    reference: str
    statement: str
    hypotheses: str
    quantity: str
    kind: str  # identity | inequality | equivalence | limit | rate | empirical | assumption
    margin: Margin | None = None
    special: Special | None = None
    derivation: str | None = None
    needs_eta: bool = False
    strict: bool = True
    corrected_by: str | None = None
    eta_mode: str = "any"  # how η is sampled: any | below_star | above_star | between_loss | …
    # the two sides of the inequality as `salign eval` names them (margin = first − second, up
    # to the claim's orientation), shown for counterexamples and by `salign eval --claim`
    sides: tuple[str, ...] = ()
    # a sentence describing a counterexample (what it shows), e.g. which hypothesis it lacks
    explain: Callable[[Case], str] | None = None
    # the hypothesis the paper's statement lacks, as a predicate on states (the corrected claim
    # adds it): a refutation whose witness fails it is classed "missing hypothesis"
    missing_hypothesis: Callable[[Case], bool] | None = None
    # the claim's SMT encoding for `salign prove` (verify/proofs): a function adding its hypotheses
    # and negation to an Obligation, and the moment-condition groups it needs; or why it has none
    encoding: tuple[Callable[..., None], tuple[str, ...]] | None = None
    not_encoded: str | None = None
    # a sentence added to the evidence (e.g. how a corrected statement relates to the paper's)
    remark: str | Callable[[], str] | None = None
    # the two numbers the claim compares at a state, (value, bound), and their names: the size of
    # a violation is (value − bound)/|bound| (verify.claims.severity reports the largest)
    compare: Callable[[Case], tuple[Any, Any] | None] | None = None
    compare_names: tuple[str, str] = ("value", "bound")
    # what the claim is about when that, not a measurement, fixes how much a refutation matters:
    # "fit wording" for the App. B statements naming the law a fitted curve follows
    concerns: str | None = None
    # the parts of the printed statement and how each is shown, when the statement has more than
    # the encoding's one inequality (a lower bound, sharpness, a boundary case): ((part, how), …);
    # shown beside the proof verdict, so that a verdict never covers more than was shown
    parts: tuple[tuple[str, str], ...] = ()
    # exact states at which the margin is exactly 0 — the bound is attained, hence sharp (tests
    # re-check each with the margin function)
    attained: Callable[[], list[Case]] | None = None
    # edges of the printed statement that the main `encoding` cuts out (θ = 0, η = η^loss, a
    # strict bound proved in its non-strict form, uniqueness of a root, …), each its own proof
    # obligation for `salign prove`: (the edge as a sentence, an encoding function like
    # `encoding[0]` adding the edge's hypotheses and negation to an Obligation, its
    # moment-condition groups). Built by `verify.proofs.registry.build_edge`; the main
    # `encoding`'s obligation is left exactly as it is (shipped certificates hash it)
    edges: tuple[tuple[str, Callable[..., None], tuple[str, ...]], ...] = ()
    # the proof as a chain of facts, for the certificate search (`salign certify`,
    # verify.proofs.certificate.sketch_steps): each step a relation "p > 0", "p >= 0", "p == 0" or
    # "p != 0" (or with < / <=) in the obligation's variable names, abbreviations "X := expression"
    # between them; proved in order, each by its own exact identity. A hint to the search, never
    # an assumption: the certificate proves every step it uses, and the checker re-checks it
    sketch: tuple[str, ...] = ()
    # the same for the edges, by index (edge i's sketch is edge_sketches[i]; () when none)
    edge_sketches: tuple[tuple[str, ...], ...] = ()

    @property
    def checker(self) -> str:
        """How the claim is checked: 'margin', 'special:<function>' or 'symbolic:<derivation>'."""
        if self.margin is not None:
            return "margin"
        if self.special is not None:
            return f"special:{self.special.__name__}"
        return f"symbolic:{self.derivation}"

    def violated_by(self, sign: int) -> bool:
        """A strict witness: margin < 0; or margin = 0 for a strict inequality (equality is what
        the claim excludes). For an equivalence encoded as a product, margin = 0 is a boundary
        point (one side exactly at its threshold) and never a counterexample."""
        return sign < 0 or (sign == 0 and self.strict and self.kind != "equivalence")
