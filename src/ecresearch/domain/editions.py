"""How periods and editions name their years: one parser for the raw-data checks, the scoring's choice of the
nearest year and newest edition, and the charts' time axes.

A year is 19xx or 20xx standing on its own (not part of a longer number). A period *starts* with its year
('2021', '2020-06', '2021Q2', '2023-01..09', 'FY2022-23', '2020/21'); an edition (vintage) may name it anywhere,
and names the year of its newest data when it names several ('Meritz 2021 (via ..., Feb 2023)' → 2023)."""

from __future__ import annotations

import re

_YEAR = r"(?:19|20)\d\d"
_NAMED = re.compile(rf"(?<!\d)({_YEAR})(?!\d)")
_LEADING = re.compile(rf"^(?:FY)?({_YEAR})(?!\d)")
_POINT = re.compile(rf"^(?:FY)?(?P<y>{_YEAR})(?:(?:-(?P<m>\d\d))|(?:Q(?P<q>[1-4])))?$")


def year_of(period: str) -> int | None:
    """The year a period label starts with, or None ('unstated', a label that is not a period)."""
    m = _LEADING.match(str(period).strip())
    return int(m[1]) if m else None


def period_position(label: str) -> float | None:
    """A period label as a point in time (years): '2021' → 2021, '2020-06' → 2020.42, '2021Q2' → 2021.25; None
    for anything else (ranges such as '2020/21' are not one point)."""
    m = _POINT.match(str(label).strip())
    if not m:
        return None
    y = float(m["y"])
    if m["m"]:
        return y + (int(m["m"]) - 1) / 12
    if m["q"]:
        return y + (int(m["q"]) - 1) / 4
    return y


def names_year(vintage: str) -> bool:
    """Whether an edition names a year, so it can be ordered among the others."""
    return _NAMED.search(vintage) is not None


def edition_year(vintage: str, default: int | None = None) -> int:
    """The newest year an edition names ('Digital 2024' → 2024). One that names none ('CNNIC') is ``default``,
    or a ValueError when no default is given."""
    years = [int(y) for y in _NAMED.findall(vintage)]
    if years:
        return max(years)
    if default is None:
        raise ValueError(f"edition {vintage!r} names no year")
    return default
