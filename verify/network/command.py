"""`salign network [--quick] --out DIR [--json] [--seed N]`: the network study (needs the `network` extra)."""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys

MISSING = ("salign: error: the network study needs jax and scikit-learn; install the `network` extra: "
           "pip install -e '.[network]'")


def add_parser(subparsers) -> argparse.ArgumentParser:
    n = subparsers.add_parser("network", help="score the paper's step-size conditions on a real network")
    n.add_argument("--quick", action="store_true", help="small settings (CI / audit, about a minute)")
    n.add_argument("--out", required=True, help="output directory (written atomically)")
    n.add_argument("--json", action="store_true", help="print the predictions as JSON on stdout")
    n.add_argument("--seed", type=_seed, default=0,
                   help="master seed of every random draw of the study (initialisation, training "
                        "minibatches, analysis draws, switch runs, the quadratic control; "
                        "0..2³¹−1; default: 0)")
    return n


def _seed(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if not 0 <= v < 2**31:
        raise argparse.ArgumentTypeError(f"must lie in 0..2147483647, got {text!r}")
    return v


def progress_printer(label: str = "network", every: float = 2.0):
    """A `run_network` progress callback: done/total cost units, rate and ETA on stderr (redrawn on a
    terminal, a plain line every `every` seconds in a log), the current part in the label. Returns
    (callback, close)."""
    from verify.execution.progress import Progress

    bar: list = []

    def callback(done: int, total: int, part: str) -> None:
        if not bar:
            bar.append(Progress(total, label, "cost units", every=every))
        bar[0].label = f"{label} ({part})"
        bar[0].update(done)

    def close(final: bool = True) -> None:
        if bar:
            bar[0].close(final)

    return callback, close


def available() -> bool:
    return all(importlib.util.find_spec(m) is not None for m in ("jax", "sklearn"))


def run(args) -> int:
    """Exit 0 when the study ran (whatever the agreement: disagreement is a finding, not an error);
    2 when jax / scikit-learn are missing (one line on stderr)."""
    if not available():
        sys.stderr.write(MISSING + "\n")
        return 2
    from verify.core.atomic import check_writable

    out = check_writable(args.out, "--out", kind="dir")  # before the study (UsageError: exit 2)
    from verify.network.report import agreement_scores, write_outputs
    from verify.network.run import run_network

    progress, close = progress_printer()
    try:
        result = run_network(bool(args.quick), int(args.seed), progress=progress)
    except BaseException:
        close(final=False)
        raise
    close()
    write_outputs(result, out)
    t = result["timings"]
    sys.stderr.write("salign network: " + ", ".join(f"{k} {v:.1f}s" for k, v in t.items()) + "\n")
    if args.json:
        print(json.dumps({"predictions": result["predictions"],
                          "control": {"predictions": result["control"]["predictions"]},
                          "power": result["power"]["summary"]},
                         sort_keys=True, allow_nan=False))
    else:
        for fam, a, n in agreement_scores(result["predictions"]):
            print(f"network  {a}/{n}  {fam}")
        print(result["power"]["summary"]["line"])
        for p in result["control"]["predictions"]:
            tag = "  (negative control)" if p.get("expected_agree") is False else ""
            if p.get("expected_agree") is False:  # a wrong prediction the method must reject
                verdict = "rejected (control passes)" if not p["agree"] else "AGREES (control fails)"
            else:
                verdict = "agree" if p["agree"] else "DISAGREE"
            print(f"control  {verdict} ({p.get('agree_count')})  {p['name']}{tag}")
        print(f"wrote {out}/network.json, network.md, alignment.png, crossings.png, switch.png")
    return 0
