"""Each JETRO programme's product categories as the deck prints them: the lists of eligible and excluded
categories, and the partner sites with the categories they sell. Every list is found in the raw deck text
by its pattern (and fails loudly if the text changes); its words are split as printed, never retyped."""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from ecresearch.clean.passages import ALL, NEW_ITEM, sentence
from ecresearch.deck.slides import Deck, Line
from ecresearch.errors import ExtractionError

TOP_LEVEL_COMMA = "、"
TRAILING = re.compile(r"(?:など|等)?[。．]?$")


@dataclass(frozen=True)
class CategoryList:
    programme: str
    countries: tuple[str, ...] | str  # the markets the list applies to (ALL: every market)
    anchor: str  # finds the line (the first hit)
    pattern: str  # a regex over the item's text: group 'list' (the words), optionally 'platform' and 'shop'
    role: str = "eligible"  # eligible | excluded
    sep: str = TOP_LEVEL_COMMA  # separators of the words (outside brackets)
    span: str = "item"  # item: the line and its wrapped lines; sentence: the whole sentence around it
    platform_line: str | None = None  # the nearest line above starting so names the partner site


LISTS = (
    CategoryList("JAPAN STORE", ("USA", "GBR"), "対象品目：食品", r"対象品目：(?P<list>.+)"),
    CategoryList("JAPAN STORE", ("USA", "GBR"), "※対象外：", r"対象外：(?P<list>.+)", role="excluded"),
    # the UK site's own exclusion: one phrase (its commas are part of it)
    CategoryList(
        "JAPAN STORE", ("GBR",), "脂肪、塩分、糖分が多い食品は", r"では、(?P<list>.+?食品)は", role="excluded", sep=""
    ),
    # the comparison table's row of goods: one column per programme (STREET, MALL, STORE), space-separated
    CategoryList("JAPAN STREET", ALL, "対象商品 全品目", r"^対象商品 (?P<list>\S+) "),
    CategoryList("JAPAN MALL", ALL, "対象商品 全品目", r"^対象商品 \S+ (?P<list>\S+) ", sep="、・"),
    # the partner sites (JAPAN MALL cases): what each sells
    CategoryList(
        "JAPAN MALL",
        ("CHN",),
        "●販売カテゴリー：日本酒",
        r"販売カテゴリー：(?P<list>.+)",
        platform_line="●販売プラットフォーム：",
    ),
    CategoryList(
        "JAPAN MALL",
        ("CHN",),
        "京東内に「日本酒館」にて",
        r"(?P<platform>京東)内に「(?P<shop>[^」]+)」にて(?P<list>[^を]+)を販売",
        span="sentence",
    ),
    CategoryList(
        "JAPAN MALL",
        ("KOR", "SGP", "JPN"),
        "●販売カテゴリー：食品",
        r"販売カテゴリー：(?P<list>.+)",
        platform_line="●販売プラットフォーム：",
    ),
    CategoryList(
        "JAPAN MALL",
        ("USA",),
        "米ニューヨークで日本産調理器具",
        r"で(?P<list>[^で]+?)などを販売する(?P<platform>.+?)と連携",
        sep="・",
        span="sentence",
    ),
    CategoryList(
        "JAPAN MALL",
        ("THA",),
        "タイで2大総合ECプラットフォーム",
        r"最大手の(?P<list>.+?)専門ECサイト（(?P<platform>[^)）]+)",
        sep="",
        span="sentence",
    ),
)

SCHEMA = {
    "programme": pl.String,
    "platform": pl.String,
    "iso3": pl.String,
    "role": pl.String,
    "position": pl.Int32,
    "word": pl.String,
    "text_ja": pl.String,
    "slide": pl.Int32,
    "line_start": pl.Int32,
    "line_end": pl.Int32,
}


def split_words(text: str, sep: str) -> list[str]:
    """The words of a printed list, split at ``sep`` characters outside brackets, 'など'/'等' dropped."""
    text = TRAILING.sub("", text.strip())
    if not sep:
        return [text]
    words, depth, current = [], 0, ""
    for ch in text:
        depth += ch in "（(「"
        depth -= ch in "）)」"
        if ch in sep and depth == 0:
            words.append(current)
            current = ""
        else:
            current += ch
    words.append(current)
    return [w.strip() for w in (TRAILING.sub("", w) for w in words) if w.strip()]


def item_text(deck: Deck, line: Line) -> tuple[str, int, int]:
    """A line and its wrapped continuation lines, up to a blank line or the next item."""
    text, last = line.text.strip(), line.number
    for nxt in deck.lines[line.number :]:
        if not nxt.text.strip() or NEW_ITEM.match(nxt.text):
            break
        text += nxt.text.strip()
        last = nxt.number
    return text, line.number, last


def _platform_above(deck: Deck, line: Line, prefix: str, name: str) -> str:
    for above in reversed(deck.lines[: line.number - 1]):
        if above.text.strip().startswith(prefix):
            return above.text.strip()[len(prefix) :].strip()
    raise ExtractionError(name, f"no line {prefix!r} above line {line.number}", file=deck.file)


def list_rows(deck: Deck, spec: CategoryList) -> list[dict]:
    name = f"programme_categories:{spec.programme}"
    hits = deck.find(spec.anchor)
    if not hits:
        raise ExtractionError(name, f"anchor text {spec.anchor!r} not found", file=deck.file)
    text, first, last = sentence(deck, hits[0]) if spec.span == "sentence" else item_text(deck, hits[0])
    m = re.search(spec.pattern, text)
    if not m:
        raise ExtractionError(name, f"pattern {spec.pattern!r} does not match {text!r}", file=deck.file, line=first)
    groups = m.groupdict()
    platform = " ".join(g for g in (groups.get("platform"), groups.get("shop")) if g) or None
    if spec.platform_line:
        platform = _platform_above(deck, hits[0], spec.platform_line, name)
    words = split_words(m.group("list"), spec.sep)
    countries = [ALL] if spec.countries == ALL else list(spec.countries)
    slide = deck.slide_of(first).number
    return [
        {
            "programme": spec.programme,
            "platform": platform,
            "iso3": c,
            "role": spec.role,
            "position": i,
            "word": w,
            "text_ja": text,
            "slide": slide,
            "line_start": first,
            "line_end": last,
        }
        for c in countries
        for i, w in enumerate(words, start=1)
    ]


def programme_categories(deck: Deck) -> pl.DataFrame:
    """One row per (programme, partner site, market, role, word) the deck prints, with slide and raw lines."""
    rows = [r for spec in LISTS for r in list_rows(deck, spec)]
    return pl.DataFrame(rows, schema=SCHEMA, orient="row")
