"""Build the processed tables from the raw deck text and the external figures.

``extract_all`` applies every figure description (deck/figures.py) to the deck, fills the gaps the
descriptions name from the external figures (flagged, with their vintage), and returns one long
table of every number plus a table of text-table cells. Every row says where it came from:
figure, slide, raw line numbers, origin (deck / external), source, vintage and URL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from ecresearch import datasets, paths
from ecresearch.countries import resolve
from ecresearch.deck.figures import FIGURES
from ecresearch.deck.model import Cat, Cell, Figure, Series
from ecresearch.deck.slides import Deck, Line
from ecresearch.deck.tokens import parse_quantity
from ecresearch.domain import units
from ecresearch.errors import CountryError, EcresearchError, ExtractionError
from ecresearch.snapshots.raw import citable

# polars dtypes of the two tables, derived from their registered schemas (declared once, in datasets.py)
LONG_SCHEMA: dict[str, pl.DataType] = datasets.dtypes("deck_figures")
TEXT_SCHEMA: dict[str, pl.DataType] = datasets.dtypes("text_tables")

UNIDENTIFIED_JA, UNIDENTIFIED_EN = "（不明）", "unidentified"


@dataclass(frozen=True)
class Extracted:
    figures: pl.DataFrame  # long table of every number
    text_cells: pl.DataFrame  # cells of text tables
    external: pl.DataFrame  # typed external figures
    slides: dict[str, int]  # figure id → slide of its anchor (also for figures without values)


def region_lines(fig: Figure, deck: Deck) -> tuple[list[Line], int]:
    """The lines a figure's reader sees, and the slide number of its anchor."""
    hits = deck.find(fig.anchor)
    if len(hits) < fig.anchor_occurrence:
        raise ExtractionError(fig.id, f"anchor text {fig.anchor!r} not found", file=deck.file)
    anchor = hits[fig.anchor_occurrence - 1]
    slide = deck.slide_of(anchor.number)
    start = slide.first_line if fig.region == "slide" else anchor.number
    end = slide.lines[-1].number
    if fig.until:
        after = [l for l in deck.lines if l.number > anchor.number and fig.until in l.text]
        if not after:
            raise ExtractionError(
                fig.id, f"end text {fig.until!r} not found after the anchor", file=deck.file, line=anchor.number
            )
        end = after[0].number - 1
    lines = [l for l in deck.lines if start <= l.number <= end]
    if fig.source_ja:
        span = "".join(l.text for l in deck.lines if slide.first_line <= l.number <= max(end, slide.lines[-1].number))
        if fig.source_ja.replace(" ", "") not in span.replace(" ", "").replace("\n", ""):
            raise ExtractionError(
                fig.id, f"source {fig.source_ja!r} not found on the slide", file=deck.file, line=slide.first_line
            )
    return lines, slide.number


def _page(deck: Deck, slide_no: int) -> int | None:
    return deck.slides[slide_no - 1].page


def _category(fig: Figure, cat: Cat, line: int | None, deck: Deck) -> tuple[str, str, str | None]:
    if cat.ja is None:
        return UNIDENTIFIED_JA, UNIDENTIFIED_EN, None
    if cat.iso3:
        return cat.ja, cat.en or cat.ja, cat.iso3
    if cat.country:
        try:
            c = resolve(cat.ja)
        except CountryError as exc:
            raise ExtractionError(fig.id, str(exc), file=deck.file, line=line) from None
        return cat.ja, cat.en or c.name_en, c.iso3
    if cat.en is None:
        raise ExtractionError(fig.id, f"category {cat.ja!r} has no English label", file=deck.file, line=line)
    return cat.ja, cat.en, None


def _check_unit(fig: Figure, cell: Cell, deck: Deck) -> None:
    if cell.printed is None or cell.value is None:
        return
    s = fig.series_by_key(cell.series)
    try:
        unit = parse_quantity(cell.printed.split("：")[-1]).unit
    except ValueError:
        return  # durations, stated phrases: the reader already parsed them
    if unit and unit != s.unit:
        raise ExtractionError(
            fig.id,
            f"{cell.printed!r} is in {unit}, series {s.key!r} expects {s.unit}",
            file=deck.file,
            line=cell.lines[0] if cell.lines else None,
        )


def _where(fig: Figure, s: Series, slide_no: int, deck: Deck) -> dict:
    """The columns that place a value: its figure, slide, page and series (the first columns of every row)."""
    return {
        "figure_id": fig.id,
        "section": fig.section,
        "slide": slide_no,
        "page": _page(deck, slide_no),
        "series": s.key,
        "series_ja": s.ja,
        "series_en": s.en,
    }


