"""Ahead-of-time build of the fused engine's kernel (numba.pycc), cached per machine.

Why: loading numba and its on-disk JIT cache costs 0.5–1 s per process, longer than the whole
§7-sized simulation itself. The same kernel source (verify/simulation/_kernels.py) compiled
ahead of time into a small extension module loads in about a millisecond and does not import
numba at all. The module is built once, in a subprocess, the first time a simulation needs
it (about 10 s; it needs a C compiler, which numba.pycc uses to link); when that is not
possible the JIT kernel is used instead. Both compile the same source with the same
arithmetic, and a test checks that their outputs are identical bit for bit.

The exported `run_row` releases the GIL while it runs (as the JIT kernel's `nogil=True` does:
numba.pycc has no option for it, so the build sets numba's `release_gil` flag on the functions
it compiles), so threads run rows on all cores. It touches no Python object in between.

Cache: $SALIGN_CACHE_DIR, else $XDG_CACHE_HOME/suspicious-alignment, else
~/.cache/suspicious-alignment; one directory per (kernel source, build recipe, numba, llvmlite,
numpy, Python, CPU) because the code is compiled for the host CPU. The versions come from the
names of the installed `.dist-info` directories (importlib.metadata, whose import alone costs
~15 ms per process, only when none is found). `SALIGN_KERNEL=jit` skips the AOT module.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
from pathlib import Path

MODULE = "_salign_fused_aot"
SIGNATURE = ("void(f8[::1], f8[::1], f8[::1], i8, f8[::1], f8[::1], f8[::1], i8, i8, i8, i8, i8, "
             "u8[::1], f8[::1], f8[::1], f8[::1])")  # _kernels.run_row
_SOURCE = Path(__file__).with_name("_kernels.py")
# the build recipe (bump when _build changes what it compiles): 2 = run_row releases the GIL
RECIPE = "2-nogil"


def _cpu() -> str:
    """Model name and feature flags of this CPU (the AOT code is compiled for it)."""
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        import platform

        return platform.processor() or platform.machine()
    keep = [ln for ln in text.splitlines() if ln.startswith(("model name", "flags"))][:2]
    if keep:
        return "\n".join(keep)
    import platform

    return platform.machine()


def cache_dir() -> Path:
    base = os.environ.get("SALIGN_CACHE_DIR")
    if base:
        return Path(base)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "suspicious-alignment"


def _dist_version(dist: str) -> str:
    """The installed version of `dist`: from the name of its `dist-<version>.dist-info` directory
    beside the package (no import of the package, nor of importlib.metadata), else from
    importlib.metadata; "none" when not installed."""
    spec = importlib.util.find_spec(dist)
    if spec is not None and spec.submodule_search_locations:
        site = Path(next(iter(spec.submodule_search_locations))).parent
        hits = sorted(site.glob(f"{dist}-*.dist-info"))
        if len(hits) == 1:
            return hits[0].name[len(dist) + 1:-len(".dist-info")]
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "none"


def _versions() -> str:
    return ";".join(f"{dist}={_dist_version(dist)}" for dist in ("numba", "numpy", "llvmlite"))


def build_key() -> str:
    h = hashlib.sha256()
    for part in (_SOURCE.read_bytes(), _versions().encode(), sys.version.encode(), _cpu().encode(),
                 SIGNATURE.encode(), RECIPE.encode()):
        h.update(part)
        h.update(b"\0")
    return h.hexdigest()[:24]


def _target() -> Path:
    return cache_dir() / build_key()


def _find(d: Path) -> Path | None:
    hits = sorted(d.glob(f"{MODULE}*.so")) + sorted(d.glob(f"{MODULE}*.pyd"))
    return hits[0] if hits else None


def _load(path: Path):
    spec = importlib.util.spec_from_file_location(MODULE, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def load(build: bool = True, log=None):
    """The AOT module (with `run_row`), building it first if needed and `build`; None when
    disabled (SALIGN_KERNEL=jit) or when it cannot be built here."""
    if os.environ.get("SALIGN_KERNEL", "") == "jit":
        return None
    target = _target()
    path = _find(target) if target.is_dir() else None
    if path is None and build:
        import subprocess

        if log:
            log("salign: note: compiling the simulation kernel for this machine (once, ~10 s)")
        try:
            proc = subprocess.run([sys.executable, "-m", "verify.simulation.aot", str(target)],
                                  capture_output=True, text=True, timeout=600)
            ok = proc.returncode == 0
        except (OSError, subprocess.TimeoutExpired):
            ok = False
        if not ok and log:
            log("salign: note: ahead-of-time kernel unavailable here; using the JIT kernel")
        path = _find(target) if target.is_dir() else None
    if path is None:
        return None
    try:
        return _load(path)
    except ImportError:
        return None


def _build(target: Path) -> None:
    """Compile _kernels.run_row with numba.pycc into `target` (atomically: a temporary directory
    renamed into place)."""
    import shutil
    import tempfile
    import warnings

    warnings.simplefilter("ignore")  # pycc's pending-deprecation notice
    import numba.pycc.compiler as pycc_compiler
    from numba.pycc import CC

    from verify.simulation import _kernels

    class _NoGilFlags(pycc_compiler.Flags):
        """pycc's compile flags with numba's `release_gil` (what `nogil=True` sets for the JIT):
        the CPython wrapper of every exported function releases the GIL around the call."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.release_gil = True

    pycc_compiler.Flags = _NoGilFlags  # read by pycc's ModuleCompiler; this process only builds

    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=".build-"))
    try:
        cc = CC(MODULE)
        cc.output_dir = str(tmp)
        cc.target_cpu = "host"
        cc.verbose = False
        cc.export("run_row", SIGNATURE)(_kernels.run_row.py_func)
        cc.compile()
        try:
            os.rename(tmp, target)
        except OSError:  # built concurrently by another process: keep theirs
            pass
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    _build(Path(sys.argv[1]))
