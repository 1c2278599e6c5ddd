"""Command line: salign derive | eval | check | simulate | reproduce | audit."""

from __future__ import annotations

import argparse
import json
import math
import sys
from fractions import Fraction
from pathlib import Path

from verify.core.errors import PrecisionError, UsageError
from verify.core.tolerances import PROFILES


class _DefaultsFormatter(argparse.HelpFormatter):
    """Help that shows each option's default (when it has a meaningful one, 0 included)."""

    def _get_help_string(self, action):
        text = action.help or ""
        d = action.default
        if ("default" not in text and action.option_strings and d is not None and d is not False
                and d is not argparse.SUPPRESS):
            text += " (default: %(default)s)"
        return text


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2
        raise UsageError(message)


def _positive_int(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if v <= 0:
        raise argparse.ArgumentTypeError(f"must be positive: {text!r}")
    return v


def _bounded_int(lo: int, hi: int):
    """argparse type: an integer in [lo, hi] (bounds keep every run's work finite)."""

    def parse(text: str) -> int:
        try:
            v = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
        if not lo <= v <= hi:
            raise argparse.ArgumentTypeError(f"must lie in {lo}..{hi}, got {text!r}")
        return v

    return parse


def _float(kind: str):
    """argparse type: a finite float that is 'positive' or 'nonneg' (NaN and ±inf rejected)."""

    def parse(text: str) -> float:
        try:
            v = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if not math.isfinite(v):
            raise argparse.ArgumentTypeError(f"must be finite, got {text!r}")
        if (kind == "positive" and v <= 0) or (kind == "nonneg" and v < 0):
            raise argparse.ArgumentTypeError(f"must be {'positive' if kind == 'positive' else 'non-negative'}"
                                             f", got {text!r}")
        return v

    return parse


MAX_GAP = 1e9  # beyond it the bulk's ηλ (≈ 10⁻¹⁴ η) nears float64's resolution of 1 − ηλ


def _gap(text: str) -> float:
    """argparse type of --m: the spectral gap of the paper's construction, a number in
    (1, MAX_GAP] (m ≤ 1 is no gap: the 'spectrum' would not be sorted, and every threshold built
    on it is meaningless; a huge m drives the bulk's dynamics below float64's resolution)."""
    v = _float("positive")(text)
    if not 1 < v <= MAX_GAP:
        raise argparse.ArgumentTypeError(f"the spectral gap m = λ_k/λ_{{k+1}} must exceed 1 and be "
                                         f"at most {MAX_GAP:.0e}, got {text!r}")
    return v


MAX_D = 1_000_000  # dimension of the paper's spectrum construction
MAX_STEPS = 100_000_000
MAX_SEEDS = 100_000
MAX_CELLS = 50_000_000  # seeds × d floats held at once (400 MB)
SEED = _bounded_int(0, 2**63 - 1)


def _switch_at(text: str):
    if text == "settled":
        return text
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("must be a step number or 'settled'") from None
    if v < 0:
        raise argparse.ArgumentTypeError("must be non-negative")
    return v


def _schedule(name: str, eta0: float, eta1: float, steps: int):
    """Step-size schedules t ↦ η_t from η_0 to η_1 over `steps` steps."""
    import math

    if name == "constant":
        return eta0
    if name == "linear":
        return lambda t: eta0 + (eta1 - eta0) * t / steps
    if name == "cosine":
        return lambda t: eta1 + 0.5 * (eta0 - eta1) * (1 + math.cos(math.pi * t / steps))
    return lambda t: max(eta1, eta0 / math.sqrt(1 + t))  # inverse-sqrt, floored at η_1


SCHEDULES = ("constant", "linear", "cosine", "inverse-sqrt")


PAPER_DEFAULTS = {"m": 50.0, "d": 500, "k": 50, "sigma": 0.5}


def _add_problem_args(p: argparse.ArgumentParser) -> None:
    """A problem is a case file or the paper's spectrum construction (docs/experiments.md). The
    spectrum options default to None so that giving one with --case can be refused."""
    p.add_argument("--case", metavar="FILE", help="case file (JSON): spectrum, k, noise, state")
    p.add_argument("--paper-spectrum", action="store_true",
                   help="the paper's §7 spectrum construction instead of a case file")
    p.add_argument("--m", type=_gap, metavar="GAP",
                   help="spectral gap m = λ_k/λ_{k+1}, greater than 1 (dimensionless; default 50)")
    p.add_argument("--d", type=_bounded_int(2, MAX_D), metavar="DIM", help="dimension (default 500)")
    p.add_argument("--k", type=_positive_int, metavar="K",
                   help="size of the dominant block (default 50)")
    p.add_argument("--sigma", type=_float("nonneg"), metavar="SIGMA",
                   help="isotropic noise standard deviation σ (default 0.5)")


def _build() -> argparse.ArgumentParser:
    p = _Parser(prog="salign", description="Verify 'Suspicious Alignment of SGD' (ALT 2026)")
    from verify import __version__

    p.add_argument("--version", action="version", version=f"salign {__version__}",
                   help="print the package version and exit")
    sub = p.add_subparsers(dest="cmd", required=True, parser_class=_Parser)
    F = _DefaultsFormatter
    d = sub.add_parser("derive", help="print the SymPy derivations", formatter_class=F)
    d.add_argument("ids", nargs="*", help="derivation or claim ids (default: every derivation)")
    d.add_argument("--format", choices=("text", "latex", "json"), default="text",
                   help="output format")
    d.add_argument("--standalone", action="store_true",
                   help="with --format latex: a complete LaTeX document (preamble, one section per "
                        "derivation, the paper's reference) instead of a body to paste")
    e = sub.add_parser("eval", help="evaluate every quantity at a case", formatter_class=F)
    e.add_argument("--case", required=True, metavar="FILE", help="case file (JSON, docs/design.md)")
    e.add_argument("--eta", help="step size η (exact decimal or fraction string; default: the "
                                 "case's eta)")
    e.add_argument("--dps", type=_positive_int, default=50,
                   help="significant decimal digits of every printed quantity (≤ 2000)")
    e.add_argument("--json", action="store_true", help="JSON with inputs and provenance")
    e.add_argument("--claim", metavar="ID",
                   help="also decide this claim at the case: holds / violated, its margin "
                        "(negative = violated) and the two sides of its inequality")
    c = sub.add_parser("check", help="run claim checkers", formatter_class=F)
    c.add_argument("ids", nargs="*", help="claim ids (default: every claim; see --list)")
    c.add_argument("--profile", choices=tuple(PROFILES), default="ci",
                   help="search budget: " + ", ".join(f"{k} = {v} random states per margin claim"
                                                      for k, v in PROFILES.items()))
    c.add_argument("--seed", type=SEED, default=0, help="seed of the counterexample search")
    c.add_argument("--json", action="store_true", help="JSON results with provenance")
    c.add_argument("--strict", action="store_true", help="exit 1 if any claim is refuted")
    c.add_argument("--list", action="store_true", help="list the claims and exit")
    c.add_argument("--out", help="also write the JSON results to this file (atomically)")
    c.add_argument("--cases-dir", metavar="DIR",
                   help="write each counterexample as a case file DIR/ID.json (re-check it with "
                        "`salign eval --case DIR/ID.json --claim ID`)")
    c.add_argument("--paper-states-dir", metavar="DIR",
                   help="write every random state of the paper's §7 setting behind a claim's "
                        "severity count as a case file DIR/ID/m<m>-t<t>-seed<seed>.json, with "
                        "DIR/ID/index.json recording m, t, η, the verdict and each violation's size "
                        "(re-check one: `salign eval --case DIR/ID/<file> --claim ID`)")
    _add_execution_args(c)
    s = sub.add_parser("simulate", help="run SGD / DSGD / BSGD", formatter_class=_DefaultsFormatter,
                       description="Simulate SGD (or Dom-/Bulk-SGD) in the eigenbasis. Output by the "
                       "extension of --out: FILE.json (per-step decimal JSON), FILE.npz (binary "
                       "arrays + metadata), anything else a directory with simulate.npz and "
                       "simulate.json (inputs, provenance, steady-state summary).")
    _add_problem_args(s)
    s.add_argument("--method", choices=("sgd", "dsgd", "bsgd"), default="sgd",
                   help="SGD, Dom-SGD (moves the top-k block) or Bulk-SGD (moves the rest)")
    s.add_argument("--steps", type=_bounded_int(1, MAX_STEPS), default=1000, help="number of updates")
    s.add_argument("--seeds", type=_bounded_int(1, MAX_SEEDS), default=1,
                   help="independent runs (rows), each with its own x_0 and noise stream")
    s.add_argument("--seed", type=SEED, default=0, help="master seed of x_0 and the noise streams")
    s.add_argument("--eta", type=_float("positive"), default=0.003, help="step size η (initial η_0)")
    s.add_argument("--schedule", choices=tuple(SCHEDULES), default="constant", help="step-size schedule")
    s.add_argument("--eta-final", type=_float("positive"),
                   help="final step size of a schedule (None: η/10)")
    s.add_argument("--switch-at", type=_switch_at,
                   help="a step, or 'settled', to switch methods at (default: never)")
    s.add_argument("--switch-method", choices=("dsgd", "bsgd"),
                   help="method after --switch-at (default: --method's, i.e. no change)")
    s.add_argument("--settle-window", type=_positive_int, default=1000,
                   help="'settled': window length, steps")
    s.add_argument("--settle-tol", type=_float("positive"), default=1e-2,
                   help="'settled': window means of the seed-mean alignment move less than this")
    s.add_argument("--track-loss-thresholds", action="store_true",
                   help="also record Theorem 10's η^loss_D, η^loss_B of every recorded state")
    s.add_argument("--expected", action="store_true",
                   help="the exact expected trajectory (Lemma 26) instead of samples")
    s.add_argument("--grouped", action="store_true",
                   help="exact-in-law sampler over groups of equal (λ, κ²): O(groups) per step")
    s.add_argument("--record-every", type=_positive_int, default=1, metavar="R",
                   help="record every R-th step (steps)")
    s.add_argument("--jump", action="store_true",
                   help="with --record-every R, constant η, no switch: reach each record by the exact "
                   "R-step transition (the same law at the recorded steps, R× fewer draws)")
    s.add_argument("--engine", choices=("auto", "fused", "numpy"), default="auto",
                   help="fused: compiled one-pass kernel (diagonal noise, step or no switch); numpy: "
                   "vectorised engine (any covariance, 'settled', loss thresholds); auto: fused when "
                   "it applies")
    s.add_argument("--out", required=True, metavar="PATH",
                   help="FILE.json, FILE.npz, or a directory (see above)")
    s.add_argument("--plot", metavar="FILE.png", help="also write a PNG figure of alignment and loss")
    ph = sub.add_parser("phases", help="two-phase analysis of the exact expected trajectory",
                        formatter_class=F)
    _add_problem_args(ph)
    ph.add_argument("--eta", type=_float("positive"),
                    help="analyse one step size (default: sweep (0, 2/λ_1))")
    ph.add_argument("--grid", type=_bounded_int(1, 10_000), default=40,
                    help="step sizes in the sweep over (0, 2/λ_1)")
    ph.add_argument("--json", action="store_true", help="JSON with inputs and provenance")
    dg = sub.add_parser("diagram", help="(θ, η) phase diagram figure for a case's state family",
                        formatter_class=F)
    _add_problem_args(dg)
    dg.add_argument("--seed", type=SEED, default=0, help="seed of the simulated one-step outcomes")
    dg.add_argument("--out", required=True, metavar="FILE.png", help="figure (PNG)")
    dg.add_argument("--json", action="store_true",
                    help="print the figure's summary (inputs, provenance) as JSON")
    r = sub.add_parser("reproduce", help="rerun the §7 experiments", formatter_class=F)
    r.add_argument("--quick", action="store_true", help="gaps m = 5, 50, 500 only")
    r.add_argument("--out", default="reproduce-out", metavar="DIR", help="output directory")
    r.add_argument("--json", action="store_true", help="print the tables as JSON")
    _add_execution_args(r)
    from verify.execution.sweep import add_parser as _add_sweep

    _add_sweep(sub)
    a = sub.add_parser("audit", help="derive, check, reproduce; write the report", formatter_class=F)
    a.add_argument("--out", default="audit-out", metavar="DIR", help="report directory (atomic)")
    a.add_argument("--profile", choices=tuple(PROFILES), default="ci", help="check budget")
    a.add_argument("--seed", type=SEED, default=0, help="seed of the searches")
    a.add_argument("--strict", action="store_true", help="exit 1 if any claim is refuted")
    a.add_argument("--full-reproduction", action="store_true", help="all nine gaps of §7")
    a.add_argument("--no-prove", action="store_true",
                   help="skip the SMT proofs for every d (the report says it was skipped)")
    a.add_argument("--resolve", action="store_true",
                   help="run z3 and cvc5 on every encoded claim, also those with a shipped "
                        "certificate (by default a certificate is re-checked instead)")
    a.add_argument("--no-network", action="store_true",
                   help="skip the quick network study (the report says it was skipped)")
    from verify.network.command import add_parser as _add_network  # no jax import (optional extra)
    _add_network(sub)
    from verify.proofs.command import add_certify_parser as _add_certify
    from verify.proofs.command import add_parser as _add_prove

    _add_prove(sub)
    _add_certify(sub)
    from verify.conjecture.command import add_parser as _add_conjecture

    _add_conjecture(sub)
    return p


def _add_execution_args(p: argparse.ArgumentParser) -> None:
    """--workers / --scheduler of the execution layer (verify.execution.tasks.run_tasks)."""
    from verify.execution.tasks import scheduler_arg, workers_arg

    p.add_argument("--workers", type=workers_arg, default=1,
                   help="local worker processes (Dask LocalCluster), at most the machine's cores; "
                        "1 = serial (default: 1)")
    p.add_argument("--scheduler", metavar="ADDRESS", type=scheduler_arg,
                   help="run the tasks on an existing Dask cluster (tcp://host:port)")


def _cmd_sweep(args) -> int:
    from verify.execution.sweep import run

    return run(args)


def _cmd_derive(args) -> int:
    from derivations.registry import derivation_ids, get_derivations
    from verify.claims import CLAIMS_BY_ID
    from verify.report.render import render_derivations

    known = derivation_ids()
    ids: list[str] = []
    for i in args.ids:
        if i in known:
            der = i
        elif i in CLAIMS_BY_ID and CLAIMS_BY_ID[i].derivation:
            der = CLAIMS_BY_ID[i].derivation  # a claim id: the derivation that states it
        elif i in CLAIMS_BY_ID:
            raise UsageError(f"claim '{i}' has no SymPy derivation (it is checked by "
                             f"{CLAIMS_BY_ID[i].checker}); see `salign check {i}`")
        else:
            raise UsageError(f"unknown derivation or claim id '{i}'; derivations: {', '.join(known)}")
        if der not in ids:
            ids.append(der)
    if args.standalone and args.format != "latex":
        raise UsageError("--standalone applies to --format latex only")
    sys.stdout.write(render_derivations(get_derivations(ids or None), args.format, args.standalone))
    return 0


def _slow_progress(label: str, unit: str, after: float = 2.0, every: float = 2.0):
    """(callback(done, total), close) for work of unknown length: silent for its first `after`
    seconds, then done/total, rate and ETA on stderr (verify.execution.progress) — a long stage is
    never silent, a short one prints nothing."""
    import time

    from verify.execution.progress import Progress

    t0 = time.monotonic()
    bar: list = []

    def callback(done: int, total: int) -> None:
        if not bar:
            if time.monotonic() - t0 < after:
                return
            bar.append(Progress(total, label, unit, every=every))
            bar[0].t0 = t0  # the rate counts from the start of the work
        bar[0].total = max(1, total)
        bar[0].update(done)

    def close(final: bool = True) -> None:
        if bar:
            if final:  # finished: the count done is the total
                bar[0].total = max(1, bar[0].done)
            bar[0].close(final)

    return callback, close


def _cmd_eval(args) -> int:
    import mpmath

    from verify.core.cases import load_case, parse_number
    from verify.core.errors import CaseError
    from verify.core.theory import decimal_quantities

    case = load_case(args.case)
    eta = case.eta
    if args.eta is not None:
        try:
            eta = parse_number(args.eta, "--eta")
        except CaseError as exc:
            raise UsageError(str(exc).replace("case field '--eta'", "--eta")) from None
        if eta <= 0:
            raise UsageError("--eta must be positive")
    if args.dps > 2000:
        raise UsageError("--dps must be at most 2000")
    verdict = None
    from verify.core.expected_ratio import QUAD_PROGRESS

    progress, close = _slow_progress("eval: E[θ_{t+1}] quadrature", "integrand evaluations")
    token = QUAD_PROGRESS.set(progress)  # large d: done/total, rate, ETA on stderr after ~2 s
    try:
        if args.claim:
            from verify.claims.search import evaluate_claim

            verdict = evaluate_claim(args.claim, case.with_eta(eta))
        q = decimal_quantities(case, args.dps, eta)
    except BaseException:
        close(final=False)
        raise
    finally:
        QUAD_PROGRESS.reset(token)
    close()
    if args.json:
        from verify.core.provenance import provenance

        out = {"schema_version": 1, "dps": args.dps, "quantities": q, "provenance": provenance(),
               "inputs": {"case": case.to_json_obj(), "eta": None if eta is None else str(eta),
                          "dps": args.dps}}
        if verdict is not None:
            out["claim"] = verdict
        sys.stdout.write(json.dumps(out, sort_keys=True, indent=1, ensure_ascii=False) + "\n")
    else:
        if verdict is not None:
            sys.stdout.write(f"claim {verdict['claim_id']}: {verdict['verdict'].upper()}\n"
                             f"  statement: {verdict['statement']}\n"
                             f"  margin ({verdict['quantity']}): {verdict['margin']}\n"
                             f"  sign convention: {verdict['sign_convention']}\n")
            for name, v in verdict.get("sides", {}).items():
                sys.stdout.write(f"  {name:26s} {v}\n")
            sys.stdout.write("\n")
        with mpmath.workdps(10):
            for name, v in q.items():
                sys.stdout.write(f"{name:28s} {v if v is not None else 'undefined'}\n")
    return 0


def _cmd_check(args) -> int:
    from verify.claims import CLAIMS, CLAIMS_BY_ID
    from verify.claims.search import run_claim
    from verify.core.results import REFUTED
    from verify.report.render import check_json_obj, render_check_text

    if args.list:
        for c in CLAIMS:
            sys.stdout.write(f"{c.id:18s} {c.kind:12s} {c.reference}\n")
        return 0
    ids = args.ids or [c.id for c in CLAIMS]
    if args.out is not None:  # an empty path is an error, not "no output"
        _output_file(args.out)
    if args.cases_dir is not None:
        _output_dir(args.cases_dir, "--cases-dir")
    for i in ids:
        if i not in CLAIMS_BY_ID:
            raise UsageError(f"unknown claim id '{i}' (see `salign check --list`)")
    if args.paper_states_dir is not None:
        _paper_states_ids(args.paper_states_dir, ids, CLAIMS_BY_ID)
    from verify.execution.tasks import run_tasks

    # one task per claim (its seed is the claim's own, derived inside run_claim from --seed and
    # the claim id), so the results are the same serially and on any number of workers
    results = run_tasks(run_claim, [(i, args.profile, args.seed) for i in ids], workers=args.workers,
                        scheduler=args.scheduler, label="check", progress=True)
    if not args.json:
        for i, r in zip(ids, results):
            sys.stderr.write(f"  checked {i}: {r.status}\n")
    text = json.dumps(check_json_obj(results, args.profile, args.seed), sort_keys=True, indent=1,
                      ensure_ascii=False) + "\n"
    if args.out:
        from verify.core.atomic import write_atomic

        write_atomic(args.out, text)
    if args.cases_dir:
        from verify.core.atomic import write_atomic

        Path(args.cases_dir).mkdir(parents=True, exist_ok=True)
        written = 0
        for r in results:
            if r.counterexample is not None:
                where = Path(args.cases_dir) / f"{r.claim_id}.json"
                write_atomic(where, json.dumps(r.counterexample, sort_keys=True, indent=1) + "\n")
                written += 1
                sys.stderr.write(f"  {r.claim_id}: witness written to {where} (re-check: salign "
                                 f"eval --case {where} --claim {r.claim_id})\n")
        if not written:
            sys.stderr.write(f"  no witness to write to {args.cases_dir}: no checked claim has a "
                             "counterexample\n")
    if args.paper_states_dir:
        from verify.claims.severity import export_paper_states

        for i in _paper_states_ids(args.paper_states_dir, ids, CLAIMS_BY_ID):
            index = export_paper_states(CLAIMS_BY_ID[i], args.paper_states_dir, args.seed)
            bad = [r["file"] for r in index if r["verdict"] == "violated"]
            sys.stderr.write(f"  {i}: {len(index)} §7 states written to "
                             f"{Path(args.paper_states_dir) / i}/ ({len(bad)} violate it"
                             + (f", e.g. {bad[0]}" if bad else "") + ")\n")
    if args.json:
        sys.stdout.write(text)
    else:
        sys.stdout.write(render_check_text(results))
    return 1 if args.strict and any(r.status == REFUTED for r in results) else 0


def _problem(args, n_rows: int = 1, seed: int = 0):
    """(λ, k, κ², x0 rows, Cholesky factor or None) from --case or --paper-spectrum."""
    import numpy as np

    if bool(args.case) == bool(args.paper_spectrum):
        raise UsageError("give exactly one of --case or --paper-spectrum")
    given = [f"--{n}" for n in PAPER_DEFAULTS if getattr(args, n, None) is not None]
    if args.case and given:
        raise UsageError(f"{', '.join(given)} would be ignored with --case (the case file defines "
                         "the spectrum, k and the noise)")
    for n, v in PAPER_DEFAULTS.items():
        if getattr(args, n, None) is None:
            setattr(args, n, v)
    if args.case:
        from verify.core.cases import load_case
        from verify.simulation.engines import case_arrays

        case = load_case(args.case)
        k = case.k
        try:  # the float64 commands: a case beyond float64's range is refused, never run on inf
            with np.errstate(over="raise"):
                lam, kap, x0, chol = case_arrays(case, n_rows)
                np.square(lam * x0[0])  # every row is the case's state
                np.square(lam * kap)
        except (OverflowError, FloatingPointError):
            raise UsageError(f"--case {args.case}: its numbers exceed float64's range, in which "
                             f"`salign {args.cmd}` computes; rescale the problem (eval and check "
                             "are exact)") from None
    else:
        d, k = args.d, args.k
        if not 1 <= k < d:
            raise UsageError("--k must lie in 1..d-1")
        if args.m <= 1:
            raise UsageError("--m: the spectral gap m = λ_k/λ_{k+1} must exceed 1")
        from verify.simulation.paper import paper_spectrum_array  # no verify.core (mpmath) import

        lam = paper_spectrum_array(Fraction(str(args.m)), d, k)
        if args.sigma < 0:
            raise UsageError("--sigma must be non-negative")
        kap = np.full(d, args.sigma**2)
        x0 = np.random.default_rng(seed).standard_normal((n_rows, d))
        chol = None
    return lam, k, kap, x0, chol


def _cmd_simulate(args) -> int:
    import numpy as np

    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return _simulate(args)


def _simulate_params(args, lam, k, kap) -> dict:
    """Every input of a simulate run (what the output must record to be re-run)."""
    import hashlib

    p = {"method": args.method, "steps": args.steps, "seeds": args.seeds, "seed": args.seed,
         "eta": args.eta, "schedule": args.schedule, "record_every": args.record_every,
         "d": int(len(lam)), "k": int(k), "switch_at": args.switch_at,
         "switch_method": args.switch_method, "jump": args.jump,
         "track_loss_thresholds": args.track_loss_thresholds}
    if args.schedule != "constant":
        p["eta_final"] = args.eta_final if args.eta_final is not None else args.eta / 10
    if args.switch_at == "settled":
        p.update(settle_window=args.settle_window, settle_tol=args.settle_tol)
    if args.case:
        p["case"] = {"path": args.case,
                     "sha256": hashlib.sha256(Path(args.case).read_bytes()).hexdigest()}
    else:
        p["paper_spectrum"] = {"m": args.m, "sigma": args.sigma}
    return p


def _simulate(args) -> int:
    import numpy as np

    from verify.simulation.engines import expected_trajectory, group_levels, grouped_sgd, simulate

    if args.eta <= 0 or (args.sigma is not None and args.sigma < 0):
        raise UsageError("--eta must be positive and --sigma non-negative")
    out_path = Path(args.out)
    fmt = {".json": "json", ".npz": "npz"}.get(out_path.suffix.lower(), "dir")
    if fmt == "dir":
        _output_dir(args.out)
    else:
        _output_file(args.out)
    if args.plot:
        _output_file(args.plot, "--plot")
        if Path(args.plot).suffix.lower() != ".png":
            raise UsageError(f"--plot {args.plot}: figures are PNG; give a file name ending in .png")
    if args.switch_method and args.switch_at is None:
        raise UsageError("--switch-method needs --switch-at")
    if args.jump and (args.schedule != "constant" or args.switch_at is not None or args.expected
                      or args.grouped):
        raise UsageError("--jump needs a constant step size and no --switch-at/--expected/--grouped")
    if args.seeds * ((args.d or 500) if args.paper_spectrum else 1) > MAX_CELLS:
        raise UsageError(f"--seeds × --d must be at most {MAX_CELLS} (memory bound)")
    lam, k, kap, x0, chol = _problem(args, args.seeds, args.seed)
    if args.seeds * len(lam) > MAX_CELLS:
        raise UsageError(f"--seeds × d must be at most {MAX_CELLS} (memory bound)")
    params = _simulate_params(args, lam, k, kap)
    eta_final = args.eta_final if args.eta_final is not None else args.eta / 10
    eta = _schedule(args.schedule, args.eta, eta_final, args.steps)
    if args.grouped:
        if chol is not None or args.method != "sgd" or args.schedule != "constant" or \
                args.switch_at is not None:
            raise UsageError("--grouped supports plain constant-step SGD with diagonal noise")
        if fmt != "json":
            raise UsageError("--grouped writes JSON: give --out FILE.json")
        g = group_levels(lam, k, kap, x0)
        if len(g.sizes) > 64:
            raise UsageError(f"--grouped needs few distinct (λ, κ²) groups, found {len(g.sizes)}")
        tr = grouped_sgd(g.lam, g.sizes, g.k_groups, g.kappa2, g.energy0, args.eta, args.steps,
                         args.seed)
        data = {"schema_version": 1, "kind": "samples", "method": "sgd", "sampler": "grouped",
                "seed": args.seed, "record_every": 1, "parameters": params,
                **_series(tr, TRAJ_NAMES)}
        from verify.core.atomic import write_atomic
        from verify.core.provenance import provenance

        data["provenance"] = provenance()
        write_atomic(args.out, json.dumps(data, sort_keys=True) + "\n")
        _wrote(args, fmt, "grouped SGD samples")
        return 0
    if args.expected:
        if fmt != "json":
            raise UsageError("--expected writes JSON: give --out FILE.json")
        ts = np.arange(0, args.steps + 1, args.record_every)
        ex = expected_trajectory(lam, k, kap, (x0**2).mean(axis=0), args.eta, ts)
        data = {"schema_version": 1, "kind": "expected", "t": ts.tolist(), "parameters": params,
                **{n: [_fmt(v) for v in ex[n]] for n in ("alignment", "E_s_D", "E_s_B",
                                                         "E_loss")}}
    else:
        fused_ok = chol is None and args.switch_at != "settled" and not args.track_loss_thresholds
        if args.engine == "fused" and not fused_ok:
            raise UsageError("--engine fused needs diagonal noise, no 'settled' switch and no "
                             "--track-loss-thresholds")
        if args.jump and not fused_ok:
            raise UsageError("--jump runs on the fused engine: diagonal noise, no loss thresholds")
        use_fused = args.engine == "fused" or (args.engine == "auto" and fused_ok)
        from verify.execution.progress import Progress

        bar = Progress(args.steps, "simulate", "steps") if args.steps * len(lam) * args.seeds >= 5e7 \
            else None
        import threading

        # what writing the output needs (provenance: git, versions; the writer's imports) is
        # prepared on a second thread while the engine runs without the GIL, off the critical path
        prep = threading.Thread(target=_prepare_output, daemon=True)
        prep.start()
        if use_fused:
            from verify.simulation.fused import simulate_fused

            tr = simulate_fused(lam, k, kap, x0, eta, args.steps, args.seed, args.method,
                                args.record_every, args.switch_at, args.switch_method,
                                progress=bar.update if bar else None, jump=args.jump,
                                log=lambda msg: sys.stderr.write(msg + "\n"))
        else:
            tr = simulate(lam, k, kap, x0, eta, args.steps, args.seed, args.method, chol,
                          args.record_every, args.switch_at, args.switch_method,
                          progress=bar.update if bar else None,
                          track_loss_thresholds=args.track_loss_thresholds,
                          settle_window=args.settle_window, settle_tol=args.settle_tol)
        if bar:
            bar.close()
        prep.join()
        params["engine"] = "fused" if use_fused else "numpy"
        data = {"schema_version": 1, "kind": "samples", "method": args.method,
                "seed": args.seed, "record_every": args.record_every,
                "schedule": args.schedule, "switched_at": tr.switched_at, "parameters": params}
        if args.plot:
            _plot_run(tr, args.record_every, args.plot, params)
        if fmt != "json":
            from verify.core.provenance import provenance
            from verify.simulation.output import write_npz_and_meta

            bad = _diverged(tr)
            if bad.any():
                data["diverged_at_record"] = [int(np.argmax(col)) if col.any() else None
                                              for col in bad.T]
                sys.stderr.write("salign: note: the run diverged (float64 overflow; η beyond the "
                                 "stability limit); values from then on are NaN\n")
            data["provenance"] = provenance()
            write_npz_and_meta(tr, args.record_every, data, args.out, bad)
            _wrote(args, fmt, f"{args.method.upper()} samples")
            return 0
        names = TRAJ_NAMES + (("eta_loss_D", "eta_loss_B") if args.track_loss_thresholds else ())
        data.update(_series(tr, names))
    from verify.core.atomic import write_atomic
    from verify.core.provenance import provenance

    data["provenance"] = provenance()
    write_atomic(args.out, json.dumps(data, sort_keys=True) + "\n")
    _wrote(args, fmt, "the exact expected trajectory" if args.expected
           else f"{args.method.upper()} samples")
    return 0


def _wrote(args, fmt: str, what: str) -> None:
    """simulate's one line on success: what was run and where it was written."""
    files = (f"{args.out}/simulate.npz and {args.out}/simulate.json" if fmt == "dir"
             else str(args.out))
    runs = "" if args.expected else f" × {args.seeds} seed{'s' if args.seeds != 1 else ''}"
    plot = f" (figure: {args.plot})" if args.plot else ""
    sys.stdout.write(f"wrote {files}: {what}, {args.steps} steps{runs}{plot}\n")


TRAJ_NAMES = ("alignment", "loss", "s_D", "s_B")


def _prepare_output() -> None:
    """Compute the (cached) provenance and import the .npz writer; any failure is left for the
    main thread to meet again and report."""
    try:
        from verify.core.provenance import provenance
        from verify.simulation import output  # noqa: F401

        provenance()
    except Exception:  # met again, and reported, by the main thread
        pass


def _fmt(v: float) -> str | None:
    """A float as a 12-digit decimal string; None (JSON null) when not finite."""
    return f"{v:.12g}" if math.isfinite(v) else None


def _diverged(tr):
    """records × seeds mask: the run has overflowed float64 (η beyond the stability limit):
    from the first non-finite energy on, every recorded value of that seed is undefined."""
    import numpy as np

    bad = ~(np.isfinite(tr.loss) & np.isfinite(tr.s_D) & np.isfinite(tr.s_B))
    return np.logical_or.accumulate(bad, axis=0)


def _series(tr, names) -> dict:
    """Trajectory arrays (records × seeds) as per-seed and seed-mean decimal strings; values
    after a seed diverged are null (and so is the mean over seeds at those records)."""
    import numpy as np

    bad = _diverged(tr)
    out: dict = {}
    for n in names:
        arr = np.where(bad, np.nan, getattr(tr, n))
        out[n] = {"per_seed": [[_fmt(v) for v in col] for col in arr.T],
                  "mean": [_fmt(v) for v in arr.mean(axis=1)]}
    first = [int(np.argmax(col)) * 1 if col.any() else None for col in bad.T]
    if any(f is not None for f in first):
        out["diverged_at_record"] = first
        sys.stderr.write("salign: note: the run diverged (float64 overflow; η beyond the "
                         "stability limit); values from then on are null\n")
    return out


def _plot_run(tr, every: int, path: str, params: dict | None = None) -> None:
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from verify.core.atomic import write_atomic

    t = np.arange(tr.alignment.shape[0]) * every
    fig, ax = plt.subplots(2, 1, figsize=(7, 5), sharex=True)
    ax[0].semilogy(t, tr.loss, lw=0.6)
    ax[0].set_ylabel("loss")
    ax[1].plot(t, tr.alignment, lw=0.6)
    ax[1].set_ylabel("alignment θ_t")
    ax[1].set_xlabel("step")
    if tr.switched_at is not None:
        for a in ax:
            a.axvline(tr.switched_at, color="k", ls=":")
    if params is not None:
        where = (f"m = {params['paper_spectrum']['m']:g}, σ = {params['paper_spectrum']['sigma']:g}"
                 if "paper_spectrum" in params else f"case {Path(params['case']['path']).name}")
        ax[0].set_title(f"{params['method'].upper()}, η = {params['eta']:g} ({params['schedule']}), "
                        f"d = {params['d']}, k = {params['k']}, {where}, {params['seeds']} seed(s)",
                        fontsize=9)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, metadata={"Software": None})
    plt.close(fig)
    write_atomic(path, buf.getvalue())


