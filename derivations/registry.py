"""All derivations by claim id."""

from __future__ import annotations

from collections.abc import Callable

from derivations import csgd, one_step, projected
from derivations.core import Derivation

_FACTORIES: tuple[Callable[[], Derivation], ...] = (
    one_step.DERIVATIONS + projected.DERIVATIONS + csgd.DERIVATIONS
)


def derivation_ids() -> list[str]:
    return [f().id for f in _FACTORIES]


def get_derivations(ids: list[str] | None = None) -> list[Derivation]:
    ders = [f() for f in _FACTORIES]
    if not ids:
        return ders
    by_id = {d.id: d for d in ders}
    return [by_id[i] for i in ids]
