"""A descriptive page (no score) for every economy with a sourced figure that the build does not score: what the
sources say about it (deck rows, external rows, rules, the deck's passages), why it has no score (not a
candidate, or which pillars lack a sourced value) and what would give it one: per missing pillar the figure,
the edition the scored markets use and the ``ecresearch snapshot add`` command to enter it.

It reads what the scores step published (indicators, chosen data sets, scores, parameters) and never chooses
again: a pillar has a sourced value when the scores step computed an indicator for the market."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from ecresearch import datasets, paths
from ecresearch.countries import resolve
from ecresearch.domain.formats import as_printed, money, num, pct
from ecresearch.domain.labels import label, section
from ecresearch.domain.units import BASE_UNITS
from ecresearch.params import CORE_PILLARS, HOME_MARKET
from ecresearch.report.country import PILLAR_DIGITS
from ecresearch.report.described import described, economies, list_path, page_path
from ecresearch.scores.indicators import GROWTH_METRIC, GROWTH_TOPICS
from ecresearch.snapshots.raw import EXTERNAL_COLUMNS, graded

LANGS = ("ja", "en")
LICENCE = "facts with attribution"  # the licence of every external snapshot so far (its sidecar states it)


def deck_rows(deck: pl.DataFrame, iso3: str) -> pl.DataFrame:
    """The deck's numbers about the economy (a printed or stated value, with its slide)."""
    return deck.filter((pl.col("iso3") == iso3) & pl.col("value").is_not_null())


def external_rows(external: pl.DataFrame, iso3: str) -> pl.DataFrame:
    """The external rows about the economy a page may cite (weak sources, grade C, stay out)."""
    return graded(external).filter((pl.col("country_iso3") == iso3) & pl.col("value").is_not_null())


def pillar_values(indicators: pl.DataFrame, iso3: str) -> dict[str, dict | None]:
    """Per core pillar, the indicator the scores step computed for the economy, or None (no sourced value)."""
    mine = {r["pillar"]: r for r in indicators.filter(pl.col("iso3") == iso3).iter_rows(named=True)}
    return {p: mine.get(p) for p in CORE_PILLARS}


def missing_pillars(indicators: pl.DataFrame, iso3: str) -> list[str]:
    return [p for p, v in pillar_values(indicators, iso3).items() if v is None]


