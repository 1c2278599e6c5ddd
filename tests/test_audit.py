"""The audit end to end (quick profile), its JSON against `salign check --json`, atomicity."""

import json
import shutil
import subprocess

import pytest

from verify.cli import main
from verify.report import audit as audit_mod


@pytest.fixture(scope="module")
def audit_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("a") / "audit"
    # the proofs and the network study have their own tests (tests/proofs, tests/network); the
    # audit's own sections for them are tested below from small inputs
    assert main(["audit", "--out", str(out), "--profile", "quick", "--seed", "0", "--no-prove",
                 "--no-network"]) == 0
    return out


def test_report_tex_compiles(audit_dir, tmp_path):
    """The referee report in LaTeX (with the paper's BibTeX entry beside it) compiles; skipped
    without a TeX install (.ci/run installs texlive-latex-base when it can)."""
    from texcompile import compile_tex

    tex = (audit_dir / "report.tex").read_text(encoding="ascii")
    assert "\\section*{Verdicts}" in tex and "\\section*{Witnesses}" in tex
    assert "@inproceedings{deng2026suspicious" in (audit_dir / "paper.bib").read_text()
    compile_tex(tex, tmp_path, "report")


def test_report_files(audit_dir, capsys):
    for name in ("report.md", "report.html", "report.json", "report.tex", "paper.bib"):
        assert (audit_dir / name).stat().st_size > 0
    data = json.loads((audit_dir / "report.json").read_text())
    assert data["schema_version"] == 1
    html = (audit_dir / "report.html").read_text()
    assert "data:image/png;base64," in html and "http" not in html.split("<body>")[1][:2000]
    assert main(["check", "thm8-main", "cor9", "--profile", "quick", "--seed", "0", "--json"]) == 0
    chk = {r["claim_id"]: r for r in json.loads(capsys.readouterr().out)["results"]}
    rep = {c["claim_id"]: c for c in data["claims"]}
    for cid, r in chk.items():
        assert rep[cid]["status"] == r["status"]
        assert rep[cid]["counterexample"] == r["counterexample"]
        assert (audit_dir / "cases" / f"{cid}.json").exists()


def test_report_links_hold_from_any_out(audit_dir):
    """Every link of report.md and report.html (written to a temporary --out, not notes/audit)
    names a file that exists beside the report or an anchor the report defines; the companions
    (notes/findings.md, docs/claims.md) are copies written there."""
    import re
    from urllib.parse import unquote

    md = (audit_dir / "report.md").read_text(encoding="utf-8")
    html = (audit_dir / "report.html").read_text(encoding="utf-8")
    anchors = set(re.findall(r"id=[\"']([^\"']+)[\"']", md)) | set(re.findall(r"id='([^']+)'", html))
    targets = re.findall(r"\]\(([^)\s]+)\)", md) + re.findall(r"href='([^']+)'", html)
    assert "findings.md" in targets and "claims.md" in targets
    for t in targets:
        if t.startswith("#"):
            assert t[1:] in anchors, t
        else:
            assert "://" not in t and not t.startswith(("/", "..")), t
            assert (audit_dir / unquote(t)).is_file(), t
    repo = audit_mod.companion_files()
    assert (audit_dir / "findings.md").read_bytes() == repo["findings.md"].read_bytes()


@pytest.mark.slow  # ≈ 47 s: a whole audit run; behind -m slow to keep CI under its 20 minutes
def test_interrupted_audit_leaves_no_report(tmp_path, monkeypatch):
    def boom(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(audit_mod, "render_html", boom)
    out = tmp_path / "audit"
    assert main(["audit", "--out", str(out), "--profile", "quick", "--no-prove", "--no-network"]) == 130
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".audit-staging")]


def test_reproduction_matches_exact_finite_d_expectation(audit_dir):
    """Steady-state means of the 7-seed sweep lie in their 95% CI around the exact finite-d
    E[θ_t]; Theorem 16's θ_∞ (ratio of expectations) lies above the CI at m = 5."""
    rows = json.loads((audit_dir / "report.json").read_text())["reproduction"]["rows"]
    for r in rows:
        lo, hi = (float(x) for x in r["ci95"])
        assert lo <= float(r["finite_d_expected"]) <= hi, r
    assert float(rows[0]["theta_inf"]) > float(rows[0]["ci95"][1])