def _deck_rows(fig: Figure, cells: list[Cell], slide_no: int, deck: Deck) -> list[dict]:
    rows = []
    for cell in cells:
        s = fig.series_by_key(cell.series)
        line = cell.lines[0] if cell.lines else None
        cat_ja, cat_en, iso3 = _category(fig, cell.category, line, deck)
        _check_unit(fig, cell, deck)
        status = cell.status if cell.category.ja is not None or cell.status == "missing" else "unidentified_label"
        rows.append(
            {
                **_where(fig, s, slide_no, deck),
                "category_ja": cat_ja,
                "category_en": cat_en,
                "iso3": iso3 if iso3 else (fig.iso3 if not fig.countries else None),
                "order": cell.order,
                "period": cat_ja if s.period == "*" else s.period,
                "value": float(cell.value) if cell.value is not None else None,
                "unit": s.unit,
                "printed": re.sub(r"\s+", " ", cell.printed) if cell.printed else None,
                "approx": cell.approx,
                "origin": "deck",
                "status": status,
                "line_start": min(cell.lines) if cell.lines else None,
                "line_end": max(cell.lines) if cell.lines else None,
                "source": fig.source_ja or fig.source_en,
                "vintage": None,
                "url": None,
                "note": cell.note,
            }
        )
    return rows


def _snapshot_file(ext: dict) -> str:
    """The raw file an external row came from (each snapshot in data/raw/external/, not only the founding one)."""
    return paths.rel(paths.EXTERNAL_DIR / ext["snapshot"])


def _external_row(
    fig: Figure, series_key: str, ext: dict, category_from: str, order: int, slide_no: int, deck: Deck, note: str = ""
) -> dict:
    s = fig.series_by_key(series_key)
    try:
        conv = units.published(ext["unit"])
    except units.UnitError as exc:
        raise ExtractionError(fig.id, str(exc), file=_snapshot_file(ext), line=ext["csv_line"]) from None
    unit, mult = conv.base, conv.multiplier
    if unit != s.unit:
        raise ExtractionError(
            fig.id,
            f"external row is in {ext['unit']}, series {s.key!r} expects {s.unit}",
            file=_snapshot_file(ext),
            line=ext["csv_line"],
        )
    if category_from == "period":
        cat_ja = cat_en = ext["period"]
        iso3 = ext["country_iso3"]
    elif category_from == "iso3":
        c = resolve(ext["country_iso3"])
        cat_ja, cat_en, iso3 = c.name_ja, c.name_en, c.iso3
    else:
        cat_ja = cat_en = ext["entity"]
        iso3 = ext["country_iso3"]
    notes = [n for n in (note, ext["note"], f"external CSV line {ext['csv_line']}") if n]
    return {
        **_where(fig, s, slide_no, deck),
        "category_ja": cat_ja,
        "category_en": cat_en,
        "iso3": iso3,
        "order": order,
        "period": ext["period"],
        "value": ext["value"] * mult,
        "unit": unit,
        "printed": None,
        "approx": False,
        "origin": "external",
        "status": f"external_{ext['status']}",
        "line_start": None,
        "line_end": None,
        "source": ext["source_title"],
        "vintage": ext["vintage"],
        "url": ext["source_url"],
        "note": "; ".join(notes),
    }


def _fills(fig: Figure, external: pl.DataFrame, slide_no: int, deck: Deck, start_order: int) -> list[dict]:
    rows = []
    order = start_order
    for fill in fig.fills:
        sel = external.filter((pl.col("topic") == fill.topic) & (pl.col("metric") == fill.metric))
        if fill.iso3:
            sel = sel.filter(pl.col("country_iso3") == fill.iso3)
        if fill.period:
            sel = sel.filter(pl.col("period") == fill.period)
        if sel.height == 0:
            raise ExtractionError(
                fig.id,
                f"no external rows for topic {fill.topic!r}, metric {fill.metric!r}",
                file=paths.rel(paths.EXTERNAL_DIR),  # no row to blame: every snapshot was searched
            )
        for ext in citable(sel).sort("period", "snapshot", "csv_line").iter_rows(named=True):
            order += 1
            rows.append(_external_row(fig, fill.series, ext, fill.category_from, order, slide_no, deck, fill.note))
    return rows


def _deck_fills(fig: Figure, done: list[dict], slide_no: int, deck: Deck) -> list[dict]:
    rows = []
    for i, fill in enumerate(fig.deck_fills, start=1):
        src = [
            r for r in done if r["figure_id"] == fill.figure and r["series"] == fill.series and r["iso3"] == fill.iso3
        ]
        if len(src) != 1:
            raise ExtractionError(fig.id, f"deck fill from {fill.figure}/{fill.series}/{fill.iso3}: {len(src)} rows")
        s = fig.series_by_key(fill.to_series)
        r = dict(src[0])
        r.update(
            {
                **_where(fig, s, slide_no, deck),
                "category_ja": fill.to_category,
                "category_en": fill.to_category,
                "iso3": fill.iso3,
                "order": i,
                "period": fill.to_category,
                "status": "printed_elsewhere",
                "note": f"printed in figure {fill.figure} (slide {src[0]['slide']}), same source and vintage",
            }
        )
        rows.append(r)
    return rows