def editions(indicators: pl.DataFrame, chosen: pl.DataFrame, external: pl.DataFrame, ranked: list[str]) -> dict:
    """Per core pillar, the edition most scored markets were scored on, with what a snapshot row needs to be read
    as that pillar (topic, metric, unit, period), taken from the rows the scores step chose for those markets."""
    scored = indicators.filter(pl.col("iso3").is_in(ranked))
    members = chosen.filter(
        pl.col("iso3").is_in(ranked) & (pl.col("role") == "member") & (pl.col("origin") == "external")
    ).join(external.select("snapshot", "csv_line", "topic", "source_grade"), on=["snapshot", "csv_line"], how="left")
    # a market's best grade per pillar: the edition is named after a publisher's own page (A) where one was read
    grades = members.group_by("iso3", "pillar").agg(pl.col("source_grade").drop_nulls().min().alias("_grade"))
    out = {}
    for p in CORE_PILLARS:
        rows = scored.filter(pl.col("pillar") == p).join(grades, on=["iso3", "pillar"], how="left")
        rows = rows.sort(pl.col("_grade").fill_null("Z"), "iso3")
        if rows.height == 0:
            continue
        count = Counter(rows["vintage"].to_list())
        vintage, n = sorted(count.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        first = rows.filter(pl.col("vintage") == vintage).row(0, named=True)
        spec = {"vintage": vintage, "used": n, "of": rows.height, "source": first["source"], "url": first["url"]}
        same = members.filter((pl.col("pillar") == p) & (pl.col("vintage") == vintage)).sort("iso3", "position")
        if same.height:  # an external edition: a new row repeats the topic, metric, unit and period of its rows
            r = same.row(0, named=True)
            spec |= {"topic": r["topic"], "metric": r["metric"], "unit": r["unit"], "period": r["period"]}
        elif p == "growth":  # the deck's own estimates: an external row is read through the growth topics
            spec |= {"topic": GROWTH_TOPICS[-1], "metric": GROWTH_METRIC, "unit": "pct", "period": first["period"]}
        else:
            spec |= {"topic": None, "metric": first["metric"], "unit": first["unit"], "period": first["period"]}
        out[p] = spec
    return out


def snapshot_command(spec: dict) -> str:
    """The ``snapshot add`` skeleton for one wanted figure (angle brackets: what the analyst fills in)."""
    return (
        f'ecresearch snapshot add <file>.csv --source "<publisher>" --url <url> --vintage "{spec["vintage"]}" '
        f'--licence "{LICENCE}" --retrieved <YYYY-MM-DD>'
    )


def csv_row(iso3: str, spec: dict) -> str:
    """The CSV header and the row skeleton a snapshot of the wanted figure holds."""
    values = {
        "topic": spec.get("topic") or "<topic>",
        "country_iso3": iso3,
        "entity": resolve(iso3).name_en if spec.get("topic") != "platform_share" else "<platform>",
        "metric": spec["metric"],
        "period": spec["period"] or "<period>",
        "value": "<value>",
        "unit": spec["unit"],
        "status": "found",
        "vintage": spec["vintage"],
        "source_title": "<title>",
        "source_url": "<url>",
        "note": '"<the sentence read>"',
        "source_grade": "<A|B>",
    }
    header = [*EXTERNAL_COLUMNS, "source_grade"]
    return ",".join(header) + "\n" + ",".join(_csv(values[c]) for c in header)


def _csv(text: str) -> str:
    return f'"{text}"' if "," in text and not text.startswith('"') else text


@dataclass
class Profile:
    iso3: str
    candidate: bool
    home: bool
    pillars: dict[str, dict | None]
    missing: list[str]
    wanted: list[dict]
    deck: pl.DataFrame
    external: pl.DataFrame
    rules: pl.DataFrame
    passages: pl.DataFrame
    score: dict | None = None  # the scores table's row when the economy is an unranked candidate
    params: dict = field(default_factory=dict)


def profile(iso3: str, data: dict, ranked: list[str], params: dict) -> Profile:
    """Everything the page says about one economy, from the build's published tables (``data``: by name)."""
    ind, scores = data["country_indicators"], data["country_scores"]
    eds = editions(ind, data["scored_data_sets"], data["external_figures"], ranked)
    missing = missing_pillars(ind, iso3)
    wanted = [
        {"pillar": p, **eds[p], "command": snapshot_command(eds[p]), "csv": csv_row(iso3, eds[p])}
        for p in missing
        if p in eds
    ]
    row = scores.filter(pl.col("iso3") == iso3)
    return Profile(
        iso3=iso3,
        candidate=iso3 in params["candidates"],
        home=iso3 == HOME_MARKET,
        pillars=pillar_values(ind, iso3),
        missing=missing,
        wanted=wanted,
        deck=deck_rows(data["deck_figures"], iso3).sort("slide", "figure_id", "order"),
        external=external_rows(data["external_figures"], iso3).sort("topic", "period", "snapshot", "csv_line"),
        rules=data["market_rules"].filter(pl.col("country_iso3") == iso3),
        passages=data["deck_passages"].filter((pl.col("iso3") == iso3) & (pl.col("kind") != "notice")),
        score=row.row(0, named=True) if row.height else None,
        params=params,
    )


# ── the page ─────────────────────────────────────────────────────────────────────────────────


class Page:
    """The page's words in one language; every generated word comes from the catalogue's 'profile' keys."""

    def __init__(self, p: Profile, lang: str, catalogue: pl.DataFrame):
        self.p, self.lang = p, lang
        self.titles = {
            r["figure_id"]: r[f"title_{lang}"] for r in catalogue.select("figure_id", "title_ja", "title_en").to_dicts()
        }

    def t(self, key: str, **kw) -> str:
        return label(f"profile.{key}", self.lang, **kw)

    @property
    def name(self) -> str:
        c = resolve(self.p.iso3)
        return c.name_ja if self.lang == "ja" else c.name_en

    def pillar(self, p: str) -> str:
        return label(f"pillar.{p}", self.lang)

    def value(self, value: float, unit: str | None) -> str:
        """A figure as its source gives it; a large amount in a base unit (the deck's USD) in scale words."""
        text = as_printed(value, self.lang)
        if unit in ("pct", "percent"):
            return text + "%"
        if unit in BASE_UNITS and BASE_UNITS[unit].scaled:
            return money(value, unit, self.lang)
        shown = section("report_unit", self.lang).get(unit or "", section("unit", self.lang).get(unit or "", unit))
        return f"{text}{shown}" if self.lang == "ja" else f"{text} {shown or ''}".rstrip()

    def pillar_value(self, pillar: str, value: float) -> str:
        """A pillar's value with the decimals the country pages give it (its unit is in the pillar's name)."""
        return num(value, self.lang, PILLAR_DIGITS[pillar]) + ("%" if pillar == "growth" else "")

    def measure(self, text: str | None) -> str:
        return section("measure", self.lang).get(text or "", text or "")

    def reasons(self) -> list[str]:
        p, t = self.p, self.t
        cands = ", ".join(p.params["candidates"])
        out = []
        if p.home:
            out.append(t("why_home"))
        if not p.candidate:
            out.append(t("why_not_candidate", candidates=cands))
        elif p.score is not None:
            out.append(
                t(
                    "why_unranked",
                    have=p.score["pillars"],
                    total=len(CORE_PILLARS),
                    share=pct(p.score["missing_weight"], self.lang),
                    limit=pct(p.params["max_missing_weight"], self.lang),
                )
            )
        if p.missing:
            out.append(t("why_missing", pillars=self.join([self.pillar(x) for x in p.missing])))
        else:
            out.append(t("why_all_pillars", total=len(CORE_PILLARS)))
        return out

    def join(self, items: list[str]) -> str:
        return self.t("list_sep").join(items)

    def make_scored(self) -> list[dict]:
        """What would give the economy a score: each step's text, and the command it names (if any)."""
        p = self.p
        out = []
        if p.wanted:
            out.append({"text": self.t("make_wanted"), "command": None})
        if not p.candidate:
            codes = ",".join([*p.params["candidates"], p.iso3])
            out.append({"text": self.t("make_candidate"), "command": f"ecresearch build --candidates {codes}"})
        return out

    def pillar_table(self) -> list[dict]:
        rows = []
        for pillar, r in self.p.pillars.items():
            if r is None:
                rows.append({"pillar": self.pillar(pillar), "value": self.t("no_value"), "source": "", "url": None})
                continue
            value = self.pillar_value(pillar, r["value"])
            if r["low"] is not None and r["high"] is not None and r["low"] != r["high"]:
                low, high = self.pillar_value(pillar, r["low"]), self.pillar_value(pillar, r["high"])
                value += " " + self.t("interval", low=low, high=high)
            rows.append(
                {
                    "pillar": self.pillar(pillar),
                    "value": f"{value} ({r['period'] or '—'})",
                    "source": f"{r['source']} [{r['vintage']}]",
                    "url": r["url"],
                }
            )
        return rows

    def deck_table(self) -> list[dict]:
        rows = []
        for r in self.p.deck.iter_rows(named=True):
            category = r["category_ja"] if self.lang == "ja" else (r["category_en"] or r["category_ja"])
            series = r["series_ja"] if self.lang == "ja" else (r["series_en"] or r["series_ja"])
            rows.append(
                {
                    "figure": self.titles.get(r["figure_id"], r["figure_id"]),
                    "what": " / ".join(x for x in (series, category) if x),
                    "value": self.value(r["value"], r["unit"]),
                    "period": self.t("period_unstated") if r["period"] == "unstated" else r["period"],
                    "source": r["source"] or "",
                    "slide": self.t("slide", slide=r["slide"]),
                }
            )
        return rows

    def external_table(self) -> list[dict]:
        return [
            {
                "what": f"{r['entity']}: {self.measure(r['metric'])}",
                "value": self.value(r["value"], r["unit"]),
                "period": r["period"],
                "source": f"{r['source_title']} [{r['vintage']}]",
                "url": r["source_url"],
                "grade": r["source_grade"] or "—",
                "where": self.t("csv_line", file=r["snapshot"], line=r["csv_line"]),
            }
            for r in self.p.external.iter_rows(named=True)
        ]

    def rules_table(self) -> list[dict]:
        return [
            {
                "topic": r["topic"],
                "text": r[f"summary_{self.lang}"],
                "source": f"{r['source_title']} [{r['vintage']}]",
                "url": r["source_url"],
            }
            for r in self.p.rules.iter_rows(named=True)
        ]

    def passages_table(self) -> list[dict]:
        return [
            {
                "kind": self.t(f"kind_{r['kind']}"),
                "key": r["key"] or "",
                "ja": r["text_ja"],
                "en": r["en"] if self.lang == "en" else "",
                "slide": self.t("slide", slide=r["slide"]),
            }
            for r in self.p.passages.iter_rows(named=True)
        ]

    def wanted_list(self) -> list[dict]:
        return [
            {
                "pillar": self.pillar(w["pillar"]),
                "figure": self.t(
                    "wanted_figure",
                    metric=self.measure(w["metric"]),
                    unit=w["unit"],
                    period=w["period"] or "—",
                ),
                "edition": self.t(
                    "wanted_edition", vintage=w["vintage"], source=w["source"], used=w["used"], of=w["of"]
                ),
                "url": w["url"],
                "command": w["command"],
                "csv": w["csv"],
            }
            for w in self.p.wanted
        ]

    def context(self) -> dict:
        t = section("profile", self.lang)
        return {
            "t": t,
            "name": self.name,
            "reasons": self.reasons(),
            "make": self.make_scored(),
            "pillars": self.pillar_table(),
            "wanted": self.wanted_list(),
            "deck": self.deck_table(),
            "external": self.external_table(),
            "rules": self.rules_table(),
            "passages": self.passages_table(),
        }


def render(p: Profile, lang: str, out: paths.OutputSet, as_of: str, catalogue: pl.DataFrame) -> str:
    from ecresearch.site.html import render_page

    page = Page(p, lang, catalogue)
    final = page_path(out, p.iso3, lang)
    other = page_path(out, p.iso3, "en" if lang == "ja" else "ja")
    return render_page(
        "profile.html.j2",
        final,
        title=page.t("title", name=page.name),
        lang=lang,
        out=out,
        other=other,
        as_of=as_of,
        **page.context(),
    )


def load(out: paths.OutputSet) -> dict:
    names = ("country_indicators", "country_scores", "scored_data_sets")
    data = {n: datasets.read(n, out) for n in names}
    for n in ("deck_figures", "external_figures", "market_rules", "deck_passages", "catalogue"):
        data[n] = datasets.read(n)
    return data


def build(root: Path, out: paths.OutputSet, ranked: list[str], as_of: str) -> list[str]:
    """Write every described economy's page (ja, en) and the list of them under ``root`` (the staging root)."""
    from ecresearch.pipeline.atomic import staged, write_text

    data = load(out)
    params = datasets.read_json("scoring_params", out)["params"]
    codes = economies(data["deck_figures"], data["external_figures"], ranked)
    for iso3 in codes:
        p = profile(iso3, data, ranked, params)
        for lang in LANGS:
            write_text(staged(root, page_path(out, iso3, lang)), render(p, lang, out, as_of, data["catalogue"]))
    write_text(staged(root, list_path(out)), json.dumps({"described": codes}, indent=1) + "\n")
    return codes


# ── `ecresearch report ISO3` for an economy the set does not score ─────────────────────────────────


def report_command(iso3: str, out: paths.OutputSet, upstream: list, *, lang: str, pdf: bool, jobs: int) -> int | None:
    """Bring the set up to date, then write the economy's descriptive pages (and the index); None when the set
    does score it after all (the caller writes its report). An economy without a sourced figure is an error."""
    import sys

    from ecresearch.countries import resolve as _resolve
    from ecresearch.errors import CountryError
    from ecresearch.pipeline import consistency, dag
    from ecresearch.pipeline.engine import execute

    before = consistency.set_stamp(out)
    execute(upstream, jobs=jobs)
    ranked = dag.ranked_countries(out)
    if iso3 in ranked:
        return None
    if consistency.set_stamp(out) != before:  # new scores: every page of the set cites them
        print(f"ecresearch: the scores of the {out.label()} changed: rebuilding every page of the set", file=sys.stderr)
        execute(dag.downstream_steps(out), jobs=jobs)
    else:
        execute([dag.profiles_step(out, ranked)], jobs=1)
        execute([dag.index_step(ranked, out)], jobs=1)
    if iso3 not in described(out):
        raise CountryError(
            f"country {iso3} ({_resolve(iso3).name_en}) is not among the scored candidates "
            f"({', '.join(ranked)}) and no deck or external row gives a figure for it: nothing to describe"
        )
    html = page_path(out, iso3, lang)
    if pdf:
        from ecresearch.site.pdf import write_pdf

        print(paths.rel(write_pdf(html)))
    print(f"{paths.rel(html)} (descriptive report: no score)")
    return 0
