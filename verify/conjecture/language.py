"""The statement language of `salign conjecture`: relations between expressions in the paper's
quantities, parsed without ever evaluating the text.

    statement  := conj | conj "=>" conj | conj "<=>" conj        (also ⇒ and ⇔)
    conj       := rel ("and" rel)*
    rel        := expr (op expr)+  (a chain a < b ≤ c is a ∧ of its links) | "defined(" name ")"
    op         := "<" | "<=" | "≤" | ">" | ">=" | "≥" | "=" | "=="
    expr       := numbers (exact decimals), quantity names, + − * / ( ), ** or ^ with an integer
                  exponent |n| ≤ 64, sqrt(expr), abs(expr)

Quantity names are `salign eval`'s (`QUANTITIES`). Each part is parsed by Python's `ast` module
(`ast.parse(mode="eval")`, which builds a tree and runs nothing) and every node is checked against
a whitelist; numbers are read exactly from their source text. Bad input raises UsageError with
one line naming the problem.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from fractions import Fraction

from verify.core.errors import UsageError

# the quantities a statement may name: `salign eval`'s names (verify/core/theory.py) that are
# decided exactly or by certified balls, and the spectrum's
STATE_QUANTITIES = (
    "theta", "s", "s_D", "s_B", "tau_D", "tau_B", "u_D", "u_B", "psi_D", "psi_B", "e_D", "e_B",
    "n_loss_D", "n_loss_B", "s_min", "s_max", "p", "q", "eta_star", "gap1", "gap2", "m", "rho",
    "norm_x_sq", "norm_PDx_sq", "g_gap", "g_noise", "theta_star_r0", "one_minus_theta_star",
    "theta_star", "eta_star_lower_thm7", "eta_star_lower_thm7_remark", "eta_star_upper_thm8_main",
    "eta_star_upper_thm8_app", "eta_star_upper_cor9", "thm8_threshold", "eta_loss_D", "eta_loss_B",
    "eta_loss_D_intro_box", "eta_loss_B_intro_box", "alpha", "beta", "gamma",
    "one_minus_theta_crit", "theta_crit", "thm13_upper_bound", "thm13_lower_bound",
)
SPECTRUM = ("lambda_1", "lambda_k", "lambda_kp1", "lambda_d", "k", "d")
ETA_QUANTITIES = ("eta", "Theta_next", "expected_f", "E_s_D_next", "E_s_B_next",
                  "expected_loss_change_sgd", "expected_loss_change_dsgd",
                  "expected_loss_change_bsgd")
QUANTITIES = STATE_QUANTITIES + SPECTRUM + ETA_QUANTITIES

MAX_TEXT = 2000
MAX_DEPTH = 40
MAX_EXPONENT = 64
MAX_NUMBER_TEXT = 40
FUNCTIONS = ("sqrt", "abs")
OPS = ("<", "<=", ">", ">=", "=")


# ------------------------------------------------------------------ the tree
@dataclass(frozen=True)
class Num:
    value: Fraction


@dataclass(frozen=True)
class Name:
    name: str


@dataclass(frozen=True)
class Bin:
    op: str  # + - * / **
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Neg:
    arg: Expr


@dataclass(frozen=True)
class Call:
    fn: str  # sqrt | abs
    arg: Expr


Expr = Num | Name | Bin | Neg | Call


@dataclass(frozen=True)
class Rel:
    """lhs op rhs; op ∈ OPS."""

    lhs: Expr
    op: str
    rhs: Expr


@dataclass(frozen=True)
class Defined:
    """The quantity is defined at the state (e.g. θ* exists)."""

    name: str


Atom = Rel | Defined


@dataclass(frozen=True)
class Statement:
    """hypotheses ⇒ claim, where claim is a conjunction, or (with `iff`) claim ⇔ iff."""

    hypotheses: tuple[Atom, ...]
    claim: tuple[Atom, ...]
    iff: tuple[Atom, ...] | None
    text: str

    def atoms(self) -> tuple[Atom, ...]:
        return self.hypotheses + self.claim + (self.iff or ())

    def names(self) -> list[str]:
        out: dict[str, None] = {}
        for a in self.atoms():
            if isinstance(a, Defined):
                out.setdefault(a.name, None)
            else:
                for e in (a.lhs, a.rhs):
                    for n in expr_names(e):
                        out.setdefault(n, None)
        return list(out)

    def needs_eta(self) -> bool:
        return any(n in ETA_QUANTITIES for n in self.names())


def expr_names(e: Expr) -> list[str]:
    if isinstance(e, Name):
        return [e.name]
    if isinstance(e, Bin):
        return expr_names(e.left) + expr_names(e.right)
    if isinstance(e, (Neg, Call)):
        return expr_names(e.arg)
    return []


def _subexprs(e: Expr) -> list[Expr]:
    if isinstance(e, Bin):
        return [e] + _subexprs(e.left) + _subexprs(e.right)
    if isinstance(e, (Neg, Call)):
        return [e] + _subexprs(e.arg)
    return [e]


def expr_text(e: Expr) -> str:
    if isinstance(e, Num):
        return str(e.value)
    if isinstance(e, Name):
        return e.name
    if isinstance(e, Neg):
        return f"-({expr_text(e.arg)})"
    if isinstance(e, Call):
        return f"{e.fn}({expr_text(e.arg)})"
    return f"({expr_text(e.left)} {e.op} {expr_text(e.right)})"


def atom_text(a: Atom) -> str:
    if isinstance(a, Defined):
        return f"defined({a.name})"
    return f"{expr_text(a.lhs)} {a.op} {expr_text(a.rhs)}"


# ------------------------------------------------------------------ parsing
_UNICODE = {"≤": "<=", "≥": ">=", "⇔": "<=>", "⇒": "=>", "−": "-", "·": "*", "×": "*", "^": "**",
            "∧": " and "}
_CMP = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "="}
_BIN = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}


def _normalise(text: str) -> str:
    if not isinstance(text, str):
        raise UsageError("a statement must be text")
    if len(text) > MAX_TEXT:
        raise UsageError(f"statement too long ({len(text)} characters; at most {MAX_TEXT})")
    if not text.strip():
        raise UsageError("empty statement")
    bad = [ch for ch in text if ord(ch) < 32 and ch not in "\t"]
    if bad:
        raise UsageError("control characters in the statement")
    for a, b in _UNICODE.items():
        text = text.replace(a, b)
    return text


def _split_top(text: str, token: str) -> list[str]:
    """Split at `token` outside parentheses."""
    parts, depth, last, i = [], 0, 0, 0
    while i < len(text):
        ch = text[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif depth == 0 and text.startswith(token, i):
            parts.append(text[last:i])
            i += len(token)
            last = i
            continue
        i += 1
    parts.append(text[last:])
    return parts


def parse_conjunction(text: str, what: str = "statement") -> tuple[Atom, ...]:
    """A conjunction of relations (or defined(name) atoms)."""
    src = _normalise(text)
    if "=>" in src:
        raise UsageError(f"'=>' or '<=>' inside a {what}: give hypotheses with --hyp")
    # '=' alone means equality (Python's '==')
    src = re.sub(r"(?<![<>=!])=(?!=)", "==", src)
    try:
        tree = ast.parse(src.strip(), mode="eval")
    except (SyntaxError, ValueError) as exc:
        raise UsageError(f"cannot parse the {what} {text.strip()!r}: {getattr(exc, 'msg', exc)}") from None
    except (RecursionError, MemoryError):
        raise UsageError(f"the {what} is nested too deeply") from None
    _check_depth(tree.body, 0)
    return tuple(_conj(tree.body, src))


def _check_depth(node: ast.AST, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise UsageError(f"the statement is nested too deeply (more than {MAX_DEPTH} levels)")
    for child in ast.iter_child_nodes(node):
        _check_depth(child, depth + 1)


def _conj(node: ast.AST, src: str) -> list[Atom]:
    if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.And):
        out: list[Atom] = []
        for v in node.values:
            out += _conj(v, src)
        return out
    if isinstance(node, ast.Compare):
        exprs = [node.left] + list(node.comparators)
        out = []
        for op, a, b in zip(node.ops, exprs, exprs[1:]):
            if type(op) not in _CMP:
                raise UsageError(f"relation '{ast.get_source_segment(src, node) or '?'}': only "
                                 "<, <=, >, >=, = are allowed")
            out.append(Rel(_expr(a, src), _CMP[type(op)], _expr(b, src)))
        return out
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "defined":
        if len(node.args) != 1 or node.keywords or not isinstance(node.args[0], ast.Name):
            raise UsageError("defined(...) takes one quantity name")
        return [Defined(_name(node.args[0].id))]
    raise UsageError(f"expected a relation (a < b, a <= b, a = b, …), got "
                     f"'{ast.get_source_segment(src, node) or type(node).__name__}'")


def _name(n: str) -> str:
    if n not in QUANTITIES:
        raise UsageError(f"unknown quantity '{n}' (names are salign eval's: "
                         f"{', '.join(QUANTITIES[:12])}, …; see docs/conjecture.md)")
    return n


def _expr(node: ast.AST, src: str) -> Expr:
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise UsageError(f"only numbers and quantity names may appear, got {node.value!r}")
        text = ast.get_source_segment(src, node) or repr(node.value)
        if len(text) > MAX_NUMBER_TEXT:
            raise UsageError(f"number too long: {text[:20]}…")
        mt = re.fullmatch(r"\d+(?:\.\d*)?(?:[eE]([+-]?\d+))?|\.\d+(?:[eE]([+-]?\d+))?", text)
        if not mt:
            raise UsageError(f"not a decimal number: {text!r}")
        exp = mt.group(1) or mt.group(2)
        if exp is not None and abs(int(exp)) > 100:
            raise UsageError(f"number out of range: {text!r} (exponents up to ±100)")
        return Num(Fraction(text))
    if isinstance(node, ast.Name):
        return Name(_name(node.id))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        inner = _expr(node.operand, src)
        return Neg(inner) if isinstance(node.op, ast.USub) else inner
    if isinstance(node, ast.BinOp) and type(node.op) in _BIN:
        op = _BIN[type(node.op)]
        left, right = _expr(node.left, src), _expr(node.right, src)
        if op == "**":
            n = right.value if isinstance(right, Num) else (
                -right.arg.value if isinstance(right, Neg) and isinstance(right.arg, Num) else None)
            if n is None or n.denominator != 1 or abs(n) > MAX_EXPONENT:
                raise UsageError(f"exponents must be integers of size at most {MAX_EXPONENT}")
            if any(isinstance(x, Bin) and x.op == "**" for x in _subexprs(left)):
                raise UsageError("nested powers are not allowed (write x**6, not (x**2)**3)")
            right = Num(n)
        return Bin(op, left, right)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS:
        if len(node.args) != 1 or node.keywords:
            raise UsageError(f"{node.func.id}(...) takes one argument")
        return Call(node.func.id, _expr(node.args[0], src))
    if isinstance(node, (ast.Compare, ast.BoolOp)):
        raise UsageError("a relation where a number is expected")
    seg = ast.get_source_segment(src, node) or type(node).__name__
    raise UsageError(f"not allowed in a statement: '{seg[:40]}' (numbers, quantity names, "
                     "+ - * / ** ( ), sqrt, abs)")


def parse_statement(hypotheses: list[str], claim: str) -> Statement:
    """hypotheses (each a conjunction) and a claim: 'C', 'A => C' (A joins the hypotheses) or
    'A <=> B'."""
    hyps: list[Atom] = []
    for h in hypotheses:
        hyps += parse_conjunction(h, "hypothesis")
    text = _normalise(claim)
    iff_parts = _split_top(text, "<=>")
    if len(iff_parts) > 2:
        raise UsageError("at most one '<=>' in a claim")
    iff = None
    if len(iff_parts) == 2:
        a, b = iff_parts
        claim_atoms = parse_conjunction(a, "claim")
        iff = parse_conjunction(b, "claim")
    else:
        imp = _split_top(text, "=>")
        if len(imp) > 2:
            raise UsageError("at most one '=>' in a claim")
        if len(imp) == 2:
            hyps += parse_conjunction(imp[0], "claim's premise")
        claim_atoms = parse_conjunction(imp[-1], "claim")
    shown = " ∧ ".join(atom_text(a) for a in hyps)
    body = " ∧ ".join(atom_text(a) for a in claim_atoms)
    if iff is not None:
        body += " ⇔ " + " ∧ ".join(atom_text(a) for a in iff)
    return Statement(tuple(hyps), tuple(claim_atoms), iff, (shown + " ⇒ " if shown else "") + body)
