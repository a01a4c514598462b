"""Where an output set's comparisons live (beside its index), without the writers' imports: the index lists
them from here."""

from __future__ import annotations

from pathlib import Path

from ecresearch import paths

FILES = {"html": "compare.html", "xlsx": "compare.xlsx", "pptx": "compare.pptx"}


def compare_root(out: paths.OutputSet) -> Path:
    return out.index.parent / "compare"


def folder(out: paths.OutputSet, codes: list[str], lang: str, category: str | None = None) -> Path:
    """``<output set>/compare/<ISO3-ISO3-…>[+<category>]/<lang>/``"""
    return compare_root(out) / ("-".join(codes) + ("" if category is None else f"+{category}")) / lang


def pages(out: paths.OutputSet) -> list[Path]:
    """The comparison pages of an output set on disk, in name order (what its index lists)."""
    root = compare_root(out)
    return sorted(root.glob(f"*/*/{FILES['html']}")) if root.is_dir() else []
