"""Quotes from the deck for the country reports: found by anchor, with line numbers; fail loudly if missing."""
import pytest

from ecresearch.tables import passages as market
from ecresearch.deck.slides import Deck
from ecresearch.errors import ExtractionError
from ecresearch.scoring.model import HHI_BANDS_2010, HHI_BANDS_2023, hhi_band


def test_every_programme_and_checklist_anchor_is_in_the_deck(deck):
    for item in market.PROGRAMMES + market.CHECKLIST:
        assert deck.find(item.anchor), item.key


def test_programmes_fit_the_market(deck):
    keys = lambda iso3: [q.key for q in market.programmes(deck, iso3)]  # noqa: E731
    assert "JAPAN STORE" in keys("USA") and "JAPAN STORE" in keys("GBR") and "JAPAN STORE" not in keys("IDN")
    assert keys("THA").count("JAPAN MALL") == 2  # the general scheme and the Thai partner case
    assert all("JAPAN STREET" in keys(c) for c in ("CHN", "DEU", "VNM"))


def test_checklist_and_notes(deck):
    china = {q.key for q in market.checklist(deck, "CHN")}
    assert {"nmpa", "positive_list", "limits", "ten_prefectures", "payment", "shipping"} <= china
    assert "fda" in {q.key for q in market.checklist(deck, "USA")}
    assert "euhaccp" in {q.key for q in market.checklist(deck, "DEU")} and "euhaccp" not in {q.key for q in market.checklist(deck, "GBR")}
    notes = market.deck_notes(deck, "IDN")
    assert any("SNS" in q.text for q in notes) and all(q.line > 0 for q in notes)
    assert market.deck_notes(deck, "DEU") == []


def test_missing_anchor_fails(deck):
    text = "\n".join(l.text for l in deck.lines).replace("米国向け：FDA（食品、化粧品）", "米国向け：FDA")
    with pytest.raises(ExtractionError, match="fda"):
        market.checklist(Deck.from_text(text, deck.file), "USA")


@pytest.mark.parametrize("value, b2010, b2023", [(900, "unconcentrated", "unconcentrated"),
                                                 (1500, "moderately concentrated", "moderately concentrated"),
                                                 (2000, "moderately concentrated", "highly concentrated"),
                                                 (2684.72, "highly concentrated", "highly concentrated")])
def test_merger_guideline_bands(value, b2010, b2023):
    assert hhi_band(value, HHI_BANDS_2010) == b2010 and hhi_band(value, HHI_BANDS_2023) == b2023
