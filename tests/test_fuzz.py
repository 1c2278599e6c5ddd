"""Hostile input: fuzz the CLI and the case-file loader.

Contract for every run: exit 0 with a correct answer, or exit 2 with exactly one line
`salign: error: …` on stderr naming the problem, or exit 3 with one line `salign: inconclusive: …`
when a number cannot be certified at the requested precision. Never a traceback (an exception escaping
`main`), never a hang (each run has a wall-clock bound), never a silently wrong number (every
`eval` answer on a small case is recomputed independently at 60 digits).
Crashes the fuzzers found on the way are kept as explicit @example cases.
"""

from __future__ import annotations

import json
import math
import signal
from contextlib import contextmanager

import mpmath
import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context

from verify.cli import main

RUN_SECONDS = 60  # generous wall-clock bound per CLI run (a hang fails the test)

# ---------------------------------------------------------------- hostile numbers
EXTREME_TEXT = ["1e-300", "1e300", "5e-324", "2.2250738585072014e-308", "1e-320", "NaN", "nan",
                "Infinity", "-inf", "+inf", "1e309", "-0", "0", "-1", "1/0", "0x10", "", " ",
                "1e999999999", "1e-999999999", "9" * 500, "1_000", "½", "1e", "--1", "1/3",
                "0.1", "2", "3"]
EXTREME_JSON_NUMBERS = [0, -1, 1, 2, 10**400, -(10**400), 1e-300, 1e300, 5e-324, 0.5, 2.5]


def _number():
    return st.one_of(st.sampled_from(EXTREME_TEXT), st.sampled_from(EXTREME_JSON_NUMBERS),
                     st.fractions(min_value=-5, max_value=5, max_denominator=20).map(str),
                     st.none(), st.booleans(), st.just([]), st.just({}),
                     st.text(max_size=4))


def _positive():
    return st.one_of(st.fractions(min_value="1/50", max_value=50, max_denominator=50).map(str),
                     st.sampled_from(["1e-300", "1e300", "5e-324", "1e-30", "1e30"]))


@st.composite
def case_objects(draw):
    """Mostly well-formed case objects with hostile values planted in some fields."""
    d = draw(st.sampled_from([2, 3, 4, 6]))
    lam = sorted((draw(_positive()) for _ in range(d)), key=lambda s: -float(
        mpmath.mpf(s) if "/" not in s else mpmath.mpf(s.split("/")[0]) / int(s.split("/")[1])))
    k = draw(st.one_of(st.integers(1, d - 1), st.integers(0, d))) if draw(st.integers(0, 9)) \
        else draw(st.sampled_from([0, d, -1, 1.0, "1", True]))
    obj: dict = {"eigenvalues": lam, "k": k,
                 "state": [draw(st.one_of(_positive(), st.just("0"), st.just("-1e-300")))
                           for _ in range(d)]}
    noise = draw(st.sampled_from(["sigma", "kappa2", "covariance"]))
    if noise == "sigma":
        obj["noise"] = {"sigma": draw(st.one_of(_positive(), st.just("0")))}
    elif noise == "kappa2":
        obj["noise"] = {"kappa2": [draw(st.one_of(_positive(), st.just("0"))) for _ in range(d)]}
    else:
        v = [[draw(st.sampled_from(["0", "1", "-1", "1/2", "1e-300", "2"])) for _ in range(d)]
             for _ in range(d)]
        obj["noise"] = {"covariance": [[v[min(i, j)][max(i, j)] for j in range(d)]
                                       for i in range(d)]}
    if draw(st.booleans()):
        obj["eta"] = draw(_positive())
    # plant hostile values
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2]))):
        field = draw(st.sampled_from(["eigenvalues", "k", "state", "eta", "noise", "extra",
                                      "schema_version"]))
        if field in ("eigenvalues", "state"):
            i = draw(st.integers(0, d - 1))
            obj[field][i] = draw(_number())
        elif field == "noise" and "kappa2" in obj["noise"]:
            obj["noise"]["kappa2"][draw(st.integers(0, d - 1))] = draw(_number())
        elif field == "noise" and "sigma" in obj["noise"]:
            obj["noise"]["sigma"] = draw(_number())
        else:
            obj[field] = draw(_number())
    return obj


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
              st.text(max_size=5)),
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.sampled_from(["eigenvalues", "k", "noise", "state",
                                                             "eta", "sigma", "kappa2", "x"]),
                                            inner, max_size=5)),
    max_leaves=15)


# ---------------------------------------------------------------- the contract
class Hang(Exception):
    pass


