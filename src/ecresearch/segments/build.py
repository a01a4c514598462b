"""The segments step: per market and product category, every sourced line that speaks to it — demand evidence
(the deck's category figures and notes, external rows), the rules that apply (the rules register with each
rule's status as of ``as_of``, the deck's certification checklist), programme eligibility and the partner
sites that sell it. A row that bars the category in a market (a rule in force, a programme's exclusion on its
route) says so in ``barred``: the ranking view flags it, never scores it as open."""

from __future__ import annotations

import re

import polars as pl

from ecresearch import datasets
from ecresearch.report.rules import register
from ecresearch.segments.catalogue import Catalogue, load

BARRING_STATUSES = ("in_force", "check_again")  # a rule that may still apply bars (never silently open)
DECK_DIR = "data/raw/deck/"
TRAILING_LIST = re.compile(r"（([^（）]+)）\s*$")  # a checklist item's products: 'FDA（食品、化粧品）'


def _row(**values) -> dict:
    base = dict.fromkeys(datasets.SEGMENT_COLUMNS)
    base.update(barred=False)
    base.update(values)
    return base


def deck_title(snapshots: pl.DataFrame) -> str:
    """The deck's title as its sidecar gives it (without the note in brackets): how deck rows cite it."""
    title = snapshots.filter(pl.col("file").str.starts_with(DECK_DIR))["title"].item()
    return title.split(" (")[0]


def category_figures(catalogue_table: pl.DataFrame, cat: Catalogue) -> pl.DataFrame:
    """The deck figures that break their values down by product category (their title says so)."""
    return catalogue_table.filter(pl.col("title_ja").str.contains(cat.figure_title_marker, literal=True))


def figure_rows(figures: pl.DataFrame, catalogue_table: pl.DataFrame, cat: Catalogue) -> list[dict]:
    figs = category_figures(catalogue_table, cat).select("figure_id", "title_ja", "title_en")
    data = figures.join(figs, on="figure_id").filter(pl.col("value").is_not_null()).sort("figure_id", "order")
    rows = []
    for r in data.iter_rows(named=True):
        hit = cat.category_of(r["category_ja"])
        if hit is None:
            continue  # an unmapped word: tests/test_categories.py names it
        rows.append(
            _row(
                iso3=r["iso3"],
                category=hit[0],
                aspect="demand",
                item=r["figure_id"],
                word=r["category_ja"],
                text_ja=f"{r['title_ja']}: {r['category_ja']}",
                text_en=f"{r['title_en']}: {r['category_en']}",
                value=r["value"],
                unit=r["unit"],
                period=r["period"],
                effect="evidence",
                source=r["source"],
                vintage=r["vintage"],
                url=r["url"],
                slide=r["slide"],
                line_start=r["line_start"],
            )
        )
    return rows


def external_rows(external: pl.DataFrame, cat: Catalogue) -> list[dict]:
    """External rows about a category (their entity is a category word); weak sources (grade C) never count."""
    usable = external.filter(pl.col("source_grade").fill_null("B") != "C")
    rows = []
    for r in usable.iter_rows(named=True):
        hit = cat.category_of(r["entity"])
        if hit is None:
            continue
        rows.append(
            _row(
                iso3=r["country_iso3"],
                category=hit[0],
                aspect="demand",
                item=r["topic"],
                word=r["entity"],
                text_en=r["metric"],
                value=r["value"],
                unit=r["unit"],
                period=r["period"],
                effect="evidence",
                source=r["source_title"],
                vintage=r["vintage"],
                url=r["source_url"],
                snapshot=r["snapshot"],
                record=r["csv_line"],
            )
        )
    return rows


def words_in(text: str, cat: Catalogue) -> list[str]:
    """The category words a sentence names, longest first and never inside a longer one it also names."""
    found: list[str] = []
    taken: list[tuple[int, int]] = []
    for w in sorted(set(cat.all_mapped_words()), key=len, reverse=True):
        for m in re.finditer(re.escape(w), text):
            if not any(a <= m.start() < b for a, b in taken):
                taken.append((m.start(), m.end()))
                found.append(w)
                break
    return found


def note_rows(passages: pl.DataFrame, cat: Catalogue, deck: str) -> list[dict]:
    rows = []
    for r in passages.filter(pl.col("kind") == "note").sort("line_start").iter_rows(named=True):
        seen = set()  # a sentence is one piece of evidence per category, however many of its words it names
        for w in words_in(r["text_ja"], cat):
            mapped = cat.category_of(w)
            if mapped is None or mapped[0] in seen:  # words_in returns mapped words only
                continue
            seen.add(mapped[0])
            rows.append(
                _row(
                    iso3=r["iso3"],
                    category=mapped[0],
                    aspect="demand",
                    item="note",
                    word=w,
                    text_ja=r["text_ja"],
                    effect="evidence",
                    source=deck,
                    slide=r["slide"],
                    line_start=r["line_start"],
                )
            )
    return rows