def _problem_inputs(args, lam, k) -> dict:
    """The problem's inputs as recorded in a JSON output (enough to re-run the command)."""
    import hashlib

    p: dict = {"d": int(len(lam)), "k": int(k)}
    if args.case:
        p["case"] = {"path": args.case,
                     "sha256": hashlib.sha256(Path(args.case).read_bytes()).hexdigest()}
    else:
        p["paper_spectrum"] = {"m": args.m if args.m is not None else PAPER_DEFAULTS["m"],
                               "sigma": args.sigma if args.sigma is not None
                               else PAPER_DEFAULTS["sigma"]}
    return p


def _text(v) -> str:
    """A value in text output: yes/no, 'undefined' for None, floats to 10 significant digits
    (the JSON output keeps every digit) — never a Python repr."""
    if isinstance(v, bool):
        return "yes" if v else "no"
    if v is None:
        return "undefined"
    if isinstance(v, float):
        return f"{v:.10g}"
    if isinstance(v, (list, tuple)):
        return ", ".join(_text(w) for w in v)
    return str(v)


def _exact_problem(args, k: int) -> tuple[list, list, list]:
    """(λ, κ², c_{i,0}²) of --case (its exact entries; c_0² from its state) or of the paper's
    construction (exact spectrum, κ² = σ², E c_{i,0}² = 1), as Fractions."""
    if args.case:
        from verify.core.cases import load_case

        case = load_case(args.case)
        return list(case.eigenvalues), list(case.kappa2), [s * s for s in case.state]
    from verify.core.spectrum import paper_spectrum

    lam = paper_spectrum(Fraction(str(args.m)), args.d, k)
    return lam, [Fraction(str(args.sigma)) ** 2] * len(lam), [Fraction(1)] * len(lam)