@contextmanager
def _time_bound(seconds: int):
    def on_alarm(signum, frame):
        raise Hang(f"run exceeded {seconds} s")

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def run_cli(argv: list[str], capsys) -> tuple[int, str, str]:
    """Run `salign argv` in-process; an exception escaping main is a contract failure."""
    capsys.readouterr()
    with _time_bound(RUN_SECONDS):
        try:
            rc = main(argv)
        except SystemExit as exc:  # argparse's --help
            rc = exc.code if isinstance(exc.code, int) else 2
    out, err = capsys.readouterr()
    if currently_in_test_context():
        event(f"{argv[0]} exit {rc}")
    assert rc in (0, 1, 2, 3), (argv, rc, err)
    if rc in (2, 3):  # bad input / inconclusive numerics: exactly one line
        lines = err.strip("\n").split("\n")
        prefix = "salign: error:" if rc == 2 else "salign: inconclusive:"
        assert len(lines) == 1 and lines[0].startswith(prefix), (argv, err)
        assert "Traceback" not in err
    return rc, out, err


def _check_eval_answer(obj: dict, out: str) -> None:
    """An accepted case's eval answer equals the independent 60-digit recomputation."""
    from tests.test_mutation_oracles import SCALAR_FIELDS, reference
    from verify.core.cases import parse_case

    case = parse_case(json.loads(json.dumps(obj)))
    q = json.loads(out)["quantities"]
    if not case.noise_is_diagonal:  # extreme eigenvalues of a full covariance, 80-digit Jacobi
        with mpmath.workdps(80):
            ev = mpmath.eigsy(mpmath.matrix([[mpmath.mpf(x.numerator) / x.denominator for x in r]
                                             for r in case.covariance]), eigvals_only=True)
            top = max(abs(min(ev)), abs(max(ev)))
            assert abs(mpmath.mpf(q["s_max"]) - max(ev)) <= mpmath.mpf(10) ** -25 * top
            assert abs(mpmath.mpf(q["s_min"]) - min(ev)) <= mpmath.mpf(10) ** -25 * top
        return
    if case.eta is None:
        return
    with mpmath.workdps(60):
        try:
            R = reference(case)
        except (ZeroDivisionError, IndexError):  # reference undefined (e.g. x = 0 roots)
            return
        for name in SCALAR_FIELDS:
            if name in R and q.get(name) is not None:
                got = mpmath.mpf(q[name])
                # 30 printed digits: agreement to 25 digits relative
                assert abs(got - R[name]) <= mpmath.mpf(10) ** -25 * (1 + abs(R[name])), \
                    (name, q[name], R[name])


FUZZ = settings(deadline=None, suppress_health_check=list(HealthCheck))


@FUZZ
@given(obj=case_objects())
@example(obj={"eigenvalues": ["1e300", "1e-300"], "k": 1, "state": ["1e300", "1e-300"],
          "noise": {"sigma": "1e-300"}, "eta": "1e-300"})
@example(obj={"eigenvalues": ["5e-324", "1e-330"], "k": 1, "state": ["1", "1"],
          "noise": {"kappa2": ["1e300", "0"]}, "eta": "1"})
@example(obj={"eigenvalues": ["1e999999999", "1"], "k": 1, "state": ["1", "1"],
          "noise": {"sigma": "1"}})
@example(obj={"eigenvalues": ["2", "1"], "k": 1, "state": ["1", "1"],
          "noise": {"covariance": [["1", "1"], ["1", "1"]]}, "eta": "1/10"})
@example(obj={"eigenvalues": ["2", "1", "0.5"], "k": 1, "state": ["1", "1", "1"],  # found:
              "noise": {"covariance": [["1", "1/3", "1/7"], ["1/3", "1/9", "1/21"],  # singular
                                       ["1/7", "1/21", "1/49"]]}, "eta": "0.1"})  # LinAlgError
@example(obj={"eigenvalues": ["1/50", "1e-300"], "k": 1, "state": ["1e-300", "1e-300"],  # found
              "noise": {"sigma": "1e-300"}, "eta": "1e-300"})  # (thorough): oracle's root finder
def test_eval_on_hostile_cases(obj, tmp_path_factory, capsys):
    p = tmp_path_factory.mktemp("fz") / "case.json"
    p.write_text(json.dumps(obj))
    rc, out, err = run_cli(["eval", "--case", str(p), "--json", "--dps", "30"], capsys)
    assert rc in (0, 2, 3)
    if rc == 0:
        _check_eval_answer(obj, out)


@FUZZ
@given(value=json_values)
def test_loader_on_random_json(value, tmp_path_factory, capsys):
    p = tmp_path_factory.mktemp("fz") / "case.json"
    p.write_text(json.dumps(value))
    rc, _, _ = run_cli(["eval", "--case", str(p), "--dps", "20"], capsys)
    assert rc in (0, 2)


