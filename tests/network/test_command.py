"""The whole study at tiny settings: output files, JSON shape, Markdown section, byte determinism."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("jax")
pytest.importorskip("sklearn")

from verify.network.report import render_markdown, write_outputs  # noqa: E402
from verify.network.run import run_network  # noqa: E402

TINY = {
    "hidden": 4, "loss": "ce", "eta_train": 1.0, "b": 16, "k": 3, "k_sweep": [2],
    "train_steps": 40, "analysis_steps": [40], "trajectory_every": 20, "R": 24, "grid": 9,
    "switch_steps": 6, "switch_refresh": 3, "switch_seeds": 1,
    "control": {"d": 12, "k": 3, "n": 100, "b": 4, "R": 60, "grid": 9, "eta_train": 0.3, "replicates": 2},
}


@pytest.fixture(scope="module")
def result():
    return run_network(True, 5, config=TINY)


def test_json_shape_and_markdown(result, tmp_path):
    for preds in (result["predictions"], result["control"]["predictions"]):
        assert preds
        for p in preds:
            assert {"name", "predicted", "observed", "ci", "agree"} <= set(p)
            assert isinstance(p["agree"], bool)
    names = [p["name"] for p in result["control"]["predictions"]]
    assert any("NEGATIVE CONTROL" in n for n in names)
    assert result["states"][0]["negative_spectrum"]["d"] == result["settings"]["P"]
    md = render_markdown(result)
    assert md.startswith("## Theory vs network") and "Where the quadratic theory fails" in md
    out = tmp_path / "o"
    write_outputs(result, out)
    assert sorted(x.name for x in out.iterdir()) == ["alignment.png", "crossings.png", "network.json",
                                                     "network.md", "switch.png"]
    data = json.loads((out / "network.json").read_text())
    assert "provenance" in data and "timings" not in data and data["seeds"]["seed"] == 5
    assert data["inputs"] == {"quick": True, "seed": 5}  # like every JSON output (issue 20)
    write_outputs(result, out)  # replacing an existing directory works and leaves no staging dirs
    assert [x.name for x in tmp_path.iterdir()] == ["o"]


def test_same_seed_byte_identical(result, tmp_path):
    again = run_network(True, 5, config=TINY)
    write_outputs(result, tmp_path / "a")
    write_outputs(again, tmp_path / "b")
    for name in ("network.json", "network.md"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
