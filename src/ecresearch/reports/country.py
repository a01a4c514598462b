"""Everything a country report shows, computed from the processed tables (never the raw data).

The notebook (04-country-report) only arranges these pieces; every number it shows goes through
``Report.cite`` so the provenance appendix lists it with its origin."""

from __future__ import annotations

import html as _h
import re
from dataclasses import dataclass, field

import polars as pl

from ecresearch import datasets, paths
from ecresearch.countries import resolve
from ecresearch.deck.figures import FIGURES
from ecresearch.errors import CountryError, EcresearchError
from ecresearch.reports.format import num, pct
from ecresearch.reports.html import safe_url
from ecresearch.tables import passages as market

TEXT = {
    "ja": {
        "title": "{name}：越境EC市場レポート",
        "summary_h": "要約",
        "score": "1. スコアと順位",
        "pillars": "2. 3つの柱",
        "platforms": "3. 主要プラットフォーム",
        "social": "4. よく使われているSNS",
        "charts": "5. この市場に関するデッキの図表",
        "notes": "6. デッキが述べていること",
        "programmes": "7. 合うジェトロの支援事業",
        "checklist": "8. チェックリストと国別の規制・リスク",
        "provenance": "付録：数値の出所",
        "no_notes": "デッキにはこの市場について述べた箇所がありません。",
        "missing": "欠落",
        "none_found": "出所の範囲では見つからず",
        "summary": "{name}は候補{n}か国中{rank}位（スコア {score}、モンテカルロの順位中央値 {median}、5～95%帯 {lo}～{hi}位）。{pillars}/3 の柱で評価。",  # noqa: E501 - a data string kept whole
        "pillar": "柱",
        "value": "値",
        "peers": "候補国（最小／中央値／最大）",
        "rank_in": "柱での順位",
        "source": "出所",
        "platform": "プラットフォーム",
        "measure": "指標",
        "period": "時点",
        "origin": "由来",
        "network": "SNS",
        "deck_quote": "デッキからの引用",
        "line": "スライド{slide}・{start}行目",
        "risk": "規制・リスク",
        "effective": "施行",
    },
    "en": {
        "title": "{name}: cross-border e-commerce market report",
        "summary_h": "Summary",
        "score": "1. Score and rank",
        "pillars": "2. The three pillars",
        "platforms": "3. Platforms that matter",
        "social": "4. Social networks in use",
        "charts": "5. The deck's charts on this market",
        "notes": "6. What the deck says",
        "programmes": "7. JETRO programmes that fit",
        "checklist": "8. Checklist, and this market's rules and risks",
        "provenance": "Appendix: where every number comes from",
        "no_notes": "The deck says nothing specific about this market.",
        "missing": "missing",
        "none_found": "none found in the sources",
        "summary": "{name} ranks {rank} of {n} candidates (score {score}; Monte Carlo median rank {median}, "
        "5th–95th percentile {lo}–{hi}), on {pillars} of 3 pillars.",
        "pillar": "pillar",
        "value": "value",
        "peers": "candidates (min / median / max)",
        "rank_in": "rank in pillar",
        "source": "source",
        "platform": "platform",
        "measure": "measure",
        "period": "period",
        "origin": "origin",
        "network": "network",
        "deck_quote": "quoted from the deck (Japanese)",
        "line": "slide {slide}, line {start}",
        "risk": "Rules and risks",
        "effective": "effective",
    },
}
PILLAR_NAMES = {
    "ja": {
        "growth": "成長（EC小売額の伸び率、%）",
        "sns": "SNS利用（1日の利用時間、世界平均＝1）",
        "concentration": "プラットフォーム集中度（HHI、区間の採点点）",
    },
    "en": {
        "growth": "Growth (retail e-commerce growth, %)",
        "sns": "SNS usage (daily time, world average = 1)",
        "concentration": "Platform concentration (HHI, scored point of its interval)",
    },
}
AGGREGATE_WORDS = (" + ", "largest", "Others", "others")  # rows that sum several players
PILLAR_COLUMN = {"growth": "growth_pct", "sns": "sns_ratio", "concentration": "hhi_value"}
PILLAR_DIGITS = {"growth": 1, "sns": 2, "concentration": 0}
ORIGIN = {
    "ja": {"deck": "デッキ", "external": "外部資料", "derived": "計算"},
    "en": {"deck": "deck", "external": "external", "derived": "derived"},
}
MEASURE_JA = {
    "traffic rank (deck, Similarweb)": "訪問数の順位（デッキ、Similarweb）",
    "share of CBEC imports": "越境EC輸入のシェア",
}


