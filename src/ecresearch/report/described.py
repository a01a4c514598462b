"""Where the descriptive pages (no score) of an output set live, and the list of economies its profiles step
described: what the index and the CLI need, without the tables the pages are made from (only the two that say
which economies have a sourced figure)."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from ecresearch import datasets, paths
from ecresearch.countries import REGIONS
from ecresearch.snapshots.raw import graded

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


def _economy(code) -> bool:
    return isinstance(code, str) and len(code) == 3 and code not in REGIONS


def economies(deck: pl.DataFrame, external: pl.DataFrame, ranked: list[str]) -> list[str]:
    """Every economy (no region) with at least one sourced figure that the build does not score."""
    codes = set(deck.filter(pl.col("value").is_not_null())["iso3"].drop_nulls().to_list())
    codes |= set(graded(external).filter(pl.col("value").is_not_null())["country_iso3"].to_list())
    return sorted(c for c in codes if _economy(c) and c not in ranked)
