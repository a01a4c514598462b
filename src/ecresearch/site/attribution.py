"""What every page says about when and from what it was made: the data-as-of date (a parameter), the deck
named with its publisher and copyright, JETRO's attribution and the deck's own disclaimer, in the page's
language. The deck's title and publisher come from its provenance sidecar (the snapshots table), the
disclaimer and copyright from the deck text (deck_passages, kind 'notice'): nothing here is typed in."""

from __future__ import annotations

import datetime as dt
from functools import cache

import polars as pl
from babel.dates import format_date

from ecresearch import datasets, paths
from ecresearch.domain.formats import LOCALES
from ecresearch.domain.labels import label


def date_text(iso: str, lang: str) -> str:
    """An ISO date for people, in the page's language: 2026年12月1日 / December 1, 2026."""
    return format_date(dt.date.fromisoformat(iso), format="long", locale=LOCALES[lang])


@cache
def _deck_facts() -> dict:
    deck = paths.rel(paths.DECK_TEXT)
    snap = datasets.read("snapshots").filter(pl.col("file") == deck)
    if snap.height != 1:
        raise datasets.DatasetError(f"the snapshots table has no row for {deck}; {datasets.rebuild_hint(None)}")
    notices = datasets.read("deck_passages").filter(pl.col("kind") == "notice")
    by_key = {r["key"]: r for r in notices.iter_rows(named=True)}
    if set(by_key) != {"disclaimer", "copyright"}:
        raise datasets.DatasetError(
            f"deck_passages has no notice rows (disclaimer, copyright); {datasets.rebuild_hint(None)}"
        )
    s = snap.row(0, named=True)
    return {
        "title": s["title"].split(" (", 1)[0],  # the deck's own title; the sidecar adds a description after it
        "publisher": s["publisher"],
        "copyright": by_key["copyright"]["text_ja"],
        "year": by_key["copyright"]["en"],
        "disclaimer": by_key["disclaimer"]["text_ja"],
        "disclaimer_slide": by_key["disclaimer"]["slide"],
    }


def notice(lang: str, as_of: str) -> dict:
    """The page's dating and attribution texts, in ``lang`` (the disclaimer is the deck's Japanese, quoted)."""
    f = _deck_facts()
    return {
        "as_of": label("attribution.as_of", lang, date=date_text(as_of, lang)),
        "deck": label("attribution.deck", lang, title=f["title"], publisher=f["publisher"], year=f["year"]),
        "jetro": label("attribution.jetro", lang, copyright=f["copyright"]),
        "disclaimer_lead": label("attribution.disclaimer", lang, slide=f["disclaimer_slide"]),
        "disclaimer": f["disclaimer"],
        "disclaimer_gloss": label("attribution.disclaimer_gloss", lang) if lang != "ja" else "",
    }
