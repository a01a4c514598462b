"""Pandera (polars) schemas: one for the long table, one per figure table generated from its
description, one for the external figures and one for text tables. Validated on every build."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from ecresearch.deck.figures import FIGURES
from ecresearch.deck.model import Figure
from ecresearch.domain import units

UNITS = list(units.BASE_UNITS)
ORIGINS = ["deck", "external"]
STATUSES = [
    "printed",
    "stated_in_text",
    "printed_elsewhere",
    "missing",
    "unidentified_label",
    "label_external",
    "external_found",
    "external_inferred",
]
ISO3 = r"^[A-Z]{3}$"

DESCRIPTIONS = {  # one description per column: the schemas carry them, the data dictionary prints them
    "figure_id": "catalogue id of the deck figure (src/ecresearch/deck/figures.py)",
    "section": "part of the deck: world, china, usa, sea, japan, jetro",
    "slide": "text-slide number in deck order (photo-only slides left no text and are not counted)",
    "page": "page number printed on the slide's footer, where the text has it",
    "series": "measured quantity within the figure (key)",
    "series_ja": "series label as printed (or the description's Japanese label)",
    "series_en": "series label in English",
    "category_ja": "category label as printed; （不明） when the deck text lost it",
    "category_en": "category label in English; 'unidentified' when lost",
    "iso3": "ISO 3166-1 alpha-3 of the country, or a region code (WLD world, SEA Southeast Asia, XWE Western Europe, "
    "XAP Asia-Pacific, XNA North America, XLA Latin America, XCE Central & Eastern Europe, XME Middle East & Africa)",
    "order": "position of the category as printed",
    "period": "period the value refers to (year, quarter, FY, 'unstated')",
    "value": "value in base units (USD, CNY, persons, minutes, percent, rank...); null when missing",
    "unit": "base unit of value",
    "printed": "the token as printed in the deck (deck rows)",
    "approx": "the deck states the value as approximate (約, 以上, を超える)",
    "origin": "deck (read from the deck text) or external (data/raw/external, flagged)",
    "status": "printed | stated_in_text | printed_elsewhere | missing | unidentified_label | label_external | "
    "external_found | external_inferred",
    "line_start": "first raw line (1-based) of data/raw/deck/jetro_overseas_ec_seminar.txt the value was read from",
    "line_end": "last raw line the value was read from",
    "source": "source as printed on the slide, or the external source's title",
    "vintage": "edition of an external source (null for deck rows)",
    "url": "URL of an external source",
    "note": "how the value was read or matched, caveats",
}
EXTERNAL_DESCRIPTIONS = {
    "topic": "what the row is about (a group of figures from one kind of source)",
    "country_iso3": "ISO 3166-1 alpha-3 or a region code",
    "entity": "country, platform or group the number is about",
    "metric": "what exactly is measured (rows of one data set share it)",
    "period": "year, quarter or month the number refers to",
    "value": "the number as published, in `unit`",
    "unit": "unit as published (pct, minutes, rank, billion USD...)",
    "status": "found in the source, or inferred by arithmetic from found numbers",
    "vintage": "edition of the source (reports revise earlier years)",
    "source_title": "publisher or page the number was read from",
    "source_url": "address of that page",
    "note": "the phrase quoted from the source, caveats",
    "source_grade": "A publisher, B reputable secondary source naming the edition, C weak (kept, never used)",
    "snapshot": "raw snapshot file the row came from (data/raw/external/)",
    "csv_line": "line of the row in its snapshot file",
    "country_name_en": "English name of country_iso3 (CLDR)",
}


def description(schema: pa.DataFrameSchema, column: str) -> str:
    return schema.columns[column].description or ""


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


def long_schema(
    figure_ids: list[str] | None = None,
    *,
    series: list[str] | None = None,
    extra_checks: list[pa.Check] = (),
    name: str = "deck_figures",
) -> pa.DataFrameSchema:
    schema = _long_schema(figure_ids, series=series, extra_checks=extra_checks, name=name)
    return schema.update_columns({c: {"description": d} for c, d in DESCRIPTIONS.items()})


def _long_schema(figure_ids, *, series, extra_checks, name) -> pa.DataFrameSchema:
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
    strict=True,
    name="external_figures",
).update_columns({c: {"description": d} for c, d in EXTERNAL_DESCRIPTIONS.items()})

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
    strict=True,
    name="text_cells",
)
