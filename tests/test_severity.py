"""Severity a reviewer can re-check: the §7 states behind each count are exported as case files,
the count is broken down by time, the largest violation is sized, and one exported state re-checks
the verdict with `salign eval --claim` (issue 20)."""

import json
from fractions import Fraction

import pytest

from verify.claims import CLAIMS_BY_ID
from verify.claims.severity import PAPER_TIMES, paper_regime_summary, time_label
from verify.cli import main

F = Fraction


def test_reviewer_path_thm8_main_on_an_exported_paper_state(tmp_path, capsys):
    """Export the §7 states behind thm8-main's count, then decide the claim at the state the
    severity record names: `salign eval --claim` reports it violated, with the sides it compared."""
    states = tmp_path / "states"
    assert main(["check", "thm8-main", "--profile", "quick", "--json",
                 "--paper-states-dir", str(states)]) == 0
    result = json.loads(capsys.readouterr().out)["results"][0]
    sev = result["severity"]
    index = json.loads((states / "thm8-main" / "index.json").read_text())["states"]
    # every state of the count is a file; the index records m, t, η and the verdict
    assert len(index) == len(PAPER_TIMES) * 9
    assert all((states / "thm8-main" / r["file"]).exists() and r["eta"] == "3/1000" for r in index)
    bad = [r for r in index if r["verdict"] == "violated"]
    assert len(bad) == sev["paper_violations"] > 0
    assert sum(r["verdict"] in ("holds", "violated", "boundary") for r in index) == sev["paper_states"]
    # the re-check command of the report, run on the exported state it names
    cmd = sev["recheck_state"].split(" && ")[1].split()
    assert cmd[:2] == ["salign", "eval"]
    case = states / cmd[cmd.index("--case") + 1].split("/", 1)[1]
    assert main(["eval", "--case", str(case), "--claim", "thm8-main", "--json"]) == 0
    verdict = json.loads(capsys.readouterr().out)["claim"]
    assert verdict["verdict"] == "violated"
    # the size the report gives is the one eval shows: η* over the printed bound
    sides = verdict["sides"]
    rel = (Fraction(sides["eta_star"]) - Fraction(sides["eta_star_upper_thm8_main"])) \
        / Fraction(sides["eta_star_upper_thm8_main"])
    assert abs(float(rel) - sev["largest"]["relative"]) < 1e-9
    # every violated state re-checks as violated, every other decided state does not
    for r in index[1::15] + bad[:2]:
        main(["eval", "--case", str(states / "thm8-main" / r["file"]), "--claim", "thm8-main",
              "--json"])
        got = json.loads(capsys.readouterr().out)["claim"]["verdict"]
        assert (got == "violated") == (r["verdict"] == "violated")


def test_severity_gives_the_time_breakdown_and_the_largest_violation():
    """The breakdown by time adds up to the count, the largest violation is the largest over the
    violating states, and the sentence says where the claim fails (computed, not asserted)."""
    for cid in ("thm8-main", "cor9", "intro-box", "thm13-lower"):
        s = paper_regime_summary(CLAIMS_BY_ID[cid])
        assert list(s["by_time"]) == [time_label(t) for t in PAPER_TIMES]
        assert sum(v["violations"] for v in s["by_time"].values()) == s["paper_violations"] > 0
        assert sum(v["states"] for v in s["by_time"].values()) == s["paper_states"]
        only_t0 = s["by_time"]["0"]["violations"] == s["paper_violations"]
        assert ("fails at the paper's own initialisation" in s["why"]) == only_t0
        assert f"all {s['paper_violations']} violations at t = 0" in s["why"] or not only_t0
        largest = s["largest"]
        assert f"m = {largest['m']}, t = {largest['time']}" in s["why"]
        assert f"{abs(largest['relative']) * 100:.0f} %" in s["why"]
    # Theorem 8 fails at the initialisation only: every later state holds
    s = paper_regime_summary(CLAIMS_BY_ID["thm8-main"])
    assert all(v["violations"] == 0 for t, v in s["by_time"].items() if t != "0")
    assert s["largest"]["relative"] > 0.5  # η* far above the printed bound, not a rounding matter