def _cmd_phases(args) -> int:
    from verify.core.provenance import provenance
    from verify.simulation.two_phase import analyze, sweep

    lam, k, _, _, _ = _problem(args)
    lam, kap, c0sq = _exact_problem(args, k)  # Assumption 14 is decided exactly, as check does
    for what, vals in (("eigenvalues", lam), ("noise variances", kap), ("squared state", c0sq)):
        if not all(abs(v) <= sys.float_info.max for v in vals):  # the trajectory is float64
            raise UsageError(f"--case {args.case}: its {what} exceed float64's range (the expected "
                             "trajectory is computed in float64); rescale the problem")
    if args.eta is not None:
        if args.eta <= 0:
            raise UsageError("--eta must be positive")
        eta = Fraction(str(args.eta))  # the decimal as typed (shortest repr of the float)
        out = {"schema_version": 1, "report": analyze(lam, k, kap, c0sq, eta).to_json_obj()}
    else:
        from verify.execution.progress import Progress

        bar: list = []

        def tick(done: int, total: int) -> None:
            if not bar:
                bar.append(Progress(total, label="phases", unit="step sizes"))
            bar[0].update(done)

        out = {"schema_version": 1, "two_over_lambda1": 2 / float(lam[0]),
               "ranges": sweep(lam, k, kap, c0sq, args.grid, progress=tick)}
        if bar:
            bar[0].close()
    out["inputs"] = {**_problem_inputs(args, lam, k), "eta": args.eta, "grid": args.grid}
    out["provenance"] = provenance()
    if args.json:
        sys.stdout.write(json.dumps(out, sort_keys=True, indent=1) + "\n")
    elif "report" in out:
        for key, v in out["report"].items():
            if isinstance(v, dict):  # assumption14: one line per part
                sys.stdout.write(f"{key}:\n")
                for sub, w in v.items():
                    sys.stdout.write(f"  {sub:20s} {_text(w)}\n")
            else:
                sys.stdout.write(f"{key:22s} {_text(v)}\n")
    else:
        sys.stdout.write(f"2/λ_1 = {out['two_over_lambda1']:.6g}\n")
        for r in out["ranges"]:
            sys.stdout.write(f"η ∈ [{r['eta_min']:.4g}, {r['eta_max']:.4g}] ({r['n']} grid "
                             f"points, Assumption 14 met at {r['n_assumption14_met']}): "
                             f"{r['shape']}\n")
    return 0


