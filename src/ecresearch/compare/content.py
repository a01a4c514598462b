"""What the comparison shows: per market and section, one cell with its text, number, source and period, taken
from the same ``Report`` each country page is made from and the scores step's published tables. Nothing here
chooses a data set or scores: a market's size is its scored size set, its platforms the set its concentration
was scored on, its ranks the published readings."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import polars as pl

from ecresearch import datasets, paths
from ecresearch.domain.formats import money, num, pct
from ecresearch.domain.labels import label
from ecresearch.errors import EcresearchError
from ecresearch.params import DIRECTIONS, SURE
from ecresearch.report import country as report
from ecresearch.site.attribution import date_text

# the rows of the comparison, in order; each is a slide of the deck and a row of the page and the workbook
SECTIONS = (
    "size_usd",
    "size_jpy",
    "growth",
    "platforms",
    "networks",
    "rules",
    *(f"rank_{reading}" for reading in DIRECTIONS),
    "holds",
    "programmes",
)


@dataclass(frozen=True)
class Cell:
    text: str  # what the page shows, in its language
    source: str  # publisher and edition (or deck slide, or the scores step)
    period: str  # the period the figure refers to, as printed
    value: float | None = None  # the number behind the text (charts, the workbook)
    unit: str = ""
    parts: tuple[tuple[str, float], ...] = ()  # named values behind a list (the leading platforms' shares)
    urls: tuple[str, ...] = ()


@dataclass(frozen=True)
class Market:
    iso3: str
    name: str
    cells: dict[str, Cell]


@dataclass(frozen=True)
class YenRate:
    """The deck's own conversion of a US$ amount into yen: what the yen column is computed with."""

    yen_per_usd: float
    printed: str  # the deck's text, as printed
    slide: int
    line: int


@dataclass
class Comparison:
    lang: str
    as_of: str
    out: paths.OutputSet
    markets: list[Market]
    rate: YenRate
    sections: tuple[str, ...] = SECTIONS
    extra: dict = field(default_factory=dict)
    category: str | None = None  # a product category's standing is one more row (`--category`)

    @property
    def codes(self) -> list[str]:
        return [m.iso3 for m in self.markets]

    def t(self, key: str, **kw) -> str:
        return label(f"compare.{key}", self.lang, **kw)

    @property
    def title(self) -> str:
        names = label("chart.list_sep", self.lang).join(m.name for m in self.markets)
        return self.t("title", names=names)

    def section_name(self, key: str) -> str:
        if key == "category" and self.category is not None:
            from ecresearch.segments.catalogue import require

            return label("compare.section.category", self.lang, category=require(self.category).name(self.lang))
        return label(f"compare.section.{key}", self.lang)

    def unit_name(self, unit: str, chart: bool = False) -> str:
        """A unit in the workbook's numbers sheet, or (``chart``) in a chart's title, with its scale."""
        return label(f"compare.chart_unit.{unit}" if chart else f"compare.unit_name.{unit}", self.lang)


_SCALE = {"": 1.0, "万": 1e4, "億": 1e8, "兆": 1e12}
# a US$ amount printed with its yen equivalent: 「7兆USドル（約900兆円）」
_USD_YEN = re.compile(r"(\d[\d,.]*)\s*(兆|億|万)?\s*(?:US)?ドル\s*[（(]\s*約?\s*(\d[\d,.]*)\s*(兆|億|万)?\s*円")


def yen_rate(figures: pl.DataFrame) -> YenRate:
    """The yen per US$ the deck itself converts with (the first US$ figure it prints with a yen amount)."""
    rows = figures.filter((pl.col("unit") == "USD") & pl.col("printed").str.contains("円")).sort("slide", "line_start")
    for r in rows.iter_rows(named=True):
        m = _USD_YEN.search(r["printed"])
        if m:
            usd = float(m.group(1).replace(",", "")) * _SCALE[m.group(2) or ""]
            yen = float(m.group(3).replace(",", "")) * _SCALE[m.group(4) or ""]
            return YenRate(yen / usd, r["printed"], r["slide"], r["line_start"])
    raise datasets.DatasetError(
        "deck_figures has no US$ figure printed with its yen amount (the yen column converts at the deck's rate); "
        + datasets.rebuild_hint(None)
    )


def check(countries: list[str], scenario: str | None = None) -> list[str]:
    """The shortlist as ISO3 codes, each resolved and scored, before anything is read or written: an unknown or
    unscored country raises CountryError naming it."""
    if len(countries) < 2:
        raise EcresearchError(f"compare needs at least two countries, got {len(countries)}")
    codes = [report.target(c) for c in countries]
    dup = sorted({c for c in codes if codes.count(c) > 1})
    if dup:
        raise EcresearchError(f"country {dup[0]} is named twice")
    scores = report.scored_countries(paths.output_set(scenario))
    for c in codes:
        report.require_scored(c, scores)
    return codes