def test_thm13_lower_and_cor9_eval_show_the_bound(tmp_path, capsys):
    """`eval --claim thm13-lower` names both sides of the inequality: 1 − θ^crit and the bound."""
    from verify.claims.severity import paper_state_records

    rec = next(r for r in paper_state_records(CLAIMS_BY_ID["thm13-lower"])
               if r["verdict"] == "violated")
    path = tmp_path / "c.json"
    path.write_text(json.dumps(rec["case"].to_json_obj()))
    assert main(["eval", "--case", str(path), "--claim", "thm13-lower", "--json"]) == 0
    claim = json.loads(capsys.readouterr().out)["claim"]
    sides = claim["sides"]
    assert claim["verdict"] == "violated" and sides["thm13_lower_bound"] is not None
    # the margin is the difference of the two sides
    diff = float(sides["one_minus_theta_crit"]) - float(sides["thm13_lower_bound"])
    assert abs(diff - float(claim["margin"])) <= 1e-12 * abs(float(sides["thm13_lower_bound"]))
    # likewise Corollary 9 names its bound 2/λ_1
    rec = next(r for r in paper_state_records(CLAIMS_BY_ID["cor9"]) if r["verdict"] == "violated")
    path.write_text(json.dumps(rec["case"].to_json_obj()))
    assert main(["eval", "--case", str(path), "--claim", "cor9", "--json"]) == 0
    sides = json.loads(capsys.readouterr().out)["claim"]["sides"]
    assert Fraction(sides["eta_star_upper_cor9"]) == 2 / rec["case"].eigenvalues[0]


def test_paper_states_dir_needs_a_margin_claim(tmp_path, capsys):
    """A claim not decided at single states has no §7 states to export: a usage error up front."""
    assert main(["check", "sec7-log-m", "--paper-states-dir", str(tmp_path / "s")]) == 2
    assert "--paper-states-dir" in capsys.readouterr().err
    assert not (tmp_path / "s").exists()


def test_every_claim_belongs_to_exactly_one_paper_result():
    """The count's denominator is the paper's results: every claim unit states, reads or corrects
    exactly one of them (or an assumption), and every result is checked or says why not."""
    from verify.claims import CLAIMS
    from verify.claims.results import ASSUMPTIONS, RESULTS

    ids = [i for r in RESULTS + ASSUMPTIONS for i in r.printed + r.readings + r.corrected]
    assert sorted(ids) == sorted(c.id for c in CLAIMS)
    for r in RESULTS:
        assert bool(r.printed) != bool(r.out_of_scope), r.name
    # Lemmas 17–19 have entries: 17 is checked, 18 and 19 say why they are not
    names = {r.name: r for r in RESULTS}
    assert names["Lemma 17"].printed == ("lem17",)
    assert all(names[f"Lemma {n}"].out_of_scope for n in (18, 19))
    # a corrected statement or a reading is never the paper's printed statement
    corrected = {c.corrected_by for c in CLAIMS if c.corrected_by}
    for r in RESULTS:
        assert not set(r.readings) & set(r.printed)
        assert set(r.corrected) <= corrected


def test_count_is_of_the_paper_results_not_of_claims():
    """A refuted reading or corrected statement does not make a result false; a refuted printed
    statement does; fit wording is counted and said; out-of-scope results are not checked."""
    from verify.claims import CLAIMS
    from verify.claims.results import FALSE, HOLDS, OUT, lead_sentence, paper_results

    base = [{"claim_id": c.id, "status": "checked numerically", "severity": None} for c in CLAIMS]

    def with_refuted(*ids, cls="statement or rate error"):
        return [{**c, "status": "refuted", "severity": {"class": cls, "rank": 2}}
                if c["claim_id"] in ids else c for c in base]

    pr = paper_results(base)
    assert pr["false"] == 0 and pr["holds"] == pr["checked"] == pr["total"] - 2
    assert pr["out_of_scope"] == 2
    rows = {x["result"]: x for x in paper_results(with_refuted("thm15-abs"))["results"]}
    assert rows["Theorem 15"]["verdict"] == HOLDS  # a refuted reading
    pr = paper_results(with_refuted("thm8-app", "thm13-lower", "thm13-rate"))
    rows = {x["result"]: x for x in pr["results"]}
    assert rows["Theorem 8"]["verdict"] == rows["Theorem 13"]["verdict"] == FALSE
    assert pr["false"] == 2  # two results, three claims
    assert rows["Lemma 18"]["verdict"] == OUT and "standard" in rows["Lemma 18"]["reason"]
    pr = paper_results(with_refuted("sec7-log-m", cls="fit wording"))
    assert pr["fit_wording_only"] == 1
    assert lead_sentence(pr).startswith(f"1 of the paper's {pr['total']} numbered results are false "
                                        "as printed, 1 of them only in the wording of a curve fit")