def _label_by_value(fig: Figure, rows: list[dict], external: pl.DataFrame) -> None:
    """Name bars whose labels were lost from external rows of one edition with the same value."""
    rule = fig.label_by_value
    if rule is None:
        return
    ext = external.filter((pl.col("topic") == rule.topic) & (pl.col("metric") == rule.metric))
    for row in rows:
        if row["status"] != "unidentified_label" or row["value"] is None:
            continue
        match = ext.filter(pl.col("value") == row["value"])
        if match.height == 1:
            m = match.row(0, named=True)
            c = resolve(m["country_iso3"])
            row.update(
                {
                    "category_ja": c.name_ja,
                    "category_en": c.name_en,
                    "iso3": c.iso3,
                    "status": "label_external",
                    "vintage": m["vintage"],
                    "url": m["source_url"],
                    "note": f"label matched by value to {m['source_title']} ({m['vintage']}, CSV line {m['csv_line']})"
                    + (f"; {m['note']}" if m["note"] else ""),
                }
            )
        else:
            row["note"] = f"no single {rule.topic} row has this value ({match.height} candidates): label unidentified"


def _text_rows(fig: Figure, cells: list[Cell], slide_no: int) -> list[dict]:
    return [
        {
            "figure_id": fig.id,
            "slide": slide_no,
            "order": c.order,
            "row_ja": c.category.ja,
            "row_en": c.category.en,
            "column": c.column,
            "text": c.text,
            "line_start": min(c.lines) if c.lines else None,
            "line_end": max(c.lines) if c.lines else None,
            "note": c.note,
        }
        for c in cells
    ]


def _merge_missing(rows: list[dict]) -> list[dict]:
    """A value stated elsewhere on the slide replaces the 'missing' placeholder of the same cell."""
    have = {
        (r["series"], r["category_ja"]) for r in rows if r["value"] is not None and r["category_ja"] != UNIDENTIFIED_JA
    }
    return [r for r in rows if not (r["status"] == "missing" and (r["series"], r["category_ja"]) in have)]


def external_table(external: pl.DataFrame) -> pl.DataFrame:
    """External figures, typed, each country code checked and named."""

    def _name(code: str) -> str:
        try:
            return resolve(code).name_en
        except CountryError as exc:
            r = external.filter(pl.col("country_iso3") == code).row(0, named=True)
            raise EcresearchError(f"{_snapshot_file(r)}: line {r['csv_line']}: {exc}") from None

    names = {code: _name(code) for code in external["country_iso3"].unique().sort().to_list()}
    return external.with_columns(
        pl.col("country_iso3").replace_strict(names, return_dtype=pl.String).alias("country_name_en")
    ).sort("snapshot", "csv_line")


def extract_figure(
    fig: Figure, deck: Deck, external: pl.DataFrame, done: list[dict]
) -> tuple[list[dict], list[dict], int]:
    if fig.reader is None:
        hits = deck.find(fig.anchor)
        if not hits:
            raise ExtractionError(fig.id, f"anchor text {fig.anchor!r} not found", file=deck.file)
        slide_no = deck.slide_of(hits[0].number).number
        cells: list[Cell] = []
    else:
        lines, slide_no = region_lines(fig, deck)
        cells = fig.reader.read(fig, lines)
    text_cells = [c for c in cells if c.text is not None and fig.series_by_key(c.series).unit == "text"]
    numeric = [c for c in cells if c not in text_cells]
    rows = _deck_rows(fig, numeric, slide_no, deck)
    rows = _merge_missing(rows)
    _label_by_value(fig, rows, external)
    rows += _deck_fills(fig, done, slide_no, deck)
    rows += _fills(fig, external, slide_no, deck, start_order=max([r["order"] for r in rows], default=0))
    return rows, _text_rows(fig, text_cells, slide_no), slide_no


def extract_all(deck: Deck, external: pl.DataFrame, figures=FIGURES) -> Extracted:
    ids = [f.id for f in figures]
    if len(ids) != len(set(ids)):
        raise EcresearchError(f"duplicate figure ids in the catalogue: {sorted({i for i in ids if ids.count(i) > 1})}")
    all_rows: list[dict] = []
    text_rows: list[dict] = []
    slides: dict[str, int] = {}
    for fig in figures:
        rows, texts, slides[fig.id] = extract_figure(fig, deck, external, all_rows)
        all_rows += rows
        text_rows += texts
    long = pl.DataFrame(all_rows, schema=LONG_SCHEMA, orient="row") if all_rows else pl.DataFrame(schema=LONG_SCHEMA)
    fig_order = {fid: i for i, fid in enumerate(ids)}
    series_order = {f"{f.id}/{s.key}": i for f in figures for i, s in enumerate(f.series)}
    long = (
        long.with_columns(
            pl.col("figure_id").replace_strict(fig_order, return_dtype=pl.Int32).alias("_fig"),
            (pl.col("figure_id") + "/" + pl.col("series"))
            .replace_strict(series_order, return_dtype=pl.Int32)
            .alias("_ser"),
        )
        .sort("_fig", "_ser", "order", "category_ja", "period", maintain_order=True)
        .drop("_fig", "_ser")
    )
    text_table = pl.DataFrame(text_rows, schema=TEXT_SCHEMA, orient="row")
    return Extracted(long, text_table, external_table(external), slides)
