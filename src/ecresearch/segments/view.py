"""What the segments table says of one market and category: its standing (barred, restricted, open) and the
rows behind it. The ranking view and the report's category section read it here, so a barred category is
flagged the same way everywhere and never shown as open."""

from __future__ import annotations

import polars as pl

STANDINGS = ("barred", "restricted", "not_barred")


def rows_for(segments: pl.DataFrame, iso3: str, category: str) -> pl.DataFrame:
    """The rows of a market and category, those for every market ('*') included, in table order."""
    return segments.filter(pl.col("iso3").is_in([iso3, "*"]) & (pl.col("category") == category))


def standing(rows: pl.DataFrame) -> str:
    """barred (a row bars it: a rule in force or to check again, a programme's exclusion on its route),
    restricted (an exclusion of a part of it), else not_barred (nothing in the sources bars it)."""
    if rows.height and rows["barred"].any():
        return "barred"
    if rows.height and (rows["effect"] == "restricts").any():
        return "restricted"
    return "not_barred"


def reasons(rows: pl.DataFrame) -> list[str]:
    """What bars or restricts it, each once: the rule topic or the programme and the source's word."""
    hit = rows.filter(pl.col("barred") | (pl.col("effect") == "restricts"))
    found = [f"{r['route']}: {r['word']}" if r["route"] else r["word"] for r in hit.iter_rows(named=True)]
    return list(dict.fromkeys(found))


def matrix(segments: pl.DataFrame, markets: list[str], categories: list[str]) -> dict[str, dict[str, tuple]]:
    """{market: {category: (standing, reasons)}} for the ranking view."""
    return {m: {c: (standing(r := rows_for(segments, m, c)), reasons(r)) for c in categories} for m in markets}


def with_standing(table: pl.DataFrame, category: str) -> pl.DataFrame:
    """A table of markets (``iso3``) with the category's standing in each and what bars or restricts it."""
    from ecresearch import datasets

    segments = datasets.read("category_segments")
    rows = [rows_for(segments, m, category) for m in table["iso3"]]
    return table.with_columns(
        pl.Series("category_standing", [standing(r) for r in rows], dtype=pl.String),
        pl.Series("category_reasons", ["; ".join(reasons(r)) for r in rows], dtype=pl.String),
    )