def test_fit_wording_claims_have_their_own_lowest_class():
    from verify.claims.search import run_claim
    from verify.claims.severity import RANK

    for cid in ("sec7-phase1-poly", "sec7-log-m"):
        r = run_claim(cid, "quick", 0)
        assert r.status == "refuted"
        assert r.severity["class"] == "fit wording" and r.severity["rank"] == max(RANK.values())


def test_report_opens_with_the_count_of_the_paper_results():
    """The audit report's first table counts the paper's results (from the committed snapshot's
    data, rendered now); each refuted claim failing in the paper's regime shows its time breakdown,
    its largest violation and a re-check on a §7 state."""
    from pathlib import Path

    from verify.claims.results import paper_results
    from verify.report.audit import render_markdown

    data = json.loads((Path(__file__).resolve().parent.parent / "notes" / "audit" / "report.json")
                      .read_text(encoding="utf-8"))
    md = render_markdown(data, [])
    findings = md.split("Findings first", 1)[1]
    first_table = findings[findings.index("\n|") + 1:].split("\n\n", 1)[0]
    pr = paper_results(data["claims"])
    assert f"the paper's {pr['total']} numbered results" in first_table.splitlines()[0]
    assert f"| false as printed | {pr['false']} |" in first_table
    assert findings.index(f"{pr['false']} of the paper's {pr['total']} numbered results") \
        < findings.index("| `")
    for c in data["claims"]:
        sev = c.get("severity") or {}
        if sev.get("paper_violations"):
            assert sev["by_time"] and sev["recheck_state"] in md and "largest violation" in sev["why"]


def test_snapshot_severity_is_what_the_code_measures_now():
    """The committed audit snapshot (the README's findings come from it) carries the severity
    records the code computes today: counts, time breakdown, magnitude."""
    from pathlib import Path

    from verify.claims.severity import paper_regime_summary

    data = json.loads((Path(__file__).resolve().parent.parent / "notes" / "audit" / "report.json")
                      .read_text(encoding="utf-8"))
    assert data["paper_results"]["total"] > 30
    for c in data["claims"]:
        claim = CLAIMS_BY_ID[c["claim_id"]]
        if c["status"] != "refuted" or claim.margin is None:
            continue
        now = paper_regime_summary(claim, data["seed"])
        if now["paper_violations"]:
            assert {k: c["severity"].get(k) for k in now} == now, c["claim_id"]
        else:
            assert c["severity"]["class"] != "fails in the paper's own regime", c["claim_id"]


# --- the §7 states, the records and their counts, recounted -----------------------------------

def _table_claim(verdict_of, strict=True, compare=None, cid="t-sev"):
    """A test claim whose margin at each §7 state is chosen by (m, t): the states are looked up in
    paper_states(0), so any pattern of verdicts can be laid out."""
    from verify.claims.severity import paper_states
    from verify.claims.unit import Claim

    where = {id(case): (m, t) for m, t, case in paper_states(0)}  # the cached states themselves
    return Claim(id=cid, reference="Test 1; eq. (1)", statement="s", hypotheses="", quantity="q",
                 kind="inequality", strict=strict,
                 margin=lambda case: verdict_of(*where[id(case)]),
                 compare=None if compare is None else (lambda case: compare(*where[id(case)])),
                 compare_names=("v", "b"))


