"""Case files: one JSON format for a problem (spectrum, split k, noise) and a state.

A case fixes λ_1 ≥ … ≥ λ_k > λ_{k+1} ≥ … ≥ λ_d > 0, the eigenbasis state c_i = ⟨x, u_i⟩,
the noise covariance C = UᵀΣU in the eigenbasis (σ²I, diag(κ²) or a full symmetric PSD
matrix) and optionally a step size η. Numbers are kept exact (`Fraction`): a JSON number
is read from its decimal text, never through a binary float, so "0.1" means 1/10.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from verify.core.errors import CaseError
from verify.core.noise_spectrum import covariance_is_psd

SCHEMA_VERSION = 1
_KEYS = {"schema_version", "eigenvalues", "k", "noise", "state", "eta"}
_NOISE_KEYS = {"sigma", "kappa2", "covariance"}


@dataclass(frozen=True)
class Case:
    """A problem and a state in the eigenbasis, with exact rational entries."""

    eigenvalues: tuple[Fraction, ...]
    k: int
    state: tuple[Fraction, ...]
    noise_kind: str  # "sigma" | "kappa2" | "covariance"
    sigma: Fraction | None = None
    kappa2_diag: tuple[Fraction, ...] | None = None
    covariance: tuple[tuple[Fraction, ...], ...] | None = None
    eta: Fraction | None = None

    @property
    def d(self) -> int:
        return len(self.eigenvalues)

    @property
    def kappa2(self) -> tuple[Fraction, ...]:
        """κ_i² = (UᵀΣU)_ii, the per-eigendirection noise variances."""
        if self.noise_kind == "sigma":
            assert self.sigma is not None
            return (self.sigma * self.sigma,) * self.d
        if self.noise_kind == "kappa2":
            assert self.kappa2_diag is not None
            return self.kappa2_diag
        assert self.covariance is not None
        return tuple(self.covariance[i][i] for i in range(self.d))

    @property
    def noise_is_diagonal(self) -> bool:
        """True when C is diagonal in the eigenbasis (isotropic, κ² list, or diagonal matrix)."""
        if self.noise_kind != "covariance":
            return True
        assert self.covariance is not None
        return all(
            self.covariance[i][j] == 0 for i in range(self.d) for j in range(self.d) if i != j
        )

    def with_eta(self, eta: Fraction | None) -> Case:
        return Case(
            self.eigenvalues, self.k, self.state, self.noise_kind, self.sigma,
            self.kappa2_diag, self.covariance, eta,
        )

    def with_state(self, state: tuple[Fraction, ...]) -> Case:
        return Case(
            self.eigenvalues, self.k, tuple(state), self.noise_kind, self.sigma,
            self.kappa2_diag, self.covariance, self.eta,
        )

    def to_json_obj(self) -> dict[str, Any]:
        """The case as a JSON object with exact decimal/fraction strings."""
        noise: dict[str, Any]
        if self.noise_kind == "sigma":
            noise = {"sigma": fmt_exact(self.sigma)}
        elif self.noise_kind == "kappa2":
            noise = {"kappa2": [fmt_exact(v) for v in self.kappa2_diag or ()]}
        else:
            noise = {"covariance": [[fmt_exact(v) for v in row] for row in self.covariance or ()]}
        obj: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "eigenvalues": [fmt_exact(v) for v in self.eigenvalues],
            "k": self.k,
            "noise": noise,
            "state": [fmt_exact(v) for v in self.state],
        }
        if self.eta is not None:
            obj["eta"] = fmt_exact(self.eta)
        return obj

    def to_json(self) -> str:
        return json.dumps(self.to_json_obj(), sort_keys=True, indent=1) + "\n"


def fmt_exact(v: Fraction | None) -> str:
    """Exact text of a rational: a terminating decimal when there is one, else 'p/q'."""
    assert v is not None
    if v.denominator == 1:
        return str(v.numerator)
    den = v.denominator
    twos = fives = 0
    while den % 2 == 0:
        den //= 2
        twos += 1
    while den % 5 == 0:
        den //= 5
        fives += 1
    if den != 1:
        return f"{v.numerator}/{v.denominator}"
    digits = max(twos, fives)
    scaled = v * 10**digits
    assert scaled.denominator == 1
    sign = "-" if scaled < 0 else ""
    text = str(abs(scaled.numerator)).rjust(digits + 1, "0")
    return f"{sign}{text[:-digits]}.{text[-digits:]}".rstrip("0").rstrip(".")


MAX_CASE_BYTES = 64 * 2**20
MAX_NUMBER_CHARS = 5000
MAX_DIGITS = 4000  # one run of digits: below Python's 4300-digit int-conversion limit
MAX_EXPONENT = 4000  # 1e±4000: far beyond float64, small enough for exact arithmetic
_EXPONENT = re.compile(r"[eE]([+-]?\d+)\s*$")
_DIGIT_RUN = re.compile(r"\d[\d_]*")


def parse_number(value: Any, field: str) -> Fraction:
    """A JSON number or decimal/fraction string → exact Fraction; NaN/inf/bool rejected, as are
    texts over MAX_NUMBER_CHARS characters, digit runs over MAX_DIGITS and decimal exponents
    beyond ±MAX_EXPONENT."""
    if isinstance(value, bool) or value is None:
        raise CaseError(field, "must be a number or a decimal string")
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):  # only reached when a caller bypasses load_case's parser
        value = repr(value)
    if not isinstance(value, str):
        raise CaseError(field, "must be a number or a decimal string")
    text = value.strip()
    if text.lower().lstrip("+-") in {"nan", "inf", "infinity"}:
        raise CaseError(field, f"must be finite, got {value!r}")
    if len(text) > MAX_NUMBER_CHARS:
        raise CaseError(field, f"longer than {MAX_NUMBER_CHARS} characters")
    longest = max((len(r.replace("_", "")) for r in _DIGIT_RUN.findall(text)), default=0)
    if longest > MAX_DIGITS:
        raise CaseError(field, f"a run of {longest} digits (at most {MAX_DIGITS}: write p/q or "
                               "use an exponent)")
    exp = _EXPONENT.search(text)
    if exp and abs(int(exp.group(1))) > MAX_EXPONENT:
        raise CaseError(field, f"magnitude out of range (decimal exponent beyond ±{MAX_EXPONENT})")
    try:
        return Fraction(text)
    except (ValueError, ZeroDivisionError):
        shown = repr(value) if len(value) <= 60 else f"{value[:40]!r}… ({len(value)} characters)"
        raise CaseError(field, f"not a number: {shown}") from None


def _number_list(value: Any, field: str) -> tuple[Fraction, ...]:
    if not isinstance(value, list) or not value:
        raise CaseError(field, "must be a non-empty list of numbers")
    return tuple(parse_number(v, f"{field}[{i}]") for i, v in enumerate(value))


def _reject_constant(name: str) -> Any:
    raise CaseError("(json)", f"non-finite constant {name} is not allowed")


def parse_case(obj: Any) -> Case:
    """Validate a decoded case object; every problem names its field (CaseError)."""
    if not isinstance(obj, dict):
        raise CaseError("(top)", "a case file is a JSON object")
    unknown = sorted(set(obj) - _KEYS)
    if unknown:
        raise CaseError(unknown[0], "unknown key")
    for key in ("eigenvalues", "k", "noise", "state"):
        if key not in obj:
            raise CaseError(key, "missing")
    if "schema_version" in obj and obj["schema_version"] != SCHEMA_VERSION:
        raise CaseError("schema_version", f"must be {SCHEMA_VERSION}")
    lam = _number_list(obj["eigenvalues"], "eigenvalues")
    d = len(lam)
    if d < 2:
        raise CaseError("eigenvalues", "need at least two eigenvalues (d ≥ 2)")
    for i, v in enumerate(lam):
        if v <= 0:
            raise CaseError(f"eigenvalues[{i}]", "must be positive")
    for i in range(d - 1):
        if lam[i] < lam[i + 1]:
            raise CaseError(f"eigenvalues[{i + 1}]", "eigenvalues must be non-increasing")
    k = obj["k"]
    if isinstance(k, bool) or not isinstance(k, int):
        raise CaseError("k", "must be an integer")
    if not 1 <= k <= d - 1:
        raise CaseError("k", f"must lie in 1..d-1 = 1..{d - 1}")
    if lam[k - 1] == lam[k]:
        raise CaseError("k", "λ_k = λ_{k+1}: the dominant/bulk split is ambiguous (need a gap)")
    state = _number_list(obj["state"], "state")
    if len(state) != d:
        raise CaseError("state", f"has {len(state)} entries, eigenvalues has {d}")
    eta = None
    if "eta" in obj and obj["eta"] is not None:
        eta = parse_number(obj["eta"], "eta")
        if eta <= 0:
            raise CaseError("eta", "must be positive")
    noise = obj["noise"]
    if not isinstance(noise, dict) or len(noise) != 1:
        raise CaseError("noise", "must be exactly one of {sigma}, {kappa2}, {covariance}")
    (kind,) = noise.keys()
    if kind not in _NOISE_KEYS:
        raise CaseError(f"noise.{kind}", "unknown key")
    if kind == "sigma":
        sigma = parse_number(noise["sigma"], "noise.sigma")
        if sigma < 0:
            raise CaseError("noise.sigma", "must be non-negative")
        return Case(lam, k, state, "sigma", sigma=sigma, eta=eta)
    if kind == "kappa2":
        kap = _number_list(noise["kappa2"], "noise.kappa2")
        if len(kap) != d:
            raise CaseError("noise.kappa2", f"has {len(kap)} entries, eigenvalues has {d}")
        for i, v in enumerate(kap):
            if v < 0:
                raise CaseError(f"noise.kappa2[{i}]", "variances must be non-negative")
        return Case(lam, k, state, "kappa2", kappa2_diag=kap, eta=eta)
    rows = noise["covariance"]
    if not isinstance(rows, list) or len(rows) != d:
        raise CaseError("noise.covariance", f"must be a {d}x{d} matrix")
    cov = tuple(_number_list(r, f"noise.covariance[{i}]") for i, r in enumerate(rows))
    for i, r in enumerate(cov):
        if len(r) != d:
            raise CaseError(f"noise.covariance[{i}]", f"has {len(r)} entries, need {d}")
    for i in range(d):
        if cov[i][i] < 0:
            raise CaseError(f"noise.covariance[{i}][{i}]", "variances must be non-negative")
        for j in range(i + 1, d):
            if cov[i][j] != cov[j][i]:
                raise CaseError(f"noise.covariance[{i}][{j}]", "covariance is not symmetric")
    case = Case(lam, k, state, "covariance", covariance=cov, eta=eta)

    if not covariance_is_psd(cov):
        raise CaseError("noise.covariance", "covariance is not positive semi-definite")
    return case


def loads_case(text: str) -> Case:
    try:
        obj = json.loads(text, parse_float=str, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise CaseError("(json)", f"invalid JSON: {exc.msg} at line {exc.lineno}") from None
    except RecursionError:
        raise CaseError("(json)", "nested too deeply") from None
    except ValueError as exc:  # e.g. an integer literal beyond Python's digit limit
        raise CaseError("(json)", f"invalid JSON: {str(exc).splitlines()[0][:120]}") from None
    return parse_case(obj)


def load_case(path: str | Path) -> Case:
    try:
        p = Path(path)
        if p.is_file() and p.stat().st_size > MAX_CASE_BYTES:
            raise CaseError("(file)", f"{path} is larger than {MAX_CASE_BYTES // 2**20} MiB")
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise CaseError("(file)", f"cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise CaseError("(file)", f"{path} is not UTF-8 text (byte {exc.start})") from None
    return loads_case(text)


def make_case(
    eigenvalues: list, k: int, state: list, *, sigma: Any = None, kappa2: list | None = None,
    covariance: list | None = None, eta: Any = None,
) -> Case:
    """Build and validate a case from Python values (numbers, strings or Fractions)."""

    def enc(v: Any) -> Any:
        return fmt_exact(v) if isinstance(v, Fraction) else (repr(v) if isinstance(v, float) else v)

    noise: dict[str, Any]
    if sigma is not None:
        noise = {"sigma": enc(sigma)}
    elif kappa2 is not None:
        noise = {"kappa2": [enc(v) for v in kappa2]}
    else:
        assert covariance is not None
        noise = {"covariance": [[enc(v) for v in r] for r in covariance]}
    obj: dict[str, Any] = {
        "eigenvalues": [enc(v) for v in eigenvalues], "k": k, "noise": noise,
        "state": [enc(v) for v in state],
    }
    if eta is not None:
        obj["eta"] = enc(eta)
    return parse_case(obj)
