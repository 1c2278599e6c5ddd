"""Benchmark: `salign eval` quantities on a d = 500 case at 50 digits incl. E[θ_{t+1}|x].

Run: python benchmarks/bench_eval.py
"""

import time
from fractions import Fraction

import numpy as np

from verify.core.cases import make_case
from verify.core.families import paper_spectrum
from verify.core.theory import decimal_quantities

rng = np.random.default_rng(0)
case = make_case(paper_spectrum(50), 50, [Fraction(f"{x:.6f}") for x in rng.standard_normal(500)],
                 sigma="0.5", eta="0.003")
for _ in range(2):
    t = time.perf_counter()
    decimal_quantities(case, 50, case.eta)
    print(f"eval d=500, 50 digits, with exact E[θ_(t+1)|x]: {time.perf_counter() - t:.2f} s")
