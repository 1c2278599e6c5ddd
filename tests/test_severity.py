"""Severity a reviewer can re-check: the §7 states behind each count are exported as case files,
the count is broken down by time, the largest violation is sized, and one exported state re-checks
the verdict with `salign eval --claim` (issue 20)."""

import json
from fractions import Fraction

from verify.claims import CLAIMS_BY_ID
from verify.claims.severity import PAPER_TIMES, paper_regime_summary, time_label
from verify.cli import main


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


def test_thm13_lower_eval_shows_the_bound(tmp_path, capsys):
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


def test_paper_states_dir_needs_a_margin_claim(tmp_path, capsys):
    """A claim not decided at single states has no §7 states to export: a usage error up front."""
    assert main(["check", "sec7-log-m", "--paper-states-dir", str(tmp_path / "s")]) == 2
    assert "--paper-states-dir" in capsys.readouterr().err
    assert not (tmp_path / "s").exists()