def _best_data_set(rows: pl.DataFrame, ranking: list[str]) -> pl.DataFrame:
    """The rows of one data set (metric, period, vintage), the first by ``ranking`` (of "n", the number of
    players, "cov", their summed values, and the key columns), largest value first."""
    best = (
        rows.group_by("metric", "period", "vintage")
        .agg(pl.col("value").sum().alias("cov"), pl.len().alias("n"))
        .sort(ranking, descending=True)
        .row(0, named=True)
    )
    return rows.filter(
        (pl.col("metric") == best["metric"])
        & (pl.col("period") == best["period"])
        & (pl.col("vintage") == best["vintage"])
    ).sort("value", descending=True)


def _brand(name: str) -> str:
    """'amazon.de', 'Amazon (Amazon.com + Amazon.ca)' and 'Amazon' are one player."""
    return re.sub(r"\.(com|de|ca|co\.uk|fr|sg|my)$", "", name.split(" (")[0].strip().casefold())


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
    if not SAFE_CODE.match(c.iso3):
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
    return pl.read_parquet(out.scores)


def require_scored(iso3: str, scores: pl.DataFrame) -> dict:
    row = scores.filter(pl.col("iso3") == iso3)
    name = resolve(iso3).name_en
    if row.height == 0:
        raise CountryError(
            f"country {iso3} ({name}) is not among the scored candidates ({', '.join(scores['iso3'].to_list())})"
        )
    r = row.row(0, named=True)
    if not r["ranked"]:
        raise CountryError(f"country {iso3} ({name}) has no score: data on {r['pillars']} of 3 pillars")
    return r