def build(
    countries: list[str],
    lang: str = "ja",
    scenario: str | None = None,
    as_of: str | None = None,
    category: str | None = None,
) -> Comparison:
    """The comparison of ``countries`` (codes or names) from the reports of the output set ``scenario``; with a
    product ``category``, one more row: what bars or restricts it in each market (the segments table's word)."""
    codes = check(countries, scenario)
    reps = [report.load(c, lang, scenario, as_of) for c in codes]
    out = reps[0].out or paths.output_set(scenario)  # load() sets it
    tables = {
        "external": report.external_figures(),
        "passages": datasets.read("deck_passages"),
        "rules": datasets.read("market_rules"),
        "readings": datasets.read("scoring_readings", out),
        "holds": datasets.read("scoring_holds", out),
    }
    rate = yen_rate(reps[0].figures)
    markets = [Market(r.iso3, r.name, _cells(r, tables, rate)) for r in reps]
    if category is None:
        return Comparison(lang, reps[0].as_of, out, markets, rate)
    segments = datasets.read("category_segments")
    for m, r in zip(markets, reps, strict=True):
        m.cells["category"] = _category(r, segments, category)
    return Comparison(lang, reps[0].as_of, out, markets, rate, sections=(*SECTIONS, "category"), category=category)


def _cells(rep: report.Report, tables: dict, rate: YenRate) -> dict[str, Cell]:
    usd = _size(rep)
    return {
        "size_usd": usd,
        "size_jpy": _yen(rep, usd, rate),
        "growth": _growth(rep),
        "platforms": _platforms(rep),
        "networks": _networks(rep, tables["external"]),
        "rules": _rules(rep, tables["rules"]),
        **{f"rank_{reading}": _rank(rep, tables["readings"], reading) for reading in DIRECTIONS},
        "holds": _holds(rep, tables["holds"]),
        "programmes": _programmes(rep, tables["passages"]),
    }


def _t(rep: report.Report, key: str, **kw) -> str:
    return label(f"compare.{key}", rep.lang, **kw)


def _scores_source(rep: report.Report) -> str:
    digest = rep.row["params_digest"]
    return _t(rep, "scores_source", step=rep.t("scores_step"), digest=digest)


def _size(rep: report.Report) -> Cell:
    """The market's size as the scores step chose it (its size set); none when the set has no row."""
    rows = rep.scored_set("size")
    if rows.height == 0:
        return Cell(_t(rep, "no_size"), "—", "—", unit="USD")
    r = rows.row(0, named=True)
    text = money(r["value"], label("unit.USD", rep.lang), rep.lang)
    url = (r["url"],) if r["url"] else ()
    return Cell(text, rep.citation(r), rep._period(r["period"]), r["value"], r["unit"], urls=url)


def _yen(rep: report.Report, usd: Cell, rate: YenRate) -> Cell:
    if usd.value is None:
        return Cell(usd.text, "—", "—", unit="JPY")
    yen = usd.value * rate.yen_per_usd
    text = _t(rep, "approx", amount=money(yen, _t(rep, "yen"), rep.lang))
    how = _t(
        rep,
        "rate_source",
        source=usd.source,
        printed=rate.printed,
        slide=rate.slide,
        rate=num(rate.yen_per_usd, rep.lang, 1),
    )
    return Cell(text, how, usd.period, yen, "JPY", urls=usd.urls)


def _growth(rep: report.Report) -> Cell:
    """The growth pillar's value and source as the report's pillar table shows them."""
    table = rep.pillar_table()
    row = table.filter(pl.col(rep.t("pillar")) == rep.pillar_name("growth")).row(0, named=True)
    value = rep.row["growth_pct"]
    ind = rep.indicators.filter((pl.col("iso3") == rep.iso3) & (pl.col("pillar") == "growth"))
    period = rep._period(ind["period"][0]) if ind.height else "—"
    url = (ind["url"][0],) if ind.height and ind["url"][0] else ()
    text = rep.t("missing") if value is None else f"{row[rep.t('value')]}%"
    return Cell(text, row[rep.t("source")], period, value, "pct", urls=url)


def _platforms(rep: report.Report) -> Cell:
    lead = rep.leading_platforms()
    if not lead:
        return Cell(rep.t("no_scored_set"), "—", "—")
    # shares chart side by side; a set of another measure (visits, ranks) is named, not charted
    parts = tuple((p["name"], p["value"]) for p in lead if p["unit"] in ("pct", "percent"))
    return Cell(
        ", ".join(rep.platform_names()),
        "; ".join(sorted({p["citation"] for p in lead})),
        ", ".join(sorted({rep._period(p["period"]) for p in lead})),
        parts[0][1] if parts else None,
        "pct",
        parts,
    )


