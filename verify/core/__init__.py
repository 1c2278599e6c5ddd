"""The exact core: cases, block sums and closed forms, certified signs, errors and results.

Nothing here imports from `verify.claims`, `verify.simulation`, `verify.report` or the CLI.
"""