@dataclass
class Report:
    iso3: str
    lang: str
    scores: pl.DataFrame
    indicators: pl.DataFrame
    figures: pl.DataFrame
    out: paths.OutputSet | None = None
    cited: list[dict] = field(default_factory=list)

    @property
    def row(self) -> dict:
        return self.scores.filter(pl.col("iso3") == self.iso3).row(0, named=True)

    @property
    def name(self) -> str:
        c = resolve(self.iso3)
        return c.name_ja if self.lang == "ja" else c.name_en

    def t(self, key: str, **kw) -> str:
        return TEXT[self.lang][key].format(**kw)

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

    # ── sections ─────────────────────────────────────────────────────────────────────────────
    def summary(self) -> str:
        r = self.row
        ranked = self.scores.filter(pl.col("ranked")).height
        self.cite(
            "score",
            num(r["score"], "en", 2),
            "index 1-100",
            "derived",
            "scores step (country_scores.parquet)",
            where=r["parameters"],
        )
        self.cite("rank", r["rank"], "rank", "derived", "scores step")
        self.cite(
            "rank band 5–95%",
            f"{num(r['rank_p05'], 'en', 0)}–{num(r['rank_p95'], 'en', 0)}",
            "rank",
            "derived",
            "scores step, Monte Carlo",
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
        for pillar, col in PILLAR_COLUMN.items():
            values = ranked[col].drop_nulls()
            mine = self.row[col]
            ind = self.indicators.filter((pl.col("iso3") == self.iso3) & (pl.col("pillar") == pillar))
            src = ind.row(0, named=True) if ind.height else None
            if mine is not None and src:
                self.cite(
                    pillar,
                    num(mine, "en", 3),
                    src["unit"],
                    src["origin"],
                    src["source"],
                    src["vintage"],
                    src["url"],
                    src["note"],
                )
            rank_in = None if mine is None else 1 + int((values > mine).sum())
            rows.append(
                {
                    self.t("pillar"): PILLAR_NAMES[self.lang][pillar],
                    self.t("value"): num(mine, self.lang, PILLAR_DIGITS[pillar]),
                    self.t("peers"): " / ".join(
                        num(v, self.lang, PILLAR_DIGITS[pillar]) for v in (values.min(), values.median(), values.max())
                    ),
                    self.t("rank_in"): self.t("missing") if rank_in is None else f"{rank_in} / {values.len()}",
                    self.t("source"): "—" if src is None else f"{src['source']} [{src['vintage']}]",
                }
            )
        return pl.DataFrame(rows)

    def concentration_reading(self) -> str:
        """What the platform data allow one to say for this market, in the report's language."""
        r = self.row
        top5 = self.figures.filter((pl.col("figure_id") == "sea_top5_platforms") & (pl.col("iso3") == self.iso3)).height
        parts = []
        if r["hhi_lower"] is not None:
            from ecresearch.scoring.hhi import HHI_BANDS_2010, HHI_BANDS_2023, hhi_band

            lo, hi = r["hhi_lower"], r["hhi_upper"]
            b10 = (hhi_band(lo, HHI_BANDS_2010), hhi_band(hi, HHI_BANDS_2010))
            b23 = (hhi_band(lo, HHI_BANDS_2023), hhi_band(hi, HHI_BANDS_2023))
            self.cite(
                "HHI interval",
                f"{num(lo, 'en', 0)}–{num(hi, 'en', 0)}",
                "hhi",
                "derived",
                "listed shares; unlisted players no larger than the smallest listed",
            )
            if self.lang == "ja":
                parts.append(
                    f"HHIは{num(lo, 'ja', 0)}～{num(hi, 'ja', 0)}（掲載事業者のシェア{num(r['hhi_coverage'], 'ja', 0)}%分から。"  # noqa: E501 - a data string kept whole
                    "掲載外の事業者は掲載された最小の事業者より小さいとして上限を計算）。"
                    f"米国合併ガイドラインの目安では、2010年版で「{b10[0]}」～「{b10[1]}」、2023年版で「{b23[0]}」～「{b23[1]}」"
                    "（記述的な目安であり、独禁法上の市場画定ではない）。"
                )
            else:
                parts.append(
                    f"HHI between {num(lo, 'en', 0)} and {num(hi, 'en', 0)} (bounds from listed players covering "
                    f"{num(r['hhi_coverage'], 'en', 0)}% of the market; unlisted players are no larger than the "
                    "smallest listed one). Against the US merger guidelines, as descriptive "
                    f"yardsticks only: 2010 bands {b10[0]} to {b10[1]}; 2023 bands {b23[0]} to {b23[1]}."
                )
        if top5:
            parts.append(
                "デッキの上位5サイトは訪問数（Similarweb）による順位であり、売上シェアではない。順位からは主要な入口が"
                "どこかは分かるが、集中度（HHI）は計算できない。"
                if self.lang == "ja"
                else "The deck's top-5 list ranks sites by traffic (Similarweb), not by sales: it shows which sites are "  # noqa: E501 - a data string kept whole
                "the main doors into the market, but no concentration index can be computed from ranks."
            )
        return " ".join(parts)

    def _measure(self, text: str) -> str:
        return MEASURE_JA.get(text, text) if self.lang == "ja" else text

    def _row(self, platform, measure, value, period, origin, source) -> dict:
        t = self.t
        return {
            t("platform"): platform,
            t("measure"): self._measure(measure),
            t("value"): value,
            t("period"): period,
            t("origin"): ORIGIN[self.lang][origin],
            t("source"): source,
        }

    def _ext_value(self, r: dict) -> str:
        if r["unit"] == "pct":
            return num(r["value"], self.lang, 1) + "%"
        return f"{num(r['value'], self.lang, 1)} {r['unit']}"

    def platforms(self, external: pl.DataFrame) -> pl.DataFrame:
        """The market's platforms: shares or traffic from external snapshots (largest first, each data set with
        its metric and vintage), the deck's traffic ranks, and for China the deck's cross-border import shares."""
        rows = []
        ext = external.filter(
            (pl.col("country_iso3") == self.iso3)
            & pl.col("topic").is_in(["platform_share", "platform_visits", "platform_sales", "us_retailer_share"])
        )
        # the same figure carried by two snapshots is listed once (the graded row first)
        ext = ext.sort(pl.col("source_grade").fill_null("Z"), "snapshot", "csv_line").unique(
            ["entity", "metric", "period", "value"], keep="first", maintain_order=True
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
                self.cite(
                    f"{r['entity']}: {r['metric']}",
                    num(r["value"], "en", 2),
                    r["unit"],
                    "external",
                    r["source_title"],
                    r["vintage"],
                    r["source_url"],
                    f"{r['snapshot']} line {r['csv_line']}",
                )
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
                where=f"line {r['line_start']}",
            )
        if self.iso3 == "CHN":
            cn = self.figures.filter(
                (pl.col("figure_id") == "china_cbec_platform_share") & (pl.col("series") == "share")
            )
            for i, r in enumerate(cn.iter_rows(named=True), start=1):
                name = (
                    f"越境ECプラットフォーム{i}（名称は印字されず）"
                    if self.lang == "ja"
                    else f"cross-border platform {i} (name not printed)"
                )
                rows.append(
                    self._row(
                        name,
                        "share of CBEC imports",
                        num(r["value"], self.lang, 1) + "%",
                        r["period"],
                        "deck",
                        self.t("line", slide=r["slide"], start=r["line_start"]),
                    )
                )
                self.cite(
                    f"CBEC platform {i} share",
                    r["value"],
                    "percent",
                    "deck",
                    r["source"],
                    where=f"line {r['line_start']}",
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
        cols = [self.t(k) for k in ("platform", "measure", "value", "period", "origin", "source")]
        return pl.DataFrame(rows, schema={k: pl.String for k in cols})

    def platform_names(self, external: pl.DataFrame, n: int = 3) -> list[str]:
        """The leading platforms: the market's best share data set (most players, then coverage), completed from
        the deck's traffic ranking when the shares name fewer than ``n``."""
        mine = external.filter(
            (pl.col("country_iso3") == self.iso3)
            & pl.col("topic").is_in(["platform_share", "us_retailer_share", "platform_sales", "platform_visits"])
            & ~pl.any_horizontal(  # a bracket only explains one player: "Amazon (Amazon.com + Amazon.ca)"
                [
                    pl.col("entity").str.replace_all(r"\([^)]*\)", "").str.contains(w, literal=True)
                    for w in AGGREGATE_WORDS
                ]
            )
        )
        ext = mine.filter(pl.col("unit") == "pct")
        names: list[str] = []
        levels = mine.filter(pl.col("unit") != "pct")
        if ext.height == 0 and levels.height:  # no shares: sales or traffic levels rank the players
            g = _best_data_set(levels, ["n"])
            names = [f"{r['entity']} ({self._ext_value(r)})" for r in g.head(n).iter_rows(named=True)]
        if ext.height:
            g = _best_data_set(ext, ["n", "cov", "period", "metric", "vintage"])
            names = [f"{r['entity']} ({num(r['value'], self.lang, 0)}%)" for r in g.head(n).iter_rows(named=True)]
        if ext.height and len(names) < n and levels.height:  # too few shares: complete from the levels
            known = {_brand(x) for x in names}
            for r in levels.sort("value", descending=True).iter_rows(named=True):
                if len(names) < n and _brand(r["entity"]) not in known:
                    names.append(f"{r['entity']} ({self._ext_value(r)}, {r['metric']})")
                    known.add(_brand(r["entity"]))
        top5 = self.figures.filter((pl.col("figure_id") == "sea_top5_platforms") & (pl.col("iso3") == self.iso3))
        have = {x.split(" (")[0].casefold() for x in names}
        for r in top5.sort("value").iter_rows(named=True):
            if len(names) >= n:
                break
            if r["category_en"].casefold() not in have:
                label = "訪問数" if self.lang == "ja" else "traffic"
                names.append(f"{r['category_en']} ({label} #{r['value']:.0f})")
        return names

    def social_networks(self, external: pl.DataFrame) -> pl.DataFrame:
        """The most used social networks, largest first, from the social-platform snapshot (metric, vintage)."""
        soc = external.filter((pl.col("country_iso3") == self.iso3) & (pl.col("topic") == "social_platform_use"))
        rows = []
        for _, g in soc.group_by("metric", "period", "vintage", maintain_order=True):
            for r in g.sort("value", descending=True).iter_rows(named=True):
                rows.append(
                    {
                        self.t("network"): r["entity"],
                        self.t("measure"): r["metric"],
                        self.t("value"): self._ext_value(r),
                        self.t("period"): r["period"],
                        self.t("source"): f"{r['source_title']} [{r['vintage']}]",
                    }
                )
                self.cite(
                    f"{r['entity']}: {r['metric']}",
                    num(r["value"], "en", 1),
                    r["unit"],
                    "external",
                    r["source_title"],
                    r["vintage"],
                    r["source_url"],
                    f"{r['snapshot']} line {r['csv_line']}",
                )
        if not rows:
            rows.append(
                {
                    self.t("network"): self.t("none_found"),
                    self.t("measure"): "",
                    self.t("value"): "",
                    self.t("period"): "",
                    self.t("source"): "",
                }
            )
        return pl.DataFrame(
            rows, schema={self.t(k): pl.String for k in ("network", "measure", "value", "period", "source")}
        )

    def network_names(self, external: pl.DataFrame, n: int = 3) -> list[str]:
        """The most used networks by the market's largest data set of one unit and edition (shares of users,
        or users/ad reach in millions: one unit, never mixed)."""
        soc = external.filter((pl.col("country_iso3") == self.iso3) & (pl.col("topic") == "social_platform_use"))
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
        for r in rows.iter_rows(named=True):
            where = self.t("line", slide=r["slide"], start=r["line_start"])
            key = f"<b>{_h.escape(r['key'])}</b> — " if kind == "programme" else ""
            cat = f"[{_h.escape(r['category'])}] " if r["category"] else ""
            gloss = f"<br><i>{_h.escape(r['en'])}</i>" if self.lang == "en" and r["en"] else ""
            items.append(
                f"<li class='quote'>{cat}{key}<span lang='ja'>「{_h.escape(r['text_ja'])}」</span> "
                f"<small>({_h.escape(self.t('deck_quote'))}, {_h.escape(where)})</small>{gloss}</li>"
            )
        return "<ul>" + "".join(items) + "</ul>"

    def risks(self, rules: pl.DataFrame) -> pl.DataFrame:
        return rules.filter(pl.col("country_iso3") == self.iso3).sort("topic")

    def risks_html(self, rules: pl.DataFrame) -> str:
        """This market's rules and risks from reputable sources, or 'none found in the sources'."""
        rows = self.risks(rules)
        out = [heading(self.t("risk"), 3)]
        if rows.height == 0:
            return "".join(out) + paragraph(self.t("none_found"))
        items = []
        for r in rows.iter_rows(named=True):
            text = (r["summary_ja"] or r["summary_en"]) if self.lang == "ja" else r["summary_en"]
            url = safe_url(r["source_url"])
            src = (
                f"<a href='{_h.escape(url)}'>{_h.escape(r['source_title'])}</a>"
                if url
                else _h.escape(r["source_title"])
            )
            eff = f" ({_h.escape(self.t('effective'))} {_h.escape(r['effective'])})" if r["effective"] else ""
            items.append(
                f"<li><b>{_h.escape(r['topic'].replace('_', ' '))}</b>{eff}: {_h.escape(text)} <small>— {src} [{_h.escape(r['vintage'] or '')}]</small></li>"  # noqa: E501 - a data string kept whole
            )
        return "".join(out) + "<ul>" + "".join(items) + "</ul>"

    def summary_html(
        self, passages: pl.DataFrame, external: pl.DataFrame, rules: pl.DataFrame, results: dict[str, pl.DataFrame]
    ) -> str:
        """A summary an analyst can paste into a proposal: each sentence generated from the data, with its source."""
        r, L = self.row, self.lang
        ja = L == "ja"
        items = [self.summary()]
        p1, p3 = pct(r["p_rank1"], L), pct(r["p_top3"], L)
        items.append(
            f"モンテカルロ（重み±、HHI区間）で1位になる確率 {p1}、上位3位以内の確率 {p3}。"
            if ja
            else f"Across the Monte Carlo (weights perturbed, each HHI anywhere in its interval): P(rank 1) {p1}, P(top 3) {p3}."  # noqa: E501 - a data string kept whole
        )
        pairs = results.get("robust_pairs")
        if pairs is not None:
            ties = [
                b if a == self.iso3 else a
                for a, b in pairs.filter((pl.col("a") == self.iso3) | (pl.col("b") == self.iso3))
                .select("a", "b")
                .rows()
            ]
            if ties:
                names = ", ".join(resolve(c).name_ja if ja else resolve(c).name_en for c in ties)
                items.append(
                    f"次の国とは順位の差が不確実性の範囲内で区別できない: {names}。"
                    if ja
                    else f"Cannot be told apart from: {names} (neither ranks above the other in 90% of draws)."
                )
        strong, weak = [], []
        ranked = self.scores.filter(pl.col("ranked"))
        for pillar, col in PILLAR_COLUMN.items():
            mine = r[col]
            if mine is None:
                weak.append(PILLAR_NAMES[L][pillar].split("（")[0].split(" (")[0] + (" (欠落)" if ja else " (missing)"))
                continue
            vals = ranked[col].drop_nulls()
            pos = 1 + int((vals > mine).sum())
            label = PILLAR_NAMES[L][pillar].split("（")[0].split(" (")[0]
            (strong if pos <= max(1, vals.len() // 3) else weak if pos > vals.len() - vals.len() // 3 else []).append(
                f"{label} {pos}/{vals.len()}"
            )
        if strong:
            items.append(
                ("強み: " if ja else "Strengths against the peers: ") + ", ".join(strong) + ("。" if ja else ".")
            )
        if weak:
            items.append(
                ("弱み: " if ja else "Weaknesses against the peers: ") + ", ".join(weak) + ("。" if ja else ".")
            )
        src = "出所" if ja else "source"
        plats = self.platform_names(external)
        brands = {_brand(x) for x in plats}
        used = external.filter(
            (pl.col("country_iso3") == self.iso3) & pl.col("topic").str.starts_with("platform")
            | (pl.col("topic") == "us_retailer_share") & (pl.col("country_iso3") == self.iso3)
        ).filter(pl.col("entity").map_elements(_brand, return_dtype=pl.String).is_in(list(brands)))
        cites = sorted({f"{r['source_title']} [{r['vintage']}]" for r in used.iter_rows(named=True)})
        if any("#" in x for x in plats):
            cites.append(
                "deck slide 30 (Similarweb traffic ranking)" if not ja else "デッキ スライド30（Similarweb 訪問数順位）"
            )
        items.append(
            ("主要プラットフォーム: " if ja else "Leading platforms: ")
            + (", ".join(plats) if plats else self.t("none_found"))
            + (f" ({src}: {'; '.join(cites)})" if cites else "")
        )
        nets = self.network_names(external)
        soc = external.filter(
            (pl.col("country_iso3") == self.iso3)
            & (pl.col("topic") == "social_platform_use")
            & pl.col("entity").is_in(nets)
        )
        ncites = sorted({f"{r['source_title']} [{r['vintage']}]" for r in soc.iter_rows(named=True)})
        items.append(
            ("よく使われているSNS: " if ja else "Most used social networks: ")
            + (", ".join(nets) if nets else self.t("none_found"))
            + (f" ({src}: {'; '.join(ncites)})" if ncites else "")
        )
        prog = market.for_market(passages, self.iso3, "programme")
        progs = prog["key"].unique(maintain_order=True).to_list()
        slides = ", ".join(str(x) for x in prog["slide"].unique(maintain_order=True).to_list())
        items.append(
            ("合うジェトロ事業: " if ja else "JETRO programmes that fit: ")
            + ", ".join(progs)
            + (f" ({src}: {'デッキ スライド' if ja else 'deck slides'} {slides})" if slides else "")
        )
        rk = self.risks(rules)
        risks = [t.replace("_", " ") for t in rk["topic"].unique(maintain_order=True).to_list()]
        rcites = sorted(set(rk["source_title"].drop_nulls().to_list()))
        items.append(
            ("規制・リスク: " if ja else "Rules and risks: ")
            + (", ".join(risks) if risks else self.t("none_found"))
            + (f" ({src}: {'; '.join(rcites[:3])}{'…' if len(rcites) > 3 else ''})" if rcites else "")
        )
        body = "".join(f"<li>{_h.escape(i)}</li>" for i in items)
        return heading(self.t("summary_h")) + f"<ul class='summary'>{body}</ul>"

    def charts(self) -> list[str]:
        """Catalogued figures that concern this country: it is a category, or the figure is about its market."""
        out = []
        for fig in FIGURES:
            t = self.figures.filter(pl.col("figure_id") == fig.id)
            if t.height == 0 or fig.kind == "text_table":
                continue
            about = fig.iso3 == self.iso3 or (fig.iso3 == "SEA" and self.iso3 in market.SEA)
            listed = t.filter((pl.col("iso3") == self.iso3) & pl.col("value").is_not_null()).height > 0
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
                            f"line {r['line_start']}" if r["line_start"] else r["note"],
                        )
        return out

    def provenance(self) -> pl.DataFrame:
        schema = {
            "what": pl.String,
            "value": pl.String,
            "unit": pl.String,
            "origin": pl.String,
            "source": pl.String,
            "vintage": pl.String,
            "url": pl.String,
            "where": pl.String,
        }
        rows = [
            {**c, "value": cell_text(c["value"]) if isinstance(c["value"], float) else str(c["value"])}
            for c in self.cited
        ]
        return pl.DataFrame(rows, schema=schema, orient="row").unique(maintain_order=True)


def load(country: str, lang: str = "ja", scenario: str | None = None) -> Report:
    """Everything a report shows, read from the processed tables and the output set's scores (never the raw data)."""
    if lang not in TEXT:
        raise EcresearchError(f"parameter 'lang' must be one of {list(TEXT)}, got {lang!r}")
    iso3 = target(country)
    out = paths.output_set(scenario)
    scores = scored_countries(out)
    require_scored(iso3, scores)
    return Report(
        iso3,
        lang,
        scores,
        pl.read_parquet(out.indicators),
        datasets.read("deck_figures"),
        out=out,
    )


def external_figures() -> pl.DataFrame:
    """The external figures a report may cite (weak sources left out)."""
    from ecresearch.raw.snapshots import graded

    return graded(datasets.read("external_figures"))


def results(out: paths.OutputSet) -> dict[str, pl.DataFrame]:
    """The scoring analysis tables of an output set (robust pairs, Sobol, directions...)."""
    return {p.stem: pl.read_parquet(p) for p in sorted(out.results.glob("*.parquet"))}


def cell_text(v) -> str:
    """A cell for people: numbers rounded to what they can carry, booleans as yes/no, never a raw float."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        a = abs(v)
        return num(v, "en", 0 if a >= 100 else 2 if a >= 1 else 3)
    return str(v)


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
