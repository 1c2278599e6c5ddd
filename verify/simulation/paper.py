"""The paper's §7 spectrum (docs/experiments.md) as float64 for the engines, without importing
verify.core: its case machinery loads mpmath, ~20 ms of a ~0.4 s `salign simulate` process.

The values are the exact rationals of `verify.core.families.paper_spectrum`, each rounded once
to the nearest float (tested equal to it, element for element, over edge cases of m, d, k).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np


def paper_spectrum_array(m: float | Fraction, d: int = 500, k: int = 50) -> np.ndarray:
    """float64 of `verify.core.families.paper_spectrum(m, d, k)`: dominant evenly spaced
    100 → 80; bulk evenly spaced 7 → 1, scaled so the largest bulk eigenvalue is 80/(m + 0.1)."""
    m = Fraction(str(m)) if not isinstance(m, Fraction) else m
    dom = [Fraction(100) - Fraction(20 * i, k - 1) for i in range(k)] if k > 1 else [Fraction(100)]
    scale = Fraction(80) / (m + Fraction(1, 10)) / 7
    nb = d - k
    bulk = [(Fraction(7) - Fraction(6 * j, nb - 1)) * scale for j in range(nb)] if nb > 1 else [
        7 * scale]
    return np.array([float(x) for x in dom + bulk])
