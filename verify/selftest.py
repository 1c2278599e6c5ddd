"""`python -m verify.selftest`: can the toolkit catch wrong mathematics and hostile input?

Two parts, each reported in OUT/selftest.json and OUT/selftest.md (written atomically):

1. Mutation testing (verify/mutation.py): seeded errors in derivations/ and the numeric
   formulas of verify/ must be detected by the kill suite (property suite + claim checkers).
   --quick runs a fixed sample of `quick_sample` mutants (pyproject `[tool.salign.mutation]`)
   and fails if any non-equivalent sampled mutant survives; --thorough runs all of them and
   fails below a 90 % score.
2. Fuzzing (tests/test_fuzz.py): random argv, malformed and extreme case files, every CLI
   command; every run must end with exit 0 or a one-line error with exit 2. --quick uses the
   `ci` Hypothesis profile, --thorough the `thorough` one.

Exit codes: 0 all bars met, 1 a bar missed, 2 bad usage. Needs the `test` extra (pytest,
Hypothesis): `pip install -e '.[test]'`.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCORE_BAR = 0.90


def _sample(items: list, n: int) -> list:
    """A fixed, stratified sample: the `n` mutants whose keys (hashes) sort first, spread over
    the modules in proportion to their mutant counts (at least one each)."""
    by_mod: dict[str, list] = {}
    for it in items:
        by_mod.setdefault(it[0].module, []).append(it)
    total = len(items)
    out = []
    for mod in sorted(by_mod):
        group = sorted(by_mod[mod], key=lambda it: it[0].key)
        out.extend(group[: max(1, round(n * len(group) / total))])
    order = {it[0].key: i for i, it in enumerate(items)}
    return sorted(out, key=lambda it: order[it[0].key])


def run_mutation(quick: bool, jobs: int, log) -> dict:
    os.environ["HYPOTHESIS_PROFILE"] = "mutation"
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from verify import mutation as M

    cfg = M.load_config()
    modules, exclude = cfg["modules"], set(cfg.get("exclude", []))
    items = M.enumerate_mutants(modules, exclude)
    chosen = _sample(items, int(cfg.get("quick_sample", 40))) if quick else items
    log(f"mutation: {len(items)} mutants enumerated, running {len(chosen)}")
    base = M.run_baseline(cfg["kill_suite"], modules)
    if not base.covered or base.failed:
        raise SystemExit(f"selftest: the unmutated kill suite must pass first "
                         f"(ran {len(base.covered)}, failed {base.failed[:3]})")
    log(f"baseline: {len(base.covered)} tests in {base.wall:.1f} s")
    done = [0]
    t0 = time.perf_counter()

    def progress(m, o):
        done[0] += 1
        if o.status not in ("killed", "timeout") or done[0] % 50 == 0:
            log(f"  [{done[0]}/{len(chosen)}] {o.status:9s} {m.module}.{m.scope}:{m.line} "
                f"{m.operator}: {m.original} → {m.mutated}")

    outcomes = M.run_mutants(chosen, base, modules, jobs=jobs,
                             timeout_factor=float(cfg.get("timeout_factor", 10)), progress=progress)
    rep = M.summarise(chosen, outcomes, M.load_equivalents())
    statuses: dict[str, int] = {}
    for o in outcomes:
        statuses[o.status] = statuses.get(o.status, 0) + 1
    return {
        "mode": "quick" if quick else "thorough",
        "enumerated": len(items),
        "run": len(chosen),
        "outcomes": dict(sorted(statuses.items())),
        "killed": rep.killed,
        "equivalent": rep.equivalent,
        "score": round(rep.score, 4),
        "by_module": rep.by_module,
        "survivors": rep.survived,
        "baseline_tests": len(base.covered),
        "baseline_seconds": round(base.wall, 1),
        "seconds": round(time.perf_counter() - t0, 1),
        "kills": [{"key": m.key, "status": o.status, "killed_by": o.killed_by}
                  for (m, _, _), o in zip(chosen, outcomes)],
    }


def run_fuzz(quick: bool) -> dict:
    env = dict(os.environ, HYPOTHESIS_PROFILE="ci" if quick else "thorough")
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "tests/test_fuzz.py"], cwd=ROOT, env=env, capture_output=True, text=True)
    tail = proc.stdout.strip().splitlines()[-1:] or [""]
    return {"exit_code": proc.returncode, "summary": tail[0],
            "seconds": round(time.perf_counter() - t0, 1)}


def render_md(res: dict) -> str:
    m = res.get("mutation")
    lines = ["# Self-test report", ""]
    if m:
        lines += [f"## Mutation testing ({m['mode']})", "",
                  f"- mutants enumerated: {m['enumerated']}; run: {m['run']}",
                  f"- outcomes: {', '.join(f'{k} {v}' for k, v in m['outcomes'].items())}",
                  f"- equivalent (argued in verify/mutation_equivalents.json): {m['equivalent']}",
                  f"- **score: {m['score']:.1%}** killed / (run − equivalent)", "",
                  "| module | mutants | killed | equivalent |", "|---|---:|---:|---:|"]
        lines += [f"| {mod} | {r['total']} | {r['killed']} | {r['equivalent']} |"
                  for mod, r in sorted(m["by_module"].items())]
        lines += ["", "### Surviving mutants", ""]
        if not m["survivors"]:
            lines.append("none")
        for s in m["survivors"]:
            tag = "equivalent" if s["equivalent"] else "NOT equivalent"
            lines.append(f"- `{s['key']}` {s['module']}.{s['scope']} line {s['line']} "
                         f"({s['operator']}): `{s['original']}` → `{s['mutated']}` — {tag}: "
                         f"{s['reason']}")
        lines.append("")
    f = res.get("fuzz")
    if f:
        lines += ["## Fuzzing", "", f"- tests/test_fuzz.py: exit {f['exit_code']}, {f['summary']} "
                  f"({f['seconds']} s)", ""]
    lines += [f"Verdict: {'PASS' if res['passed'] else 'FAIL'} — {res['why']}", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m verify.selftest", description=__doc__.splitlines()[0])
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="sampled mutants, ci fuzz profile (default)")
    mode.add_argument("--thorough", action="store_true", help="every mutant, thorough fuzz profile")
    ap.add_argument("--out", default="selftest-out", help="output directory (default selftest-out)")
    ap.add_argument("--jobs", type=int, default=2, help="mutants run in parallel (default 2)")
    ap.add_argument("--only", choices=("mutation", "fuzz"), help="run one part only")
    try:
        args = ap.parse_args(argv)
    except SystemExit as exc:
        return 0 if exc.code == 0 else 2
    if args.jobs < 1:
        print("selftest: --jobs must be ≥ 1", file=sys.stderr)
        return 2
    quick = not args.thorough
    try:
        import hypothesis  # noqa: F401
        import pytest  # noqa: F401
    except ModuleNotFoundError as exc:
        print(f"selftest: needs the test extra ({exc.name} missing): pip install -e '.[test]'",
              file=sys.stderr)
        return 2

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    res: dict = {}
    why = []
    if args.only in (None, "fuzz"):
        res["fuzz"] = run_fuzz(quick)
        log(f"fuzz: {res['fuzz']['summary']}")
        if res["fuzz"]["exit_code"] != 0:
            why.append("fuzz tests failed")
    if args.only in (None, "mutation"):
        res["mutation"] = m = run_mutation(quick, args.jobs, log)
        live = [s for s in m["survivors"] if not s["equivalent"]]
        if quick and live:
            why.append(f"{len(live)} sampled non-equivalent mutant(s) survived")
        if not quick and m["score"] < SCORE_BAR:
            why.append(f"mutation score {m['score']:.1%} < {SCORE_BAR:.0%}")
    from verify.provenance import provenance

    res["provenance"] = provenance()
    res["passed"] = not why
    res["why"] = "; ".join(why) or "all bars met"
    from verify.atomic import write_atomic

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    write_atomic(out / "selftest.json", json.dumps(res, indent=2, sort_keys=True) + "\n")
    write_atomic(out / "selftest.md", render_md(res))
    log(f"selftest: {'PASS' if res['passed'] else 'FAIL'} — {res['why']} ({out}/selftest.md)")
    return 0 if res["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
