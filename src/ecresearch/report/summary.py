"""The summary an analyst can paste: one short paragraph per report, every word from the label catalogue in the
page's language, every fact read from what earlier stages published (the scores and their readings, what
holds, the indicators and their basis, the deck's own yen conversions). Nothing here scores or chooses."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from functools import reduce

import polars as pl

from ecresearch.domain.formats import as_printed, num, pct
from ecresearch.domain.labels import label
from ecresearch.params import CORE_PILLARS, DIRECTIONS, SURE

# the deck's own conversions, as it prints them: 「7兆USドル（約900兆円）」, 「13.1兆元（約260兆円）」
_YEN = re.compile(r"([\d.,]+)兆(USドル|米ドル|ドル|元)（約([\d.,]+)兆円）")
_CURRENCY = {"USドル": "USD", "米ドル": "USD", "ドル": "USD", "元": "CNY"}
TRILLION = 1e12


@dataclass(frozen=True)
class Conversion:
    """An amount the deck converts to yen itself, where it stands (slide, line) and what market it is of."""

    iso3: str | None
    amount: float  # in ``currency``
    currency: str
    yen: float
    printed: str  # as the deck prints it
    period: str | None
    slide: int
    line: int

    @property
    def rate(self) -> float:
        return self.yen / self.amount


@dataclass(frozen=True)
class Rate:
    """Yen per US dollar for a market the deck converts nothing for: a rate declared in params.toml [pages]
    (with its date and source), else the rate implied by the deck's own conversion of a US$ amount."""

    value: float
    date: str  # the rate's date, or the period of the deck's converted figure
    source: str  # the declared source, or '' for the deck's own conversion
    deck: Conversion | None = None


def deck_conversions(figures: pl.DataFrame, passages: pl.DataFrame) -> list[Conversion]:
    """Every yen conversion the deck prints, from its figures' printed text and its passages (one per slide
    and line); the period is that of the figure printed on the same line."""
    periods = {
        (r["slide"], r["line_start"]): r["period"]
        for r in figures.filter(pl.col("line_start").is_not_null()).iter_rows(named=True)
    }
    rows = [(r["iso3"], r["printed"], r["slide"], r["line_start"]) for r in figures.iter_rows(named=True)]
    rows += [(r["iso3"], r["text_ja"], r["slide"], r["line_start"]) for r in passages.iter_rows(named=True)]
    out: dict[tuple, Conversion] = {}
    for iso3, text, slide, line in rows:
        for m in _YEN.finditer(text or ""):
            key = (slide, line, m.group(0))
            if key in out and out[key].iso3:
                continue
            out[key] = Conversion(
                iso3 if iso3 not in (None, "*") else None,
                _trillions(m.group(1)),
                _CURRENCY[m.group(2)],
                _trillions(m.group(3)),
                m.group(0),
                periods.get((slide, line)),
                slide,
                line,
            )
    return sorted(out.values(), key=lambda c: (c.slide, c.line))


def _trillions(text: str) -> float:
    """A printed number of trillions (兆) as a value, exact in decimal (8.2兆 is 8.2e12, not 8199999999999.999)."""
    return float(Decimal(text.replace(",", "")) * 10**12)


def yen_rate(conversions: list[Conversion], declared: dict | None) -> Rate | None:
    """The declared rate when params.toml gives one, else the one the deck's own US$ conversion implies."""
    if declared:
        return Rate(declared["rate"], declared["date"], declared["source"])
    usd = [c for c in conversions if c.currency == "USD"]
    return Rate(usd[0].rate, usd[0].period or "", "", usd[0]) if usd else None


def yen_text(yen: float, lang: str) -> str:
    """An approximate yen amount in trillions, as the deck rounds its own: 約130兆円 / about ¥130 trillion."""
    v = yen / TRILLION
    v = round(v, -1) if v >= 100 else v
    return label("summary.yen_trillion", lang, amount=num(v, lang, 1 if v < 10 else 0))


# below a trillion, the scale each language counts in (10^8 oku in Japanese, a billion in English)
_BELOW_TRILLION = {"ja": (1e8, 0), "en": (1e9, 1)}


