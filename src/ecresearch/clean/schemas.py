"""Pandera (polars) schemas the clean step validates with: the registered ones (``ecresearch.datasets``),
narrowed by the deck catalogue (figure ids; per figure its series, units and value ranges)."""

from __future__ import annotations

from collections.abc import Sequence

import pandera.polars as pa
import polars as pl

from ecresearch import datasets
from ecresearch.deck.figures import FIGURES
from ecresearch.deck.model import Figure
from ecresearch.domain import units

# The schemas and their column descriptions are declared once, in the dataset registry; here the clean step
# adds what only it knows: which figure ids the deck catalogue has, and per figure its series, units, ranges.


def description(schema: pa.DataFrameSchema, column: str) -> str:
    return schema.columns[column].description or ""


def long_schema(
    figure_ids: list[str] | None = None,
    *,
    series: list[str] | None = None,
    extra_checks: Sequence[pa.Check] = (),
    name: str = "deck_figures",
) -> pa.DataFrameSchema:
    columns = {"figure_id": [pa.Check.isin(figure_ids or [f.id for f in FIGURES])]}
    if series:
        columns["series"] = [pa.Check.isin(series)]
    return datasets.narrowed_schema("deck_figures", columns, extra_checks, name)


def _within(v: pl.Expr, r: units.Range) -> pl.Expr:
    """The vocabulary's range as a polars condition."""
    ok = pl.lit(True)
    if r.low is not None:
        ok = ok & (v >= r.low)
    if r.high is not None:
        ok = ok & (v <= r.high)
    if r.whole:
        ok = ok & (v == v.round(0))
    return ok


def figure_schema(fig: Figure) -> pa.DataFrameSchema:
    """The long schema narrowed to one figure: its series, their units, and value ranges."""
    unit_of = {s.key: s.unit for s in fig.series}

    def series_units(data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("unit") == pl.col("series").replace_strict(unit_of, default=None))

    # a percent series is a growth rate or a share by its name, as the raw check judges an external metric
    changes = [s.key for s in fig.series if s.unit == "percent" and units.is_change(f"{s.key} {s.en}")]

    def ranges(data: pa.PolarsData) -> pl.LazyFrame:
        v, u, change = pl.col("value"), pl.col("unit"), pl.col("series").is_in(changes)
        ok = v.is_null() | ((u == "percent") & change & _within(v, units.value_range("percent", change=True)))
        for name in units.BASE_UNITS:
            ok = ok | ((u == name) & ~change & _within(v, units.value_range(name)))
        return data.lazyframe.select(ok)

    checks = [
        pa.Check(series_units, error=f"{fig.id}: unit differs from its series"),
        pa.Check(ranges, error=f"{fig.id}: value out of range for its unit"),
    ]
    if fig.countries:
        checks.append(
            pa.Check(
                lambda d: d.lazyframe.select(pl.col("iso3").is_not_null() | (pl.col("status") == "unidentified_label")),
                error=f"{fig.id}: a country category without iso3",
            )
        )
    return long_schema([fig.id], series=list(unit_of), extra_checks=checks, name=f"fig_{fig.id}")


EXTERNAL = datasets.schema("external_figures")
TEXT_CELLS = datasets.narrowed_schema(
    "text_tables", {"figure_id": [pa.Check.isin([f.id for f in FIGURES if f.kind == "text_table"])]}, (), "text_cells"
)
