"""Exact side of suspicious-alignment: SymPy derivations of the paper's closed forms.

Each derivation lists its hypotheses, closed forms and steps; every step is an identity
(a difference that simplifies to 0), a substitution check (a closed form satisfies its
defining equation) or a non-negativity certificate (after substituting non-negative
parameters that encode the hypotheses, a polynomial with non-negative coefficients).
Nothing here prints or uses floats.
"""
