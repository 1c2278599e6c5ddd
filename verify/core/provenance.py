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

ROOT = Path(__file__).resolve().parents[2]


def _git(*args: str) -> str | None:
    try:
        return subprocess.run(["git", *args], capture_output=True, text=True, cwd=ROOT,
                              check=True, timeout=10).stdout
    except (OSError, subprocess.CalledProcessError, subprocess.TimeoutExpired):
        return None


def git_commit() -> str:
    out = _git("rev-parse", "HEAD")
    return out.strip() if out else "unknown"


# distribution name → import name: every library whose version can change a result — the
# exact and numerical arithmetic, the figures, both SMT solvers of `prove`, the compiled kernel,
# the execution layer, and the optional network study's libraries
_DISTS = {"sympy": "sympy", "mpmath": "mpmath", "numpy": "numpy", "python-flint": "flint",
          "matplotlib": "matplotlib", "z3-solver": "z3", "cvc5": "cvc5", "numba": "numba",
          "llvmlite": "llvmlite", "dask": "dask", "distributed": "distributed", "jax": "jax",
          "jaxlib": "jaxlib", "scikit-learn": "sklearn"}
ABSENT = "absent"  # the library is not installed (e.g. the optional network extra)


def _version(dist: str, module: str) -> str:
    """The installed distribution's version from its metadata (no import: importing sympy and
    matplotlib alone costs ~0.5 s, more than a short command); the module's __version__ when
    there is no metadata (a source checkout on sys.path); "absent" when it is not importable."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        import importlib
        import importlib.util

        try:
            if importlib.util.find_spec(module) is None:
                return ABSENT
            return str(getattr(importlib.import_module(module), "__version__", "unknown"))
        except ImportError:
            return ABSENT


def versions() -> dict[str, str]:
    from verify import __version__

    out = {"suspicious-alignment": __version__, "python": platform.python_version()}
    out.update({dist: _version(dist, mod) for dist, mod in _DISTS.items()})
    return out


@functools.lru_cache(maxsize=1)
def provenance() -> dict:
    """{"versions": …, "git_commit": …, "git_dirty": bool | None} for this process."""
    status = _git("status", "--porcelain", "--untracked-files=no")
    return {"versions": versions(), "git_commit": git_commit(),
            "git_dirty": None if status is None else bool(status.strip())}
