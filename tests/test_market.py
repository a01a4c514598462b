"""Quotes from the deck for the country reports: found by anchor, with line numbers; fail loudly if missing."""

import polars as pl
import pytest

from ecresearch.clean import passages as market
from ecresearch.deck.slides import Deck
from ecresearch.errors import ExtractionError
from ecresearch.scores.hhi import HHI_BANDS_2010, HHI_BANDS_2023, hhi_band


def test_every_programme_and_checklist_anchor_is_in_the_deck(deck):
    for item in market.PROGRAMMES + market.CHECKLIST:
        assert deck.find(item.anchor), item.key


@pytest.fixture(scope="module")
def table(deck):
    return market.passages(deck)


def keys(table, iso3, kind):
    return market.for_market(table, iso3, kind)["key"].to_list()


def test_programmes_fit_the_market(table):
    assert "JAPAN STORE" in keys(table, "USA", "programme") and "JAPAN STORE" not in keys(table, "IDN", "programme")
    assert keys(table, "THA", "programme").count("JAPAN MALL") == 2  # the general scheme and the Thai partner case
    assert all("JAPAN STREET" in keys(table, c, "programme") for c in ("CHN", "DEU", "VNM"))


def test_checklist_and_notes(table):
    china = set(keys(table, "CHN", "checklist"))
    assert {"nmpa", "positive_list", "limits", "ten_prefectures", "payment", "shipping"} <= china
    assert "fda" in keys(table, "USA", "checklist")
    assert "euhaccp" in keys(table, "DEU", "checklist") and "euhaccp" not in keys(table, "GBR", "checklist")
    notes = market.for_market(table, "IDN", "note")
    assert notes.filter(pl.col("text_ja").str.contains("SNS")).height and (notes["line_start"] > 0).all()
    assert market.for_market(table, "DEU", "note").height == 0


def test_quotes_are_whole_sentences(table, deck):
    """A bullet wrapped over lines is joined by layout: the live-commerce note ends its sentence."""
    cn = market.for_market(table, "CHN", "note")["text_ja"].to_list()
    live = [t for t in cn if "ライブコマースを利用する" in t]
    assert live and live[0].endswith("ど急速に浸透")


def test_quotes_about_another_market_are_left_out(table):
    idn = " ".join(market.for_market(table, "IDN", "note")["text_ja"].to_list())
    assert "香港" not in idn and "HKTV" not in idn


def test_missing_anchor_fails(deck):
    text = "\n".join(l.text for l in deck.lines).replace("米国向け：FDA（食品、化粧品）", "米国向け：FDA")
    with pytest.raises(ExtractionError, match="fda"):
        market.passages(Deck.from_text(text, deck.file))


@pytest.mark.parametrize(
    "value, b2010, b2023",
    [
        (900, "unconcentrated", "unconcentrated"),
        (1500, "moderately concentrated", "moderately concentrated"),
        (2000, "moderately concentrated", "highly concentrated"),
        (2684.72, "highly concentrated", "highly concentrated"),
    ],
)
def test_merger_guideline_bands(value, b2010, b2023):
    assert hhi_band(value, HHI_BANDS_2010) == b2010 and hhi_band(value, HHI_BANDS_2023) == b2023


def test_a_quote_starts_where_its_sentence_starts(table):
    """The JD.com partner case is anchored on a wrapped line ("る株式会社フランクジャパン…"): the quote goes back to
    the start of the sentence, and its line is the sentence's first line."""
    mall = market.for_market(table, "CHN", "programme").filter(pl.col("text_ja").str.contains("フランクジャパン"))
    row = mall.row(0, named=True)
    assert row["text_ja"].startswith("日本の企業で唯一") and row["line_start"] == 1562
    sns = market.for_market(table, "CHN", "checklist").filter(pl.col("key") == "sns_links").row(0, named=True)
    assert sns["text_ja"].startswith("プラットフォーム外のプロモーション")
