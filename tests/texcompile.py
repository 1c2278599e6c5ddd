"""Compile a LaTeX document with the machine's TeX (skip without one) and render its first page."""

from __future__ import annotations

import shutil
import subprocess

import pytest


def tex_available() -> str | None:
    return shutil.which("pdflatex") or shutil.which("lualatex")


def compile_tex(tex: str, tmp_path, name: str) -> None:
    engine = tex_available()
    if engine is None:
        pytest.skip("no TeX installed (.ci/run installs texlive-latex-base when it can)")
    (tmp_path / f"{name}.tex").write_text(tex, encoding="ascii")
    r = subprocess.run([engine, "-interaction=nonstopmode", "-halt-on-error", f"{name}.tex"],
                       cwd=tmp_path, capture_output=True, text=True, timeout=180)
    errors = [ln for ln in r.stdout.splitlines() if ln.startswith("!")]
    assert r.returncode == 0 and not errors, errors or r.stdout[-2000:]
    assert (tmp_path / f"{name}.pdf").stat().st_size > 1000
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", f"{name}.pdf", "page"],
                       cwd=tmp_path, check=True, timeout=60)
        pages = list(tmp_path.glob("page*.png"))
        assert pages and pages[0].stat().st_size > 2000  # the first page rendered, not blank


