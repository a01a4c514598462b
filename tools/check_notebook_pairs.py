"""Check that each notebook in notebooks/ and its paired py:percent script have the same code cells.

Exits 1 naming every notebook whose pair is missing or differs (see jupytext.toml; fix with
`jupytext --sync notebooks/NAME.ipynb`, which keeps the newer of the two). Exits 0 otherwise.
"""

from __future__ import annotations

import sys
from pathlib import Path

import jupytext

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"


def code_cells(path: Path) -> list[str]:
    """The source of every code cell, in order, without trailing whitespace."""
    nb = jupytext.read(path)
    return [cell.source.rstrip() for cell in nb.cells if cell.cell_type == "code"]


def check(notebooks: Path = NOTEBOOKS) -> list[str]:
    """One line per notebook whose pair is missing or whose code cells differ."""
    problems = []
    ipynbs = sorted(notebooks.glob("*.ipynb"))
    for ipynb in ipynbs:
        script = ipynb.with_suffix(".py")
        name = ipynb.relative_to(ROOT) if ipynb.is_relative_to(ROOT) else ipynb
        if not script.exists():
            problems.append(f"{name}: no paired {script.name} (run: jupytext --sync {name})")
            continue
        a, b = code_cells(ipynb), code_cells(script)
        if a != b:
            first = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
            problems.append(
                f"{name}: code cells differ from {script.name} "
                f"({len(a)} vs {len(b)} code cells, first difference at code cell {first + 1})"
            )
    for script in sorted(notebooks.glob("*.py")):
        if not script.with_suffix(".ipynb").exists():
            problems.append(f"{script.relative_to(ROOT)}: no paired notebook {script.with_suffix('.ipynb').name}")
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
