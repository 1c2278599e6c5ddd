"""The expected block ratios (verify/core/expected_ratio.py): quadrature, the stationary
alignment and the exact block ratio against independent evaluations. Mirrors
verify/core/expected_ratio.py."""
