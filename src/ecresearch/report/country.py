"""Everything a country report shows, computed from the processed tables (never the raw data).

The notebook (04-country-report) only arranges these pieces; every number it shows goes through
``Report.cite`` so the provenance appendix lists it with its origin."""

from __future__ import annotations

import html as _h
import re
from dataclasses import dataclass, field, replace
from functools import cached_property

import polars as pl

from ecresearch import datasets, paths
from ecresearch.clean import passages as market
from ecresearch.countries import SEA, resolve
from ecresearch.deck.figures import FIGURES
from ecresearch.domain.formats import as_printed, cell, num, pct
from ecresearch.domain.labels import LANGS, label, section
from ecresearch.errors import CountryError, EcresearchError
from ecresearch.params import CORE_PILLARS, DIRECTIONS, PILLAR_COLUMNS, SURE
from ecresearch.report import summary
from ecresearch.report.rules import older_than, register, replaced_count
from ecresearch.site.attribution import date_text
from ecresearch.site.html import safe_url

NO_SOURCE = "no source printed"  # how the clean step notes a deck figure printed without its source
PILLAR_DIGITS = {"growth": 1, "sns": 2, "concentration": 0}  # what each pillar's value can carry


def heading(text: str, level: int = 2) -> str:
    return f"<h{level}>{_h.escape(text)}</h{level}>"


def paragraph(text: str) -> str:
    return f"<p>{_h.escape(text)}</p>" if text else ""


SAFE_CODE = re.compile(r"^[A-Za-z]{2,3}$")


def target(country: str) -> str:
    """The report's country as ISO3, from a code or a name (ja/en). Rejects anything path-like first."""
    text = str(country).strip()
    if not text or any(ch in text for ch in "/\\.\0") or text.startswith("-"):
        raise CountryError(f"country {country!r}: not a country code or name")
    c = resolve(text, allow_regions=False)
    if not SAFE_CODE.fullmatch(c.iso3):
        raise CountryError(f"country {country!r}: no ISO 3166-1 alpha-3 code")
    return c.iso3


def scored_countries(out: paths.OutputSet | None = None) -> pl.DataFrame:
    out = out or paths.output_set(None)
    if not out.scores.exists():
        hint = (
            "`ecresearch build`"
            if out.scenario is None
            else f"`ecresearch build --scenario {out.scenario}` with its parameters"
        )
        raise EcresearchError(f"{paths.rel(out.scores)} is missing: run {hint} first")
    return datasets.read("country_scores", out)


def require_scored(iso3: str, scores: pl.DataFrame) -> dict:
    row = scores.filter(pl.col("iso3") == iso3)
    name = resolve(iso3).name_en
    if row.height == 0:
        raise CountryError(
            f"country {iso3} ({name}) is not among the scored candidates ({', '.join(scores['iso3'].to_list())})"
        )
    r = row.row(0, named=True)
    if not r["ranked"]:
        raise CountryError(
            f"country {iso3} ({name}) has no score: data on {r['pillars']} of {len(CORE_PILLARS)} pillars"
        )
    return r


