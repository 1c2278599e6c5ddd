"""Certified signs of margins: exact for rationals, ball arithmetic (arb) for the rest."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import flint

from verify.core.tolerances import PRECISION_LADDER_DPS


def arb(x: Fraction | int) -> flint.arb:
    x = Fraction(x)
    return flint.arb(flint.fmpq(x.numerator, x.denominator))


@dataclass(frozen=True)
class Decided:
    """A margin whose sign is decided exactly (by rational arithmetic, e.g. locating a rational
    point against the root of a quadratic with rational coefficients), with its value as a ball
    for reporting. Used where the value involves a square root but the sign does not need one."""

    sign: int
    value: flint.arb

    def mid(self):
        return self.value.mid()

    def str(self, *args, **kw) -> str:
        return self.value.str(*args, **kw)

    def __float__(self) -> float:
        return float(self.value.mid())

    def __neg__(self) -> Decided:
        return Decided(-self.sign, -self.value)


def decided_min(x: Decided, y: Decided) -> Decided:
    """The smaller of two decided margins: by sign first, then by value."""
    if x.sign != y.sign:
        return x if x.sign < y.sign else y
    return x if x.value.mid() <= y.value.mid() else y


def certified_sign(f: Callable[[], Any]) -> tuple[int | None, Any, int]:
    """Sign of f() (a Fraction, or an arb computed inside the current flint context),
    escalating precision. Returns (sign or None if undecided, value, dps used); f() = None
    (hypotheses not met) gives (None, None, 0)."""
    for dps in PRECISION_LADDER_DPS:
        with flint.ctx.workdps(dps):
            v = f()
            if v is None:  # the state does not meet the claim's hypotheses
                return None, None, 0
            if isinstance(v, Decided):  # sign decided exactly
                return v.sign, v.value, 0
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
    if isinstance(v, (flint.arb, Decided)):
        return v.str(digits, radius=False)
    return str(v)