def _cmd_diagram(args) -> int:
    from verify.report.diagram import phase_diagram

    if Path(args.out).suffix.lower() != ".png":
        raise UsageError(f"--out {args.out}: the figure is written as PNG; give a .png file name")
    _output_file(args.out)
    lam, k, kap, x0, chol = _problem(args, 1, args.seed)
    if chol is not None:
        raise UsageError("diagram supports isotropic or diagonal noise")
    from verify.core.provenance import provenance

    eta, bounds = None, None
    if args.case:  # the case's own step and the paper's η*-bounds decided exactly at its state
        from verify.core.cases import load_case
        from verify.report.diagram import case_bounds

        case = load_case(args.case)
        eta = float(case.eta) if case.eta is not None else None
        bounds = case_bounds(case)
    res = phase_diagram(lam, k, kap, x0[0], args.out, seed=args.seed, eta=eta, bounds=bounds)
    res = {"schema_version": 1, **res, "provenance": provenance(),
           "inputs": {**_problem_inputs(args, lam, k), "seed": args.seed, "out": args.out}}
    if args.json:
        sys.stdout.write(json.dumps(res, sort_keys=True) + "\n")
    else:
        agree = (f"; the simulated one-step sign agrees with Θ at {res['mc_sign_agrees_with_Theta']}"
                 f" of {res['points']} points" if "points" in res else "")
        shown = (f"; marks the case's state (θ = {res['case_state']['theta']:.4g})"
                 + (" and the bound it violates: " + ", ".join(res["violated_bounds"])
                    if res["violated_bounds"] else ""))
        sys.stdout.write(f"wrote {args.out}: (θ, η) phase diagram, d = {len(lam)}, k = {k}{agree}"
                         f"{shown}\n")
    return 0


