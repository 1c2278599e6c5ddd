"""`salign check`'s text output: the severity of each refuted claim (the README tour promises it)
and one closing summary line with the counts by verdict."""

import json

from verify.cli import main


def test_check_text_shows_severity_and_a_summary(capsys):
    assert main(["check", "thm8-main", "thm2", "--profile", "quick", "--seed", "0"]) == 0
    text = capsys.readouterr().out
    assert main(["check", "thm8-main", "thm2", "--profile", "quick", "--seed", "0", "--json"]) == 0
    res = {r["claim_id"]: r for r in json.loads(capsys.readouterr().out)["results"]}
    lines = text.splitlines()
    block = lines[:next(i for i, x in enumerate(lines) if x.startswith("thm2 "))]
    sev = res["thm8-main"]["severity"]
    assert block[0].startswith("thm8-main") and "refuted" in block[0]
    assert f"    severity: {sev['class']} — {sev['why']}" in block
    assert f"    re-check on a §7 state: {sev['recheck_state']}" in block
    thm2 = res["thm2"]["status"]
    assert not any(x.strip().startswith("severity:") for x in lines[len(block):])
    assert lines[-1] == f"summary: 2 claims checked: 1 refuted, 1 {thm2}"
