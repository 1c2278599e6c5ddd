"""Terminal summary of the simulation suite: examples simulated, discards per rule, decisions
and the union-bound false-alarm probability of the run (see tests/simulation/harness.py)."""

from tests.simulation import harness as H


def pytest_terminal_summary(terminalreporter):
    if not (H.SIMULATED or H.DISCARDS):
        return
    tr = terminalreporter
    tr.section("simulation suite: examples, discards, false-alarm bound")
    for prop in sorted(set(H.SIMULATED) | {p for p, _ in H.DISCARDS}):
        dis = {rule: n for (p, rule), n in H.DISCARDS.items() if p == prop}
        tr.write_line(f"{prop:18s} simulated {H.SIMULATED[prop]:4d}  decisions "
                      f"{H.DECISIONS[prop]:4d}  discarded {dis or 0}")
    total = sum(v for p, v in H.DECISIONS.items() if p != "control")
    tr.write_line(f"decisions on claims: {total}; per-run false-alarm probability ≤ "
                  f"{total * H.FALSE_ALARM_PER_DECISION:.1e} (union bound, "
                  f"{H.FALSE_ALARM_PER_DECISION:.0e} per decision)")
