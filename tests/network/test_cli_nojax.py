"""`salign network` without jax / scikit-learn: exit 2 and one line naming the `network` extra
(runs whether or not the extra is installed: availability is simulated)."""

from __future__ import annotations


def test_network_command_without_jax_exits_2(monkeypatch, capsys, tmp_path):
    import verify.network.command as command
    from verify.cli import main

    monkeypatch.setattr(command, "available", lambda: False)
    assert main(["network", "--quick", "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "network" in err and "extra" in err
    assert not (tmp_path / "o").exists()


def test_network_command_bad_seed_is_a_usage_error(capsys, tmp_path):
    from verify.cli import main

    assert main(["network", "--out", str(tmp_path / "o"), "--seed", "-1"]) == 2
    assert capsys.readouterr().err.startswith("salign: ")