def _networks(rep: report.Report, external: pl.DataFrame) -> Cell:
    names = rep.network_names(external)
    if not names:
        return Cell(rep.t("none_found"), "—", "—")
    rows = rep.network_rows(external)
    return Cell(
        ", ".join(names),
        "; ".join(sorted({f"{r['source_title']} [{r['vintage']}]" for r in rows.iter_rows(named=True)})),
        ", ".join(sorted({rep._period(p) for p in rows["period"].to_list()})),
        urls=tuple(sorted({u for u in rows["source_url"].to_list() if u})),
    )


def _rules(rep: report.Report, rules: pl.DataFrame) -> Cell:
    items = rep.current_rules(rules)
    topics = list(dict.fromkeys(rep.topic(i["topic"]) for i in items))
    sources = [s for i in items for s in i["sources"]]
    return Cell(
        ", ".join(topics) if topics else rep.t("none_found"),
        "; ".join(sorted({s["source_title"] for s in sources if s["source_title"]})) or "—",
        rep.t("rules_as_of", date=date_text(rep.as_of, rep.lang)),
        float(len(topics)),
        "rules",
        urls=tuple(sorted({s["source_url"] for s in sources if s["source_url"]})),
    )


def _rank(rep: report.Report, readings: pl.DataFrame, reading: str) -> Cell:
    """One reading's rank and band, from the published readings table."""
    row = readings.filter((pl.col("reading") == reading) & (pl.col("iso3") == rep.iso3))
    period = _t(rep, "as_of", date=date_text(rep.as_of, rep.lang))
    if row.height == 0 or row["rank"][0] is None:
        return Cell(rep.t("reading_unranked", reading=rep.t(f"reading_{reading}")), _scores_source(rep), period)
    r = row.row(0, named=True)
    L = rep.lang
    text = _t(
        rep,
        "rank_cell",
        rank=r["rank"],
        median=num(r["median_rank"], L, 1),
        lo=num(r["rank_p05"], L, 0),
        hi=num(r["rank_p95"], L, 0),
        p3=pct(r["p_top3"], L),
    )
    return Cell(
        text, _scores_source(rep), period, float(r["rank"]), "rank", (("p05", r["rank_p05"]), ("p95", r["rank_p95"]))
    )


def _holds(rep: report.Report, holds: pl.DataFrame) -> Cell:
    """What holds in both readings (the published holds table), in the report's words."""
    row = holds.filter(pl.col("iso3") == rep.iso3)
    period = _t(rep, "as_of", date=date_text(rep.as_of, rep.lang))
    if row.height == 0:
        return Cell(_t(rep, "holds_none"), _scores_source(rep), period)
    r = row.row(0, named=True)
    key = "holds_top3" if r["p_top3_min"] >= SURE else "holds_depends" if r["p_top3_max"] >= SURE else None
    text = rep.t(key, share=pct(SURE, rep.lang)) if key else _t(rep, "holds_none")
    return Cell(text, _scores_source(rep), period, r["p_top3_min"], "share")


def _programmes(rep: report.Report, passages: pl.DataFrame) -> Cell:
    progs, slides = rep.programme_fit(passages)
    if not progs:
        return Cell(rep.t("none_found"), "—", "—")
    return Cell(
        ", ".join(progs),
        rep.t("deck_slides", slides=", ".join(map(str, slides))),
        _t(rep, "deck_period"),
    )


def _category(rep: report.Report, segments: pl.DataFrame, category: str) -> Cell:
    """The category's standing in the market, as the report's category section and the ranking view say it."""
    from ecresearch.segments.view import reasons, rows_for, standing

    rows = rows_for(segments, rep.iso3, category)
    state = standing(rows)
    why = reasons(rows)
    hit = rows.filter(pl.col("barred") | (pl.col("effect") == "restricts"))
    text = label(f"category.mark_{state}", rep.lang) or "—"
    return Cell(
        f"{text} {'; '.join(why)}".strip() if why else label(f"compare.category_{state}", rep.lang),
        "; ".join(sorted({s for s in hit["source"].drop_nulls().to_list()})) or "—",
        "; ".join(sorted({s for s in hit["period"].drop_nulls().to_list()}))
        or rep.t("rules_as_of", date=date_text(rep.as_of, rep.lang)),
        float(len(why)),
        "category",
        urls=tuple(sorted({u for u in hit["url"].drop_nulls().to_list()})),
    )
