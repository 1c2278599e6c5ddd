"""The mutation machinery itself: deterministic enumeration, every operator class present, a
seeded error is killed and an equivalent mutant survives (positive and negative control)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

from verify.selftest.mutation import enumerate_mutants, load_config

ROOT = Path(__file__).resolve().parent.parent


def test_enumeration_is_deterministic_and_covers_every_operator():
    cfg = load_config()
    a = [m.key for m, _, _ in enumerate_mutants(cfg["modules"], set(cfg["exclude"]))]
    b = enumerate_mutants(cfg["modules"], set(cfg["exclude"]))
    assert a == [m.key for m, _, _ in b] and len(set(a)) == len(a) > 1000
    ops = Counter(m.operator for m, _, _ in b)
    assert set(ops) == {"sign", "factor", "const", "power", "compare", "block"}
    assert {m.module for m, _, _ in b} == set(cfg["modules"])
    # the core population (CI's fixed --quick sample is drawn from it) has no method scopes: the
    # widened scope's methods and decorated functions never change it
    assert not any("." in m.scope for m, _, _ in b)


SCRIPT = r"""
import json, os, sys
os.environ["HYPOTHESIS_PROFILE"] = "mutation"
sys.path.insert(0, ".")
from verify.selftest import mutation as M
mods = ["derivations.symbols", "derivations.core"]
items = M.enumerate_mutants(mods)
want = {
  "seeded": lambda m: m.scope == "lemma22_q" and m.operator == "const",   # 2(…) → 3(…)
  "equivalent": lambda m: m.scope == "_zero" and m.operator == "const",   # fast path only
}
picked = [next(it for it in items if f(it[0])) for f in want.values()]
base = M.run_baseline(["tests/test_derivations.py"], mods)
out = M.run_mutants(picked, base, jobs=2)
print(json.dumps({k: o.status for k, o in zip(want, out)}))
"""


def test_seeded_error_killed_equivalent_survives():
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    r = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True,
                       text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    res = json.loads(r.stdout.strip().splitlines()[-1])
    assert res == {"seeded": "killed", "equivalent": "survived"}


def test_wide_scope_extends_the_core_scope_without_changing_it():
    """`--scope wide` adds modules, methods and decorated functions (the core population is
    checked to have none in test_enumeration_is_deterministic_and_covers_every_operator)."""
    core, wide = load_config(), load_config(True)
    assert set(core["modules"]) < set(wide["modules"]) and set(core["kill_suite"]) < set(wide["kill_suite"])
    assert {"tests/simulation", "tests/proofs"} <= set(wide["kill_suite"])
    w = enumerate_mutants(["verify.core.cases", "verify.simulation.engines"], set(), wide=True)
    assert any("." in m.scope for m, _, _ in w)  # methods: "Class.method"


METHOD_SCRIPT = r"""
import json, sys
sys.path.insert(0, ".")
import importlib
from verify.selftest import mutation as M
items = [it for it in M.enumerate_mutants(["verify.core.cases"], wide=True) if "." in it[0].scope]
m, old, new = items[0]
mod = importlib.import_module(m.module)
before = M.live_function(mod, m.scope).__code__
M.apply_mutant(m, new)
after = M.live_function(mod, m.scope).__code__
changed = (before.co_code, before.co_consts) != (after.co_code, after.co_consts)
print(json.dumps({"scope": m.scope, "changed": changed}))
"""


def test_a_method_mutant_replaces_the_live_method():
    r = subprocess.run([sys.executable, "-c", METHOD_SCRIPT], cwd=ROOT, capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    res = json.loads(r.stdout.strip().splitlines()[-1])
    assert "." in res["scope"] and res["changed"]


DEFAULT_SCRIPT = r"""
import json, sys
sys.path.insert(0, ".")
from verify.selftest import mutation as M
from verify.core import expected_ratio as er
items = [it for it in M.enumerate_mutants(["verify.core.expected_ratio"], wide=True)
         if it[0].scope == "gaussian_init_alignment" and it[0].original == "1.0"]
