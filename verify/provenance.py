"""What produced a result: package versions and the git commit (recorded in every JSON output).

Deterministic for a given checkout and environment, so two runs with the same inputs and seed
still produce byte-identical files; `git_dirty` flags uncommitted changes to tracked files,
which make the commit alone insufficient to reproduce the result.
"""

from __future__ import annotations

import functools
import platform
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _git(*args: str) -> str | None:
    try:
        return subprocess.run(["git", *args], capture_output=True, text=True, cwd=ROOT,
                              check=True, timeout=10).stdout
    except (OSError, subprocess.CalledProcessError, subprocess.TimeoutExpired):
        return None


def git_commit() -> str:
    out = _git("rev-parse", "HEAD")
    return out.strip() if out else "unknown"


def versions() -> dict[str, str]:
    import flint
    import matplotlib
    import mpmath
    import numpy
    import sympy

    from verify import __version__

    return {"suspicious-alignment": __version__, "python": platform.python_version(),
            "sympy": sympy.__version__, "mpmath": mpmath.__version__, "numpy": numpy.__version__,
            "python-flint": flint.__version__, "matplotlib": matplotlib.__version__}


@functools.lru_cache(maxsize=1)
def provenance() -> dict:
    """{"versions": …, "git_commit": …, "git_dirty": bool | None} for this process."""
    status = _git("status", "--porcelain", "--untracked-files=no")
    return {"versions": versions(), "git_commit": git_commit(),
            "git_dirty": None if status is None else bool(status.strip())}
