"""Benchmark: `salign network` quick and full runs (wall and CPU time, per stage).

Run: python benchmarks/bench_network.py [quick|full|both]   (default: quick)
Budget: quick ≤ 2 min on 2 cores (target 60 s), full ≤ 15 min. Wall time depends on other load on
the machine; CPU time (user + sys of this process) is printed too.
"""

import os
import sys
import time

from verify.network.run import run_network

which = sys.argv[1] if len(sys.argv) > 1 else "quick"
for mode in (["quick", "full"] if which == "both" else [which]):
    t, c = time.perf_counter(), os.times()
    r = run_network(mode == "quick", 0)
    c2 = os.times()
    cpu = (c2.user - c.user) + (c2.system - c.system)
    stages = ", ".join(f"{k} {v:.1f}s" for k, v in r["timings"].items())
    agree = sum(p["agree"] for p in r["predictions"] if not p.get("k_sweep"))
    total = sum(1 for p in r["predictions"] if not p.get("k_sweep"))
    print(f"{mode}: wall {time.perf_counter() - t:.1f}s, cpu {cpu:.1f}s; network agreement {agree}/{total}; "
          f"{stages}")