@dataclass
class Report:
    iso3: str
    lang: str
    scores: pl.DataFrame
    indicators: pl.DataFrame
    figures: pl.DataFrame
    data_sets: pl.DataFrame  # the rows each market and pillar was scored on (the scores step's choice)
    as_of: str = ""  # the data-as-of date (a parameter): rules are judged against it
    recheck_days: int = 365
    max_age_years: int = 0  # a figure whose period ended longer ago than this before as_of is marked (0: none)
    usd_jpy: tuple | None = None  # a declared yen rate (rate, date, source); else the deck's own conversion
    out: paths.OutputSet | None = None
    cited: list[dict] = field(default_factory=list)
    weak_left_out: int = 0  # figures from weak sources (grade C) not cited in the client tables

    @property
    def row(self) -> dict:
        return self.scores.filter(pl.col("iso3") == self.iso3).row(0, named=True)

    @property
    def name(self) -> str:
        return self._country_name(self.iso3)

    def _country_name(self, iso3: str) -> str:
        c = resolve(iso3)
        return c.name_ja if self.lang == "ja" else c.name_en

    def t(self, key: str, **kw) -> str:
        return label(f"report.{key}", self.lang, total=len(CORE_PILLARS), **kw)

    def pillar_name(self, pillar: str, short: bool = False) -> str:
        return label(f"pillar_short.{pillar}" if short else f"pillar.{pillar}", self.lang)

    @cached_property
    def _reference_rows(self) -> dict[str, dict]:
        """Each external source URL with its best grade and its title: what decides whether a link is citable
        in a client table (grade A or B) and whether its title speaks of another market."""
        ext = datasets.read("external_figures").filter(pl.col("source_url").is_not_null())
        ext = ext.sort(pl.col("source_grade").fill_null("Z"))
        return {r["source_url"]: r for r in ext.unique("source_url", keep="first").iter_rows(named=True)}

    def _citable_url(self, url: str | None, origin: str) -> str | None:
        """A deck figure's reference link is shown only when graded A or B (a tabloid or quiz-site mirror that
        helped match labels is not a source to hand a client); an external row's own link as graded."""
        ref = self._reference_rows.get(url or "")
        if ref is None:
            return url
        if ref["source_grade"] == "C" or (origin == "deck" and ref["source_grade"] not in ("A", "B")):
            return None
        return url

    def _weak(self, url: str | None, origin: str) -> bool:
        """An external value read from a weak source (grade C): never cited in a client table."""
        ref = self._reference_rows.get(url or "")
        return origin == "external" and ref is not None and ref["source_grade"] == "C"

    def _title_note(self, url: str | None) -> str:
        """When the page a figure was read from is titled for another market (an Indonesia article giving
        Thailand's share), say so beside the citation."""
        ref = self._reference_rows.get(url or "")
        if ref is None or not ref["source_title"]:
            return ""
        title = ref["source_title"]
        mine = resolve(self.iso3).name_en
        others = [
            c
            for c in self.scores["iso3"].to_list()
            if c != self.iso3 and re.search(rf"\b{re.escape(resolve(c).name_en)}\b", title)
        ]
        if not others or mine in title:
            return ""
        return self.t("title_other_market", market=self._country_name(others[0]), name=self.name)

    def cite(
        self,
        what: str,
        value,
        unit: str,
        origin: str,
        source: str,
        vintage: str | None = None,
        url: str | None = None,
        where: str | None = None,
    ) -> None:
        if self._weak(url, origin):
            self.weak_left_out += 1
            return
        url = self._citable_url(url, origin)
        if source and source.startswith(NO_SOURCE):
            source = self.t("no_source_printed", ref=vintage or "—")
        self.cited.append(
            {
                "what": what,
                "value": value,
                "unit": unit,
                "origin": origin,
                "source": source,
                "vintage": vintage,
                "url": url,
                "where": where,
            }
        )

    def cite_external(self, r: dict, digits: int) -> None:
        """Cite one row of the external-figures table with its snapshot file and CSV line."""
        self.cite(
            f"{r['entity']}: {r['metric']}",
            num(r["value"], "en", digits),
            r["unit"],
            "external",
            r["source_title"],
            r["vintage"],
            r["source_url"],
            self.t("csv_line", file=r["snapshot"], line=r["csv_line"]),
        )

    # ── sections ─────────────────────────────────────────────────────────────────────────────
    def summary(self) -> str:
        r = self.row
        ranked = self.scores.filter(pl.col("ranked")).height
        self.cite(
            "score",
            num(r["score"], "en", 2),
            "index 1-100",
            "derived",
            self.t("scores_step"),
        )
        self.cite("rank", r["rank"], "rank", "derived", self.t("scores_step"))
        self.cite(
            "rank band 5–95%",
            f"{num(r['rank_p05'], 'en', 0)}–{num(r['rank_p95'], 'en', 0)}",
            "rank",
            "derived",
            self.t("scores_step"),
        )
        L = self.lang
        return self.t(
            "summary",
            name=self.name,
            n=ranked,
            rank=r["rank"],
            score=num(r["score"], L, 1),
            median=num(r["median_rank"], L, 1),
            lo=num(r["rank_p05"], L, 0),
            hi=num(r["rank_p95"], L, 0),
            pillars=r["pillars_used"],
        )

    def pillar_table(self) -> pl.DataFrame:
        ranked = self.scores.filter(pl.col("ranked"))
        rows = []
        for pillar, col in PILLAR_COLUMNS.items():
            values = ranked[col].drop_nulls()
            mine = self.row[col]
            ind = self.indicators.filter((pl.col("iso3") == self.iso3) & (pl.col("pillar") == pillar))
            src = ind.row(0, named=True) if ind.height else None
            if mine is not None and src:
                rows_used = self.data_sets.filter((pl.col("iso3") == self.iso3) & (pl.col("pillar") == pillar))
                self.cite(
                    pillar,
                    num(mine, "en", 3),
                    src["unit"],
                    src["origin"],
                    self._deck_slides(pillar) or src["source"] if src["origin"] == "deck" else src["source"],
                    src["vintage"],
                    src["url"],
                    "; ".join(self._where(m) for m in rows_used.iter_rows(named=True)) or src["note"],
                )
            rank_in = None if mine is None else 1 + int((values > mine).sum())
            rows.append(
                {
                    self.t("pillar"): self.pillar_name(pillar),
                    self.t("value"): num(mine, self.lang, PILLAR_DIGITS[pillar]),
                    self.t("peers"): " / ".join(
                        num(v, self.lang, PILLAR_DIGITS[pillar]) for v in (values.min(), values.median(), values.max())
                    ),
                    self.t("rank_in"): self.t("missing") if rank_in is None else f"{rank_in} / {values.len()}",
                    self.t("source"): "—" if src is None else self._pillar_source(src, pillar),
                }
            )
        return pl.DataFrame(rows)

    def _pillar_source(self, src: dict, pillar: str) -> str:
        """Where a pillar's value comes from, in the page's language: the deck's slide for a deck value (the
        indicator's note is the scores step's English), else the publisher and edition."""
        where = self._deck_slides(pillar) if src["origin"] == "deck" else ""
        return f"{where or src['source']} [{src['vintage']}]"

    def _deck_slides(self, pillar: str) -> str:
        """The deck slides this market's ``pillar`` was scored from, in the page's language ('' if none)."""
        used = self.data_sets.filter((pl.col("iso3") == self.iso3) & (pl.col("pillar") == pillar))
        slides = sorted({r["slide"] for r in used.iter_rows(named=True) if r["slide"] is not None})
        return ", ".join(self.t("slide", slide=s) for s in slides)

    def concentration_reading(self) -> str:
        """What the platform data allow one to say for this market, in the report's language."""
        r = self.row
        top5 = self.figures.filter((pl.col("figure_id") == "sea_top5_platforms") & (pl.col("iso3") == self.iso3)).height
        parts = []
        if r["hhi_lower"] is not None:
            lo, hi = r["hhi_lower"], r["hhi_upper"]
            # the guideline bands are the scores step's (country_scores), never computed again here
            band = self.hhi_band
            b10 = (band(r["hhi_band_2010_lower"]), band(r["hhi_band_2010_upper"]))
            b23 = (band(r["hhi_band_2023_lower"]), band(r["hhi_band_2023_upper"]))
            self.cite(
                "HHI interval",
                f"{num(lo, 'en', 0)}–{num(hi, 'en', 0)}",
                "hhi",
                "derived",
                self.t("scores_step"),
            )
            L = self.lang
            parts.append(
                self.t(
                    "hhi_reading",
                    lo=num(lo, L, 0),
                    hi=num(hi, L, 0),
                    coverage=num(r["hhi_coverage"], L, 0),
                    b10_lo=b10[0],
                    b10_hi=b10[1],
                    b23_lo=b23[0],
                    b23_hi=b23[1],
                )
            )
        if top5:
            parts.append(self.t("top5_reading"))
        return " ".join(parts)

    def _period(self, period: str | None) -> str:
        """A period as printed; the deck's 'unstated' (no period printed) in the page's language; a period older
        than [pages] max_age_years before as_of marked as dated data."""
        if period == "unstated":
            return self.t("period_unstated")
        if older_than(period, self.as_of, self.max_age_years):
            return (
                self.t("dated_year", year=period) if re.fullmatch(r"\d{4}", period) else self.t("dated", period=period)
            )
        return period or ""

    def hhi_band(self, name: str) -> str:
        return label(f"hhi_band.{name}", self.lang)

    def _measure(self, text: str) -> str:
        """A data set's metric in the page's language (the catalogue has every metric of the data; a test checks)."""
        return section("measure", self.lang).get(text, text)

    def unit(self, unit: str) -> str:
        return section("report_unit", self.lang).get(unit, unit)

    def _row(self, platform, measure, value, period, origin, source, scored: bool = False) -> dict:
        t = self.t
        return {
            t("platform"): platform,
            t("measure"): self._measure(measure),
            t("value"): value,
            t("period"): self._period(period),
            t("origin"): label(f"origin.{origin}", self.lang),
            t("source"): source,
            t("scored"): cell(True, lang=self.lang) if scored else "",
        }

    def _ext_value(self, r: dict) -> str:
        return self._value(r["value"], r["unit"])

    def scored_set(self, pillar: str) -> pl.DataFrame:
        """The rows this market's ``pillar`` was scored on, as the scores step published them (largest first)."""
        return self.data_sets.filter(
            (pl.col("iso3") == self.iso3) & (pl.col("pillar") == pillar) & (pl.col("role") == "member")
        ).sort("position")

    def _player(self, r: dict) -> str:
        """A player of a scored set as printed: the deck's unnamed cross-border platforms get a numbered label."""
        if r["origin"] == "deck" and r["entity"] == "unidentified":
            return self.t("unnamed_platform", i=r["position"])
        return r["entity"]

    def _where(self, r: dict) -> str:
        """Where a scored row stands: the snapshot file and CSV line, or the deck slide and line."""
        if r["origin"] == "deck":
            return self.t("line", slide=r["slide"], start=r["line_start"])
        return self.t("csv_line", file=r["snapshot"], line=r["csv_line"])

    def platforms(self, external: pl.DataFrame) -> pl.DataFrame:
        """The market's platforms: first the data set its concentration was scored on (marked), then the other
        external data sets as context (largest first, each with its metric and vintage), then the deck's traffic
        ranks and, for the USA, the deck's retailer table."""
        rows = []
        scored = self.scored_set("concentration")
        for r in scored.iter_rows(named=True):
            rows.append(
                self._row(
                    self._player(r),
                    r["metric"],
                    self._value(r["value"], r["unit"]),
                    r["period"],
                    r["origin"],
                    f"{r['source']} [{r['vintage']}]" if r["origin"] == "external" else self._where(r),
                    scored=True,
                )
            )
            self.cite(
                f"{self._player(r)}: {r['metric']}",
                num(r["value"], "en", 2),
                r["unit"],
                r["origin"],
                r["source"],
                r["vintage"],
                r["url"],
                self._where(r),
            )
        ext = external.filter(
            (pl.col("country_iso3") == self.iso3)
            & pl.col("topic").is_in(["platform_share", "platform_visits", "platform_sales", "us_retailer_share"])
        )
        # the same figure carried by two snapshots is listed once (the graded row first); scored rows are above
        ext = ext.sort(pl.col("source_grade").fill_null("Z"), "snapshot", "csv_line").unique(
            ["entity", "metric", "period", "value"], keep="first", maintain_order=True
        )
        # the scored figures are listed above: neither their rows nor the same figures from another snapshot again
        ext = ext.join(scored.select("snapshot", "csv_line"), on=["snapshot", "csv_line"], how="anti")
        ext = ext.join(
            scored.select("entity", "period", pl.col("value").round(6)),
            left_on=["entity", "period", pl.col("value").round(6)],
            right_on=["entity", "period", "value"],
            how="anti",
        )
        for _, g in ext.group_by("metric", "period", "vintage", maintain_order=True):
            for r in g.sort("value", descending=True).iter_rows(named=True):
                rows.append(
                    self._row(
                        r["entity"],
                        r["metric"],
                        self._ext_value(r),
                        r["period"],
                        "external",
                        f"{r['source_title']} [{r['vintage']}]",
                    )
                )
                self.cite_external(r, 2)
        top5 = self.figures.filter((pl.col("figure_id") == "sea_top5_platforms") & (pl.col("iso3") == self.iso3))
        for r in top5.sort("value").iter_rows(named=True):
            rows.append(
                self._row(
                    r["category_en"],
                    "traffic rank (deck, Similarweb)",
                    f"#{r['value']:.0f}",
                    r["period"],
                    "deck",
                    self.t("line", slide=r["slide"], start=r["line_start"]),
                )
            )
            self.cite(
                f"{r['category_en']} rank",
                int(r["value"]),
                "rank",
                "deck",
                r["source"],
                where=self.t("line", slide=r["slide"], start=r["line_start"]),
            )
        if self.iso3 == "USA":
            us = self.figures.filter(
                (pl.col("figure_id") == "us_top15_retailers")
                & pl.col("value").is_not_null()
                & (pl.col("origin") == "deck")
                & (pl.col("series") != "unassigned")
            )
            for r in us.iter_rows(named=True):
                rows.append(
                    self._row(
                        r["category_en"],
                        r["series_en"],
                        num(r["value"], self.lang, 1) + "%",
                        r["period"],
                        "deck",
                        self.t("line", slide=r["slide"], start=r["line_start"]),
                    )
                )
        cols = [self.t(k) for k in ("platform", "measure", "value", "period", "origin", "source", "scored")]
        return pl.DataFrame(rows, schema={k: pl.String for k in cols})

    def leading_platforms(self, n: int = 3) -> list[dict]:
        """The leading players of the data set this market's concentration was scored on (at most ``n``, largest
        first): what the summary names, with the source it cites. Empty when no platform data set was scored."""
        return [
            {
                "name": self._player(r),
                "value": r["value"],
                "unit": r["unit"],
                "period": r["period"],
                "citation": self._citation(r),
            }
            for r in self.scored_set("concentration").head(n).iter_rows(named=True)
        ]

    def _citation(self, r: dict) -> str:
        if r["origin"] == "deck":
            return f"{r['source']} ({self.t('slide', slide=r['slide'])})"
        return f"{r['source']} [{r['vintage']}]"

    def platform_names(self, n: int = 3) -> list[str]:
        """The leading players as the summary prints them, with the decimals of the data set: 'Shopee (46%)'."""
        return [f"{p['name']} ({self._value(p['value'], p['unit'], printed=True)})" for p in self.leading_platforms(n)]

    def _value(self, value: float, unit: str, digits: int = 1, printed: bool = False) -> str:
        """A value with its unit; ``printed``: with the decimals its source gives instead of ``digits``."""
        text = as_printed(value, self.lang) if printed else num(value, self.lang, digits)
        if unit in ("pct", "percent"):
            return text + "%"
        return f"{text}{self.unit(unit)}" if self.lang == "ja" else f"{text} {unit}"

    def _social(self, external: pl.DataFrame) -> pl.DataFrame:
        """The market's social-network figures, the same figure carried twice (two snapshots, two spellings of
        one network) kept once, the graded row first."""
        soc = external.filter((pl.col("country_iso3") == self.iso3) & (pl.col("topic") == "social_platform_use"))
        first_word = pl.col("entity").str.to_lowercase().str.extract(r"^([a-z0-9]+)", 1)
        return (
            soc.with_columns(first_word.alias("_net"))
            .sort(pl.col("source_grade").fill_null("Z"), "snapshot", "csv_line")
            .unique(["_net", "period", "value", "unit"], keep="first", maintain_order=True)
            .drop("_net")
        )

    def deck_networks(self, passages: pl.DataFrame) -> list[dict]:
        """The networks the deck names for this market, each once, with what the deck says it is used for and
        the slides and lines (clean.passages, kind 'network')."""
        rows = passages.filter((pl.col("kind") == "network") & (pl.col("iso3") == self.iso3)).sort("line_start")
        out: dict[str, dict] = {}
        for r in rows.iter_rows(named=True):
            item = out.setdefault(r["key"], {"name": r["key"], "uses": [], "where": [], "slides": set()})
            item["slides"].add(r["slide"])
            if r["category"] not in item["uses"]:
                item["uses"].append(r["category"])
            where = self.t("line", slide=r["slide"], start=r["line_start"])
            if where not in item["where"]:
                item["where"].append(where)
        return list(out.values())

    def social_networks(self, external: pl.DataFrame, passages: pl.DataFrame | None = None) -> pl.DataFrame:
        """The most used social networks, largest first, from the social-platform snapshots (metric, vintage),
        then the networks the deck names for this market (sourced to its slides); a gap is stated."""
        cols = ("network", "measure", "value", "period", "source")
        rows = []
        for _, g in self._social(external).group_by("metric", "period", "vintage", maintain_order=True):
            for r in g.sort("value", descending=True).iter_rows(named=True):
                rows.append(
                    {
                        self.t("network"): r["entity"],
                        self.t("measure"): self._measure(r["metric"]),
                        self.t("value"): self._ext_value(r),
                        self.t("period"): self._period(r["period"]),
                        self.t("source"): f"{r['source_title']} [{r['vintage']}]",
                    }
                )
                self.cite_external(r, 1)
        for n in self.deck_networks(passages) if passages is not None else []:
            uses = label("chart.list_sep", self.lang).join(label(f"network_use.{u}", self.lang) for u in n["uses"])
            same = [row for row in rows if _network_word(row[self.t("network")]) == _network_word(n["name"])]
            if same:  # a network the figures already list: the deck's word joins its rows, never a second row
                for row in same:
                    row[self.t("source")] += f"; {self.t('deck_names', uses=uses)} ({'; '.join(n['where'])})"
                continue
            rows.append(
                {
                    self.t("network"): n["name"],
                    self.t("measure"): self.t("deck_names", uses=uses),
                    self.t("value"): "",
                    self.t("period"): "",
                    self.t("source"): "; ".join(n["where"]),
                }
            )
        if not rows:
            rows.append({self.t(k): (self.t("none_found") if k == "network" else "") for k in cols})
        return pl.DataFrame(rows, schema={self.t(k): pl.String for k in cols})

    def network_names(self, external: pl.DataFrame, n: int = 3) -> list[str]:
        """The most used networks by the market's largest data set of one unit and edition (shares of users,
        or users/ad reach in millions: one unit, never mixed)."""
        soc = self._social(external)
        if soc.height == 0:
            return []
        best = (
            soc.group_by("unit", "period", "vintage")
            .agg(pl.len().alias("n"))
            .sort(["n", "vintage", "period", "unit"], descending=[True, True, True, False])
            .row(0, named=True)
        )
        g = soc.filter(
            (pl.col("unit") == best["unit"])
            & (pl.col("period") == best["period"])
            & (pl.col("vintage") == best["vintage"])
        ).sort(["value", "entity"], descending=[True, False])
        return g["entity"].unique(maintain_order=True).head(n).to_list()

    def quotes_html(self, passages: pl.DataFrame, kind: str) -> str:
        """Deck passages for this market as labelled quotes: whole sentences with slide and line (escaped)."""
        rows = market.for_market(passages, self.iso3, kind)
        if rows.height == 0:
            return paragraph(self.t("no_notes"))
        items = []
        partners = set(rows.filter(pl.col("iso3") == self.iso3)["key"].to_list()) if kind == "programme" else set()
        for r in rows.iter_rows(named=True):
            where = self.t("line", slide=r["slide"], start=r["line_start"])
            key = f"<b>{_h.escape(r['key'])}</b> — " if kind == "programme" else ""
            cat = self._programme_tag(r, partners) if kind == "programme" else self._category(r["category"])
            gloss = f"<br><i>{_h.escape(r['en'])}</i>" if self.lang == "en" and r["en"] else ""
            items.append(
                f"<li class='quote'>{cat}{key}<span lang='ja'>「{_h.escape(r['text_ja'])}」</span> "
                f"<small>({_h.escape(self.t('deck_quote'))}, {_h.escape(where)})</small>{gloss}</li>"
            )
        return "<ul>" + "".join(items) + "</ul>"

    def _programme_tag(self, r: dict, partners: set[str]) -> str:
        """A programme passage's tag: a dated round ended by ``as_of`` says so ('check the current round'); its
        fees are the deck's, of that round; a programme open to every market says when the deck shows no
        partner site for this one."""
        if r["category"] == "round":
            end = round_end(r["text_ja"])
            if end is not None and end < self.as_of:
                return f"[{_h.escape(self.t('round_ended', date=end))}] "
            return f"[{_h.escape(self.t('round_open'))}] "
        if r["category"] == "fees":
            return f"[{_h.escape(self.t('round_fees'))}] "
        if r["iso3"] == "*" and r["key"] not in partners:
            return f"[{_h.escape(self.t('no_partner'))}] "
        return ""

    def _category(self, key: str | None) -> str:
        """A checklist item's category tag, escaped, in the page's language."""
        return f"[{_h.escape(label('checklist_category.' + key, self.lang))}] " if key else ""

    def topic(self, key: str) -> str:
        """A rule's topic in the page's language (never the raw key)."""
        return label(f"rule_topic.{key}", self.lang)

    def risks(self, rules: pl.DataFrame) -> list[dict]:
        """This market's rules register as of ``as_of`` (report.rules): items with period, status and sources."""
        return register(rules, self.iso3, self.as_of, self.recheck_days)

    def _rule_source(self, r: dict) -> str:
        url = safe_url(r["source_url"])
        title = _h.escape(r["source_title"] or "")
        src = f"<a href='{_h.escape(url)}'>{title}</a>" if url else title
        return f"{src} [{_h.escape(r['vintage'] or '')}]"

    def _rule_item(self, item: dict) -> str:
        dates = []
        if item["effective"]:
            dates.append(self.t("effective", date=item["effective"]))
        if item["valid_until"]:
            dates.append(self.t("valid_until", date=item["valid_until"]))
        when = f" ({_h.escape(', '.join(dates))})" if dates else ""
        badge = (
            f"<span class='rule-{item['status']}'>{_h.escape(label('rule_status.' + item['status'], self.lang))}</span>"
        )
        head = f"<li>{badge} <b>{_h.escape(self.topic(item['topic']))}</b>{when}"
        if len(item["sources"]) == 1:
            return f"{head}: {self._rule_text(item['sources'][0])}</li>"
        # one rule stated by several sources: listed once, each source with what it says
        return head + "<ul>" + "".join(f"<li>{self._rule_text(r)}</li>" for r in item["sources"]) + "</ul></li>"

    def _rule_text(self, r: dict) -> str:
        """One source's statement of a rule, in the page's language where it has one (else a labelled quote)."""
        ja = self.lang == "ja" and r["summary_ja"]
        text = r["summary_ja"] if ja else r["summary_en"]
        return (
            f"<span lang='{'ja' if ja else 'en'}'>{_h.escape(text or '')}</span> "
            f"<small>— {self._rule_source(r)}</small>"
        )

    def risks_html(self, rules: pl.DataFrame) -> str:
        """This market's rules and risks as of ``as_of``: current ones first, ended ones apart with their end date,
        corrected records left out with a note; or 'none found in the sources'."""
        items = self.risks(rules)
        out = [heading(self.t("risk"), 3), paragraph(self.t("rules_as_of", date=date_text(self.as_of, self.lang)))]
        if not items:
            return "".join(out) + paragraph(self.t("none_found"))
        current = [i for i in items if i["status"] != "ended"]
        ended = [i for i in items if i["status"] == "ended"]
        if current:
            out.append("<ul>" + "".join(self._rule_item(i) for i in current) + "</ul>")
        if ended:
            out.append(heading(self.t("rules_ended"), 4))
            out.append("<ul class='ended'>" + "".join(self._rule_item(i) for i in ended) + "</ul>")
        n = replaced_count(rules, self.iso3)
        if n:
            out.append(paragraph(self.t("rules_replaced", n=n)))
        return "".join(out)

    def reading_lines(self) -> list[str]:
        """The summary's lines on the rank, one per reading of the scores (a second reading, such as platform as
        gatekeeper, adds its line here)."""
        r, L = self.row, self.lang
        lines = [self.summary(), self.t("p_rank", p1=pct(r["p_rank1"], L), p3=pct(r["p_top3"], L))]
        both = []
        for reading in DIRECTIONS:
            rank = r.get(f"rank_{reading}")
            if rank is None:
                both.append(self.t("reading_unranked", reading=self.t(f"reading_{reading}")))
                continue
            both.append(
                self.t(
                    "reading_line",
                    reading=self.t(f"reading_{reading}"),
                    rank=rank,
                    lo=num(r[f"rank_p05_{reading}"], L, 0),
                    hi=num(r[f"rank_p95_{reading}"], L, 0),
                    p3=pct(r[f"p_top3_{reading}"], L),
                )
            )
        lines.append(self.t("readings", lines=self.t("reading_sep").join(both)))
        p3 = [r.get(f"p_top3_{reading}") or 0.0 for reading in DIRECTIONS]
        key = "holds_top3" if min(p3) >= SURE else "holds_depends" if max(p3) >= SURE else None
        if key:
            lines.append(self.t(key, share=pct(SURE, L)))
        return lines

    def summary_html(
        self, passages: pl.DataFrame, external: pl.DataFrame, rules: pl.DataFrame, results: dict[str, pl.DataFrame]
    ) -> str:
        """A summary an analyst can paste into a proposal: each sentence generated from the data, with its source."""
        r = self.row
        items = self.reading_lines()
        pairs = results.get("robust_pairs")
        if pairs is not None:
            ties = [
                b if a == self.iso3 else a
                for a, b in pairs.filter((pl.col("a") == self.iso3) | (pl.col("b") == self.iso3))
                .select("a", "b")
                .rows()
            ]
            if ties:
                items.append(self.t("ties", names=", ".join(self._country_name(c) for c in ties)))
        strong, weak = [], []
        ranked = self.scores.filter(pl.col("ranked"))
        for pillar, col in PILLAR_COLUMNS.items():
            mine = r[col]
            if mine is None:
                weak.append(self.t("missing_pillar", pillar=self.pillar_name(pillar, short=True)))
                continue
            vals = ranked[col].drop_nulls()
            pos = 1 + int((vals > mine).sum())
            text = f"{self.pillar_name(pillar, short=True)} {pos}/{vals.len()}"
            (strong if pos <= max(1, vals.len() // 3) else weak if pos > vals.len() - vals.len() // 3 else []).append(
                text
            )
        if strong:
            items.append(self.t("strengths", items=", ".join(strong)))
        if weak:
            items.append(self.t("weaknesses", items=", ".join(weak)))
        lead = self.leading_platforms()
        cites = sorted({p["citation"] for p in lead})
        periods = sorted({self._period(p["period"]) for p in lead})
        items.append(
            self.t("leading", period=", ".join(periods))
            + (", ".join(self.platform_names()) if lead else self.t("no_scored_set"))
            + (self.t("cited", sources="; ".join(cites)) if cites else "")
        )
        nets = self.network_names(external)
        soc = external.filter(
            (pl.col("country_iso3") == self.iso3)
            & (pl.col("topic") == "social_platform_use")
            & pl.col("entity").is_in(nets)
        )
        ncites = sorted({f"{r['source_title']} [{r['vintage']}]" for r in soc.iter_rows(named=True)})
        items.append(
            self.t("networks_lead")
            + (", ".join(nets) if nets else self.t("none_found"))
            + (self.t("cited", sources="; ".join(ncites)) if ncites else "")
        )
        listed = {_network_word(n) for n in nets}
        deck_nets = [n for n in self.deck_networks(passages) if _network_word(n["name"]) not in listed]
        if deck_nets:
            slides = sorted(set().union(*(n["slides"] for n in deck_nets)))
            items.append(
                self.t("deck_networks_lead")
                + ", ".join(n["name"] for n in deck_nets)
                + self.t("cited", sources=self.t("deck_slides", slides=", ".join(map(str, slides))))
            )
        prog = market.for_market(passages, self.iso3, "programme")
        partners = set(prog.filter(pl.col("iso3") == self.iso3)["key"].to_list())
        progs = [
            k if k in partners else k + self.t("no_partner_short")
            for k in prog["key"].unique(maintain_order=True).to_list()
        ]
        slides = ", ".join(str(x) for x in prog["slide"].unique(maintain_order=True).to_list())
        items.append(
            self.t("programmes_lead")
            + ", ".join(progs)
            + (self.t("cited", sources=self.t("deck_slides", slides=slides)) if slides else "")
        )
        rk = [i for i in self.risks(rules) if i["status"] in ("in_force", "check_again")]
        risks = list(dict.fromkeys(self.topic(i["topic"]) for i in rk))
        rcites = sorted({r["source_title"] for i in rk for r in i["sources"] if r["source_title"]})
        items.append(
            self.t("risks_lead")
            + (", ".join(risks) if risks else self.t("none_found"))
            + (self.t("cited", sources="; ".join(rcites[:3]) + ("…" if len(rcites) > 3 else "")) if rcites else "")
        )
        body = "".join(f"<li>{_h.escape(i)}</li>" for i in items)
        paste = self.summary_paragraph(passages, external, rules, results)
        return (
            heading(self.t("summary_h"))
            + f"<p class='paste'>{_h.escape(paste)}</p>"
            + heading(label("summary.details_h", self.lang), 3)
            + f"<ul class='summary'>{body}</ul>"
        )

    def entry(self, external: pl.DataFrame, rules: pl.DataFrame) -> summary.Entry:
        """What the summary tells a seller to start with (the scored platform set's leaders, the most used
        networks) and the rules in force or to check again."""
        rk = [i for i in self.risks(rules) if i["status"] in ("in_force", "check_again")]
        return summary.Entry(
            self.platform_names(),
            self.network_names(external),
            list(dict.fromkeys(self.topic(i["topic"]) for i in rk)),
        )

    def summary_paragraph(
        self, passages: pl.DataFrame, external: pl.DataFrame, rules: pl.DataFrame, results: dict[str, pl.DataFrame]
    ) -> str:
        """The summary as one paragraph an analyst can paste (plain text; report.summary builds it)."""
        conversions = summary.deck_conversions(self.figures, passages)
        declared = dict(zip(("rate", "date", "source"), self.usd_jpy, strict=True)) if self.usd_jpy else None
        rate = summary.yen_rate(conversions, declared)
        self._cite_size(conversions, rate)
        return summary.paragraph(
            self.name,
            self.row,
            self.scores,
            self.indicators,
            results["readings"],
            results["holds"],
            conversions,
            rate,
            self.entry(external, rules),
            self.lang,
        )

    def _cite_size(self, conversions: list[summary.Conversion], rate: summary.Rate | None) -> None:
        """The summary's market size and the deck's yen conversions it uses go to the sources list too."""
        for r in self.scored_set("size").iter_rows(named=True):
            self.cite("market size", num(r["value"], "en", 0), r["unit"], r["origin"], r["source"], r["vintage"],
                      r["url"], self._where(r))  # fmt: skip
        used = [c for c in conversions if c.iso3 == self.iso3] + ([rate.deck] if rate and rate.deck else [])
        for c in used:
            fig = self.figures.filter((pl.col("slide") == c.slide) & (pl.col("line_start") == c.line))
            source = fig["source"][0] if fig.height and fig["source"][0] else self.t("slide", slide=c.slide)
            self.cite("yen conversion", c.printed, "JPY", "deck", source,
                      where=self.t("line", slide=c.slide, start=c.line))  # fmt: skip

    def charts(self) -> list[str]:
        """Catalogued figures that concern this country: it is a category, or the figure is about its market."""
        out = []
        for fig in FIGURES:
            t = self.figures.filter(pl.col("figure_id") == fig.id)
            if t.height == 0 or fig.kind == "text_table":
                continue
            about = fig.iso3 == self.iso3 or (fig.iso3 == "SEA" and self.iso3 in SEA)
            # a chart comparing markets (no market of its own, or the world) shows this one when it lists it; a
            # chart about another market (China's imports by origin) is that market's, whoever it lists
            compares = fig.iso3 in (None, "WLD")
            listed = compares and t.filter((pl.col("iso3") == self.iso3) & pl.col("value").is_not_null()).height > 0
            if about or listed:
                out.append(fig.id)
                for r in t.filter(pl.col("iso3") == self.iso3).iter_rows(named=True):
                    if r["value"] is not None:
                        self.cite(
                            f"{fig.id}: {r['series_en']}",
                            r["value"],
                            r["unit"],
                            r["origin"],
                            r["source"],
                            r["vintage"],
                            r["url"],
                            self.t("line", slide=r["slide"], start=r["line_start"]) if r["line_start"] else None,
                        )
        return out

    def provenance(self) -> pl.DataFrame:
        """The compact sources list of the appendix: one row per source and edition, with how many of the
        page's numbers it gives and where they stand (slide and line, or snapshot file and CSV line)."""
        keys = ("source", "vintage", "origin", "figures", "where", "link")
        cols = {k: self.t(f"prov_{k}") for k in keys}
        groups: dict[tuple, list[dict]] = {}
        for c in self.cited:
            groups.setdefault((c["source"], c["vintage"], c["origin"], c["url"]), []).append(c)
        rows = []
        for (source, vintage, origin, url), items in groups.items():
            where = list(dict.fromkeys(w for c in items for w in (c["where"] or "").split("; ") if w))
            rows.append(
                {
                    cols["source"]: source + self._title_note(url),
                    cols["vintage"]: vintage or "",
                    cols["origin"]: label(f"origin.{origin}", self.lang),
                    cols["figures"]: str(len({(c["what"], str(c["value"])) for c in items})),
                    cols["where"]: "; ".join(where[:4]) + ("…" if len(where) > 4 else ""),
                    cols["link"]: url or "",
                }
            )
        return pl.DataFrame(rows, schema={v: pl.String for v in cols.values()}, orient="row")

    def weak_note(self) -> str:
        """The appendix's note on the figures left uncited for their weak source ('' when none)."""
        return self.t("weak_left_out", n=self.weak_left_out) if self.weak_left_out else ""

    def provenance_links(self) -> tuple[str, ...]:
        return (self.t("prov_link"),)

    # ── what the summary names, as data (the compare pages read these; summary_html says the same) ──
    def network_rows(self, external: pl.DataFrame) -> pl.DataFrame:
        """The social-network rows behind the networks the summary names (their sources and periods)."""
        nets = self.network_names(external)
        return external.filter(
            (pl.col("country_iso3") == self.iso3)
            & (pl.col("topic") == "social_platform_use")
            & pl.col("entity").is_in(nets)
        )

    def programme_fit(self, passages: pl.DataFrame) -> tuple[list[str], list[int]]:
        """The JETRO programmes the summary lists (a programme with no partner site for this market marked) and
        the deck slides they stand on."""
        prog = market.for_market(passages, self.iso3, "programme")
        partners = set(prog.filter(pl.col("iso3") == self.iso3)["key"].to_list())
        progs = [
            k if k in partners else k + self.t("no_partner_short")
            for k in prog["key"].unique(maintain_order=True).to_list()
        ]
        return progs, prog["slide"].unique(maintain_order=True).to_list()

    def current_rules(self, rules: pl.DataFrame) -> list[dict]:
        """The register's items the summary names: in force, or to check again, as of ``as_of``."""
        return [i for i in self.risks(rules) if i["status"] in ("in_force", "check_again")]

    def citation(self, r: dict) -> str:
        """How the report cites a row of a scored data set (publisher and edition, or the deck slide)."""
        return self._citation(r)


def _network_word(name: str) -> str:
    """The word a network is known by, whatever the spelling: 'WeChat/Weixin', 'WeChat (微信)' → 'wechat'."""
    m = re.match(r"[A-Za-z0-9]+", name.strip())
    return m.group().lower() if m else name.strip()


_JA_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")


def round_end(text: str) -> str | None:
    """The last date of a period as the deck prints it (「2023年4月1日～2024年3月29日」 → '2024-03-29')."""
    dates = _JA_DATE.findall(text or "")
    if len(dates) < 2:
        return None
    y, m, d = (int(x) for x in dates[-1])
    return f"{y:04d}-{m:02d}-{d:02d}"


def load(country: str, lang: str = "ja", scenario: str | None = None, as_of: str | None = None) -> Report:
    """Everything a report shows, read from the processed tables and the output set's scores (never the raw data).
    ``as_of``: the data-as-of date; None takes params.toml's [pages] as_of."""
    from ecresearch.params import load_pages, page_params

    if lang not in LANGS:
        raise EcresearchError(f"parameter 'lang' must be one of {list(LANGS)}, got {lang!r}")
    pages = load_pages(paths.PARAMS_FILE)
    if as_of is not None:
        pages = replace(pages, as_of=page_params({"as_of": as_of}, where="notebook parameters").as_of)
    iso3 = target(country)
    out = paths.output_set(scenario)
    scores = scored_countries(out)
    require_scored(iso3, scores)
    return Report(
        iso3,
        lang,
        scores,
        datasets.read("country_indicators", out),
        datasets.read("deck_figures"),
        datasets.read("scored_data_sets", out),
        as_of=pages.as_of,
        recheck_days=pages.recheck_days,
        max_age_years=pages.max_age_years,
        usd_jpy=pages.usd_jpy,
        out=out,
    )


def external_figures() -> pl.DataFrame:
    """The external figures a report may cite (weak sources left out)."""
    from ecresearch.snapshots.raw import graded

    return graded(datasets.read("external_figures"))


def results(out: paths.OutputSet) -> dict[str, pl.DataFrame]:
    """The scoring analysis tables of an output set (robust pairs, Sobol, directions...)."""
    return {name.removeprefix("scoring_"): datasets.read(name, out) for name in datasets.scoring_tables()}


def cell_text(v) -> str:
    """A cell for people: numbers rounded to what they can carry, booleans as yes/no, never a raw float."""
    return cell(v)


def html_table(df: pl.DataFrame, links: tuple[str, ...] = ()) -> str:
    """A plain HTML table, every cell escaped; columns in ``links`` become links when they hold an http(s) URL."""
    head = "".join(f"<th>{_h.escape(str(c))}</th>" for c in df.columns)
    body = []
    for row in df.iter_rows(named=True):
        cells = []
        for c, v in row.items():
            text = cell_text(v)
            url = safe_url(text) if c in links else None
            cells.append(
                f"<td><a href='{_h.escape(url)}'>{_h.escape(text)}</a></td>" if url else f"<td>{_h.escape(text)}</td>"
            )
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
