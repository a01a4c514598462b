"""Pandera (polars) schemas: one for the long table, one per figure table generated from its
description, one for the external figures and one for text tables. Validated on every build."""
from __future__ import annotations

import pandera.polars as pa
import polars as pl

from ecresearch.deck.figures import FIGURES
from ecresearch.deck.model import Figure

UNITS = ["USD", "CNY", "EUR", "JPY", "persons", "minutes", "percent", "rank", "ratio", "firms", "visitors", "visits"]
ORIGINS = ["deck", "external"]
STATUSES = ["printed", "stated_in_text", "printed_elsewhere", "missing", "unidentified_label", "label_external",
            "external_found", "external_inferred"]
ISO3 = r"^[A-Z]{3}$"


def _deck_rows_have_lines(data: pa.PolarsData) -> pl.LazyFrame:
    """A deck number must say which raw line(s) it came from."""
    return data.lazyframe.select(
        ~((pl.col("origin") == "deck") & pl.col("value").is_not_null() & pl.col("line_start").is_null())
    )


def _external_rows_have_source(data: pa.PolarsData) -> pl.LazyFrame:
    return data.lazyframe.select(
        ~((pl.col("origin") == "external") & (pl.col("source").is_null() | pl.col("vintage").is_null()))
    )


def _missing_means_null(data: pa.PolarsData) -> pl.LazyFrame:
    return data.lazyframe.select((pl.col("status") == "missing") == pl.col("value").is_null())


def _unique_cells(data: pa.PolarsData) -> pl.LazyFrame:
    """One value per (figure, series, category, country, period, origin): no silent duplicates."""
    keys = ["figure_id", "series", "category_ja", "iso3", "period", "origin", "order"]
    return data.lazyframe.select(~pl.struct(keys).is_duplicated())


def long_schema(figure_ids: list[str] | None = None, *, series: list[str] | None = None,
                extra_checks: list[pa.Check] = (), name: str = "deck_figures") -> pa.DataFrameSchema:
    ids = figure_ids or [f.id for f in FIGURES]
    return pa.DataFrameSchema(
        {
            "figure_id": pa.Column(pl.String, pa.Check.isin(ids)),
            "section": pa.Column(pl.String),
            "slide": pa.Column(pl.Int32, pa.Check.ge(1)),
            "page": pa.Column(pl.Int32, nullable=True),
            "series": pa.Column(pl.String, [pa.Check.isin(series)] if series else []),
            "series_ja": pa.Column(pl.String),
            "series_en": pa.Column(pl.String),
            "category_ja": pa.Column(pl.String),
            "category_en": pa.Column(pl.String),
            "iso3": pa.Column(pl.String, pa.Check.str_matches(ISO3), nullable=True),
            "order": pa.Column(pl.Int32, pa.Check.ge(0)),
            "period": pa.Column(pl.String),
            "value": pa.Column(pl.Float64, nullable=True),
            "unit": pa.Column(pl.String, pa.Check.isin(UNITS)),
            "printed": pa.Column(pl.String, nullable=True),
            "approx": pa.Column(pl.Boolean),
            "origin": pa.Column(pl.String, pa.Check.isin(ORIGINS)),
            "status": pa.Column(pl.String, pa.Check.isin(STATUSES)),
            "line_start": pa.Column(pl.Int32, pa.Check.ge(1), nullable=True),
            "line_end": pa.Column(pl.Int32, pa.Check.ge(1), nullable=True),
            "source": pa.Column(pl.String),
            "vintage": pa.Column(pl.String, nullable=True),
            "url": pa.Column(pl.String, nullable=True),
            "note": pa.Column(pl.String, nullable=True),
        },
        checks=[
            pa.Check(_deck_rows_have_lines, error="deck value without a raw line number"),
            pa.Check(_external_rows_have_source, error="external value without source and vintage"),
            pa.Check(_missing_means_null, error="status 'missing' must go with a null value, and only it"),
            pa.Check(_unique_cells, error="duplicate cell"),
            *extra_checks,
        ],
        strict=True,
        ordered=True,
        name=name,
    )


def figure_schema(fig: Figure) -> pa.DataFrameSchema:
    """The long schema narrowed to one figure: its series, their units, and value ranges."""
    units = {s.key: s.unit for s in fig.series}

    def series_units(data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("unit") == pl.col("series").replace_strict(units, default=None))

    def ranges(data: pa.PolarsData) -> pl.LazyFrame:
        v, u = pl.col("value"), pl.col("unit")
        ok = (
            v.is_null()
            | ((u == "percent") & v.is_between(-100, 100))
            | ((u == "rank") & (v >= 1) & (v == v.round(0)))
            | ((u == "minutes") & v.is_between(0, 24 * 60))
            | (~u.is_in(["percent", "rank", "minutes"]) & (v >= 0))
        )
        return data.lazyframe.select(ok)

    checks = [
        pa.Check(series_units, error=f"{fig.id}: unit differs from its series"),
        pa.Check(ranges, error=f"{fig.id}: value out of range for its unit"),
    ]
    if fig.countries:
        checks.append(pa.Check(
            lambda d: d.lazyframe.select(pl.col("iso3").is_not_null() | (pl.col("status") == "unidentified_label")),
            error=f"{fig.id}: a country category without iso3"))
    return long_schema([fig.id], series=list(units), extra_checks=checks, name=f"fig_{fig.id}")


EXTERNAL = pa.DataFrameSchema(
    {
        "topic": pa.Column(pl.String),
        "country_iso3": pa.Column(pl.String, pa.Check.str_matches(ISO3)),
        "entity": pa.Column(pl.String),
        "metric": pa.Column(pl.String),
        "period": pa.Column(pl.String),
        "value": pa.Column(pl.Float64),
        "unit": pa.Column(pl.String),
        "status": pa.Column(pl.String, pa.Check.isin(["found", "inferred"])),
        "vintage": pa.Column(pl.String),
        "source_title": pa.Column(pl.String),
        "source_url": pa.Column(pl.String, nullable=True),
        "note": pa.Column(pl.String, nullable=True),
        "source_grade": pa.Column(pl.String, pa.Check.isin(["A", "B", "C"]), nullable=True),
        "snapshot": pa.Column(pl.String),
        "csv_line": pa.Column(pl.Int32, pa.Check.ge(2)),
        "country_name_en": pa.Column(pl.String),
    },
    strict=True, name="external_figures",
)

TEXT_CELLS = pa.DataFrameSchema(
    {
        "figure_id": pa.Column(pl.String, pa.Check.isin([f.id for f in FIGURES if f.kind == "text_table"])),
        "slide": pa.Column(pl.Int32, pa.Check.ge(1)),
        "order": pa.Column(pl.Int32, pa.Check.ge(1)),
        "row_ja": pa.Column(pl.String),
        "row_en": pa.Column(pl.String),
        "column": pa.Column(pl.String, nullable=True),
        "text": pa.Column(pl.String, pa.Check.str_length(min_value=1)),
        "line_start": pa.Column(pl.Int32, pa.Check.ge(1)),
        "line_end": pa.Column(pl.Int32, pa.Check.ge(1)),
        "note": pa.Column(pl.String, nullable=True),
    },
    strict=True, name="text_cells",
)