@FUZZ
@given(data=st.binary(max_size=64))
@example(data=b"\xff\xfe\x00")
@example(data=b"[" * 100000)
@example(data=b'{"eigenvalues": [' + b"1," * 10 + b"]")
def test_loader_on_random_bytes(data, tmp_path_factory, capsys):
    p = tmp_path_factory.mktemp("fz") / "case.json"
    p.write_bytes(data)
    assert run_cli(["eval", "--case", str(p)], capsys)[0] == 2


HOSTILE_ARG = ["nan", "inf", "-inf", "-1", "0", "1e309", "", "x", "1e-320", "99999999999999999999",
               "-0", "1/0", "💥"]


@st.composite
def argvs(draw, case_path: str):
    """A subcommand with flags drawn from its own vocabulary, values small-valid or hostile."""
    small = {"--steps": ["5", "20"], "--seeds": ["1", "2"], "--seed": ["0", "3"],
             "--eta": ["0.003", "0.01", "1/100"], "--m": ["5", "50"], "--d": ["20", "40"],
             "--k": ["2", "5"], "--sigma": ["0.5", "0"], "--grid": ["3"], "--dps": ["20", "40"],
             "--record-every": ["1", "2"], "--settle-window": ["3"], "--settle-tol": ["0.01"],
             "--eta-final": ["0.001"], "--switch-at": ["2", "settled"], "--format": ["json", "text"],
             "--profile": ["quick"], "--schedule": ["linear", "cosine", "constant"],
             "--method": ["sgd", "dsgd", "bsgd"], "--switch-method": ["dsgd", "bsgd"]}
    cmd = draw(st.sampled_from(["eval", "simulate", "phases", "derive", "check", "diagram"]))
    flags = {
        "eval": ["--eta", "--dps"],
        "simulate": ["--steps", "--seeds", "--seed", "--eta", "--m", "--d", "--k", "--sigma",
                     "--record-every", "--schedule", "--eta-final", "--switch-at",
                     "--switch-method", "--settle-window", "--settle-tol", "--method"],
        "phases": ["--eta", "--grid", "--m", "--d", "--k", "--sigma"],
        "derive": ["--format"],
        "check": ["--seed", "--profile"],
        "diagram": ["--m", "--d", "--k", "--sigma", "--seed"],
    }[cmd]
    argv = [cmd]
    if cmd in ("simulate", "phases", "diagram"):
        argv += draw(st.sampled_from([["--paper-spectrum"], ["--case", case_path], [],
                                      ["--paper-spectrum", "--case", case_path]]))
    if cmd == "eval":
        argv += ["--case", case_path]
    if cmd == "derive":
        argv += draw(st.sampled_from([[], ["lem22"], ["nope"]]))
    if cmd == "check":
        argv += draw(st.sampled_from([["lem22"], ["thm8-main"], ["nope"], ["--list"]]))
    for flag in draw(st.lists(st.sampled_from(flags), max_size=4, unique=True)):
        hostile = draw(st.booleans()) and flag not in ("--format", "--profile", "--schedule",
                                                       "--method", "--switch-method")
        argv += [flag, draw(st.sampled_from(HOSTILE_ARG if hostile else small[flag]))]
    if draw(st.integers(0, 9)) == 0:
        argv.insert(draw(st.integers(0, len(argv))), draw(st.sampled_from(["--bogus", "-x", "--"])))
    return argv


@FUZZ
@given(data=st.data())
def test_cli_argv_fuzz(data, tmp_path_factory, capsys):
    d = tmp_path_factory.mktemp("fz")
    case = d / "case.json"
    case.write_text(json.dumps({"eigenvalues": ["3", "2", "1", "0.5"], "k": 2,
                                "noise": {"sigma": "0.5"}, "state": ["1", "-0.5", "2", "1"],
                                "eta": "0.2"}))
    argv = data.draw(argvs(str(case)))
    if argv[0] in ("simulate", "diagram"):
        argv += ["--out", str(d / "out.json" if argv[0] == "simulate" else d / "out.png")]
    rc, out, err = run_cli(argv, capsys)
    if rc == 0 and "--json" in argv:
        json.loads(out)
    if rc == 0 and argv[0] == "simulate":
        _no_silent_nonfinite(json.loads((d / "out.json").read_text()))


def _no_silent_nonfinite(obj) -> None:
    """No NaN/inf smuggled into an output as a number or a decimal string (undefined is null)."""
    if isinstance(obj, dict):
        for v in obj.values():
            _no_silent_nonfinite(v)
    elif isinstance(obj, list):
        for v in obj:
            _no_silent_nonfinite(v)
    elif isinstance(obj, float):
        assert math.isfinite(obj)
    elif isinstance(obj, str):
        assert obj.lower().lstrip("+-") not in ("nan", "inf", "infinity"), obj


