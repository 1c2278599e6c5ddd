"""All derivations by claim id (a derivation is built only when it is asked for)."""

from __future__ import annotations

from collections.abc import Callable

from derivations import csgd, one_step, projected
from derivations.core import Derivation

_FACTORIES: tuple[Callable[[], Derivation], ...] = (
    one_step.DERIVATIONS + projected.DERIVATIONS + csgd.DERIVATIONS
)
# claim id = factory name with '_' → '-' (intro_box → intro-box); tests/test_derivations.py
# checks that every built derivation carries the id it is registered under
_BY_ID: dict[str, Callable[[], Derivation]] = {f.__name__.replace("_", "-"): f for f in _FACTORIES}


def derivation_ids() -> list[str]:
    return list(_BY_ID)


def get_derivations(ids: list[str] | None = None) -> list[Derivation]:
    """The derivations with these ids (all when ids is empty), built now."""
    return [_BY_ID[i]() for i in (ids or _BY_ID)]
