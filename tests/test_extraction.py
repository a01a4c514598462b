"""Extraction from the real deck text: values, provenance, and clear errors on bad input."""

import dataclasses
import re
import unicodedata

import polars as pl
import pytest

from ecresearch import paths
from ecresearch.clean.extract import extract_all
from ecresearch.deck.figures import FIGURES, by_id
from ecresearch.deck.model import ExternalFill
from ecresearch.deck.slides import Deck
from ecresearch.errors import ExtractionError


def _norm(s: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))


def test_slides_and_pages(deck):
    pages = {s.page for s in deck.slides if s.page}
    assert {12, 25, 32, 36, 60, 68, 73} <= pages
    assert len(deck.slides) > 60


def test_every_printed_value_is_on_its_raw_line(deck, extracted):
    """Traceability: each deck number's printed token occurs on the raw line(s) it names."""
    rows = extracted.figures.filter((pl.col("origin") == "deck") & pl.col("printed").is_not_null())
    assert rows.height > 150
    for r in rows.iter_rows(named=True):
        text = "".join(l.text for l in deck.lines if r["line_start"] - 3 <= l.number <= r["line_end"] + 3)
        assert _norm(r["printed"]) in _norm(text), (r["figure_id"], r["printed"], r["line_start"])


def test_top10_table(extracted):
    t = extracted.figures.filter(pl.col("figure_id") == "top10_countries")
    assert t.filter(pl.col("series") == "sales_2022")["iso3"].to_list() == [
        "CHN",
        "USA",
        "GBR",
        "JPN",
        "KOR",
        "IND",
        "DEU",
        "IDN",
        "CAN",
        "FRA",
    ]
    usa = t.filter((pl.col("iso3") == "USA") & (pl.col("series") == "sales_2022"))
    assert usa["value"][0] == pytest.approx(1042.72e9) and usa["printed"][0] == "$1,042.72"
    assert t.filter((pl.col("iso3") == "GBR") & (pl.col("series") == "growth_2022"))["value"][0] == -6.8


def test_durations_ticks_and_labels_of_sns_chart(extracted):
    t = extracted.figures.filter(pl.col("figure_id") == "sns_daily_time")
    assert t["value"].to_list() == [233, 211, 206, 165, 144, 132, 123, 102, 73, 45]  # no axis ticks
    unidentified = t.filter(pl.col("status") == "unidentified_label")["printed"].to_list()
    assert unidentified == ["2:45", "1:13"]
    assert t.filter(pl.col("printed") == "3:53")["iso3"][0] == "PHL"


def test_series_split_by_sums_and_gap_placement(extracted):
    t = extracted.figures.filter(pl.col("figure_id") == "jp_firms_overseas_share")
    large = t.filter(pl.col("series") == "large")
    assert large.height == 12 and large.filter(pl.col("status") == "missing").height == 1
    assert t.filter(pl.col("series") == "n").sort("order")["value"].to_list() == [1107, 146, 961]


def test_platform_names_with_blanks_and_wraps(extracted):
    t = extracted.figures.filter((pl.col("figure_id") == "sea_top5_platforms") & (pl.col("iso3") == "VNM"))
    assert t.sort("value")["category_ja"].to_list() == ["Shopee", "The gioididong", "TIKI", "Lazada", "Dien May Xanh"]


def test_every_catalogued_figure_has_rows_or_a_reason(extracted):
    for fig in FIGURES:
        n = extracted.figures.filter(pl.col("figure_id") == fig.id).height
        texts = extracted.text_cells.filter(pl.col("figure_id") == fig.id).height
        assert n or texts or fig.status == "not_reproducible", fig.id
        if fig.status == "not_reproducible":
            assert fig.note_en


def _broken(deck: Deck, old: str, new: str) -> Deck:
    text = "\n".join(l.text for l in deck.lines)
    assert old in text
    return Deck.from_text(text.replace(old, new, 1), deck.file)


def test_missing_anchor_names_figure_and_file(deck, external):
    bad = _broken(deck, "Shopee, Lazadaがメインプレイヤー", "Shopee, Lazadaが主なプレイヤー")
    with pytest.raises(ExtractionError) as err:
        extract_all(bad, external)
    assert "sea_top5_platforms" in str(err.value) and paths.rel(paths.DECK_TEXT) in str(err.value)


def test_unparseable_value_names_line(deck, external):
    bad = _broken(deck, "4 日本 $167.39 $181.62 8.5%", "4 日本 $167.39 $181.62 8.5%")
    bad = _broken(bad, "$167.39 $181.62", "$167.39 $18l.62")
    with pytest.raises(ExtractionError) as err:
        extract_all(bad, external)
    assert "top10_countries" in str(err.value) and "10 table rows" in str(err.value)


def test_unknown_country_label_names_figure_and_line(deck, external):
    bad = _broken(deck, "5位 オーストラリア", "5位 オーストラリヤ")
    with pytest.raises(ExtractionError) as err:
        extract_all(bad, external)
    msg = str(err.value)
    assert "china_cbec_import_ranking" in msg and "オーストラリヤ" in msg and "line 209" in msg


def test_duplicate_ids_rejected(deck, external):
    with pytest.raises(Exception, match="duplicate figure ids"):
        extract_all(deck, external, figures=(by_id("top10_countries"), by_id("top10_countries")))


def _fill_from(figure_id: str, series: str, rows: pl.DataFrame):
    """The figure with one external fill: the given rows' topic and metric into ``series``."""
    r = rows.row(0, named=True)
    fill = ExternalFill(r["topic"], r["metric"], series, iso3=r["country_iso3"], period=r["period"])
    return dataclasses.replace(by_id(figure_id), fills=(fill,))


def test_external_fill_error_names_its_snapshot_and_line(deck, external):
    """A row of a later snapshot is blamed on that file and its line, not on the founding external_figures.csv."""
    rows = external.filter((pl.col("snapshot") == "pillars_2026_11.csv") & (pl.col("unit") == "billion USD"))
    fig = _fill_from("world_ec_sales", "growth", rows)  # a USD level into a percent series
    with pytest.raises(ExtractionError) as err:
        extract_all(deck, rows, figures=(fig,))
    msg = str(err.value)
    line = rows["csv_line"][0]
    assert f"data/raw/external/pillars_2026_11.csv, line {line}" in msg, msg
    assert "external_figures.csv" not in msg