def _output_dir(path: str, flag: str = "--out") -> Path:
    """Validate an output directory before any work is done: a directory (or none yet) where
    this process can write (a probe file, removed at once)."""
    from verify.core.atomic import check_writable

    return check_writable(path, flag, kind="dir")


def _paper_states_ids(path: str, ids: list[str], claims: dict) -> list[str]:
    """The requested claims decided at single states (whose §7 states --paper-states-dir writes);
    the directory is validated first, and a request naming none of them is a usage error."""
    _output_dir(path, "--paper-states-dir")  # a directory this process can write, before any work
    keep = [i for i in ids if claims[i].margin is not None]
    if not keep:
        raise UsageError("--paper-states-dir: none of the requested claims is decided at single "
                         "states (margin claims; see `salign check --list`)")
    return keep


def _output_file(path: str, flag: str = "--out") -> Path:
    """Validate an output file before any work is done: not a directory, and its directory
    writable by this process (a probe file, removed at once)."""
    from verify.core.atomic import check_writable

    return check_writable(path, flag, kind="file")


def _cmd_reproduce(args) -> int:
    from verify.core.atomic import write_atomic
    from verify.execution.reproduce_tasks import reproduce
    from verify.simulation.reproduce import PAPER_M, figures

    _output_dir(args.out)
    ms = (5, 50, 500) if args.quick else PAPER_M
    res = reproduce(ms, workers=args.workers, scheduler=args.scheduler)  # one task per gap m
    import os
    import shutil
    import tempfile

    from verify.core.provenance import provenance

    out = Path(args.out)
    payload = json.dumps({"schema_version": 1, "rows": res.rows, "phase1": res.phase1,
                          "inputs": {"ms": list(ms), "quick": args.quick,
                                     "setting": getattr(res, "setting", None)},
                          "provenance": provenance()}, sort_keys=True, indent=1) + "\n"
    # every output is written into a staging directory first and moved into --out only once all
    # exist, so an interrupt while the figures are drawn leaves the earlier outputs untouched
    parent = out.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    try:
        staging = Path(tempfile.mkdtemp(prefix=".reproduce-staging-", dir=parent))
        try:
            figures(res, staging)
            write_atomic(staging / "reproduce.json", payload)
            out.mkdir(exist_ok=True)
            for p in sorted(staging.iterdir()):
                os.replace(p, out / p.name)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    except OSError as exc:  # full disk, …: name --out, never the hidden staging directory
        if exc.errno is None:
            raise
        raise OSError(exc.errno, exc.strerror, args.out) from None
    if args.json:
        sys.stdout.write(payload)
    else:
        for r in res.rows:
            ci = f"[{r['ci95'][0]}, {r['ci95'][1]}]" if r.get("ci95") else "undefined"
            sys.stdout.write(f"m = {r['m']:4d}: steady state {r['steady_mean']}, 95 % CI {ci}; "
                             f"exact finite-d {r['finite_d_expected']}; θ_∞ {r['theta_inf']} "
                             f"(small-η {r['theta_inf_small_eta']})\n")
    return 0


