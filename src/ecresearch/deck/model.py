"""The vocabulary of figure descriptions: series, categories, cells and external links.

A figure description (see figures.py) is data: it names where the figure is in the deck, how to
read its tokens, and what its numbers mean. Readers (readers.py) turn it into cells.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from ecresearch.deck.slides import Line


@dataclass(frozen=True)
class Series:
    """One measured quantity of a figure (e.g. EC sales 2021)."""

    key: str
    ja: str
    en: str
    unit: str  # base unit of the values: USD, CNY, persons, minutes, percent, rank, visits, text
    period: str
    scale: int = 1  # printed numbers × scale = base value (10**9 for 十億ドル)


class Reader(Protocol):
    """What readers.py's readers have in common: cells from a figure's lines."""

    def read(self, fig: Figure, lines: list[Line]) -> list[Cell]: ...


@dataclass(frozen=True)
class Cat:
    """A category as printed (``ja``). ``ja=None`` means the deck text lost the label."""

    ja: str | None
    en: str | None = None  # None: taken from the country resolver
    country: bool = False
    iso3: str | None = None  # a code given by the description (e.g. an average of six countries)


@dataclass
class Cell:
    """One number (or text) read from the deck, with where it was read."""

    series: str
    category: Cat
    printed: str | None
    value: Decimal | None
    lines: tuple[int, ...]
    status: str = "printed"  # printed | stated_in_text | missing | unidentified_label
    note: str | None = None
    order: int = 0
    approx: bool = False
    text: str | None = None  # for text tables
    column: str | None = None  # for text tables: the column the text belongs to (None: not separable)


@dataclass(frozen=True)
class ExternalFill:
    """External rows that fill a gap in a figure (origin 'external', flagged with vintage)."""

    topic: str
    metric: str
    series: str  # which series of the figure they fill
    category_from: str = "period"  # 'period' | 'entity' | 'iso3'
    note: str = ""
    iso3: str | None = None  # restrict to one country
    period: str | None = None  # restrict to one period


@dataclass(frozen=True)
class DeckFill:
    """Values another deck figure prints for the same quantity and vintage (e.g. US sales in the top-10 table)."""

    figure: str
    series: str
    iso3: str
    to_series: str
    to_category: str  # the category (a period) in this figure


@dataclass(frozen=True)
class LabelByValue:
    """Bars whose labels were lost: name them from external rows of one edition with the same value."""

    topic: str
    metric: str


@dataclass(frozen=True)
class ExternalCompare:
    """Deck values to compare with external rows of the same country and period."""

    topic: str
    metric: str
    series: str
    tolerance: float = 0.05


@dataclass(frozen=True)
class Scored:
    """A deck series the target-country scoring uses: for which pillar, as which indicator, and the edition
    the deck's numbers come from (deck rows carry no edition of their own)."""

    pillar: str
    indicator: str
    series: str | None  # None: every row of the figure (with its world-average row as the reference)
    edition: str
    period: str


@dataclass(frozen=True)
class GrowthCheck:
    """growth (percent) should equal level[later]/level[earlier] - 1."""

    growth_series: str
    earlier: str
    later: str
    tolerance_pp: float = 0.1
    # When set, earlier/later are categories of this level series (growth printed once, beside a chart).
    level_series: str | None = None


@dataclass(frozen=True)
class WeightedMeanCheck:
    """A total series should be the n-weighted mean of its part series."""

    total: str | None  # series key of the total, or None when the total is a stated cell
    parts: tuple[tuple[str, str], ...]  # (series key, category ja of its sample size in series "n")
    tolerance_pp: float = 0.15
    stated_total: tuple[str, str] | None = None  # (series, category ja) of a total printed in the text
    category: str | None = None  # restrict to one category


@dataclass(frozen=True)
class PartsCheck:
    """A parent value should equal the sum of its parts (across figures allowed)."""

    parent: tuple[str, str, str]  # (figure id, series, category ja)
    parts: tuple[tuple[str, str, str], ...]
    tolerance: float = 0.15
    relation: str = "sum"  # 'sum' | 'difference' (parts[0] - parts[1])


@dataclass(frozen=True)
class RegionMeanCheck:
    """A region's growth should lie near the sales-weighted growth of its listed members."""

    region: str  # category ja in this figure
    members_figure: str
    members: tuple[str, ...]  # iso3 codes
    level_earlier: str
    level_later: str
    tolerance_pp: float = 0.3


@dataclass(frozen=True)
class PairTotalCheck:
    """The deck prints a subtotal (計59.7％) of unnamed slices: find which slices make it up."""

    series: str
    total: Decimal
    line: int | None = None


@dataclass(frozen=True)
class MeanCheck:
    """A printed average should be the plain mean of the listed members (or say it is not)."""

    series: str
    average: str  # category ja of the average
    tolerance_pp: float = 0.5


@dataclass(frozen=True)
class Figure:
    id: str
    title_ja: str
    title_en: str
    kind: str  # bar | grouped_bar | line | pie | hbar | ranking_table | text_table
    anchor: str
    series: tuple[Series, ...]
    reader: Reader | None
    source_ja: str | None  # as printed (verified in the text); None: the slide prints no source
    status: str  # deck | deck+external | partial | external | not_reproducible
    note_en: str = ""
    until: str | None = None
    region: str = "from_anchor"  # from_anchor | slide: where the reader's text starts
    anchor_occurrence: int = 1
    source_en: str = ""
    unit_ja: str = ""
    shares_total: float | None = None
    fills: tuple[ExternalFill, ...] = ()
    compares: tuple[ExternalCompare, ...] = ()
    checks: tuple[object, ...] = ()
    section: str = ""
    countries: bool = False  # categories are countries/regions: resolve to iso3
    iso3: str | None = None  # the market the figure is about (CHN, USA, SEA, JPN, WLD)
    deck_fills: tuple[DeckFill, ...] = ()
    label_by_value: LabelByValue | None = None
    chart: dict = field(default_factory=dict)  # chart options: orientation, sort, highlightable
    scored: tuple[Scored, ...] = ()  # the series the scoring reads (scores/indicators.py looks them up here)

    def series_by_key(self, key: str) -> Series:
        for s in self.series:
            if s.key == key:
                return s
        raise KeyError(f"figure {self.id!r} has no series {key!r}")