def test_paper_states_follow_the_exact_law_of_constant_step_sgd():
    """Each §7 state has c_i ~ N(0, v_i(t)), v_i(t) the variance of constant-step SGD from
    x_0 ~ N(0, I): here v is computed by iterating its recursion v ← (1 − ηλ)² v + η²κ² t times
    (κ² = σ² = 1/4), and at stationarity by its fixed point. Pooled over the nine gaps, Σ c_i²/v_i
    is a χ² with 9·500 degrees of freedom: within 6 standard deviations of its mean at every t.
    The grid is the paper's: d = 500, k = 50, η = 0.003, σ = 0.5, every gap m of PAPER_M."""
    import numpy as np

    from verify.claims.severity import PAPER_ETA, PAPER_SIGMA, paper_state_variances, paper_states
    from verify.core.families import PAPER_M, paper_spectrum

    states = paper_states(0)
    assert [(m, t) for m, t, _ in states] == [(m, t) for m in PAPER_M for t in PAPER_TIMES]
    eta, kap = float(PAPER_ETA), float(PAPER_SIGMA) ** 2
    for m, _, case in states:
        assert case.d == 500 and case.k == 50 and case.eta == F(3, 1000) and case.sigma == F(1, 2)
        assert list(case.eigenvalues) == paper_spectrum(m)
    lam = np.array([[float(x) for x in case.eigenvalues] for _, t, case in states if t == 0])
    a = (1 - eta * lam) ** 2
    var = {None: eta**2 * kap / (1 - a)}  # the fixed point of the recursion
    v = np.ones_like(lam)
    for step in range(max(t for t in PAPER_TIMES if t is not None) + 1):
        if step in PAPER_TIMES:
            var[step] = v
        v = a * v + eta**2 * kap
    # the variances the states are drawn with are these, to rounding (a few-percent error in the
    # transient (1 − ηλ)^{2t}(1 − β) would pass the χ² test below but not this one)
    drawn = np.array([paper_state_variances(m) for m in PAPER_M])  # (gap, time, coordinate)
    for j, t in enumerate(PAPER_TIMES):
        np.testing.assert_allclose(drawn[:, j, :], var[t], rtol=1e-9, err_msg=str(t))
    chi = {}
    for t in PAPER_TIMES:
        c = np.array([[float(x) for x in case.state] for _, t2, case in states if t2 == t])
        chi[t] = float(np.sum(c**2 / var[t]))
    n = 500 * len(PAPER_M)
    for t, x in chi.items():
        assert abs(x - n) < 6 * (2 * n) ** 0.5, (t, x / n)
    # another seed draws other states of the same law
    assert paper_states(1, (5,))[0][2].state != states[0][2].state


def test_records_export_and_counts_recount_from_the_exported_files(tmp_path):
    """Lay out every verdict on the §7 grid — outside the hypotheses at m = 5, margin 0 at m = 10,
    violated at t = 0 and at m = 500, holds elsewhere — then recount from the exported case files
    (decided afresh) and the index: the verdict of each state, the margin, the size of each
    violation (value − bound)/|bound|, the counts by time and the largest violation."""
    from verify.claims.severity import (
        export_paper_states,
        paper_regime_summary,
        paper_regime_violations,
        paper_state_records,
        paper_states,
    )
    from verify.core.cases import load_case

    def margin(m, t):
        if m == 5:
            return None
        if m == 10:
            return F(0)
        return F(-1) if t == 0 or m == 500 else F(1)

    def compare(m, t):  # value 2 + m/1000 against bound 2 (relative m/2000), for every state
        return F(2) + F(m, 1000), F(2)

    for strict in (False, True):
        c = _table_claim(margin, strict=strict, compare=compare)
        index = export_paper_states(c, tmp_path / str(strict))
        recs = paper_state_records(c)
        assert [{k: v for k, v in r.items() if k != "case"} for r in recs] == index
        saved = json.loads((tmp_path / str(strict) / "t-sev" / "index.json").read_text())
        assert saved["states"] == index and saved["claim_id"] == "t-sev" and saved["seed"] == 0
        for i, r in enumerate(index):
            # the files as a reviewer reads them (every third: reading 500-entry cases is slow;
            # index steps of 3 meet every time t, as the grid has 5 times per gap)
            if strict and i % 3 == 0:
                case = load_case(tmp_path / str(strict) / "t-sev" / r["file"])
                assert case == paper_states(0)[i][2] and case.eta == F(r["eta"])
            mg = margin(r["m"], r["t"])
            want = ("outside hypotheses" if mg is None else
                    "violated" if mg < 0 or (mg == 0 and strict) else
                    "boundary" if mg == 0 else "holds")
            assert r["verdict"] == want, r
            assert r["time"] == time_label(r["t"]) and r["file"].startswith(f"m{r['m']}-t{r['time']}-")
            assert ("margin" in r) == (mg is not None)
            if want == "violated":
                assert r["relative"] == pytest.approx(r["m"] / 2000) and r["bound"] == 2.0
            else:
                assert "relative" not in r
        decided = [r for r in index if r["verdict"] in ("holds", "violated", "boundary")]
        bad = [r for r in decided if r["verdict"] == "violated"]
        assert paper_regime_violations(c) == (len(decided), len(bad))
        s = paper_regime_summary(c)
        assert (s["paper_states"], s["paper_violations"]) == (len(decided), len(bad))
        for t in PAPER_TIMES:
            at = [r for r in decided if r["t"] == t]
            assert s["by_time"][time_label(t)] == {
                "states": len(at), "violations": sum(r["verdict"] == "violated" for r in at)}
        # the largest violation: m = 500 (relative 1/4), at its earliest time listed
        assert s["largest"]["m"] == 500 and s["largest"]["relative"] == pytest.approx(0.25)
        assert "25 % over" in s["why"] and f"{len(bad)} of {len(decided)}" in s["why"]
        assert s["recheck_state"].endswith("--claim t-sev") and s["largest"]["file"] in s["recheck_state"]


