"""Certified signs of margins: exact for rationals, ball arithmetic (arb) for the rest."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

import flint

from verify.core.tolerances import PRECISION_LADDER_DPS


def arb(x: Fraction | int) -> flint.arb:
    x = Fraction(x)
    return flint.arb(flint.fmpq(x.numerator, x.denominator))


def certified_sign(f: Callable[[], Any]) -> tuple[int | None, Any, int]:
    """Sign of f() (a Fraction, or an arb computed inside the current flint context),
    escalating precision. Returns (sign or None if undecided, value, dps used); f() = None
    (hypotheses not met) gives (None, None, 0)."""
    for dps in PRECISION_LADDER_DPS:
        with flint.ctx.workdps(dps):
            v = f()
            if v is None:  # the state does not meet the claim's hypotheses
                return None, None, 0
            if isinstance(v, (Fraction, int)):
                v = Fraction(v)
                return (v > 0) - (v < 0), v, 0
            if v > 0:
                return 1, v, dps
            if v < 0:
                return -1, v, dps
            if v == 0:  # exact zero ball
                return 0, v, dps
    return None, v, PRECISION_LADDER_DPS[-1]


def as_text(v: Any, digits: int = 12) -> str:
    if isinstance(v, Fraction):
        if v == 0:
            return "0"
        import mpmath

        with mpmath.workdps(digits + 5):
            return mpmath.nstr(mpmath.mpf(v.numerator) / v.denominator, digits)
    if isinstance(v, flint.arb):
        return v.str(digits, radius=False)
    return str(v)
