"""A market's rules register as of a date: each rule with its period and status (in force, ended, not yet in
force, check again), the records a later snapshot corrected left out, and the same rule carried by several
sources listed once with all of them. ``as_of`` is a parameter, never the wall clock."""

from __future__ import annotations

import calendar
import datetime as dt
import re

import polars as pl

STATUS_ORDER = ("in_force", "check_again", "not_yet", "ended")
_DATE = re.compile(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


def period_end(text: str | None) -> dt.date | None:
    """The last day a date as a source states it can mean: '2024' → 2024-12-31, '2023-11' → 2023-11-30."""
    m = _DATE.search(text or "")
    if not m:
        return None
    y, mo, d = int(m.group(1)), m.group(2), m.group(3)
    if d:
        return dt.date(y, int(mo), int(d))
    if mo:
        return dt.date(y, int(mo), calendar.monthrange(y, int(mo))[1])
    return dt.date(y, 12, 31)


_FISCAL = re.compile(r"(\d{2})(\d{2})[-/–](\d{2})")


def _figure_end(period: str | None) -> dt.date | None:
    """The last day of a figure's period: a fiscal year '2022-23' ends in 2023; a date or month as period_end."""
    m = _FISCAL.fullmatch((period or "").strip())
    if m and int(m.group(3)) > 12:
        return dt.date(int(m.group(1) + m.group(3)), 12, 31)
    try:
        return period_end(period)
    except ValueError:  # not a date this reads (a range, a label): never judged old
        return None


def older_than(period: str | None, as_of: str, years: int) -> bool:
    """Whether a figure's period ended more than ``years`` years before ``as_of`` (a parameter, never the clock):
    '2018' is older than 5 years as of 2026-12-01, '2022' is not; no period, or ``years`` 0, is never old."""
    end = _figure_end(period)
    if end is None or years <= 0:
        return False
    day = dt.date.fromisoformat(as_of)
    try:
        cutoff = day.replace(year=day.year - years)
    except ValueError:  # 29 February
        cutoff = day.replace(year=day.year - years, day=28)
    return end < cutoff


def period_start(text: str | None) -> dt.date | None:
    m = _DATE.search(text or "")
    if not m:
        return None
    return dt.date(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1))


def status(rule: dict, as_of: dt.date, recheck_days: int) -> str:
    """Ended (its last day is before ``as_of``), not yet in force, check again (its source was last checked —
    or, without a check date, is dated — more than ``recheck_days`` before ``as_of``), else in force."""
    until = period_end(rule["valid_until"])
    if until is not None and until < as_of:
        return "ended"
    start = period_start(rule["effective"])
    if start is not None and start > as_of:
        return "not_yet"
    checked = period_end(rule["last_checked"] or rule["vintage"])
    if checked is None or (as_of - checked).days > recheck_days:
        return "check_again"
    return "in_force"


def register(rules: pl.DataFrame, iso3: str, as_of: str, recheck_days: int) -> list[dict]:
    """This market's rules as items: topic, effective, valid_until, status, the summaries and every source
    (a rule stated by several sources is one item), ordered by status, then topic and date."""
    day = dt.date.fromisoformat(as_of)
    replaced = set(rules["replaces"].drop_nulls().to_list())
    mine = rules.filter(pl.col("country_iso3") == iso3)
    mine = mine.filter(~(pl.col("snapshot") + ":" + pl.col("record").cast(pl.String)).is_in(list(replaced)))
    items: dict[tuple, dict] = {}
    for r in mine.sort("topic", "effective", "snapshot", "record", nulls_last=True).iter_rows(named=True):
        key = (r["topic"], r["effective"], r["valid_until"])
        item = items.setdefault(
            key,
            {
                "topic": r["topic"],
                "effective": r["effective"],
                "valid_until": r["valid_until"],
                "summary_en": r["summary_en"],
                "summary_ja": r["summary_ja"],
                "sources": [],
                "statuses": [],
            },
        )
        item["sources"].append(r)
        item["statuses"].append(status(r, day, recheck_days))
    out = []
    for item in items.values():
        # a rule is as current as its most recently checked source says
        item["status"] = min(item.pop("statuses"), key=STATUS_ORDER.index)
        out.append(item)
    return sorted(out, key=lambda i: (STATUS_ORDER.index(i["status"]), i["topic"], i["effective"] or ""))


def replaced_count(rules: pl.DataFrame, iso3: str) -> int:
    """How many of this market's records a later snapshot corrected (the register says so in a note)."""
    replaced = set(rules["replaces"].drop_nulls().to_list())
    keys = rules.filter(pl.col("country_iso3") == iso3).select(
        (pl.col("snapshot") + ":" + pl.col("record").cast(pl.String)).alias("k")
    )["k"]
    return sum(1 for k in keys if k in replaced)