@pytest.mark.parametrize("extra", [[], ["--expected"], ["--method", "dsgd"]])
def test_divergent_run_reports_null_not_nan(extra, tmp_path, capsys):
    """η = 5 > 2/λ_1 overflows float64: values after the divergence are null, the divergence
    step is recorded, nothing prints 'nan' and no numpy warning escapes."""
    import warnings

    case = tmp_path / "c.json"
    case.write_text(json.dumps({"eigenvalues": ["3", "2", "1", "0.5"], "k": 2,
                                "noise": {"sigma": "0"}, "state": ["1", "-0.5", "2", "1"]}))
    out = tmp_path / "o.json"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rc, _, _ = run_cli(["simulate", "--case", str(case), "--eta", "5", "--steps", "2000",
                            "--out", str(out), *extra], capsys)
    assert rc == 0
    data = json.loads(out.read_text())
    _no_silent_nonfinite(data)
    series = data["alignment"] if "--expected" in extra else data["alignment"]["mean"]
    assert series[-1] is None and series[0] is not None
    if "--expected" not in extra:
        assert data["diverged_at_record"][0] > 0


@pytest.mark.parametrize("argv", [
    ["simulate", "--paper-spectrum", "--eta", "nan", "--steps", "5", "--out", "{tmp}/o.json"],
    ["simulate", "--paper-spectrum", "--eta", "inf", "--steps", "5", "--out", "{tmp}/o.json"],
    ["simulate", "--paper-spectrum", "--sigma", "nan", "--steps", "5", "--out", "{tmp}/o.json"],
    ["simulate", "--paper-spectrum", "--m", "nan", "--steps", "5", "--out", "{tmp}/o.json"],
    ["simulate", "--paper-spectrum", "--m", "inf", "--steps", "5", "--out", "{tmp}/o.json"],
    ["simulate", "--paper-spectrum", "--d", "1000000000", "--steps", "5", "--out", "{tmp}/o.json"],
    ["simulate", "--paper-spectrum", "--steps", "10000000000000", "--out", "{tmp}/o.json"],
    ["simulate", "--paper-spectrum", "--seeds", "100000000", "--out", "{tmp}/o.json"],
    ["simulate", "--paper-spectrum", "--settle-tol", "nan", "--switch-at", "settled",
     "--out", "{tmp}/o.json"],
    ["simulate", "--paper-spectrum", "--eta-final", "-1", "--schedule", "linear",
     "--out", "{tmp}/o.json"],
    ["simulate", "--paper-spectrum", "--steps", "5", "--out", "/proc/no-such/o.json"],
    ["phases", "--paper-spectrum", "--eta", "nan"],
    ["phases", "--paper-spectrum", "--grid", "100000000"],
    ["eval", "--case", "{tmp}", "--dps", "30"],
    ["eval", "--case", "{case}", "--dps", "100000"],
    ["eval", "--case", "{case}", "--eta", "nan"],
    ["eval", "--case", "{case}", "--eta", "1e999999999"],
    ["check", "--seed", "-1", "lem22"],
    ["reproduce", "--out", "{case}"],
])
def test_hostile_flags_rejected(argv, tmp_path, capsys):
    case = tmp_path / "case.json"
    case.write_text(json.dumps({"eigenvalues": ["3", "2", "1", "0.5"], "k": 2,
                                "noise": {"sigma": "0.5"}, "state": ["1", "-0.5", "2", "1"]}))
    argv = [a.replace("{tmp}", str(tmp_path)).replace("{case}", str(case)) for a in argv]
    rc, _, err = run_cli(argv, capsys)
    assert rc == 2, err


def test_time_bound_fires():
    """The hang detector itself works (negative control)."""
    import time

    with pytest.raises(Hang):
        with _time_bound(1):
            time.sleep(3)
    assert math.isfinite(1.0)


def test_contract_checks_reject_violations(monkeypatch, capsys):
    """Negative controls of the contract itself: a two-line error, an exit-2 message without
    the prefix, an escaping exception and a 'nan' string in an output are all caught."""
    import sys

    import tests.test_fuzz as tf

    def two_lines(argv):
        sys.stderr.write("salign: error: first\nsecond line\n")
        return 2

    def unprefixed(argv):
        sys.stderr.write("Traceback (most recent call last): boom\n")
        return 2

    def raises(argv):
        raise ValueError("boom")

    for fake, exc in ((two_lines, AssertionError), (unprefixed, AssertionError),
                      (raises, ValueError)):
        monkeypatch.setattr(tf, "main", fake)
        with pytest.raises(exc):
            tf.run_cli(["eval"], capsys)
    with pytest.raises(AssertionError):
        _no_silent_nonfinite({"a": ["1", "nan"]})
    with pytest.raises(AssertionError):
        _no_silent_nonfinite({"a": [float("inf")]})
    _no_silent_nonfinite({"a": [None, "1.5", 2.0]})
