"""Hypothesis profiles: dev (default), ci (used by .ci/run), thorough (long searches),
mutation (the kill suite of verify/selftest/mutation.py)."""

import os

from hypothesis import HealthCheck, settings

settings.register_profile("dev", max_examples=30, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", max_examples=60, deadline=None, derandomize=True,
                          database=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=2000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
# mutation testing (python -m verify.selftest): few, fixed examples, no database, so that
# the unmutated baseline's coverage is exactly what every mutant's run executes
settings.register_profile("mutation", max_examples=12, deadline=None, derandomize=True,
                          database=None, suppress_health_check=list(HealthCheck))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
