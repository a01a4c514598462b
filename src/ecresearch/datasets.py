"""The dataset registry: every table and page the build makes, declared once.

A dataset has a name, a path (a function of the output set: the main build or a scenario, and of a page's
parameters), the step that produces it, a description, for tables its columns (polars dtype, nullability,
checks and a description each: the one schema, from which both the polars dtypes and the pandera schema are
derived) and its key columns. The DAG derives each step's outputs from the producers declared here, and its
inputs from the dataset names a step reads; modules find files with ``path(name)`` and read tables with
``read(name)``, so no processed file name is typed anywhere else.

This module stays light (paths and polars only): pandera is imported when a full validation is asked for,
and nothing of the deck is imported, so a step's code closure does not grow by importing the registry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from ecresearch import paths
from ecresearch.domain import sources, units
from ecresearch.errors import EcresearchError
from ecresearch.params import DIRECTIONS


class _Polars:
    """polars, imported on first use: the DAG imports the registry for paths, and a no-op build must not pay
    for importing polars (dtypes are declared by name for the same reason)."""

    def __getattr__(self, name: str):
        import polars

        return getattr(polars, name)


if TYPE_CHECKING:  # the checker sees polars itself
    import polars as pl
else:
    pl = _Polars()


class DatasetError(EcresearchError):
    """A registered dataset is missing or does not match its schema (the message names the file)."""


@dataclass(frozen=True)
class Column:
    dtype: str  # a polars dtype by name ("String", "Int32"...)
    description: str = ""
    nullable: bool = False
    checks: tuple[tuple[str, object], ...] = ()  # (name of a pandera Check constructor, its argument)

    def polars(self):
        return getattr(pl, self.dtype)()


PER_OUTPUT_SET = ("scores", "scoring-notebook", "report", "profiles", "index")  # step kinds run once per output set

# A frame-level check: a function of pandera's PolarsData returning a boolean lazy frame, and its message.
FrameCheck = tuple[Callable, str]


@dataclass(frozen=True)
class Dataset:
    name: str
    path: Callable[..., Path]  # (output set, **page parameters) -> file or folder
    producer: str | None  # the step kind that writes it; None for the raw snapshots (written by hand)
    description: str
    columns: dict[str, Column] | None = None  # None: not typed yet (reading checks the key columns only)
    key: tuple[str, ...] = ()  # columns that identify a row (`ecresearch diff` matches rows by them)
    kind: str = "parquet"  # parquet | folder | text
    checks: tuple[FrameCheck, ...] = ()
    ordered: bool = True  # the columns must come in the declared order
    required: tuple[str, ...] = ()  # for a table not typed yet: the columns its readers rely on

    @property
    def per_output_set(self) -> bool:
        """The path depends on the output set (the scores and everything made from them)."""
        return self.producer in PER_OUTPUT_SET

    def dtypes(self) -> dict[str, pl.DataType]:
        if self.columns is None:
            raise DatasetError(f"dataset {self.name!r} has no declared columns")
        return {c: col.polars() for c, col in self.columns.items()}


# ── shared vocabularies of the schemas ────────────────────────────────────────────────────────

UNITS = list(units.BASE_UNITS)  # one list of base units (domain/units.py)
ORIGINS = ["deck", "external"]
STATUSES = [
    "printed",
    "stated_in_text",
    "printed_elsewhere",
    "missing",
    "unidentified_label",
    "label_external",
    "external_found",
    "external_inferred",
]
GRADES = list(sources.GRADES)
ISO3 = r"^[A-Z]{3}$"
DECK_KEY = ("figure_id", "series", "category_ja", "iso3", "period", "origin", "order")


def _deck_rows_have_lines(data) -> pl.LazyFrame:
    """A deck number must say which raw line(s) it came from."""
    return data.lazyframe.select(
        ~((pl.col("origin") == "deck") & pl.col("value").is_not_null() & pl.col("line_start").is_null())
    )


def _external_rows_have_source(data) -> pl.LazyFrame:
    return data.lazyframe.select(
        ~((pl.col("origin") == "external") & (pl.col("source").is_null() | pl.col("vintage").is_null()))
    )


def _missing_means_null(data) -> pl.LazyFrame:
    return data.lazyframe.select((pl.col("status") == "missing") == pl.col("value").is_null())


def _unique_cells(data) -> pl.LazyFrame:
    """One value per (figure, series, category, country, period, origin): no silent duplicates."""
    return data.lazyframe.select(~pl.struct(list(DECK_KEY)).is_duplicated())


S, I32, F64, B = "String", "Int32", "Float64", "Boolean"

DECK_COLUMNS = {
    "figure_id": Column(S, "catalogue id of the deck figure (src/ecresearch/deck/figures.py)"),
    "section": Column(S, "part of the deck: world, china, usa, sea, japan, jetro"),
    "slide": Column(
        I32, "text-slide number in deck order (photo-only slides left no text and are not counted)", checks=(("ge", 1),)
    ),
    "page": Column(I32, "page number printed on the slide's footer, where the text has it", nullable=True),
    "series": Column(S, "measured quantity within the figure (key)"),
    "series_ja": Column(S, "series label as printed (or the description's Japanese label)"),
    "series_en": Column(S, "series label in English"),
    "category_ja": Column(S, "category label as printed; （不明） when the deck text lost it"),
    "category_en": Column(S, "category label in English; 'unidentified' when lost"),
    "iso3": Column(
        S,
        "ISO 3166-1 alpha-3 of the country, or a region code (WLD world, SEA Southeast Asia, XWE Western Europe, "
        "XAP Asia-Pacific, XNA North America, XLA Latin America, XCE Central & Eastern Europe, XME Middle East & "
        "Africa)",
        nullable=True,
        checks=(("str_matches", ISO3),),
    ),
    "order": Column(I32, "position of the category as printed", checks=(("ge", 0),)),
    "period": Column(S, "period the value refers to (year, quarter, FY, 'unstated')"),
    "value": Column(
        F64, "value in base units (USD, CNY, persons, minutes, percent, rank...); null when missing", nullable=True
    ),
    "unit": Column(S, "base unit of value", checks=(("isin", UNITS),)),
    "printed": Column(S, "the token as printed in the deck (deck rows)", nullable=True),
    "approx": Column(B, "the deck states the value as approximate (約, 以上, を超える)"),
    "origin": Column(
        S, "deck (read from the deck text) or external (data/raw/external, flagged)", checks=(("isin", ORIGINS),)
    ),
    "status": Column(S, " | ".join(STATUSES), checks=(("isin", STATUSES),)),
    "line_start": Column(
        I32,
        "first raw line (1-based) of data/raw/deck/jetro_overseas_ec_seminar.txt the value was read from",
        nullable=True,
        checks=(("ge", 1),),
    ),
    "line_end": Column(I32, "last raw line the value was read from", nullable=True, checks=(("ge", 1),)),
    "source": Column(S, "source as printed on the slide, or the external source's title"),
    "vintage": Column(S, "edition of an external source (null for deck rows)", nullable=True),
    "url": Column(S, "URL of an external source", nullable=True),
    "note": Column(S, "how the value was read or matched, caveats", nullable=True),
}
DECK_CHECKS: tuple[FrameCheck, ...] = (
    (_deck_rows_have_lines, "deck value without a raw line number"),
    (_external_rows_have_source, "external value without source and vintage"),
    (_missing_means_null, "status 'missing' must go with a null value, and only it"),
    (_unique_cells, "duplicate cell"),
)

EXTERNAL_COLUMNS = {
    "topic": Column(S, "what the row is about (a group of figures from one kind of source)"),
    "country_iso3": Column(S, "ISO 3166-1 alpha-3 or a region code", checks=(("str_matches", ISO3),)),
    "entity": Column(S, "country, platform or group the number is about"),
    "metric": Column(S, "what exactly is measured (rows of one data set share it)"),
    "period": Column(S, "year, quarter or month the number refers to"),
    "value": Column(F64, "the number as published, in `unit`"),
    "unit": Column(S, "unit as published (pct, minutes, rank, billion USD...)"),
    "status": Column(
        S,
        "found in the source, or inferred by arithmetic from found numbers",
        checks=(("isin", ["found", "inferred"]),),
    ),
    "vintage": Column(S, "edition of the source (reports revise earlier years)"),
    "source_title": Column(S, "publisher or page the number was read from"),
    "source_url": Column(S, "address of that page", nullable=True),
    "note": Column(S, "the phrase quoted from the source, caveats", nullable=True),
    "source_grade": Column(
        S,
        "A publisher, B reputable secondary source naming the edition, C weak (kept, never used)",
        nullable=True,
        checks=(("isin", GRADES),),
    ),
    "snapshot": Column(S, "raw snapshot file the row came from (data/raw/external/)"),
    "csv_line": Column(I32, "line of the row in its snapshot file", checks=(("ge", 2),)),
    "country_name_en": Column(S, "English name of country_iso3 (CLDR)"),
}

TEXT_COLUMNS = {
    "figure_id": Column(S, "catalogue id of the deck figure (a text table)"),
    "slide": Column(I32, "text-slide number in deck order", checks=(("ge", 1),)),
    "order": Column(I32, "position of the row as printed", checks=(("ge", 1),)),
    "row_ja": Column(S, "row label as printed"),
    "row_en": Column(S, "row label in English"),
    "column": Column(S, "column heading, where the table has columns", nullable=True),
    "text": Column(S, "the cell's text as printed", checks=(("str_length", {"min_value": 1}),)),
    "line_start": Column(I32, "first raw line the cell was read from", checks=(("ge", 1),)),
    "line_end": Column(I32, "last raw line the cell was read from", checks=(("ge", 1),)),
    "note": Column(S, "how the cell was read, caveats", nullable=True),
}

RULES_COLUMNS = {
    "country_iso3": Column(S, "the market the rule applies to (ISO 3166-1 alpha-3)", checks=(("str_matches", ISO3),)),
    "topic": Column(S, "what the rule is about (tax, customs, platform, data...)"),
    "summary_en": Column(S, "the rule in English", nullable=True),
    "summary_ja": Column(S, "the rule in Japanese", nullable=True),
    "effective": Column(S, "since when it applies, as the source states it", nullable=True),
    "source_title": Column(S, "publisher or page the rule was read from", nullable=True),
    "source_url": Column(S, "address of that page", nullable=True),
    "vintage": Column(S, "edition or date of the source", nullable=True),
    "source_grade": Column(S, "A publisher, B reputable secondary source, C weak", nullable=True),
    "valid_until": Column(S, "last day the rule applied, when it has ended (ISO date)", nullable=True),
    "last_checked": Column(
        S, "when its source was last checked (ISO date); else the source's date counts", nullable=True
    ),
    "replaces": Column(S, "the earlier record this one corrects or retires: '<snapshot>.csv:<record>'", nullable=True),
    "snapshot": Column(S, "raw snapshot file the rule came from (data/raw/rules/)"),
    "record": Column(I32, "CSV record of the rule in its snapshot (2 = the first after the header)"),
}

SNAPSHOT_COLUMNS = {
    "file": Column(S, "the raw file, relative to the repository root"),
    "title": Column(S, "title in its provenance sidecar"),
    "publisher": Column(S, "who published the figures"),
    "vintage": Column(S, "edition of the source", nullable=True),
    "source_url": Column(S, "where the file or its figures come from", nullable=True),
    "retrieved": Column(S, "retrieval date"),
    "licence": Column(S, "terms of use"),
    "sha256": Column(S, "checksum of the file (verified on every build)"),
    "size_bytes": Column("Int64", "size of the file"),
}

# The analysis tables of the scores step (one parquet each in the output set's scoring folder): key, meaning.
SCORING_TABLES = {
    "coverage": (("iso3",), "which pillars each candidate market has data for, its missing weight, ranked or not."),
    "readings": (
        ("reading", "iso3"),
        "score, rank, band and probabilities of every scored market in both readings "
        "of concentration (platform as channel, as gatekeeper).",
    ),
    "holds": (("iso3",), "what holds in both readings: the smallest P(rank 1) and P(top 3), the widest band."),
    "extended": (
        ("reading", "iso3"),
        "the extended analysis: both readings with normalisation and aggregation drawn too.",
    ),
    "redundancy": (("iso3",), "the effect of counting growth and SNS as one pillar (each at half weight)."),
    "directions": (("iso3",), "ranks under both readings of concentration (channel vs gatekeeper)."),
    "robust_pairs": (("a", "b"), "pairs of ranked markets whose order the Monte Carlo does not settle."),
    "contributions": (("iso3", "pillar"), "each pillar's share of a market's score."),
    "sobol_by_country": (("iso3", "factor"), "Sobol indices of each uncertain input on each market's rank."),
    "sobol": (("factor",), "the Sobol indices averaged over markets, weighted by rank variance."),
    "correlations": (("pillar_a", "pillar_b"), "Pearson r between pillars over the ranked markets that have both."),
    "pca": (("component",), "principal components of the standardised core pillars."),
    "unctad": (("iso3",), "our rank beside UNCTAD's B2C E-commerce Index 2020 rank."),
}


SCORED_SET_COLUMNS = {
    "iso3": Column(S, "market (ISO 3166-1 alpha-3)", checks=(("str_matches", ISO3),)),
    "pillar": Column(S, "pillar the rows were scored for: growth, sns, concentration, size"),
    "indicator": Column(S, "indicator computed from the rows (country_indicators.indicator)"),
    "role": Column(S, "member (the value is computed from it) or reference (a denominator: the world average)"),
    "position": Column(I32, "order in the set, largest member first (1 = leading player)", checks=(("ge", 1),)),
    "entity": Column(S, "player or country the row is about, as in the source ('unidentified' where not printed)"),
    "value": Column(F64, "the value as in the source row"),
    "unit": Column(S, "unit of the value"),
    "metric": Column(S, "what the value measures"),
    "period": Column(S, "period the value refers to"),
    "vintage": Column(S, "edition of the source"),
    "origin": Column(S, "deck or external", checks=(("isin", ORIGINS),)),
    "source": Column(S, "publisher or title of the source"),
    "url": Column(S, "address of the source", nullable=True),
    "snapshot": Column(S, "raw snapshot file of an external row", nullable=True),
    "csv_line": Column(I32, "line of the external row in its snapshot file", nullable=True),
    "slide": Column(I32, "deck slide of a deck row", nullable=True),
    "line_start": Column(I32, "raw line of a deck row in the deck text", nullable=True),
    "owner": Column(S, "the declared group the row's share is counted in (scores/owners.py), if any", nullable=True),
}


# ── product categories ────────────────────────────────────────────────────────────────────────
MARKET = r"^(?:[A-Z]{3}|\*)$"  # a market, or '*' for every market
ASPECTS = ["demand", "rule", "programme", "platform"]
SEGMENT_EFFECTS = ["evidence", "bars", "requires", "restricts", "eligible", "excluded", "sells"]

PROGRAMME_CATEGORY_COLUMNS = {
    "programme": Column(S, "the JETRO programme (JAPAN STORE, JAPAN MALL, JAPAN STREET)"),
    "platform": Column(S, "the partner site the list is about, as printed (null: the programme itself)", nullable=True),
    "iso3": Column(S, "market the list applies to ('*': every market)", checks=(("str_matches", MARKET),)),
    "role": Column(S, "eligible or excluded", checks=(("isin", ["eligible", "excluded"]),)),
    "position": Column(I32, "position of the word in its printed list", checks=(("ge", 1),)),
    "word": Column(S, "the category word as printed (mapped by domain/catalogue/categories.toml)"),
    "text_ja": Column(S, "the printed text the list was read from"),
    "slide": Column(I32, "text-slide number in deck order", checks=(("ge", 1),)),
    "line_start": Column(I32, "first raw line of the text", checks=(("ge", 1),)),
    "line_end": Column(I32, "last raw line of the text", checks=(("ge", 1),)),
}

SEGMENT_COLUMNS = {
    "iso3": Column(S, "market ('*': every market, e.g. a programme open to all)", checks=(("str_matches", MARKET),)),
    "category": Column(S, "product category key (domain/catalogue/categories.toml)"),
    "aspect": Column(S, " | ".join(ASPECTS), checks=(("isin", ASPECTS),)),
    "position": Column(I32, "order within (market, category, aspect)", checks=(("ge", 1),)),
    "item": Column(S, "figure, rule topic, programme or platform the row is about"),
    "word": Column(S, "the source's own word that maps to the category"),
    "text_ja": Column(S, "what the source says, in Japanese", nullable=True),
    "text_en": Column(S, "what the source says, in English", nullable=True),
    "value": Column(F64, "a demand figure's value", nullable=True),
    "unit": Column(S, "unit of value", nullable=True),
    "period": Column(S, "period of value, or since when a rule applies", nullable=True),
    "effect": Column(S, " | ".join(SEGMENT_EFFECTS), checks=(("isin", SEGMENT_EFFECTS),)),
    "status": Column(S, "a rule's status as of [pages] as_of (in_force, check_again, not_yet, ended)", nullable=True),
    "barred": Column(B, "this row bars the category in the market (a rule in force, a programme's exclusion)"),
    "route": Column(S, "the programme a programme row is about (its exclusion bars that route)", nullable=True),
    "source": Column(S, "source title (deck rows: the slide's source or the deck)"),
    "vintage": Column(S, "edition of the source", nullable=True),
    "url": Column(S, "address of the source", nullable=True),
    "snapshot": Column(S, "raw snapshot file of a register or external row", nullable=True),
    "record": Column(I32, "CSV record or line of that row in its snapshot", nullable=True),
    "slide": Column(I32, "deck slide of a deck row", nullable=True),
    "line_start": Column(I32, "first raw deck line of a deck row", nullable=True),
}


# Each reading's statistics in the scores table, as `<column>_<reading>` (scores.outputs writes them).
READING_COLUMNS = ("rank", "median_rank", "rank_p05", "rank_p95", "p_ranked", "p_rank1", "p_top3", "p_rank1_se",
                   "p_top3_se")  # fmt: skip

# The scores table's columns that the pages, the CLI and the diff read (the table has more).
SCORES_READ = (
    "iso3", "name_en", "name_ja", "ranked", "pillars", "missing_weight", "score", "rank", "median_rank", "rank_p05",
    "rank_p95", "p_rank1", "p_top3", "pillars_used", "growth_pct", "sns_ratio", "hhi_value", "hhi_lower",
    "hhi_upper", "hhi_coverage", "parameters", "params_digest",
    *(f"{c}_{reading}" for reading in DIRECTIONS for c in READING_COLUMNS),
)  # fmt: skip


def _lang_suffix(lang: str) -> str:
    """The scores page and notebook keep their English names; the Japanese ones add '.ja'."""
    return "" if lang == "en" else f".{lang}"


def _report_dir(out: paths.OutputSet, iso3: str, lang: str, category: str | None) -> Path:
    """A market's report folder; a report for one product category has a folder of its own inside it."""
    where = out.report_dir(iso3, lang)
    return where if category is None else where / category


