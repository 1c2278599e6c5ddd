"""Atomic output: write to a temporary file in the target directory, then os.replace; and the
check, before any computing, that an output can be written where the user asked."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def check_writable(path: str | Path, flag: str = "--out", kind: str = "file") -> Path:
    """Before any work: can the output `path` (a file, or for kind="dir" a directory) be written?
    Probes with a tiny file, removed at once, in the target directory or, when it does not exist
    yet, in its nearest existing ancestor (where it would be created). A one-line UsageError naming
    the user's path (never an internal file) when not."""
    from verify.core.errors import UsageError

    p = Path(path)
    if not str(path).strip():
        raise UsageError(f"{flag}: empty path")
    if kind == "file":
        if p.is_dir():
            raise UsageError(f"{flag} {path}: is a directory, need a file name")
        where = p.parent
    else:
        if p.exists() and not p.is_dir():
            raise UsageError(f"{flag} {path}: exists and is not a directory")
        where = p
    while not where.exists() and where.parent != where:  # nearest existing ancestor
        where = where.parent
    if not where.is_dir():
        raise UsageError(f"{flag} {path}: cannot write there ({where} is not a directory)")
    try:
        fd, probe = tempfile.mkstemp(dir=where, prefix=".salign-probe-", suffix=".tmp")
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise UsageError(f"{flag} {path}: cannot write there ({exc.strerror or exc})") from None
    return p


def write_atomic(path: str | Path, data: str | bytes) -> None:
    """Write `data` to `path` atomically. An OSError names `path` (not the temporary file)."""
    path = Path(path)
    try:
        _write_atomic(path, data)
    except OSError as exc:
        if exc.errno is None:
            raise
        raise OSError(exc.errno, exc.strerror, str(path)) from None


def _write_atomic(path: Path, data: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual file mode
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