def checklist_rows(passages: pl.DataFrame, cat: Catalogue, deck: str) -> list[dict]:
    """The deck's certification checklist: the products in brackets need the certification first."""
    rows = []
    items = passages.filter(
        (pl.col("kind") == "checklist")
        & ((pl.col("category") == "certification") | pl.col("key").is_in(list(cat.checklist)))
    )
    for r in items.sort("line_start", "iso3").iter_rows(named=True):
        declared = cat.checklist.get(r["key"])
        m = TRAILING_LIST.search(r["text_ja"])
        if declared is None and not m:
            continue  # a general question, not about products
        words = declared[0].names if declared else re.split(r"[、・]", m.group(1)) if m else []
        for w in words:
            w = re.sub(r"(?:等|など)$", "", w.strip())
            hit = cat.category_of(w)
            if hit is None:
                continue
            rows.append(
                _row(
                    iso3=r["iso3"],
                    category=hit[0],
                    aspect="rule",
                    item=r["key"],
                    word=w,
                    text_ja=r["text_ja"],
                    text_en=r["en"],
                    effect=declared[0].effect if declared else "requires",
                    source=deck,
                    slide=r["slide"],
                    line_start=r["line_start"],
                )
            )
    return rows


def rule_rows(rules: pl.DataFrame, cat: Catalogue, as_of: str, recheck_days: int) -> list[dict]:
    """The register's product rules per market, as the report's register states them (one item per rule,
    its status as of ``as_of``), under each product they name."""
    rows = []
    for iso3 in sorted(rules["country_iso3"].unique()):
        for item in register(rules, iso3, as_of, recheck_days):
            topic = cat.rule_topics.get(item["topic"])
            if topic is None:
                continue  # a general rule (every category), or one not classified yet (a test names it)
            src = item["sources"][0]
            for name in topic.names:
                hit = cat.category_of(name)
                if hit is None:
                    continue
                rows.append(
                    _row(
                        iso3=iso3,
                        category=hit[0],
                        aspect="rule",
                        item=item["topic"],
                        word=name,
                        text_ja=item["summary_ja"],
                        text_en=item["summary_en"],
                        period=item["effective"],
                        effect=topic.effect,
                        status=item["status"],
                        barred=topic.effect == "bars" and item["status"] in BARRING_STATUSES,
                        source=src["source_title"] or src["snapshot"],
                        vintage=src["vintage"],
                        url=src["source_url"],
                        snapshot=src["snapshot"],
                        record=src["record"],
                    )
                )
    return rows


def programme_rows(programmes: pl.DataFrame, cat: Catalogue, deck: str) -> list[dict]:
    """Each programme's eligible and excluded categories (an exclusion bars the category on that route; one of
    a part of the category restricts it) and its partner sites' categories."""
    rows = []
    for r in programmes.iter_rows(named=True):
        if r["word"] in cat.all_words:
            hits = [(k, False) for k in cat.keys()]
        else:
            hit = cat.category_of(r["word"])
            hits = [] if hit is None else [hit]
        for key, partial in hits:
            excluded = r["role"] == "excluded"
            if r["platform"] is not None:
                aspect, effect = "platform", "sells"
            elif excluded:
                aspect, effect = "programme", "restricts" if partial else "excluded"
            else:
                aspect, effect = "programme", "eligible"
            rows.append(
                _row(
                    iso3=r["iso3"],
                    category=key,
                    aspect=aspect,
                    item=r["platform"] or r["programme"],
                    word=r["word"],
                    text_ja=r["text_ja"],
                    effect=effect,
                    barred=excluded and not partial,
                    route=r["programme"],
                    source=deck,
                    slide=r["slide"],
                    line_start=r["line_start"],
                )
            )
    return rows


def segments(tables: dict[str, pl.DataFrame], as_of: str, recheck_days: int) -> pl.DataFrame:
    """The segments table from the clean step's tables (by dataset name)."""
    cat = load()
    deck = deck_title(tables["snapshots"])
    rows = (
        figure_rows(tables["deck_figures"], tables["catalogue"], cat)
        + external_rows(tables["external_figures"], cat)
        + note_rows(tables["deck_passages"], cat, deck)
        + checklist_rows(tables["deck_passages"], cat, deck)
        + rule_rows(tables["market_rules"], cat, as_of, recheck_days)
        + programme_rows(tables["programme_categories"], cat, deck)
    )
    schema = datasets.dtypes("category_segments")
    df = pl.DataFrame(rows, schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)
    order = {k: i for i, k in enumerate(cat.keys())}
    aspects = {a: i for i, a in enumerate(datasets.ASPECTS)}
    df = df.with_row_index("_n").sort(
        pl.col("iso3"),
        pl.col("category").replace_strict(order, return_dtype=pl.Int32),
        pl.col("aspect").replace_strict(aspects, return_dtype=pl.Int32),
        "_n",
    )
    position = pl.int_range(1, pl.len() + 1).over("iso3", "category", "aspect").cast(pl.Int32)
    return df.drop("_n").with_columns(position.alias("position")).select(list(schema))


READS = ("deck_figures", "catalogue", "external_figures", "deck_passages", "market_rules", "programme_categories",
         "snapshots")  # fmt: skip


def build(as_of: str, recheck_days: int) -> dict:
    """The step's output by dataset name (the engine validates and publishes it)."""
    tables = {name: datasets.read(name) for name in READS}
    return {"category_segments": segments(tables, as_of, recheck_days)}