def _processed(rel: str) -> Callable[..., Path]:
    return lambda out=None: paths.PROCESSED / rel


def _reports(rel: str) -> Callable[..., Path]:
    return lambda out=None: paths.REPORTS / rel


def _declare() -> dict[str, Dataset]:
    D = Dataset
    items = [
        D("raw_snapshots", lambda out=None: paths.RAW, None, "the raw snapshots with their sidecars", kind="folder"),
        # clean
        D(
            "deck_figures",
            _processed("deck_figures.parquet"),
            "clean",
            "every number of every deck figure, one row per value (long, tidy).",
            DECK_COLUMNS,
            DECK_KEY,
            checks=DECK_CHECKS,
        ),
        D(
            "figure_tables",
            _processed("figures"),
            "clean",
            "the same rows, one table per figure.",
            DECK_COLUMNS,
            DECK_KEY,
            kind="folder",
            checks=DECK_CHECKS,
        ),
        D(
            "text_tables",
            _processed("text_tables.parquet"),
            "clean",
            "cells of the deck's text tables (row, column, text).",
            TEXT_COLUMNS,
            ("figure_id", "order", "column"),
            ordered=False,
        ),
        D(
            "external_figures",
            _processed("external_figures.parquet"),
            "clean",
            "the external figures (data/raw/external), typed, with country names.",
            EXTERNAL_COLUMNS,
            ("topic", "country_iso3", "entity", "metric", "period", "vintage"),
            ordered=False,
        ),
        D(
            "quality_findings",
            _processed("quality_findings.parquet"),
            "clean",
            "results of the consistency checks (see reports/data-quality.md).",
            key=("check", "figure_id", "subject", "outcome", "message"),
        ),
        D(
            "catalogue",
            _processed("catalogue.parquet"),
            "clean",
            "the catalogue of deck figures with their reproduction status.",
            key=("figure_id",),
        ),
        D(
            "snapshots",
            _processed("snapshots.parquet"),
            "clean",
            "every raw snapshot with its provenance (publisher, vintage, retrieval date, sha256).",
            SNAPSHOT_COLUMNS,
            ("file",),
        ),
        D(
            "deck_passages",
            _processed("deck_passages.parquet"),
            "clean",
            "the deck's sentences the reports quote (notes, JETRO programmes, checklist) and its notices "
            "(disclaimer, copyright), with the market each applies to, slide and raw lines.",
        ),
        D(
            "market_rules",
            _processed("market_rules.parquet"),
            "clean",
            "country rules and risks for foreign online sellers, each with its source.",
            RULES_COLUMNS,
            ("snapshot", "record"),
        ),
        # product categories (src/ecresearch/segments/)
        D(
            "programme_categories",
            _processed("programme_categories.parquet"),
            "clean",
            "each JETRO programme's product categories as the deck prints them (eligible, excluded), and what "
            "its partner sites sell, with slide and raw lines.",
            PROGRAMME_CATEGORY_COLUMNS,
            ("programme", "platform", "iso3", "role", "line_start", "position"),
        ),
        D(
            "category_segments",
            _processed("category_segments.parquet"),
            "segments",
            "per market and product category: demand evidence, the rules that apply (status as of [pages] "
            "as_of), programme eligibility and the platforms the sources name, each with its source; `barred` "
            "flags what bars the category there.",
            SEGMENT_COLUMNS,
            ("iso3", "category", "aspect", "position"),
        ),
        D("data_dictionary", _processed("DATA_DICTIONARY.md"), "clean", "this file.", kind="text"),
        D("quality_report", _reports("data-quality.md"), "clean", "the data-quality report (Markdown)", kind="text"),
        # charts
        D("chart_images", _reports("figures"), "charts", "every deck chart redrawn (SVG, PNG)", kind="folder"),
        D("gallery", _reports("charts.html"), "charts", "the gallery of the deck's charts", kind="text"),
        D("quality_page", _reports("data-quality.html"), "charts", "the data-quality report (HTML)", kind="text"),
        # scores (one output set)
        D(
            "country_scores",
            lambda out: out.scores,
            "scores",
            "one row per candidate market: pillar values with source and vintage, score, rank, band.",
            key=("iso3",),
            required=SCORES_READ,
        ),
        D(
            "country_indicators",
            lambda out: out.indicators,
            "scores",
            "the indicators each pillar is computed from, per market, with source and vintage.",
            key=("iso3", "pillar", "indicator"),
        ),
        D(
            "scored_data_sets",
            lambda out: out.chosen,
            "scores",
            "per market and pillar, the rows of the data set the scores step chose: what reports, the index and "
            "`diff` show and cite, never chosen again.",
            columns=SCORED_SET_COLUMNS,
            key=("iso3", "pillar", "role", "position"),
        ),
        *(
            D(
                f"scoring_{t}",
                lambda out, t=t: out.results / f"{t}.parquet",
                "scores",
                f"{about} Notebook 03 explains it.",
                key=k,
            )
            for t, (k, about) in SCORING_TABLES.items()
        ),
        D(
            "scoring_params",
            lambda out: out.params_json,
            "scores",
            "the parameters the scores were made with",
            kind="text",
        ),
        D("ranked_countries", lambda out: out.ranked, "scores", "the markets with a score", kind="text"),
        D("score_charts", lambda out: out.scores_dir / "charts", "scores", "the scores' charts", kind="folder"),
        # pages
        D(
            "scoring_notebook",
            lambda out, lang="en": (
                out.scores_dir / paths.NB_SCORING.name.replace(".ipynb", _lang_suffix(lang) + ".ipynb")
            ),
            "scoring-notebook",
            "notebook 03 as run (one per language)",
            kind="text",
        ),
        D(
            "scores_page",
            lambda out, lang="en": out.scores_dir / f"scores{_lang_suffix(lang)}.html",
            "scoring-notebook",
            "the scores page (English: scores.html, Japanese: scores.ja.html)",
            kind="text",
        ),
        D(
            "report_notebook",
            lambda out, iso3, lang, category=None: _report_dir(out, iso3, lang, category) / "report.ipynb",
            "report",
            "notebook 04 as run for one market and language",
            kind="text",
        ),
        D(
            "report_page",
            lambda out, iso3, lang, category=None: _report_dir(out, iso3, lang, category) / "report.html",
            "report",
            "a market's report page",
            kind="text",
        ),
        D(
            "profile_pages",
            lambda out: out.countries_dir.parent / "economies",
            "profiles",
            "descriptive pages (no score) of the economies with a sourced figure that the set does not score, "
            "<ISO3>/<lang>/profile.html, and described.json listing them",
            kind="folder",
        ),
        D("index_page", lambda out: out.index, "index", "the index of an output set (English)", kind="text"),
        D(
            "index_page_ja",
            lambda out: out.index.with_name(f"index{_lang_suffix('ja')}.html"),
            "index",
            "the index of an output set in Japanese (index.ja.html)",
            kind="text",
        ),
        # written by `ecresearch diff`, not by a build step (the main build's index links the page when it exists)
        D("changes_page", _reports("changes.html"), "diff", "what changed between two builds", kind="text"),
        D("changes_data", _reports("changes.json"), "diff", "the same, machine-readable", kind="text"),
    ]
    reg = {}
    for d in items:
        if d.name in reg:
            raise DatasetError(f"dataset {d.name!r} declared twice")
        reg[d.name] = d
    return reg