m, old, new = items[0]
before = (er.gaussian_init_alignment.__defaults__, er.gaussian_init_alignment.__kwdefaults__)
M.apply_mutant(m, new)
after = (er.gaussian_init_alignment.__defaults__, er.gaussian_init_alignment.__kwdefaults__)
print(json.dumps({"mutated": m.mutated, "before": repr(before), "after": repr(after)}))
"""


def test_a_mutated_default_argument_is_installed():
    """A default value lives in __defaults__/__kwdefaults__, not in the code object: the mutant
    `c0_var=1.0 → 2.0` of expected_ratio.gaussian_init_alignment must change what a call without
    the argument uses (it survived every test before, whatever the test checked)."""
    r = subprocess.run([sys.executable, "-c", DEFAULT_SCRIPT], cwd=ROOT, capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    res = json.loads(r.stdout.strip().splitlines()[-1])
    assert res["mutated"] == "2.0" and "1.0" in res["before"] and "2.0" in res["after"]
    assert "1.0" not in res["after"]


def test_reannotate_counts_only_equivalents_and_prints_arguments(monkeypatch, tmp_path):
    """`--render`: an earlier report re-read with today's argument files. An equivalent survivor
    leaves the score's denominator; a survivor with a non-equivalence argument (tuning, …) keeps
    counting against the score and shows its argument; an unknown one keeps its detail."""
    from verify.selftest import mutation as M
    from verify.selftest import runner

    surv = [{"key": k, "module": "m", "scope": "f", "line": 1, "operator": "const", "original": "1",
             "mutated": "2", "status": "survived", "equivalent": False, "reason": "", "detail": ""}
            for k in ("a", "b", "c")]
    res = {"mutation": {"mode": "thorough", "run": 10, "killed": 7, "killed_by_change_detector": 1,
                        "by_module": {"m": {"total": 10, "killed": 7, "equivalent": 0}},
                        "survivors": surv, "outcomes": {"killed": 7, "survived": 3},
                        "enumerated": 10, "reused": 0, "score": 0.7, "semantic_score": 0.6,
                        "equivalent": 0},
           "why": "mutation score 70.0% < 90%", "passed": False}
    monkeypatch.setattr(M, "load_equivalents", lambda: {"a": "no input tells them apart"})
    monkeypatch.setattr(M, "load_arguments", lambda: {"b": {"kind": "tuning", "why": "a budget"}})
    m = runner.reannotate(res)["mutation"]
    assert m["equivalent"] == 1 and m["score"] == round(7 / 9, 4)
    assert m["semantic_score"] == round(6 / 9, 4) and m["argued"] == {"tuning": 1}
    by = {s["key"]: s for s in m["survivors"]}
    assert by["a"]["equivalent"] and not by["b"]["equivalent"] and not by["c"]["equivalent"]
    assert by["b"]["reason"] == "tuning: a budget" and by["c"]["reason"] == "no covering test failed"
    src = tmp_path / "in.json"
    src.write_text(json.dumps(res))
    assert runner.main(["--render", str(src), "--out", str(tmp_path / "out")]) == 0
    md = (tmp_path / "out" / "selftest.md").read_text(encoding="utf-8")
    assert "tuning: a budget" in md and "FAIL" in md
    assert runner.main(["--render", str(tmp_path / "missing.json"), "--out", str(tmp_path)]) == 2


LOOP_SCRIPT = r"""
import json, sys, time
sys.path.insert(0, ".")
from verify.selftest import mutation as M
items = [it for it in M.enumerate_mutants(["verify.core.cases"], wide=True)
         if it[0].scope == "fmt_exact" and it[0].original == "5" and it[0].mutated == "6"
         and "//=" in __import__("ast").unparse(it[2])]
node = "tests/test_cases_cli.py::test_fmt_exact_text"
base = M.run_baseline([node], ["verify.core.cases"])
base.seconds[node] = 0.1            # its own limit: max(min_timeout, 10 × 0.1 s) = 2 s
# a second covering test of 30 s: the parent's backstop is 10 × 30.1 = 301 s
other = "tests/test_cases_cli.py::test_nan_literal_and_bad_json"
base.covered[other], base.seconds[other] = base.covered[node], 30.0
t0 = time.perf_counter()
out = M.run_mutants(items[:1], base, jobs=1, timeout_factor=10.0, min_timeout=2.0)
print(json.dumps({"n": len(items), "status": out[0].status, "killed_by": out[0].killed_by,
                  "detail": out[0].detail, "seconds": time.perf_counter() - t0}))
"""


def test_an_infinite_loop_times_out_after_one_tests_limit():
    """`den //= 5 → den //= 6` in fmt_exact loops forever on a denominator with a factor 5 (0 % 5 == 0
    and 0 // 6 == 0). The child's watchdog ends it after the looping test's own limit (2 s here),
    naming that test, instead of after the whole covering suite's time (the parent's backstop,
    which for code every test reaches was more than an hour in the widened run)."""
    r = subprocess.run([sys.executable, "-c", LOOP_SCRIPT], cwd=ROOT, capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    res = json.loads(r.stdout.strip().splitlines()[-1])
    assert res["n"] >= 1 and res["status"] == "timeout", res
    assert res["killed_by"] == "tests/test_cases_cli.py::test_fmt_exact_text"
    assert res["detail"] == "tests/test_cases_cli.py::test_fmt_exact_text: > 2 s" and res["seconds"] < 60


ORPHAN_SCRIPT = r"""
import os, sys, time
sys.path.insert(0, ".")
from verify.selftest import mutation as M
mutant, _, new = [it for it in M.enumerate_mutants(["verify.core.cases"], wide=True)
                  if it[0].scope == "fmt_exact" and it[0].original == "5" and it[0].mutated == "6"
                  and "//=" in __import__("ast").unparse(it[2])][0]
node = "tests/test_cases_cli.py::test_fmt_exact_text"
r, w = os.pipe()
pid = os.fork()
if pid == 0:
    os.close(r)
    M._child(mutant, new, [node], w, {node: 3600.0})  # loops for an hour unless the dog acts
print(pid, flush=True)
deadline = time.monotonic() + 120
while len(os.listdir(f"/proc/{pid}/task")) < 2 and time.monotonic() < deadline:
    time.sleep(0.05)  # until the child's watchdog thread runs
time.sleep(1.0)
os._exit(0)  # the worker dies without waiting for its mutant
"""


def _alive(pid: int) -> bool:
    """pid exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_a_mutant_whose_worker_died_exits_on_its_own():
    """A worker that dies (an interrupted run) leaves no mutant behind: its forked child, stuck in
    an infinite loop under a one-hour limit, notices its parent is gone and exits within seconds
    (`den //= 5 → den //= 6` in fmt_exact, as above). Linux: the child is watched via /proc."""
    import time

    r = subprocess.run([sys.executable, "-c", ORPHAN_SCRIPT], cwd=ROOT, capture_output=True,
                       text=True, timeout=300, env={**os.environ, "OPENBLAS_NUM_THREADS": "1"})
    assert r.returncode == 0, r.stderr[-2000:]
    pid = int(r.stdout.split()[0])
    t0 = time.monotonic()
    while _alive(pid) and time.monotonic() - t0 < 20:
        time.sleep(0.1)
    alive = _alive(pid)
    if alive:
        os.kill(pid, 9)
    assert not alive, "the orphaned mutant child was still running 20 s after its parent died"