def amount_text(amount: float, currency: str, lang: str) -> str:
    """US$ or yuan in the scale words of the page: 1.04兆ドル / US$1.04 trillion; 810億ドル / US$81.0 billion."""
    cur = currency.lower()
    if amount >= TRILLION:
        return label(f"summary.{cur}_trillion", lang, amount=as_printed(round(amount / TRILLION, 2), lang))
    div, digits = _BELOW_TRILLION[lang]
    return label(f"summary.{cur}_below", lang, amount=num(amount / div, lang, digits))


def size_sentence(row: dict, period: str | None, conversions: list[Conversion], rate: Rate | None, lang: str) -> str:
    """Market size in US$ and yen, though its weight in the score may be 0: the deck's own conversion for this
    market where it gives one (stated with its slide), and the US$ size at the declared or the deck's rate."""
    t = _t(lang)
    own = [c for c in conversions if c.iso3 == row["iso3"]]
    parts = []
    usd = row.get("size_usd")
    if usd is not None:
        text = t("size", usd=amount_text(usd, "USD", lang), period=period or "", source=row["size_vintage"])
        if rate is not None:
            at = (
                t("rate_declared", rate=num(rate.value, lang, 2), date=rate.date, source=rate.source)
                if rate.deck is None
                else t(
                    "rate_deck",
                    rate=num(rate.value, lang, 1),
                    usd=amount_text(rate.deck.amount, "USD", lang),
                    yen=yen_text(rate.deck.yen, lang),
                    slide=rate.deck.slide,
                )
            )
            text += t("size_yen", yen=yen_text(usd * rate.value, lang), at=at)
        parts.append(text + t("stop"))
    for c in own:
        amount = amount_text(c.amount, c.currency, lang)
        parts.append(t("size_deck", amount=amount, yen=yen_text(c.yen, lang), period=c.period or "", slide=c.slide))
    return "".join(parts) if parts else t("size_none")


def _t(lang: str):
    return lambda key, **kw: label(f"summary.{key}", lang, **kw)


def _pillar(pillar: str, lang: str) -> str:
    return label(f"pillar_short.{pillar}", lang)


def pillar_positions(row: dict, scores: pl.DataFrame) -> dict[str, tuple[int, int]]:
    """Each observed core pillar's position among the ranked candidates by its published normalised value
    (the scores step's orientation of it), with how many candidates have it: imputed pillars left out."""
    ranked = scores.filter(pl.col("ranked"))
    out = {}
    for p in CORE_PILLARS:
        mine = row.get(f"{p}_norm")
        if mine is None or row.get(f"{p}_basis") == "imputed":
            continue
        vals = ranked.filter(pl.col(f"{p}_basis") != "imputed")[f"{p}_norm"].drop_nulls()
        out[p] = (1 + int((vals > mine).sum()), vals.len())
    return out


def why_sentences(row: dict, scores: pl.DataFrame, lang: str) -> str:
    """Why this market (its strongest pillar against the candidates) and why not (its weakest)."""
    t = _t(lang)
    pos = pillar_positions(row, scores)
    if not pos:
        return ""
    best = min(pos, key=lambda p: (pos[p][0], CORE_PILLARS.index(p)))
    worst = max(pos, key=lambda p: (pos[p][0], -CORE_PILLARS.index(p)))
    # a best pillar in the lower half is no reason to choose the market, a worst one in the upper half no reason
    # to leave it: the sentence says so instead
    (b, nb), (w, nw) = pos[best], pos[worst]
    out = t("why" if b <= nb / 2 else "why_none", pillar=_pillar(best, lang), pos=b, n=nb)
    if worst != best:
        out += t("why_not" if w > nw / 2 else "why_not_none", pillar=_pillar(worst, lang), pos=w, n=nw)
    return out