REGISTRY: dict[str, Dataset] = _declare()


def get(name: str) -> Dataset:
    try:
        return REGISTRY[name]
    except KeyError:
        raise DatasetError(f"no dataset named {name!r} is registered (src/ecresearch/datasets.py)") from None


def path(name: str, out: paths.OutputSet | None = None, **page: str) -> Path:
    """Where a dataset lives: for scores and pages, in the given output set (default the main build)."""
    return get(name).path(out if out is not None else paths.output_set(None), **page)


def produced_by(step: str) -> list[Dataset]:
    """The datasets a step kind writes (its outputs), in declaration order."""
    return [d for d in REGISTRY.values() if d.producer == step]


def outputs(step: str, out: paths.OutputSet | None = None, **page: str) -> tuple[Path, ...]:
    return tuple(path(d.name, out, **page) for d in produced_by(step))


def scoring_tables() -> tuple[str, ...]:
    return tuple(f"scoring_{t}" for t in SCORING_TABLES)


def dtypes(name: str) -> dict[str, pl.DataType]:
    """The polars dtypes of a table, derived from its declared columns."""
    return get(name).dtypes()


def description(name: str, column: str) -> str:
    cols = get(name).columns or {}
    return cols[column].description if column in cols else ""


# ── validation ────────────────────────────────────────────────────────────────────────────────


