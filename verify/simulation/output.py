"""Simulation outputs: a compact binary `.npz` (byte-deterministic) and its JSON metadata.

The `.npz` is a ZIP archive of `.npy` arrays (numpy's format, readable with `numpy.load`
without pickles): `t` (recorded steps), and `alignment`, `loss`, `s_D`, `s_B` of shape
(records × seeds) in float64, plus `meta`, a 0-d unicode array holding the JSON metadata
(inputs, engine, provenance). The members are stored uncompressed with a fixed timestamp, so
the same inputs and seed give the same bytes (numpy.savez stamps the current time).
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import numpy as np

from verify.core.atomic import write_atomic

_EPOCH = (1980, 1, 1, 0, 0, 0)


def npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    """A deterministic .npz: members in the given order, stored, timestamp 1980-01-01. Each
    array is written straight into its member (no intermediate copy of the member); the bytes
    are those of `ZipFile.writestr` of the member's .npy bytes (tested)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED) as zf:
        for name, arr in arrays.items():
            arr = np.asarray(arr)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=_EPOCH)
            info.external_attr = 0o644 << 16
            info.file_size = arr.nbytes  # as writestr would (decides ZIP64); exact after writing
            with zf.open(info, "w") as member:
                np.lib.format.write_array(member, arr, allow_pickle=False)
    return buf.getvalue()


def steady_summary(alignment: np.ndarray, diverged: np.ndarray, window: int) -> dict:
    """Seed-mean alignment averaged over the last `window` records (null if any seed diverged),
    and the seed means themselves."""
    w = alignment[-window:]
    if diverged[-window:].any():
        return {"window_records": window, "mean": None, "per_seed_mean": None}
    per_seed = w.mean(axis=0)
    return {"window_records": window, "mean": f"{per_seed.mean():.12g}",
            "per_seed_mean": [f"{v:.12g}" for v in per_seed]}


def write_npz_and_meta(tr, record_every: int, meta: dict, out: str, diverged: np.ndarray) -> None:
    """Write `out` (a `.npz` file) or, for a directory `out`, OUT/simulate.npz and
    OUT/simulate.json (the metadata with the archive's SHA-256 and a steady-state summary)."""
    n_rec = tr.alignment.shape[0]
    arrays = {"t": np.arange(n_rec, dtype=np.int64) * record_every}
    bad = diverged.any()
    for name in ("alignment", "loss", "s_D", "s_B", "eta_loss_D", "eta_loss_B"):
        arr = getattr(tr, name, None)
        if arr is not None:
            arrays[name] = np.where(diverged, np.nan, arr) if bad else arr
    arrays["meta"] = np.array(json.dumps(meta, sort_keys=True))
    raw = npz_bytes(arrays)
    target = Path(out)
    if target.suffix == ".npz":
        write_atomic(target, raw)
        return
    write_atomic(target / "simulate.npz", raw)
    summary = dict(meta)
    summary["files"] = {"simulate.npz": {"sha256": hashlib.sha256(raw).hexdigest(),
                                         "arrays": [k for k in arrays if k != "meta"],
                                         "shape": [n_rec, tr.alignment.shape[1]]}}
    summary["steady_state"] = steady_summary(tr.alignment, diverged, max(1, n_rec // 3))
    write_atomic(target / "simulate.json", json.dumps(summary, sort_keys=True, indent=1) + "\n")
