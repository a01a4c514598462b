"""Check that each notebook in notebooks/ and its paired py:percent script are in step, and that every
notebook names the project's kernel.

In step means the script is what jupytext writes from the notebook: every cell (code and Markdown), cell
metadata and the notebook metadata it keeps (the kernelspec); only the jupytext version in the header may
differ. Exits 1 naming every notebook whose pair is missing or differs, or whose kernelspec is not KERNELSPEC
(see jupytext.toml; fix with `jupytext --sync notebooks/NAME.ipynb`, which keeps the newer of the two).
"""

from __future__ import annotations

import difflib
import re
import sys
from pathlib import Path

import jupytext

from ecresearch.pipeline.runner import KERNEL_NAME

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
# What JupyterLab writes for the environment's own kernel, so that saving a notebook there changes nothing.
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": KERNEL_NAME}
_VERSION_LINE = re.compile(r"^#\s+jupytext_version: .*$", re.M)


def _as_script(path: Path) -> str:
    """The notebook as jupytext writes its py:percent pair, without the jupytext version."""
    return _VERSION_LINE.sub("", jupytext.writes(jupytext.read(path), fmt="py:percent"))


def _first_difference(a: str, b: str) -> str:
    for line in difflib.unified_diff(a.splitlines(), b.splitlines(), lineterm="", n=0):
        if line[:1] in "+-" and not line.startswith(("+++", "---")):
            return line[:100]
    return ""


def _name(path: Path) -> Path:
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


def check(notebooks: Path = NOTEBOOKS) -> list[str]:
    """One line per notebook whose pair is missing or out of step, or whose kernelspec is not KERNELSPEC."""
    problems = []
    for ipynb in sorted(notebooks.glob("*.ipynb")):
        script, name = ipynb.with_suffix(".py"), _name(ipynb)
        kernel = jupytext.read(ipynb).metadata.get("kernelspec")
        if kernel != KERNELSPEC:
            problems.append(f"{name}: kernelspec {kernel} is not {KERNELSPEC}")
        if not script.exists():
            problems.append(f"{name}: no paired {script.name} (run: jupytext --sync {name})")
            continue
        expected = _as_script(ipynb)
        actual = _VERSION_LINE.sub("", script.read_text(encoding="utf-8"))
        if expected != actual:
            problems.append(
                f"{name}: {script.name} is out of step (first difference: {_first_difference(actual, expected)!r})"
            )
    for script in sorted(notebooks.glob("*.py")):
        if not script.with_suffix(".ipynb").exists():
            problems.append(f"{_name(script)}: no paired notebook {script.with_suffix('.ipynb').name}")
    return problems


def main() -> int:
    problems = check()
    for line in problems:
        print(line, file=sys.stderr)
    if problems:
        print("notebook pairs out of step: run `jupytext --sync notebooks/*.ipynb`", file=sys.stderr)
        return 1
    print(f"notebook pairs in step: {len(sorted(NOTEBOOKS.glob('*.ipynb')))} notebooks")
    return 0


if __name__ == "__main__":
    sys.exit(main())
