"""Exact certificates (verify.proofs.certificate) and their checker (verify.proofs.certcheck), the
trusted base of "proved (certificate)": every shipped certificate checks, with no solver installed;
every tampered certificate is rejected; a false statement never receives one."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from verify.cli import main
from verify.proofs.certcheck import InvalidCertificate, check_certificate, load_and_check, rebuild
from verify.proofs.certificate import Level, certify_claim, psatz
from verify.proofs.command import cert_name, check_certificates, shipped_dir
from verify.proofs.obligation_atoms import Atom, AtomicObligation, System, atomize
from verify.proofs.registry import build

SHIPPED = sorted(shipped_dir().glob("*.cert.json"))
ROOT = Path(__file__).resolve().parents[2]


def _obligation(cert: dict) -> AtomicObligation:
    return rebuild(cert)


def test_every_shipped_certificate_checks_within_ten_seconds():
    assert SHIPPED, "no certificate shipped in verify/proofs/certificates"
    t0 = time.perf_counter()
    rows = check_certificates(shipped_dir())
    assert time.perf_counter() - t0 <= 10.0
    assert [r["claim_id"] for r in rows if not r["valid"]] == []
    assert {cert_name(r["claim_id"]) for r in rows} == {p.name for p in SHIPPED}


def test_shipped_certificates_only_for_claims_that_hold():
    """A certificate for a claim the search refutes would be a bug of the checker or the encoding."""
    from verify.claims import CLAIMS_BY_ID

    for p in SHIPPED:
        cid = p.name.removesuffix(".cert.json").split(".edge")[0]
        assert "corrected" in cid or CLAIMS_BY_ID[cid].corrected_by is None, cid


def test_checker_runs_without_any_solver_or_lp_stack(tmp_path):
    """`salign certify --check` with z3, cvc5, SciPy and cvxpy made unimportable."""
    code = ("import sys\n"
            "for m in ('z3', 'cvc5', 'scipy', 'cvxpy', 'clarabel', 'scs'): sys.modules[m] = None\n"
            "from verify.cli import main\n"
            f"sys.exit(main(['certify', '--check', {str(shipped_dir())!r}]))\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                       cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert "INVALID" not in r.stdout and r.stdout.count("valid") == len(SHIPPED)


def test_checker_modules_use_no_float():
    """The checker and the obligation's atoms: no float literal, no float() call."""
    for mod in ("certcheck.py", "obligation_atoms.py"):
        tree = ast.parse((ROOT / "verify" / "proofs" / mod).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            assert not (isinstance(node, ast.Constant) and isinstance(node.value, float)), mod
            assert not (isinstance(node, ast.Name) and node.id == "float"), mod


# ------------------------------------------------------------------ tampering (negative controls)
def _tamper(cert: dict, how: str, k: int) -> dict | None:
    c = json.loads(json.dumps(cert))
    sysc = c["systems"][k % len(c["systems"])]
    ident = sysc["identity"]
    if how == "coefficient":
        pr = ident["products"][k % len(ident["products"])]
        pr["coefficient"] = str(Fraction(pr["coefficient"]) + Fraction(1, 7))
    elif how == "drop_product":
        ident["products"].pop(k % len(ident["products"]))
    elif how == "drop_monomial":
        ems = [em for em in ident["equality_multipliers"] if em["multiplier"]]
        if not ems:
            return None
        em = ems[k % len(ems)]
        em["multiplier"].pop(k % len(em["multiplier"]))
    elif how == "lemma_coefficient":
        lems = [lm for lm in sysc["lemmas"] if lm["proof"]["products"]]
        if not lems:
            return None
        pr = lems[k % len(lems)]["proof"]["products"][0]
        pr["coefficient"] = str(Fraction(pr["coefficient"]) * 2 + 1)
    elif how == "other_hash":
        others = [p for p in SHIPPED if json.loads(p.read_text())["claim_id"] != cert["claim_id"]]
        if not others:
            return None
        c["obligation_sha256"] = json.loads(others[k % len(others)].read_text())["obligation_sha256"]
    elif how == "factor_out_of_range":
        ident["products"][0]["factors"] = ident["products"][0]["factors"] + [10_000]
    elif how == "drop_system":  # one disjunct of ¬claim left without a certificate
        c["systems"].pop(k % len(c["systems"]))
    elif how == "system_not_dict":
        c["systems"][k % len(c["systems"])] = [sysc]
    elif how == "lemma_kind":
        sysc["lemmas"].append({"kind": "lt", "poly": [], "proof": ident})
    elif how == "format":
        c["format"] = "salign-certificate-0"
    elif how in ("negative_exponent", "term_not_pair"):
        ems = [em for em in ident["equality_multipliers"] if em["multiplier"]]
        if not ems:
            return None
        terms = ems[k % len(ems)]["multiplier"]
        if how == "negative_exponent":
            terms[0][0][0] = -1
        else:
            terms[0] = terms[0] + [terms[0][1]]
    return c


MALFORMED = ("drop_system", "system_not_dict", "lemma_kind", "format", "negative_exponent",
             "term_not_pair")


@pytest.mark.skipif(not SHIPPED, reason="no certificate shipped")
@pytest.mark.parametrize("how", MALFORMED)
def test_malformed_certificates_are_refused_by_name(how):
    """A certificate missing a disjunct, with a system or lemma of the wrong shape, of another
    format, or with a malformed multiplier is refused with InvalidCertificate (not accepted, and
    not a Python error), on the first two shipped certificates where the change applies."""
    applied = 0
    for path in SHIPPED:
        cert = json.loads(path.read_text(encoding="utf-8"))
        bad = _tamper(cert, how, 0)
        if bad is None:
            continue
        applied += 1
        with pytest.raises(InvalidCertificate):
            check_certificate(bad, _obligation(cert))
        if applied == 2:  # two certificates are enough: rebuilding an obligation takes seconds
            break
    assert applied > 0


@pytest.mark.skipif(not SHIPPED, reason="no certificate shipped")
@settings(max_examples=40, deadline=None, derandomize=True)
@given(i=st.integers(0, 10_000), k=st.integers(0, 10_000),
       how=st.sampled_from(["coefficient", "drop_product", "drop_monomial", "lemma_coefficient",
                            "other_hash", "factor_out_of_range"]))
def test_tampered_certificates_are_rejected(i, k, how):
    cert = json.loads(SHIPPED[i % len(SHIPPED)].read_text(encoding="utf-8"))
    bad = _tamper(cert, how, k)
    if bad is None:
        return
    with pytest.raises(InvalidCertificate):
        check_certificate(bad, _obligation(cert))


def _false_variant(ob: AtomicObligation) -> AtomicObligation:
    """The claim moved by a constant: ¬claim's atom p ⋈ 0 becomes p + 1 ≥ 0 (margin > 0 becomes
    margin > 1, false at every state whose margin lies in (0, 1))."""
    systems = []
    for s in ob.systems:
        *rest, neg = s.atoms
        poly = dict(neg.poly)
        zero = (0,) * len(ob.variables)
        poly[zero] = poly.get(zero, Fraction(0)) + 1
        new = Atom(neg.label, "ge", tuple(sorted((m, c) for m, c in poly.items() if c)))
        systems.append(System(s.disjunct, tuple(rest) + (new,)))
    return AtomicObligation(ob.claim_id, ob.variables, tuple(systems))


# the search's own ladder up to two factors, without lemmas: exhaustive at these levels, so a
# failure to certify is the search's answer, not a time-out
SMALL = (Level(1, 6, 1), Level(2, 6, 1), Level(2, 8, 2))


def test_a_certificate_does_not_prove_a_moved_claim():
    """The identity check itself (hash forced to match): lem22-bound's certificate against the
    claim moved by a constant is rejected; and at the levels where the true claim is certified,
    the moved (false) claim is not."""
    path = shipped_dir() / "lem22-bound.cert.json"
    cert = json.loads(path.read_text(encoding="utf-8"))
    true_ob = _obligation(cert)
    moved = _false_variant(true_ob)
    forged = {**cert, "obligation_sha256": moved.sha256()}
    with pytest.raises(InvalidCertificate):
        check_certificate(forged, moved)
    nv = len(true_ob.variables)
    assert psatz(list(true_ob.systems[0].atoms), nv, SMALL)[0] is not None
    assert psatz(list(moved.systems[0].atoms), nv, SMALL)[0] is None


@pytest.mark.parametrize("cid", ["lem23", "thm8-main", "cor9"])
def test_refuted_claims_get_no_certificate(cid):
    """Negative control of the search: the printed statements the toolkit refutes get no identity
    at the levels that certify lem22-bound (every system tried), and no shipped certificate."""
    ob = atomize(build(cid))
    for s in ob.systems:
        assert psatz(list(s.atoms), len(ob.variables), SMALL)[0] is None
    assert not (shipped_dir() / f"{cid}.cert.json").exists()


@pytest.mark.slow
@pytest.mark.parametrize("cid", ["lem23", "thm8-main"])
def test_refuted_claims_get_no_certificate_from_the_full_search(cid):
    """The full search (lemmas, both encoding forms) within a budget: none found."""
    assert not certify_claim(cid, budget=60)["found"]


# ------------------------------------------------------------------ command line
def test_certify_check_names_the_first_invalid_certificate(tmp_path, capsys):
    for p in SHIPPED:
        (tmp_path / p.name).write_text(p.read_text(encoding="utf-8"), encoding="utf-8")
    victim = tmp_path / SHIPPED[0].name
    cert = json.loads(victim.read_text(encoding="utf-8"))
    victim.write_text(json.dumps(_tamper(cert, "coefficient", 0)), encoding="utf-8")
    assert main(["certify", "--check", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and victim.name in err[0]


def test_certify_usage_errors(tmp_path, capsys):
    assert main(["certify"]) == 2
    assert main(["certify", "--check", str(tmp_path / "missing")]) == 2
    assert main(["certify", "--check", str(tmp_path)]) == 2  # empty directory
    assert main(["certify", "nosuchclaim", "--out", str(tmp_path)]) == 2
    assert main(["certify", "lem17", "--out", str(tmp_path)]) == 2  # not encoded
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 5 and all(e.startswith("salign: error: ") for e in err)


def test_certify_writes_a_certificate_that_checks(tmp_path):
    assert main(["certify", "lem22-bound", "--out", str(tmp_path)]) == 0
    assert load_and_check(tmp_path / "lem22-bound.cert.json") == "lem22-bound"


# ------------------------------------------------------------------ audit
def test_audit_checks_a_shipped_certificate_and_solves_when_it_is_stale(tmp_path, monkeypatch):
    """The audit's prove stage: a valid shipped certificate gives 'proved (certificate)' without a
    solver; a certificate that no longer matches its obligation is not used (the solvers run)."""
    from verify.proofs import command, driver, registry
    from verify.report import audit

    cid = "lem22-bound"
    good = audit.certificate_row(shipped_dir() / f"{cid}.cert.json")
    assert good["status"] == audit.CERTIFIED and good["certificate_text"]
    assert "≡ 0" in good["certificate_text"][0]
    cert = json.loads((shipped_dir() / f"{cid}.cert.json").read_text(encoding="utf-8"))
    (tmp_path / f"{cid}.cert.json").write_text(json.dumps(_tamper(cert, "other_hash", 0)),
                                               encoding="utf-8")
    monkeypatch.setattr(command, "shipped_dir", lambda: tmp_path)
    monkeypatch.setattr(registry, "ENCODINGS", {cid: None})
    calls = []
    monkeypatch.setattr(driver, "prove", lambda ids, timeout: calls.append(ids) or [
        {"claim_id": ids[0], "status": "proved (two solvers)", "evidence": "both solvers: unsat",
         "solvers": {}, "counterexample": None}])
    (row,) = audit._run_proofs(1.0)
    assert calls == [[cid]] and row["status"] == "proved (two solvers)"
    assert "shipped certificate not used" in row["evidence"]
