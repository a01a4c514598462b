"""Where the descriptive pages (no score) of an output set live, and the list of economies its profiles step
described: what the index and the CLI need, without the tables the pages are made from."""

from __future__ import annotations

import json
from pathlib import Path

from ecresearch import datasets, paths

LIST_FILE = "described.json"  # the economies described, beside their pages


def page_path(out: paths.OutputSet, iso3: str, lang: str) -> Path:
    return datasets.path("profile_pages", out) / iso3 / lang / "profile.html"


def list_path(out: paths.OutputSet) -> Path:
    return datasets.path("profile_pages", out) / LIST_FILE


def described(out: paths.OutputSet) -> list[str]:
    """The economies the set's profiles step described (empty before it ran)."""
    f = list_path(out)
    if not f.is_file():
        return []
    codes = json.loads(f.read_text(encoding="utf-8")).get("described")
    if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
        raise datasets.DatasetError(f"{paths.rel(f)}: 'described' is not a list of codes; {datasets.rebuild_hint(out)}")
    return codes