def structure_problem(name: str, df: pl.DataFrame) -> str | None:
    """What makes a frame not the registered table (columns, order, dtypes, nulls, duplicate keys), or None.
    Cheap (no pandera): every read checks it; ``validate`` adds the value checks."""
    d = get(name)
    have = list(df.columns)
    if d.columns is not None:
        want = list(d.columns)
        if set(have) != set(want):
            missing = [c for c in want if c not in have]
            extra = [c for c in have if c not in want]
            return "; ".join(
                p for p in (missing and f"missing columns {missing}", extra and f"unexpected columns {extra}") if p
            )
        if d.ordered and have != want:
            return f"columns in the order {have}, expected {want}"
        for c, col in d.columns.items():
            if df.schema[c] != col.polars():
                return f"column {c!r} is {df.schema[c]}, expected {col.polars()}"
            if not col.nullable and df[c].null_count():
                return f"column {c!r} has {df[c].null_count()} null value(s) but is not nullable"
    missing_key = [k for k in d.key if k not in have]
    if missing_key:
        return f"missing key columns {missing_key}"
    missing_required = [c for c in d.required if c not in have]
    if missing_required:
        return f"missing columns {missing_required}"
    if d.key and df.height and df.select(pl.struct(list(d.key)).is_duplicated().any()).item():
        return f"duplicate rows for the key ({', '.join(d.key)})"
    return None