def rank_sentence(name: str, row: dict, readings: pl.DataFrame, holds: pl.DataFrame, lang: str) -> str:
    """Its rank under both readings of concentration (scoring_readings) and what holds (scoring_holds)."""
    t = _t(lang)
    mine = readings.filter(pl.col("iso3") == row["iso3"])
    n = readings.filter(pl.col("rank").is_not_null()).group_by("reading").len()["len"].max() or 0
    parts = []
    for reading in DIRECTIONS:
        r = mine.filter(pl.col("reading") == reading)
        rank = r["rank"][0] if r.height else None
        name_r = t(f"reading_{reading}")
        parts.append(t("rank_unranked", reading=name_r) if rank is None else t("rank", reading=name_r, rank=rank))
    text = t("ranks", name=name, n=n, ranks=t("sep").join(parts))
    h = holds.filter(pl.col("iso3") == row["iso3"])
    if h.height == 0:
        return text
    held_row = h.row(0, named=True)
    if held_row["first_in_both"]:
        held = t("holds_first", share=pct(SURE, lang))
    elif held_row["top3_in_both"]:
        held = t("holds_top3", share=pct(SURE, lang))
    elif (held_row["p_top3_max"] or 0) >= SURE:
        held = t("holds_depends", share=pct(SURE, lang))
    else:
        held = t("holds_band", best=num(held_row["best_rank"], lang, 0), worst=num(held_row["worst_rank"], lang, 0))
    return t("then", first=text, second=held)


def caveats(row: dict, indicators: pl.DataFrame, scores: pl.DataFrame, lang: str) -> list[str]:
    """The caveats that apply to this market, read from the published basis and indicator columns: growth from
    a forecast (or a bound of a forecast list), an imputed pillar, an SNS edition other than the one most
    candidates are scored on, an HHI known only as an interval."""
    t = _t(lang)
    out = []
    ind = {r["pillar"]: r for r in indicators.filter(pl.col("iso3") == row["iso3"]).iter_rows(named=True)}
    g = ind.get("growth")
    if g is not None and row.get("growth_basis") != "imputed":
        metric = (g.get("metric") or "").lower()
        if "forecast bound" in metric:
            out.append(t("caveat_bound", lo=num(g["low"], lang, 1), hi=num(g["high"], lang, 1), vintage=g["vintage"]))
        elif "forecast" in metric:
            out.append(t("caveat_forecast", vintage=g["vintage"]))
    for p in CORE_PILLARS:
        if row.get(f"{p}_basis") == "imputed":
            out.append(t("caveat_imputed", pillar=_pillar(p, lang)))
    ranked = scores.filter(pl.col("ranked") & (pl.col("sns_basis") != "imputed"))
    editions = Counter(ranked["sns_vintage"].drop_nulls().to_list())
    mine = row.get("sns_vintage")
    if mine and editions and row.get("sns_basis") != "imputed":
        common = editions.most_common(1)[0][0]
        if mine != common:
            out.append(t("caveat_editions", mine=mine, common=common))
    lo, hi = row.get("hhi_lower"), row.get("hhi_upper")
    if row.get("concentration_basis") == "interval" and lo is not None and hi is not None and hi > lo:
        out.append(
            t(
                "caveat_interval",
                lo=num(row["hhi_lower"], lang, 0),
                hi=num(row["hhi_upper"], lang, 0),
                coverage=num(row["hhi_coverage"], lang, 0),
            )
        )
    return out


@dataclass(frozen=True)
class Entry:
    """What to start with and what gates entry, as the report names them (its own published choices)."""

    platforms: list[str]
    networks: list[str]
    rules: list[str]


def paragraph(
    name: str,
    row: dict,
    scores: pl.DataFrame,
    indicators: pl.DataFrame,
    readings: pl.DataFrame,
    holds: pl.DataFrame,
    conversions: list[Conversion],
    rate: Rate | None,
    entry: Entry,
    lang: str,
) -> str:
    """The paragraph, plain text (the caller escapes it)."""
    t = _t(lang)
    sep = label("chart.list_sep", lang)
    parts = [rank_sentence(name, row, readings, holds, lang), why_sentences(row, scores, lang)]
    cav = caveats(row, indicators, scores, lang)
    if cav:
        parts.append(t("caveats", items=t("caveat_sep").join(cav)))
    size = indicators.filter((pl.col("iso3") == row["iso3"]) & (pl.col("pillar") == "size"))
    parts.append(size_sentence(row, size["period"][0] if size.height else None, conversions, rate, lang))
    parts.append(
        t(
            "start",
            platforms=sep.join(entry.platforms) or t("none"),
            networks=sep.join(entry.networks) or t("none"),
        )
    )
    parts.append(t("rules", rules=sep.join(entry.rules)) if entry.rules else t("rules_none"))
    return reduce(lambda a, b: t("then", first=a, second=b), [p for p in parts if p])