def _cmd_audit(args) -> int:
    from verify.report.audit import run_audit

    _output_dir(args.out)
    return run_audit(Path(args.out), args.profile, args.seed, args.strict,
                     full=args.full_reproduction, proofs=not args.no_prove,
                     network=not args.no_network, resolve=args.resolve)


def _cmd_prove(args) -> int:
    from verify.proofs.command import run

    return run(args)


def _cmd_certify(args) -> int:
    from verify.proofs.command import run_certify

    return run_certify(args)


def _cmd_conjecture(args) -> int:
    from verify.conjecture.command import run

    return run(args)


def _cmd_network(args) -> int:
    from verify.network.command import run

    return run(args)


def main(argv: list[str] | None = None) -> int:
    try:
        args = _build().parse_args(argv)
        return {"derive": _cmd_derive, "eval": _cmd_eval, "check": _cmd_check,
                "simulate": _cmd_simulate, "reproduce": _cmd_reproduce, "phases": _cmd_phases,
                "diagram": _cmd_diagram, "audit": _cmd_audit, "network": _cmd_network,
                "sweep": _cmd_sweep, "prove": _cmd_prove, "certify": _cmd_certify,
                "conjecture": _cmd_conjecture}[args.cmd](args)
    except UsageError as exc:
        sys.stderr.write(f"salign: error: {exc}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("salign: interrupted\n")
        return 130
    except OSError as exc:  # unwritable output, full disk, …: the file named, one line
        where = f" {exc.filename}" if exc.filename else ""
        sys.stderr.write(f"salign: error: cannot write or read{where}: {exc.strerror or exc}\n")
        return 2
    except PrecisionError as exc:  # a number that could not be certified: no number at all
        sys.stderr.write(f"salign: inconclusive: {exc}\n")
        return 3
    except MemoryError:
        sys.stderr.write("salign: error: out of memory; reduce the problem size\n")
        return 2
