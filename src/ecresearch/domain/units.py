"""Every unit the project knows: the units raw files publish (``pct``, ``billion USD``...), the base units of the
processed tables (``percent``, ``USD``...) and each one's plausible range. A unit's name in a chart is a label:
``unit.<name>`` in the label catalogue.

One list for the raw-file checks, the extraction's conversions, the table schemas and the charts' scale steps: a unit
a raw file may use always has a conversion (a missing one used to end a fill in a bare KeyError), and a value
the raw check accepts is never rejected by the schema (they once disagreed on growth rates above 100 %)."""

from __future__ import annotations

from dataclasses import dataclass

from ecresearch.errors import EcresearchError


class UnitError(EcresearchError):
    """A unit missing from the vocabulary (callers add the file and line)."""


@dataclass(frozen=True)
class Range:
    """Where a value of one kind of quantity is plausible; ``problem`` says why a value is not."""

    low: float | None
    high: float | None
    message: str  # the rule, as an error states it
    whole: bool = False

    def problem(self, value: float) -> str | None:
        if (self.low is not None and value < self.low) or (self.high is not None and value > self.high):
            return self.message
        if self.whole and value != int(value):
            return self.message
        return None


SHARE = Range(0, 100, "a share must be within 0-100")
# a market can grow tenfold in a year from a small base; nothing shrinks by more than all of it
CHANGE = Range(-100, 1000, "a growth rate must be within -100..1000 %")
MINUTES_PER_DAY = Range(0, 24 * 60, "minutes per day must be within 0-1440")
RANK = Range(1, None, "a rank must be a whole number >= 1", whole=True)
LEVEL = Range(0, None, "a level must not be negative")

CHANGE_WORDS = ("growth", "change")


def is_change(text: str) -> bool:
    """A percentage that is a change (growth rate), not a share: named so in its metric or series."""
    return any(w in text.lower() for w in CHANGE_WORDS)


@dataclass(frozen=True)
class BaseUnit:
    """A unit of the processed tables' ``value`` column."""

    name: str  # its name in charts: unit.<name> in the label catalogue
    scaled: bool = False  # charts show it in 兆/十億/百万 (trillion/billion/million) steps
    range: Range = LEVEL


BASE_UNITS: dict[str, BaseUnit] = {
    u.name: u
    for u in (
        BaseUnit("USD", scaled=True),
        BaseUnit("CNY", scaled=True),
        BaseUnit("EUR", scaled=True),
        BaseUnit("CAD", scaled=True),
        BaseUnit("TWD", scaled=True),
        BaseUnit("AUD", scaled=True),
        BaseUnit("JPY"),
        BaseUnit("persons", scaled=True),
        BaseUnit("users", scaled=True),
        BaseUnit("visitors", scaled=True),
        BaseUnit("visits", scaled=True),
        BaseUnit("minutes", range=MINUTES_PER_DAY),
        BaseUnit("percent", range=SHARE),  # CHANGE for growth rates: see value_problem
        BaseUnit("ratio"),
        BaseUnit("rank", range=RANK),
        BaseUnit("firms"),
        BaseUnit("index"),
    )
}


@dataclass(frozen=True)
class PublishedUnit:
    """A unit as raw files write it, and how to convert it: value × multiplier is in ``base``."""

    name: str
    base: str
    multiplier: float = 1.0


PUBLISHED_UNITS: dict[str, PublishedUnit] = {
    u.name: u
    for u in (
        PublishedUnit("pct", "percent"),
        PublishedUnit("minutes", "minutes"),
        PublishedUnit("rank", "rank"),
        PublishedUnit("index", "index"),
        PublishedUnit("trillion USD", "USD", 1e12),
        PublishedUnit("billion USD", "USD", 1e9),
        PublishedUnit("billion EUR", "EUR", 1e9),
        PublishedUnit("million EUR", "EUR", 1e6),
        PublishedUnit("billion CAD", "CAD", 1e9),
        PublishedUnit("billion TWD", "TWD", 1e9),
        PublishedUnit("100 million TWD", "TWD", 1e8),  # 億元, as Taiwanese sources print it
        PublishedUnit("billion AUD", "AUD", 1e9),
        PublishedUnit("trillion CNY", "CNY", 1e12),
        PublishedUnit("million persons", "persons", 1e6),
        PublishedUnit("million users", "users", 1e6),
        PublishedUnit("million visitors", "visitors", 1e6),
        PublishedUnit("million visits", "visits", 1e6),
    )
}
assert all(u.base in BASE_UNITS for u in PUBLISHED_UNITS.values()), "a published unit without its base unit"


def published(name: str) -> PublishedUnit:
    try:
        return PUBLISHED_UNITS[name]
    except KeyError:
        raise UnitError(f"unknown unit {name!r} (known: {', '.join(PUBLISHED_UNITS)})") from None


def base(name: str) -> BaseUnit:
    try:
        return BASE_UNITS[name]
    except KeyError:
        raise UnitError(f"unknown base unit {name!r} (known: {', '.join(BASE_UNITS)})") from None


def value_range(unit: str, *, change: bool = False) -> Range:
    """The plausible range of a value in a base unit; ``change``: a percentage that is a growth rate."""
    return CHANGE if change and unit == "percent" else base(unit).range


def value_problem(published_unit: str, metric: str, value: float) -> str | None:
    """Why a raw value in a published unit is implausible, or None. Ranges apply to the published number:
    every conversion is a positive multiplier, so a level stays a level."""
    return value_range(published(published_unit).base, change=is_change(metric)).problem(value)
