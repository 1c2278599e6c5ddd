"""`python -m verify.selftest`: can the toolkit catch wrong mathematics and hostile input?

Two parts, each reported in OUT/selftest.json and OUT/selftest.md (written atomically):

1. Mutation testing (verify/selftest/mutation.py): seeded errors in derivations/ and the numeric
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
import hashlib
import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
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


def _scope_sources(module: str, commit: str | None, wide: bool = False) -> dict[str, str]:
    """Source text of every mutated scope of `module` (at `commit`, or the working tree)."""
    import ast
    import importlib

    from verify.selftest.mutation import _module_sites

    path = Path(importlib.import_module(module).__file__).resolve().relative_to(ROOT)
    if commit:
        proc = subprocess.run(["git", "show", f"{commit}:{path}"], cwd=ROOT, capture_output=True,
                              text=True)
        if proc.returncode:
            return {}
        text = proc.stdout
    else:
        text = (ROOT / path).read_text(encoding="utf-8")
    tree = ast.parse(text)
    out: dict[str, str] = {}
    for scope, stmt in _module_sites(module, tree, wide):
        out[scope] = out.get(scope, "") + ast.unparse(stmt)
    return out


def reusable_outcomes(previous: dict, items: list, modules: list[str]) -> dict[str, dict]:
    """Outcomes of an earlier run that still hold: the mutant was killed then, its whole scope
    (function, or the module-level formulas) is textually unchanged since that run's commit, and
    so are the tests and their configuration (no assumption that killing is monotone in a
    changing suite). Survivors and changed scopes are always re-run."""
    commit = previous.get("provenance", {}).get("git_commit") or previous.get("commit")
    if not commit or not _tests_unchanged_since(commit):
        return {}  # a changed kill suite may kill differently: nothing is reused
    old = {m: _scope_sources(m, commit) for m in modules}
    new = {m: _scope_sources(m, None) for m in modules}
    kills = {k["key"]: k for k in previous["mutation"]["kills"] if k["status"] in ("killed", "timeout")}
    return {it[0].key: kills[it[0].key] for it in items if it[0].key in kills
            and old[it[0].module].get(it[0].scope) == new[it[0].module].get(it[0].scope)}


def _tests_digest() -> str:
    """sha1 of the test tree and pyproject.toml (the kill suite and its configuration): a kill is
    reused only while this digest, and the mutated scope's own source, are unchanged."""
    h = hashlib.sha1()
    for f in sorted({*ROOT.glob("tests/**/*.py"), ROOT / "pyproject.toml"}):
        h.update(str(f.relative_to(ROOT)).encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


def _tests_unchanged_since(commit: str) -> bool:
    """The test tree and pyproject.toml are identical at `commit` and in the working tree."""
    proc = subprocess.run(["git", "diff", "--quiet", commit, "--", "tests", "pyproject.toml"],
                          cwd=ROOT, capture_output=True)
    return proc.returncode == 0


def _code_digest() -> str:
    """sha1 of every Python file of the project and the kill suite: a survivor (or an uncovered
    mutant) recorded in a checkpoint is reused only while this digest is unchanged."""
    h = hashlib.sha1()
    files = sorted({*ROOT.glob("verify/**/*.py"), *ROOT.glob("derivations/**/*.py"),
                    *ROOT.glob("tests/**/*.py"), ROOT / "pyproject.toml"})
    for f in files:
        h.update(str(f.relative_to(ROOT)).encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


def scope_hashes(modules: list[str], wide: bool = False) -> dict[str, dict[str, str]]:
    """module → mutated scope → sha1 of its current source (what a checkpoint line records)."""
    return {m: {sc: _sha(src) for sc, src in _scope_sources(m, None, wide).items()} for m in modules}


def checkpoint_outcomes(path: Path, items: list, scope_sha: dict[str, dict[str, str]],
                        digest: str) -> dict[str, dict]:
    """Outcomes recorded in a checkpoint (JSON lines, one per finished mutant) that still hold,
    given the current `scope_hashes` and `_code_digest`.

    A kill is reused when the mutated scope and the tests (`_tests_digest`) are both textually
    unchanged; a survivor or uncovered mutant only when the whole code and test tree is unchanged
    (`_code_digest`); a time-out is never reused, because a run on a loaded machine can time out
    a mutant that the suite would pass: it is run again."""
    if not path.exists():
        return {}
    by_key = {it[0].key: it[0] for it in items}
    tests = _tests_digest()
    out: dict[str, dict] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            rec = json.loads(line)
        except ValueError:  # a line cut by an interrupt
            continue
        m = by_key.get(rec.get("key"))
        if m is None or rec.get("scope_sha") != scope_sha[m.module].get(m.scope, ""):
            continue
        if (rec["status"] == "killed" and rec.get("tests_digest") == tests) or (
                rec["status"] in ("survived", "uncovered") and rec.get("code_digest") == digest):
            out[m.key] = rec
    return out


def _sha(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:16]


def _wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95 % Wilson score interval for a binomial proportion k/n."""
    if n == 0:
        return 0.0, 1.0
    p = k / n
    den = 1 + z * z / n
    mid = (p + z * z / (2 * n)) / den
    half = z * ((p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5) / den
    return max(0.0, mid - half), min(1.0, mid + half)


def run_mutation(quick: bool, jobs: int, log, resume: dict | None = None,
                 max_new: int | None = None, workers: int = 1, scheduler: str | None = None,
                 checkpoint: Path | None = None, wide: bool = False) -> dict:
    os.environ["HYPOTHESIS_PROFILE"] = "mutation"
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from verify.selftest import mutation as M

    cfg = M.load_config(wide)
    modules, exclude = cfg["modules"], set(cfg.get("exclude", []))
    items = M.enumerate_mutants(modules, exclude, wide)
    chosen = _sample(items, int(cfg.get("quick_sample", 40))) if quick else items
    reused = reusable_outcomes(resume, chosen, modules) if resume else {}
    if checkpoint:  # fingerprints of the current code: read against the file, written with each line
        scope_sha, digest, tests_digest = scope_hashes(modules, wide), _code_digest(), _tests_digest()
        from_ckpt = checkpoint_outcomes(checkpoint, chosen, scope_sha, digest)
        reused.update(from_ckpt)
        log(f"checkpoint {checkpoint}: {len(from_ckpt)} outcomes reused")
    processed: set[str] = set()  # keys an earlier run already ran (reused kills among them)
    if resume:
        processed |= {k["key"] for k in resume["mutation"]["kills"]}
        processed |= set(resume["mutation"].get("processed_survivors", []))
        processed |= {sv["key"] for sv in resume["mutation"].get("survivors", [])}
    rerun = [it for it in chosen if it[0].key in processed and it[0].key not in reused]
    fresh = [it for it in chosen if it[0].key not in processed and it[0].key not in reused]
    n_fresh = len(fresh)
    if max_new is not None and len(fresh) > max_new:
        fresh = _sample(fresh, max_new)
    to_run = rerun + fresh
    log(f"mutation: {len(items)} mutants enumerated, {len(chosen)} selected, "
        f"{len(reused)} outcomes reused from earlier runs, re-running {len(rerun)} "
        f"(survivors, changed code), {len(fresh)} of {n_fresh} never run")
    base = M.run_baseline(cfg["kill_suite"], modules)
    if not base.covered or base.failed:
        raise SystemExit(f"selftest: the unmutated kill suite must pass first "
                         f"(ran {len(base.covered)}, failed {base.failed[:3]})")
    log(f"baseline: {len(base.covered)} tests in {base.wall:.1f} s")
    done = [0]
    t0 = time.perf_counter()


    def progress(m, o):
        done[0] += 1
        if checkpoint:  # one line per finished mutant, flushed: an interrupted run resumes here
            rec = {"key": o.key, "status": o.status, "seconds": round(o.seconds, 2),
                   "tests_run": o.tests_run, "killed_by": o.killed_by, "detail": o.detail,
                   "scope_sha": scope_sha[m.module].get(m.scope, ""), "code_digest": digest,
                   "tests_digest": tests_digest}
            with open(checkpoint, "a", encoding="utf-8") as fh:
                fh.write(json.dumps(rec, sort_keys=True) + "\n")
        if o.status not in ("killed", "timeout") or done[0] % 50 == 0:
            log(f"  [{done[0]}/{len(to_run)}] {o.status:9s} {m.module}.{m.scope}:{m.line} "
                f"{m.operator}: {m.original} → {m.mutated}")

    detectors = tuple(cfg.get("change_detectors", ()))
    if workers > 1 or scheduler:  # one task per mutant on the execution layer (verify.execution)
        from verify.execution.mutants import run_mutants as run_distributed

        ran = run_distributed(to_run, base, workers, scheduler,
                              float(cfg.get("timeout_factor", 10)), progress=progress, last=detectors)
    else:
        ran = M.run_mutants(to_run, base, jobs=jobs,
                            timeout_factor=float(cfg.get("timeout_factor", 10)), progress=progress,
                            last=detectors)
    by_key = {o.key: o for o in ran}
    by_key.update({k: M.Outcome(k, v["status"], v.get("seconds", 0.0), v.get("tests_run", 0),
                                killed_by=v.get("killed_by"),
                                detail=v.get("detail") or "reused from the earlier run")
                   for k, v in reused.items()})
    reported = [it for it in chosen if it[0].key in by_key]
    outcomes = [by_key[it[0].key] for it in reported]
    fresh_keys = {it[0].key for it in fresh}
    sampled_part = None
    eq = M.load_equivalents()
    if n_fresh > len(fresh):  # part of the population was only sampled: estimate with a CI
        ko = [o for o in outcomes if o.key in fresh_keys and o.key not in eq]
        k = sum(o.status in ("killed", "timeout") for o in ko)
        # semantic: a kill only by a golden-output change detector does not count
        ks = sum(o.status in ("killed", "timeout") and o.killed_by not in detectors for o in ko)
        lo, hi = _wilson(k, len(ko))
        slo, shi = _wilson(ks, len(ko))
        sampled_part = {"population": n_fresh, "sampled": len(fresh), "killed": k,
                        "non_equivalent_sampled": len(ko), "kill_rate": round(k / len(ko), 4)
                        if ko else None, "kill_rate_ci95": [round(lo, 4), round(hi, 4)],
                        "semantic_killed": ks,
                        "semantic_kill_rate": round(ks / len(ko), 4) if ko else None,
                        "semantic_kill_rate_ci95": [round(slo, 4), round(shi, 4)]}
    rep = M.summarise(reported, outcomes, eq, detectors, M.load_arguments())
    statuses = Counter(o.status for o in outcomes)
    return {
        "mode": "quick" if quick else "thorough",
        "scope": "wide" if wide else "core",
        "modules": modules,
        "enumerated": len(items),
        "run": len(reported),
        "reused": len(reused),
        "sampled_part": sampled_part,
        "outcomes": dict(sorted(statuses.items())),
        "killed": rep.killed,
        "equivalent": rep.equivalent,
        "score": round(rep.score, 4),
        "killed_by_change_detector": rep.killed_by_change_detector,
        "semantic_score": round(rep.semantic_score, 4),
        "by_module": rep.by_module,
        "survivors": rep.survived,
        "baseline_tests": len(base.covered),
        "baseline_seconds": round(base.wall, 1),
        "seconds": round(time.perf_counter() - t0, 1),
        "kills": [{"key": m.key, "status": o.status, "killed_by": o.killed_by}
                  for (m, _, _), o in zip(reported, outcomes)],
    }


def run_fuzz(quick: bool) -> dict:
    env = dict(os.environ, HYPOTHESIS_PROFILE="ci" if quick else "thorough")
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "tests/test_fuzz.py"], cwd=ROOT, env=env, capture_output=True, text=True)
    tail = proc.stdout.strip().splitlines()[-1:] or [""]
    return {"exit_code": proc.returncode, "summary": tail[0],
            "seconds": round(time.perf_counter() - t0, 1)}


def reannotate(res: dict) -> dict:
    """An earlier report with today's equivalents.json and arguments.json: each survivor's
    equivalence and reason, the equivalent counts and the scores recomputed (the outcomes are the
    run's own; nothing is re-run)."""
    m = res.get("mutation")
    if not m:
        return res
    from verify.selftest import mutation as M

    eq, args = M.load_equivalents(), M.load_arguments()
    for row in m["by_module"].values():
        row["equivalent"] = 0
    for s in m["survivors"]:
        s["equivalent"], s["reason"] = M.survivor_reason(s["key"], s.get("detail", ""), eq, args)
        m["by_module"][s["module"]]["equivalent"] += s["equivalent"]
    m["equivalent"] = sum(s["equivalent"] for s in m["survivors"])
    denom = m["run"] - m["equivalent"]
    m["score"] = round(m["killed"] / denom, 4) if denom else 1.0
    m["semantic_score"] = (round((m["killed"] - m["killed_by_change_detector"]) / denom, 4)
                           if denom else 1.0)
    m["argued"] = dict(sorted(Counter(s["reason"].split(":", 1)[0] for s in m["survivors"]
                                      if not s["equivalent"] and s["key"] in args).items()))
    return res


def render_md(res: dict) -> str:
    m = res.get("mutation")
    lines = ["# Self-test report", ""]
    if m:
        lines += [f"## Mutation testing ({m['mode']}, scope {m.get('scope', 'core')})", "",
                  f"- mutants enumerated: {m['enumerated']}; in this report: {m['run']} "
                  f"({m.get('reused', 0)} kills reused from an earlier run of unchanged code)",
                  f"- outcomes: {', '.join(f'{k} {v}' for k, v in m['outcomes'].items())}",
                  f"- equivalent (argued in verify/selftest/equivalents.json): {m['equivalent']}",
                  "- surviving, not equivalent, with an argument (verify/selftest/arguments.json; "
                  "they count against the score): "
                  + (", ".join(f"{k} {v}" for k, v in m.get("argued", {}).items()) or "none"),
                  f"- **score: {m['score']:.1%}** killed / (run − equivalent)",
                  f"- of the kills, {m['killed_by_change_detector']} only by a golden-output "
                  f"change detector; **semantic score** (kills by checks of the mathematics "
                  f"only): {m['semantic_score']:.1%}", "",
                  "| module | mutants | killed | of which only by change detector | equivalent |",
                  "|---|---:|---:|---:|---:|"]
        lines += [f"| {mod} | {r['total']} | {r['killed']} | {r.get('killed_by_change_detector', 0)}"
                  f" | {r['equivalent']} |" for mod, r in sorted(m["by_module"].items())]
        sp = m.get("sampled_part")
        if sp:
            sem = ""
            if sp.get("semantic_kill_rate") is not None:
                sem = (f" **Semantic kill rate** (without golden-output kills): "
                       f"{sp['semantic_killed']} of {sp['non_equivalent_sampled']}, "
                       f"{sp['semantic_kill_rate']:.1%} (95 % CI {sp['semantic_kill_rate_ci95'][0]:.1%}–"
                       f"{sp['semantic_kill_rate_ci95'][1]:.1%}).")
            lines += ["", f"Of {sp['population']} mutants not run before, a "
                      f"stratified sample of {sp['sampled']} was run: {sp['killed']} of "
                      f"{sp['non_equivalent_sampled']} non-equivalent killed, kill rate "
                      f"{sp['kill_rate']:.1%} (95 % CI {sp['kill_rate_ci95'][0]:.1%}–"
                      f"{sp['kill_rate_ci95'][1]:.1%}).{sem} The score above counts only mutants run."]
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


def _render_only(src: str, out_dir: str) -> int:
    from verify.core.atomic import check_writable, write_atomic
    from verify.core.errors import UsageError

    try:
        res = json.loads(Path(src).read_text(encoding="utf-8"))
        res["mutation"]["survivors"]
        check_writable(out_dir, "--out", kind="dir")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        print(f"selftest: --render {src}: not a selftest.json ({exc})", file=sys.stderr)
        return 2
    except UsageError as exc:
        print(f"selftest: {exc}", file=sys.stderr)
        return 2
    m = reannotate(res)["mutation"]
    why = [w for w in res.get("why", "").split("; ") if w and not w.startswith("mutation score")]
    if m["mode"] == "thorough" and m["score"] < SCORE_BAR:
        why.append(f"mutation score {m['score']:.1%} < {SCORE_BAR:.0%}")
    res["passed"], res["why"] = not why, "; ".join(why) or "all bars met"
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    write_atomic(out / "selftest.json", json.dumps(res, indent=2, sort_keys=True) + "\n")
    write_atomic(out / "selftest.md", render_md(res))
    return 0


def main(argv: list[str] | None = None) -> int:
    """The self-test's command line; Ctrl-C ends it with one line and exit code 130 (the outputs
    are written only at the end, atomically, so an interrupted run leaves none)."""
    try:
        return _main(argv)
    except KeyboardInterrupt:
        print("selftest: interrupted", file=sys.stderr, flush=True)
        return 130


class _OneLineParser(argparse.ArgumentParser):
    """Bad arguments: one line on stderr (no usage block), exit code 2 — as salign."""

    def error(self, message: str):
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def _main(argv: list[str] | None = None) -> int:
    ap = _OneLineParser(prog="python -m verify.selftest", description=__doc__.splitlines()[0])
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="sampled mutants, ci fuzz profile (default)")
    mode.add_argument("--thorough", action="store_true", help="every mutant, thorough fuzz profile")
    ap.add_argument("--out", default="selftest-out", help="output directory (default selftest-out)")
    ap.add_argument("--jobs", type=int, default=2, help="mutants run in parallel (default 2)")
    ap.add_argument("--only", choices=("mutation", "fuzz"), help="run one part only")
    ap.add_argument("--scope", choices=("core", "wide"), default="core",
                    help="mutation scope: core (pyproject [tool.salign.mutation]; the fixed --quick "
                         "sample of CI) or wide (plus [tool.salign.mutation.wide]: claims sec6/sec7, "
                         "search, severity, core cases and expectations, the simulation engines, the "
                         "proof encodings, methods and decorated functions)")
    from verify.execution.tasks import scheduler_arg, workers_arg

    ap.add_argument("--workers", type=workers_arg, default=1,
                    help="run mutants as tasks on a local Dask cluster of this many worker processes "
                         "(default 1: forked children, --jobs at a time)")
    ap.add_argument("--scheduler", metavar="ADDRESS", type=scheduler_arg,
                    help="run mutants as tasks on an existing Dask cluster (tcp://host:port)")
    ap.add_argument("--resume-from", metavar="JSON",
                    help="an earlier selftest.json: reuse its kills of unchanged code (the "
                         "survivors and every changed function are re-run)")
    ap.add_argument("--max-new", type=int, metavar="N",
                    help="run only a stratified sample of N of the mutants not run before (with "
                         "--resume-from: those the earlier run never reached); the report then "
                         "estimates their kill rate and semantic kill rate with 95 %% intervals")
    ap.add_argument("--checkpoint", metavar="JSONL",
                    help="append each finished mutant's outcome to this file and, when it exists, "
                         "skip the mutants it already holds (kills of unchanged code; survivors "
                         "only if no file changed; time-outs are run again): a long --thorough "
                         "run can be stopped and resumed (with --jobs or --workers/--scheduler)")
    ap.add_argument("--commit-of-resume", metavar="SHA",
                    help="commit the earlier run was made at (if its JSON does not record it)")
    ap.add_argument("--render", metavar="JSON",
                    help="run nothing: re-render an earlier selftest.json into --out with today's "
                         "equivalents.json and arguments.json (survivors' reasons, equivalent "
                         "counts and scores recomputed from the run's own outcomes)")
    try:
        args = ap.parse_args(argv)
    except SystemExit as exc:
        return 0 if exc.code == 0 else 2
    if args.render:
        return _render_only(args.render, args.out)
    if args.jobs < 1:
        print("selftest: --jobs must be ≥ 1", file=sys.stderr)
        return 2
    from verify.core.atomic import check_writable
    from verify.core.errors import UsageError

    try:
        check_writable(args.out, "--out", kind="dir")  # before any fuzzing or mutating
    except UsageError as exc:
        print(f"selftest: {exc}", file=sys.stderr)
        return 2
    quick = not args.thorough
    resume = None
    if args.resume_from:
        try:
            resume = json.loads(Path(args.resume_from).read_text(encoding="utf-8"))
            resume["mutation"]["kills"]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            print(f"selftest: --resume-from {args.resume_from}: not a selftest.json ({exc})",
                  file=sys.stderr)
            return 2
        if args.commit_of_resume:
            resume["commit"] = args.commit_of_resume
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
        res["mutation"] = m = run_mutation(quick, args.jobs, log, resume, args.max_new, args.workers,
                                           args.scheduler,
                                           Path(args.checkpoint) if args.checkpoint else None,
                                           wide=args.scope == "wide")
        live = [s for s in m["survivors"] if not s["equivalent"]]
        if quick and live:
            why.append(f"{len(live)} sampled non-equivalent mutant(s) survived")
        if not quick and m["score"] < SCORE_BAR:
            why.append(f"mutation score {m['score']:.1%} < {SCORE_BAR:.0%}")
    from verify.core.provenance import provenance

    res["provenance"] = provenance()
    res["inputs"] = {"mode": "quick" if quick else "thorough", "only": args.only, "jobs": args.jobs,
                     "workers": args.workers, "scheduler": args.scheduler,
                     "resume_from": args.resume_from, "max_new": args.max_new,
                     "checkpoint": args.checkpoint, "commit_of_resume": args.commit_of_resume,
                     "scope": args.scope}
    res["passed"] = not why
    res["why"] = "; ".join(why) or "all bars met"
    from verify.core.atomic import write_atomic

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    write_atomic(out / "selftest.json", json.dumps(res, indent=2, sort_keys=True) + "\n")
    write_atomic(out / "selftest.md", render_md(res))
    log(f"selftest: {'PASS' if res['passed'] else 'FAIL'} — {res['why']} ({out}/selftest.md)")
    return 0 if res["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