def test_summary_sentence_says_where_the_claim_fails():
    """Only at t = 0: 'fails at the paper's own initialisation' with the count of later states
    that hold; at every time: 'fails at every time we drew'; otherwise the plain count. No
    violation: counts only, no sentence."""
    from verify.claims.severity import paper_regime_summary

    only0 = paper_regime_summary(_table_claim(lambda m, t: F(-1) if t == 0 else F(1)))
    n = len(PAPER_TIMES) * 9
    assert "fails at the paper's own initialisation" in only0["why"]
    assert "all 9 violations at t = 0, of 9 states" in only0["why"]
    assert f"0 of {n - 9} at t = 100" in only0["why"]
    assert "largest" not in only0 and only0["recheck_state"].startswith("salign check t-sev")
    every = paper_regime_summary(_table_claim(lambda m, t: F(-1) if m in (20, 50) else F(1)))
    assert "fails at every time we drew, 10 of 45 §7 states" in every["why"]
    assert every["why"].startswith("Test 1 fails")  # the reference's first part
    some = paper_regime_summary(_table_claim(lambda m, t: F(-1) if t is None else F(1)))
    assert some["why"].startswith("9 of 45 §7 states inside its hypotheses violate it")
    assert "t = 0: 0 of 9" in some["why"] and "t = stationary: 9 of 9" in some["why"]
    none = paper_regime_summary(_table_claim(lambda m, t: F(1)))
    assert none == {"paper_states": n, "paper_violations": 0, "by_time": none["by_time"]}
    # a violation under its bound is sized and said to be under
    under = paper_regime_summary(_table_claim(lambda m, t: F(-1) if t == 0 else F(1),
                                              compare=lambda m, t: (F(1, 2), F(1))))
    assert "50 % under" in under["why"] and under["largest"]["relative"] == -0.5


def test_pct_prints_whole_percents_and_two_digits_below_one_percent():
    """A relative size as a percentage without sign: whole percents from 1 % up, two significant
    digits below (a violation of 0.0042 is '0.42 %', not '0 %')."""
    from verify.claims.severity import _pct

    assert _pct(0.5) == _pct(-0.5) == "50 %"
    assert _pct(0.01) == "1 %" and _pct(0.015) == "2 %" and _pct(0.25) == "25 %"
    assert _pct(0.0042) == _pct(-0.0042) == "0.42 %"


