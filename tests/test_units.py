"""The units vocabulary (domain/units.py): every unit a raw file may use converts, the raw check and the table
schemas agree on plausible ranges, and an unknown unit stops with one line naming the file and line."""

import dataclasses

import polars as pl
import pytest

from ecresearch import paths
from ecresearch.charts.data import display_unit
from ecresearch.clean.extract import extract_all
from ecresearch.clean.schemas import figure_schema
from ecresearch.datasets import UNITS
from ecresearch.deck.figures import by_id
from ecresearch.deck.model import ExternalFill
from ecresearch.domain import units
from ecresearch.errors import ExtractionError, RawDataError
from ecresearch.snapshots import raw


def _fill(figure_id: str, series: str, row: dict):
    fill = ExternalFill(row["topic"], row["metric"], series, iso3=row["country_iso3"], period=row["period"])
    return dataclasses.replace(by_id(figure_id), fills=(fill,))


@pytest.mark.parametrize("unit", ["billion CAD", "million EUR", "million users", "index"])
def test_a_fill_in_every_accepted_unit_is_converted(deck, external, unit):
    """Units the raw check accepts have a conversion: a fill into the wrong series is a unit mismatch naming
    the snapshot and line (it used to be a bare KeyError)."""
    rows = external.filter(pl.col("unit") == unit)
    assert rows.height, unit
    row = rows.row(0, named=True)
    with pytest.raises(ExtractionError) as err:
        extract_all(deck, rows.head(1), figures=(_fill("world_ec_sales", "growth", row),))
    msg = str(err.value)
    assert f"data/raw/external/{row['snapshot']}, line {row['csv_line']}" in msg and f"is in {unit}" in msg, msg


def test_an_unknown_unit_in_a_fill_is_one_line_naming_file_and_line(deck, external):
    row = external.filter(pl.col("unit") == "billion USD").head(1).with_columns(pl.lit("furlongs").alias("unit"))
    r = row.row(0, named=True)
    with pytest.raises(ExtractionError) as err:
        extract_all(deck, row, figures=(_fill("world_ec_sales", "growth", r),))
    msg = str(err.value)
    assert "\n" not in msg and "unknown unit 'furlongs'" in msg
    assert f"data/raw/external/{r['snapshot']}, line {r['csv_line']}" in msg


def test_a_growth_rate_the_raw_check_accepts_passes_the_schema(deck, external):
    """Growth above 100 % is plausible for the raw check (up to +1000 %): the figure's schema accepts it too."""
    fig = by_id("world_ec_sales")
    growth = (pl.col("topic") == "world_ecommerce") & (pl.col("metric") == "retail ecommerce growth")
    first = external.filter(growth).sort("period", "snapshot", "csv_line").row(0, named=True)
    hit = growth & (pl.col("period") == first["period"]) & (pl.col("snapshot") == first["snapshot"])
    hit = hit & (pl.col("csv_line") == first["csv_line"])
    bumped = external.with_columns(pl.when(hit).then(150.0).otherwise(pl.col("value")).alias("value"))
    table = extract_all(deck, bumped, figures=(fig,)).figures
    assert 150.0 in table.filter(pl.col("series") == "growth")["value"].to_list()
    figure_schema(fig).validate(table)


def test_a_share_above_100_fails_the_schema(deck, external):
    fig = by_id("china_cbec_buyer_gender")
    table = extract_all(deck, external, figures=(fig,)).figures
    share = table.filter(pl.col("unit") == "percent").head(1)["series"][0]
    bad = table.with_columns(
        pl.when((pl.col("series") == share) & pl.col("value").is_not_null())
        .then(140.0)
        .otherwise(pl.col("value"))
        .alias("value")
    )
    with pytest.raises(Exception, match="out of range"):
        figure_schema(fig).validate(bad)


def test_the_vocabulary_converts_every_published_unit():
    assert units.published("billion CAD") == units.PublishedUnit("billion CAD", "CAD", 1e9)
    assert units.published("million EUR").multiplier == 1e6 and units.published("pct").base == "percent"
    assert all(u.base in units.BASE_UNITS for u in units.PUBLISHED_UNITS.values())
    assert UNITS == list(units.BASE_UNITS)  # the schema's units are the vocabulary's


def test_an_unknown_unit_is_a_unit_error_not_a_key_error():
    with pytest.raises(units.UnitError, match=r"unknown unit 'furlongs' \(known: pct, "):
        units.published("furlongs")
    with pytest.raises(units.UnitError, match="unknown base unit"):
        units.base("furlongs")


@pytest.mark.parametrize(
    "unit, metric, value, problem",
    [
        ("pct", "GMV share", 100, None),
        ("pct", "GMV share", 100.5, "a share must be within 0-100"),
        ("pct", "GMV share", -1, "a share must be within 0-100"),
        ("pct", "retail ecommerce growth", 150, None),
        ("pct", "Change year on year", -100, None),
        ("pct", "retail ecommerce growth", 1001, "a growth rate must be within -100..1000 %"),
        ("minutes", "daily social media time", 1440, None),
        ("minutes", "daily social media time", 1441, "minutes per day must be within 0-1440"),
        ("rank", "rank", 1, None),
        ("rank", "rank", 2.5, "a rank must be a whole number >= 1"),
        ("rank", "rank", 0, "a rank must be a whole number >= 1"),
        ("million users", "ad reach", 0, None),
        ("index", "UNCTAD B2C E-commerce Index value", -1, "a level must not be negative"),
    ],
)
def test_plausible_ranges(unit, metric, value, problem):
    assert units.value_problem(unit, metric, value) == problem


def test_the_chart_names_come_from_the_vocabulary():
    assert display_unit("CAD", 2e9, "en") == (1e9, "billion CAD")
    assert display_unit("users", 3e6, "ja") == (1e6, "百万人")
    assert display_unit("percent", 50, "ja") == (1.0, "%")
    assert display_unit("text", 0, "en") == (1.0, "text")


def test_an_unknown_unit_in_a_raw_file_is_one_line_naming_file_and_line(tmp_path):
    lines = paths.EXTERNAL_CSV.read_text(encoding="utf-8").splitlines()
    lines.append("x,IDN,Indonesia,share,2024,1,furlongs,found,v 2024,x,,")
    bad = tmp_path / "x.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(RawDataError) as err:
        raw.read_external(bad)
    assert str(err.value).startswith(f"{paths.rel(bad)}: line {len(lines)}: unknown unit 'furlongs' (known: pct,")
    assert "\n" not in str(err.value)
