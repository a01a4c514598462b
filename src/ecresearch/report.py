"""Everything a country report shows, computed from the processed tables and the raw deck text.

The notebook (04-country-report) only arranges these pieces; every number it shows goes through
``Report.cite`` so the provenance appendix lists it with its origin."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import polars as pl

from . import market, paths
from .countries import resolve
from .deck.figures import FIGURES
from .errors import CountryError, EcresearchError

TEXT = {
    "ja": {"title": "{name}：越境EC市場レポート", "score": "1. スコアと順位", "pillars": "2. 3つの柱",
           "platforms": "3. 主要プラットフォーム", "charts": "4. この市場に関するデッキの図表",
           "notes": "5. デッキが述べていること", "programmes": "6. 合うジェトロの支援事業",
           "checklist": "7. チェックリスト（規制・認証・決済・物流）", "provenance": "付録：数値の出所",
           "no_notes": "デッキにはこの市場の章がありません。", "missing": "欠落",
           "summary": "{name}は候補{n}か国中 **{rank}位**（スコア {score:.1f}、モンテカルロの順位中央値 {median:g}、5～95%帯 {lo:g}～{hi:g}位）。{pillars}/3 の柱で評価。",
           "pillar": "柱", "value": "値", "peers": "候補国（最小／中央値／最大）", "rank_in": "柱での順位", "source": "出所"},
    "en": {"title": "{name}: cross-border e-commerce market report", "score": "1. Score and rank",
           "pillars": "2. The three pillars", "platforms": "3. Platforms that matter",
           "charts": "4. The deck's charts on this market", "notes": "5. What the deck says",
           "programmes": "6. JETRO programmes that fit", "checklist": "7. Checklist (regulation, certification, payment, logistics)",
           "provenance": "Appendix: where every number comes from", "no_notes": "The deck has no chapter on this market.",
           "missing": "missing",
           "summary": "{name} ranks **{rank} of {n}** candidates (score {score:.1f}; Monte Carlo median rank {median:g}, "
                      "5th–95th percentile {lo:g}–{hi:g}), on {pillars} of 3 pillars.",
           "pillar": "pillar", "value": "value", "peers": "candidates (min / median / max)", "rank_in": "rank in pillar",
           "source": "source"},
}
PILLAR_NAMES = {"ja": {"growth": "成長（EC小売額の伸び率 2022、%）", "sns": "SNS利用（1日の利用時間、世界平均＝1）",
                       "concentration": "プラットフォーム集中度（HHI下限）"},
                "en": {"growth": "Growth (retail e-commerce growth 2022, %)",
                       "sns": "SNS usage (daily time, world average = 1)",
                       "concentration": "Platform concentration (HHI, lower bound)"}}
PILLAR_COLUMN = {"growth": "growth_pct", "sns": "sns_ratio", "concentration": "hhi_lower"}
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


def scored_countries() -> pl.DataFrame:
    if not paths.SCORES.exists():
        raise EcresearchError(f"{paths.rel(paths.SCORES)} is missing: run `ecresearch build` first")
    return pl.read_parquet(paths.SCORES)


def require_scored(iso3: str, scores: pl.DataFrame) -> dict:
    row = scores.filter(pl.col("iso3") == iso3)
    name = resolve(iso3).name_en
    if row.height == 0:
        raise CountryError(f"country {iso3} ({name}) is not among the scored candidates "
                           f"({', '.join(scores['iso3'].to_list())})")
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

    def cite(self, what: str, value, unit: str, origin: str, source: str, vintage: str | None = None,
             url: str | None = None, where: str | None = None) -> None:
        self.cited.append({"what": what, "value": value, "unit": unit, "origin": origin, "source": source,
                           "vintage": vintage, "url": url, "where": where})

    # ── sections ─────────────────────────────────────────────────────────────────────────────
    def summary(self) -> str:
        r = self.row
        ranked = self.scores.filter(pl.col("ranked")).height
        self.cite("score", round(r["score"], 2), "index 1-100", "derived", "notebook 03 (country_scores.parquet)",
                  where=r["parameters"])
        self.cite("rank", r["rank"], "rank", "derived", "notebook 03")
        self.cite("rank band 5–95%", f"{r['rank_p05']:g}–{r['rank_p95']:g}", "rank", "derived", "notebook 03 Monte Carlo")
        return self.t("summary", name=self.name, n=ranked, rank=r["rank"], score=r["score"], median=r["median_rank"],
                      lo=r["rank_p05"], hi=r["rank_p95"], pillars=r["pillars_used"])

    def pillar_table(self) -> pl.DataFrame:
        ranked = self.scores.filter(pl.col("ranked"))
        rows = []
        for pillar, col in PILLAR_COLUMN.items():
            values = ranked[col].drop_nulls()
            mine = self.row[col]
            ind = self.indicators.filter((pl.col("iso3") == self.iso3) & (pl.col("pillar") == pillar))
            src = ind.row(0, named=True) if ind.height else None
            if mine is not None and src:
                self.cite(pillar, mine, src["unit"], src["origin"], src["source"], src["vintage"], src["url"], src["note"])
            rank_in = None if mine is None else 1 + int((values > mine).sum())
            rows.append({
                self.t("pillar"): PILLAR_NAMES[self.lang][pillar],
                self.t("value"): "—" if mine is None else f"{mine:,.2f}",
                self.t("peers"): f"{values.min():,.2f} / {values.median():,.2f} / {values.max():,.2f}",
                self.t("rank_in"): self.t("missing") if rank_in is None else f"{rank_in} / {values.len()}",
                self.t("source"): "—" if src is None else f"{src['source']} [{src['vintage']}]",
            })
        return pl.DataFrame(rows)

    def concentration_reading(self) -> str:
        """What the platform data allow one to say for this market, in the report's language."""
        r = self.row
        top5 = self.figures.filter((pl.col("figure_id") == "sea_top5_platforms") & (pl.col("iso3") == self.iso3)).height
        parts = []
        if r["hhi_lower"] is not None:
            from .scoring import HHI_BANDS_2010, HHI_BANDS_2023, hhi_band
            lo, hi = r["hhi_lower"], r["hhi_upper"]
            b10 = (hhi_band(lo, HHI_BANDS_2010), hhi_band(hi, HHI_BANDS_2010))
            b23 = (hhi_band(lo, HHI_BANDS_2023), hhi_band(hi, HHI_BANDS_2023))
            self.cite("HHI upper bound", round(hi, 1), "hhi", "derived", "listed shares + remainder as one player")
            if self.lang == "ja":
                parts.append(f"HHIは{lo:,.0f}～{hi:,.0f}（掲載事業者のシェア{r['hhi_coverage']:.0f}%分からの下限と上限）。"
                             f"米国合併ガイドラインの目安では、2010年版で「{b10[0]}」～「{b10[1]}」、2023年版で「{b23[0]}」～「{b23[1]}」"
                             "（記述的な目安であり、独禁法上の市場画定ではない）。")
            else:
                parts.append(f"HHI between {lo:,.0f} and {hi:,.0f} (lower and upper bounds from listed players covering "
                             f"{r['hhi_coverage']:.0f}% of the market). Against the US merger guidelines, as descriptive "
                             f"yardsticks only: 2010 bands {b10[0]} to {b10[1]}; 2023 bands {b23[0]} to {b23[1]}.")
        if top5:
            parts.append("デッキの上位5サイトは訪問数（Similarweb）による順位であり、売上シェアではない。順位からは主要な入口が"
                         "どこかは分かるが、集中度（HHI）は計算できない。" if self.lang == "ja" else
                         "The deck's top-5 list ranks sites by traffic (Similarweb), not by sales: it shows which sites are "
                         "the main doors into the market, but no concentration index can be computed from ranks.")
        return " ".join(parts)

    def platforms(self, external: pl.DataFrame) -> pl.DataFrame:
        """Platform ranks from the deck and platform shares from external sources (each with vintage)."""
        rows = []
        top5 = self.figures.filter((pl.col("figure_id") == "sea_top5_platforms") & (pl.col("iso3") == self.iso3))
        for r in top5.sort("value").iter_rows(named=True):
            rows.append({"platform": r["category_en"], "measure": "traffic rank (deck, Similarweb)",
                         "value": f"#{r['value']:.0f}", "period": r["period"], "origin": "deck",
                         "source": f"deck slide {r['slide']}, line {r['line_start']}"})
            self.cite(f"{r['category_en']} rank", int(r["value"]), "rank", "deck", r["source"], where=f"line {r['line_start']}")
        if self.iso3 == "CHN":
            cn = self.figures.filter((pl.col("figure_id") == "china_cbec_platform_share") & (pl.col("series") == "share"))
            for i, r in enumerate(cn.iter_rows(named=True), start=1):
                rows.append({"platform": f"cross-border platform {i} (name not printed)", "measure": "share of CBEC imports",
                             "value": f"{r['value']:g}%", "period": r["period"], "origin": "deck",
                             "source": f"deck slide {r['slide']}, line {r['line_start']}"})
                self.cite(f"CBEC platform {i} share", r["value"], "percent", "deck", r["source"], where=f"line {r['line_start']}")
        if self.iso3 == "USA":
            us = self.figures.filter((pl.col("figure_id") == "us_top15_retailers") & pl.col("value").is_not_null()
                                     & (pl.col("series") != "unassigned"))
            for r in us.iter_rows(named=True):
                rows.append({"platform": r["category_en"], "measure": r["series_en"], "value": f"{r['value']:g}%",
                             "period": r["period"], "origin": r["origin"],
                             "source": r["source"] + (f" [{r['vintage']}]" if r["vintage"] else f", line {r['line_start']}")})
                self.cite(f"{r['category_en']} {r['series_en']}", r["value"], "percent", r["origin"], r["source"],
                          r["vintage"], r["url"])
        ext = external.filter((pl.col("country_iso3") == self.iso3)
                              & pl.col("topic").is_in(["platform_share", "platform_visits", "platform_sales"]))
        for r in ext.sort("period", "csv_line").iter_rows(named=True):
            unit = "%" if r["unit"] == "pct" else f" {r['unit']}"
            rows.append({"platform": r["entity"], "measure": r["metric"], "value": f"{r['value']:g}{unit}",
                         "period": r["period"], "origin": "external", "source": f"{r['source_title']} [{r['vintage']}]"})
            self.cite(f"{r['entity']} {r['metric']}", r["value"], r["unit"], "external", r["source_title"], r["vintage"],
                      r["source_url"], f"external CSV line {r['csv_line']}")
        return pl.DataFrame(rows, schema={k: pl.String for k in ("platform", "measure", "value", "period", "origin", "source")})

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
                        self.cite(f"{fig.id}: {r['series_en']}", r["value"], r["unit"], r["origin"], r["source"],
                                  r["vintage"], r["url"], f"line {r['line_start']}" if r["line_start"] else r["note"])
        return out

    def provenance(self) -> pl.DataFrame:
        schema = {"what": pl.String, "value": pl.String, "unit": pl.String, "origin": pl.String, "source": pl.String,
                  "vintage": pl.String, "url": pl.String, "where": pl.String}
        rows = [{**c, "value": str(c["value"])} for c in self.cited]
        return pl.DataFrame(rows, schema=schema, orient="row").unique(maintain_order=True)


def load(country: str, lang: str = "ja") -> Report:
    if lang not in TEXT:
        raise EcresearchError(f"parameter 'lang' must be one of {list(TEXT)}, got {lang!r}")
    iso3 = target(country)
    scores = scored_countries()
    require_scored(iso3, scores)
    return Report(iso3, lang, scores, pl.read_parquet(paths.INDICATORS),
                  pl.read_parquet(paths.PROCESSED / "deck_figures.parquet"))


def html_table(df: pl.DataFrame) -> str:
    """A plain HTML table (polars' notebook repr quotes strings and shows dtypes)."""
    import html as _h

    head = "".join(f"<th>{_h.escape(str(c))}</th>" for c in df.columns)
    body = "".join("<tr>" + "".join(f"<td>{'' if v is None else _h.escape(str(v))}</td>" for v in row) + "</tr>"
                   for row in df.iter_rows())
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