@cache
def schema(name: str):
    """The pandera schema of a table (columns with descriptions, checks), built from its declaration."""
    return narrowed_schema(name)


def narrowed_schema(name: str, column_checks: dict | None = None, checks=(), schema_name: str | None = None):
    """The pandera schema of a table with more checks on some columns (``{column: [Check]}``) and on the frame:
    the clean step adds what only it knows (the deck catalogue's figure ids, a figure's series and ranges)."""
    import pandera.polars as pa

    d = get(name)
    if d.columns is None:
        raise DatasetError(f"dataset {name!r} has no declared columns")
    more = column_checks or {}

    def check(kind: str, arg) -> pa.Check:
        return getattr(pa.Check, kind)(**arg) if isinstance(arg, dict) else getattr(pa.Check, kind)(arg)

    return pa.DataFrameSchema(
        {
            c: pa.Column(
                getattr(pl, col.dtype),
                [*(check(k, a) for k, a in col.checks), *more.get(c, ())],
                nullable=col.nullable,
                description=col.description,
            )
            for c, col in d.columns.items()
        },
        checks=[*(pa.Check(fn, error=msg) for fn, msg in d.checks), *checks],
        strict=True,
        ordered=d.ordered,
        name=schema_name or name,
    )


def _one_line(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= 300 else text[:297] + "..."


def validate(name: str, df: pl.DataFrame, where: str | Path | None = None) -> pl.DataFrame:
    """Check a frame against the registered table fully (structure, then pandera's value checks)."""
    where = paths.rel(Path(where)) if where is not None else name
    problem = structure_problem(name, df)
    if problem:
        raise DatasetError(f"{where}: does not match the {name} schema: {problem}")
    if get(name).columns is not None:
        import pandera.errors

        try:
            schema(name).validate(df)
        except (pandera.errors.SchemaError, pandera.errors.SchemaErrors) as exc:
            raise DatasetError(f"{where}: does not match the {name} schema: {_one_line(exc)}") from None
    return df


def read(name: str, out: paths.OutputSet | None = None, *, full: bool = False) -> pl.DataFrame:
    """Read a registered parquet table and check it against its schema: its structure always (cheap), the
    value checks too with ``full`` (the producer ran them when it wrote the table)."""
    d = get(name)
    if d.kind != "parquet":
        raise DatasetError(f"dataset {name!r} is a {d.kind}, not a parquet table")
    file = path(name, out)
    try:
        df = pl.read_parquet(file)
    except FileNotFoundError:
        raise DatasetError(f"{paths.rel(file)}: missing (made by the {d.producer} step); {rebuild_hint(out)}") from None
    except Exception as exc:  # noqa: BLE001 - a damaged file is named, not a traceback
        raise DatasetError(
            f"{paths.rel(file)}: not a readable parquet file ({type(exc).__name__}); {rebuild_hint(out)}"
        ) from None
    if full:
        return validate(name, df, file)
    problem = structure_problem(name, df)
    if problem:
        raise DatasetError(f"{paths.rel(file)}: does not match the {name} schema: {problem}; {rebuild_hint(out)}")
    return df


def rebuild_hint(out: paths.OutputSet | None) -> str:
    if out is None or out.scenario is None:
        return "rebuild with `ecresearch build`"
    return f"rebuild with `ecresearch build --scenario {out.scenario}` and its parameters"


def read_json(name: str, out: paths.OutputSet | None = None) -> dict:
    """A registered JSON file (the scores step's parameters, the ranked countries), one line if it is bad."""
    import json

    file = path(name, out)
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DatasetError(
            f"{paths.rel(file)}: missing (made by the {get(name).producer} step); {rebuild_hint(out)}"
        ) from None
    except (UnicodeDecodeError, json.JSONDecodeError, OSError) as exc:
        raise DatasetError(f"{paths.rel(file)}: not valid JSON ({type(exc).__name__}); {rebuild_hint(out)}") from None
    if not isinstance(data, dict):
        raise DatasetError(f"{paths.rel(file)}: not a JSON object; {rebuild_hint(out)}")
    return data


def write_parquet(df: pl.DataFrame, file: Path) -> Path:
    """The one way the build writes a parquet file (compression and statistics fixed: outputs are compared
    byte for byte)."""
    file.parent.mkdir(parents=True, exist_ok=True)
    df.write_parquet(file, compression="zstd", statistics=True)
    return file


def write(name: str, df: pl.DataFrame, root: Path, out: paths.OutputSet | None = None) -> Path:
    """Stage a registered table under a step's staging root (published with the step's other outputs), after
    checking its structure so that no step publishes a table its readers would reject."""
    from ecresearch.pipeline.atomic import staged

    target = path(name, out)
    problem = structure_problem(name, df)
    if problem:
        raise DatasetError(f"{paths.rel(target)}: does not match the {name} schema: {problem}")
    return write_parquet(df, staged(root, target))


def stage(name: str, value, root: Path, out: paths.OutputSet | None = None) -> None:
    """Stage what a step returned for a registered dataset: a table (checked against its schema), a text, or
    a folder's tables by file name. The engine calls it, so a stage's core only returns named results."""
    from ecresearch.pipeline.atomic import staged, write_text

    d = get(name)
    if d.kind == "parquet" and isinstance(value, pl.DataFrame):
        write(name, value, root, out)
    elif d.kind == "text" and isinstance(value, str):
        write_text(staged(root, path(name, out)), value)
    elif d.kind == "folder" and isinstance(value, dict) and all(isinstance(v, pl.DataFrame) for v in value.values()):
        for file, df in value.items():
            write_parquet(df, staged(root, path(name, out) / file))
    else:
        raise DatasetError(f"dataset {name!r} is a {d.kind}; a step returned a {type(value).__name__} for it")


# ── the data dictionary ───────────────────────────────────────────────────────────────────────


def dictionary_lines() -> list[str]:
    """The data dictionary's tables and columns (Markdown lines), from the registry: every published table under
    data/processed with its description, producer and key, then the columns of every typed table."""
    tables = [
        d for d in REGISTRY.values() if d.kind in ("parquet", "folder") and d.producer is not None and _in_processed(d)
    ]
    lines = ["## Tables", ""]
    for d in tables:
        key = f"; key {', '.join(d.key)}" if d.key else ""
        lines.append(f"- `{_shown(d)}` ({d.producer} step{key}): {d.description}")
    typed: dict[int, list[Dataset]] = {}
    for d in tables:
        if d.columns is not None:
            typed.setdefault(id(d.columns), []).append(d)  # tables sharing one declaration share one section
    for group in typed.values():
        names = " and ".join(d.name if d.kind == "parquet" else _shown(d) for d in group)
        lines += ["", f"## Columns of {names}", "", "| column | type | meaning |", "| --- | --- | --- |"]
        lines += [f"| {c} | {col.polars()} | {col.description} |" for c, col in (group[0].columns or {}).items()]
    return lines


def _in_processed(d: Dataset) -> bool:
    return paths.PROCESSED in path(d.name).parents


def _shown(d: Dataset) -> str:
    rel = path(d.name).relative_to(paths.PROCESSED).as_posix()
    return f"{rel}/*.parquet" if d.kind == "folder" else rel


def processed_tables() -> dict[str, Dataset]:
    """The main build's tables under data/processed by their path there (``figures/*.parquet`` for a folder
    of tables): how ``ecresearch diff`` names the tables of a build."""
    return {_shown(d): d for d in REGISTRY.values() if d.kind in ("parquet", "folder") and _in_processed(d)}
