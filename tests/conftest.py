"""Hypothesis profiles: dev (default), ci (used by .ci/run), thorough (long searches),
mutation (the kill suite of verify/selftest/mutation.py); and the pinned pool of source constants
(tests/strategies.py, pin_local_constants), so that derandomized draws do not depend on which test
modules are collected."""

import os

from hypothesis import HealthCheck, Phase, settings

from tests.strategies import pin_local_constants

settings.register_profile("dev", max_examples=30, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
# ci: no shrinking phase, so that a failing property reports its (unshrunk) falsifying example
# and assertion message at once — shrinking a simulation property took 650 s on one planted bug
settings.register_profile("ci", max_examples=60, deadline=None, derandomize=True,
                          database=None, suppress_health_check=[HealthCheck.too_slow],
                          phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target])
settings.register_profile("thorough", max_examples=2000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
# mutation testing (python -m verify.selftest): few, fixed examples, no database, so that
# the unmutated baseline's coverage is exactly what every mutant's run executes
settings.register_profile("mutation", max_examples=12, deadline=None, derandomize=True,
                          database=None, suppress_health_check=list(HealthCheck))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
pin_local_constants()
