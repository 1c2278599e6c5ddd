"""The paper's §7 spectrum (docs/experiments.md) as float64 for the engines, without importing
verify.core's case machinery (it loads mpmath, ~20 ms of a ~0.4 s `salign simulate` process):
`verify.core.spectrum` holds the one exact definition and imports only `fractions`."""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from verify.core.spectrum import paper_spectrum


def paper_spectrum_array(m: float | Fraction, d: int = 500, k: int = 50) -> np.ndarray:
    """float64 of `verify.core.spectrum.paper_spectrum(m, d, k)`, each exact value rounded once."""
    return np.array([float(x) for x in paper_spectrum(m, d, k)])