def test_stationary_dominant_variances_are_lemma_26s():
    """In the dominant directions (λ ∈ [80, 100], ηλ ≈ 0.27) the factor (1 − ηλ)^{2t} is below 1e-27
    from t = 100 on, so every later state draws c_i ~ N(0, β_i) with β_i the stationary second
    moment of Lemma 26 — taken here from `expected_trajectory` (its value at t = 10⁹). There ηλ²
    in β = ηκ²/(2λ − ηλ²) is a ~25 % effect: the pooled c_i²/β_i (1 800 draws) must average 1
    within 3 standard deviations. Each entry is rounded to 6 significant digits, as documented."""
    import numpy as np

    from verify.claims.severity import paper_states
    from verify.core.families import q
    from verify.simulation.engines import expected_trajectory

    states = paper_states(0)
    lam = np.array([float(x) for x in states[0][2].eigenvalues[:50]])  # the same for every gap m
    # β_i = E[c_i²] long after the start (c_0 = 0, t = 10⁹), one direction per call
    beta = np.array([expected_trajectory(lam[i:i + 1], 1, np.array([0.25]), np.zeros(1), 0.003,
                                         np.array([1e9]))["E_s_D"][0] / lam[i] ** 2 for i in range(50)])
    ratios = []
    for _, t, case in states:
        assert all(q(float(x), 6) == x for x in case.state[::25])
        assert [float(x) for x in case.eigenvalues[:50]] == list(lam)
        if t != 0:
            ratios.extend(np.array([float(x) for x in case.state[:50]]) ** 2 / beta)
    n = len(ratios)
    assert n == 4 * 9 * 50
    assert abs(np.mean(ratios) - 1) < 3 * (2 / n) ** 0.5


def test_exported_case_files_are_the_case_format_and_export_can_be_repeated(tmp_path):
    """Each exported state file is byte-for-byte the case format (`Case.to_json`, what
    `check --cases-dir` writes); exporting again into the same directory (re-running the re-check
    command) replaces the files instead of failing; a directory that does not exist yet is made."""
    from verify.claims.severity import export_paper_states, paper_states

    c = _table_claim(lambda m, t: F(1))
    out = tmp_path / "not" / "yet"
    first = export_paper_states(c, out)
    again = export_paper_states(c, out)
    assert first == again
    for (_, _, case), r in list(zip(paper_states(0), first))[::11]:
        assert (out / "t-sev" / r["file"]).read_text(encoding="utf-8") == case.to_json()


def test_one_unsized_violation_is_the_state_to_recheck():
    """A claim violated at a single §7 state and naming no compared numbers: the summary counts
    one violation and its re-check command names that state's file."""
    from verify.claims.severity import paper_regime_summary, state_file_name

    s = paper_regime_summary(_table_claim(lambda m, t: F(-1) if (m, t) == (50, 1000) else F(1)))
    assert s["paper_violations"] == 1 and "largest" not in s
    assert s["recheck_state"].endswith(f"states/t-sev/{state_file_name(50, 1000, 0)} --claim t-sev")


def test_classify_rank_is_the_rank_of_its_class():
    """Each class classify assigns carries its documented rank RANK[class] (1 paper regime,
    2 statement, 3 missing hypothesis): a violation at a §7 state, an empirical refutation, a
    witness failing the unstated hypothesis, and a witness satisfying it."""
    from dataclasses import replace

    from verify.claims.severity import MISSING, PAPER, RANK, STATEMENT, classify, paper_states
    from verify.core import results as R

    witness = paper_states(0)[0][2].to_json_obj()
    res = R.CheckResult(claim_id="t-sev", status=R.REFUTED, evidence="", counterexample=witness)
    holds = _table_claim(lambda m, t: F(1))
    cases = [
        (_table_claim(lambda m, t: F(-1) if t == 0 else F(1)), PAPER),
        (replace(holds, kind="empirical", margin=None), PAPER),
        (replace(holds, missing_hypothesis=lambda case: False), MISSING),
        (replace(holds, missing_hypothesis=lambda case: True), STATEMENT),
        (holds, STATEMENT),
    ]
    for claim, cls in cases:
        sev = classify(claim, res)
        assert sev["class"] == cls and sev["rank"] == RANK[cls], (cls, sev)
    assert RANK[PAPER] < RANK[STATEMENT] < RANK[MISSING]
