"""The paper's §7 spectrum, exactly, in a module that imports nothing but `fractions`, so that
the simulation engines can use it without loading the case machinery (mpmath)."""

from __future__ import annotations

from fractions import Fraction


def paper_spectrum(m: float | Fraction, d: int = 500, k: int = 50) -> list[Fraction]:
    """docs/experiments.md: dominant evenly spaced 100 → 80; bulk evenly spaced 7 → 1, scaled so
    the largest bulk eigenvalue is 80/(m + 0.1). Exact rationals."""
    m = Fraction(str(m)) if not isinstance(m, Fraction) else m
    dom = [Fraction(100) - Fraction(20 * i, k - 1) for i in range(k)] if k > 1 else [Fraction(100)]
    scale = Fraction(80) / (m + Fraction(1, 10)) / 7
    nb = d - k
    bulk = [(Fraction(7) - Fraction(6 * j, nb - 1)) * scale for j in range(nb)] if nb > 1 else [
        7 * scale]
    return dom + bulk