def test_reproduction_table_equals_reproduce_quick(audit_dir, tmp_path, capsys):
    """The audit's §7 table and `salign reproduce --quick` run the same per-gap simulations: the
    same numbers, seed for seed (a single all-gaps run gave m = 5: 0.554427 against 0.554896)."""
    capsys.readouterr()
    assert main(["reproduce", "--quick", "--out", str(tmp_path / "r"), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    audit = json.loads((audit_dir / "report.json").read_text())["reproduction"]
    assert [r["m"] for r in rows] == [5, 50, 500]
    assert audit["rows"] == rows
    assert "salign reproduce --quick" in (audit_dir / "report.md").read_text(encoding="utf-8")


@pytest.mark.slow  # ≈ 52 s: a second whole audit run (byte-identical JSON: also
# tests/test_reliability.py::test_identical_outputs_across_processes for check and reproduce)
def test_same_seed_same_report_json(audit_dir, tmp_path):
    out = tmp_path / "again"
    assert main(["audit", "--out", str(out), "--profile", "quick", "--seed", "0", "--no-prove",
                 "--no-network"]) == 0
    assert (out / "report.json").read_bytes() == (audit_dir / "report.json").read_bytes()
    assert (out / "report.md").read_bytes() == (audit_dir / "report.md").read_bytes()


def test_html_has_mathml_and_no_network(audit_dir):
    html = (audit_dir / "report.html").read_text()
    assert html.count("<math") >= 20 and "<mfrac>" in html
    assert "http://" not in html and "https://" not in html and "<script" not in html


CHROMIUM = shutil.which("chromium")


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium not installed (.ci/run installs it)")
def test_html_renders_in_chromium(audit_dir, tmp_path):
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run",
             f"--user-data-dir={tmp_path / 'ud'}"]
    uri = (audit_dir / "report.html").as_uri()
    dom = subprocess.run([CHROMIUM, *flags, "--dump-dom", uri], check=True,
                         capture_output=True, text=True, timeout=120).stdout
    assert "<math" in dom and "data:image/png;base64," in dom and "Refuted claims" in dom
    # the rendered page opens with the severity-ordered findings, verdicts coloured
    assert dom.index("Findings first") < dom.index("Legend") < dom.index("All claims")
    assert "verdict-refuted" in dom and "fails in the paper's own regime" in dom
    shot = tmp_path / "shot.png"
    subprocess.run([CHROMIUM, *flags, f"--screenshot={shot}", "--window-size=1000,4000", uri],
                   check=True, capture_output=True, timeout=120)
    assert shot.stat().st_size > 20000


def test_report_opens_with_severity_ordered_findings(audit_dir):
    md = (audit_dir / "report.md").read_text()
    html = (audit_dir / "report.html").read_text()
    assert md.index("Findings first") < md.index("## Summary") < md.index("## All claims")
    data = json.loads((audit_dir / "report.json").read_text())
    ranks = [c["severity"]["rank"] for c in data["claims"] if c["status"] == "refuted"]
    assert ranks and all(r in (1, 2, 3, 4) for r in ranks)  # 4: fit wording
    findings = md.split("## <a id=\"findings\"></a>", 1)[1].split("## Legend")[0]
    order = [line.split("`")[1] for line in findings.splitlines() if line.startswith("| `")]
    by_id = {c["claim_id"]: c["severity"]["rank"] for c in data["claims"] if c["status"] == "refuted"}
    assert [by_id[i] for i in order] == sorted(by_id[i] for i in order)
    assert "verdict-refuted" in html and "color:#b00020" in html and "Sign convention" in html


def test_markdown_and_html_come_from_the_same_document():
    """Both renderers walk the same blocks: every table cell text of the Markdown is in the HTML."""
    from verify.report.document import C, Document, T, V, to_html, to_markdown

    doc = Document("t")
    doc.h(2, T("Head & tail"))
    doc.table([[T("a")], [T("b")]], [[[C("x|y")], [V("refuted")]]])
    md, html = to_markdown(doc), to_html(doc, {})
    assert "x\\|y" in md and "<code>x|y</code>" in html and "Head &amp; tail" in html
    assert "verdict-refuted" in html


def test_network_and_proof_sections_render(tmp_path):
    """The audit's proofs/network sections from small inputs (the full runs are tested elsewhere)."""
    from verify.report.audit import _network_section, _proof_section, _simulation_section
    from verify.report.document import Document, to_markdown

    doc = Document("t")
    _proof_section(doc, [{"claim_id": "thm6", "status": "proved (two solvers)", "evidence": "both unsat",
                          "solvers": {"z3": {"answer": "unsat", "seconds": 0.1},
                                      "cvc5": {"answer": "unsat", "seconds": 0.2}}}])
    _simulation_section(doc, {"thm2": {"what": "one step", "test": "t::a", "control": "t::b"}})
    _network_section(doc, {"skipped": "not requested"}, [])
    md = to_markdown(doc)
    assert "proved (two solvers)" in md and "z3 unsat 0.10 s" in md and "sim-thm2" in md
    assert "Not run: not requested" in md
