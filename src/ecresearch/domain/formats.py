"""Numbers for people: every formatter of the project, one place. Pages use Babel, for the page's locale;
charts, data tables, the terminal and the diff keep Python's own formatting, whose output the committed
files were made with (Babel rounds some halves differently: 2.675 is 2.68 in Babel, 2.67 in Python)."""

from __future__ import annotations

from babel.numbers import format_decimal, format_percent

LOCALES = {"ja": "ja_JP", "en": "en_US"}
SCALES = {"ja": ((1e12, "兆"), (1e8, "億"), (1e4, "万")), "en": ((1e12, " tn"), (1e9, " bn"), (1e6, " m"))}
MISSING = "—"


def _absent(value) -> bool:
    return value is None or value != value  # None or NaN


# ── pages: Babel, in the page's locale ──────────────────────────────────────────────────────────────


def num(value, lang: str = "en", digits: int = 1) -> str:
    if _absent(value):
        return MISSING
    fmt = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return format_decimal(value, format=fmt, locale=LOCALES[lang])


def as_printed(value, lang: str = "en") -> str:
    """A figure with the decimals its source gives (up to two), for values quoted from a data set: 37.8, 46."""
    if _absent(value):
        return MISSING
    return format_decimal(value, format="#,##0.##", locale=LOCALES[lang])


def pct(share, lang: str = "en", digits: int = 0) -> str:
    """A share in 0-1 as a percentage."""
    if _absent(share):
        return MISSING
    fmt = "#,##0" + ("." + "0" * digits if digits else "") + "%"
    return format_percent(share, format=fmt, locale=LOCALES[lang])


def money(value, currency: str, lang: str = "en") -> str:
    """A large amount in the locale's scale words: 1.04 tn USD / 1兆430億 USD → kept simple: 3 significant digits."""
    if _absent(value):
        return MISSING
    for div, word in SCALES[lang]:
        if abs(value) >= div:
            return f"{format_decimal(value / div, format='#,##0.##', locale=LOCALES[lang])}{word} {currency}"
    return f"{format_decimal(value, format='#,##0', locale=LOCALES[lang])} {currency}"


def rank_band(median, p05, p95, lang: str = "en", *, plain: bool = False) -> str:
    """A rank band, median (5th–95th percentile): '3.2 (2–5)' on a page. ``plain``: '3.2 (2-5)', Python's
    general format and a hyphen, as the terminal's table and the diff page have always shown it."""
    if plain:
        return f"{median:g} ({p05:g}-{p95:g})"
    return f"{num(median, lang, 1)} ({num(p05, lang, 0)}–{num(p95, lang, 0)})"


def cell(value, *, missing: str = "", significant: int | None = None, lang: str = "en") -> str:
    """A table cell: None as ``missing``, booleans yes/no in ``lang`` (the catalogue's), anything not a float
    as its text, and a float
    rounded to what it can carry. By default (the country report's tables) fixed decimals by magnitude,
    Babel's en_US: 0 from 100, 2 from 1, else 3. ``significant`` (the diff page, which must show a small
    change in a large value): that many significant digits, in exponent form from a million."""
    if value is None:
        return missing
    if isinstance(value, bool):
        from ecresearch.domain.labels import label

        return label("report.yes" if value else "report.no", lang)
    if not isinstance(value, float):
        return str(value)
    if significant is not None:
        return f"{value:.{significant}g}" if abs(value) < 1e6 else f"{value:.{significant}e}"
    a = abs(value)
    return num(value, "en", 0 if a >= 100 else 2 if a >= 1 else 3)


def compact(value, *, scaled: bool = False) -> str:
    """A data table's value (the gallery): a ``scaled`` unit's value from a million in tn/bn/m steps with 4
    significant digits, anything else with 6 (Python's general format, thousands separated)."""
    if value is None:
        return MISSING
    if scaled and abs(value) >= 1e6:
        for div, word in SCALES["en"]:
            if abs(value) >= div:
                return f"{value / div:,.4g}{word}"
    return f"{value:,.6g}"


# ── charts: a value label as drawn ───────────────────────────────────────────────────────────────────


def decimals_of(value: float) -> int:
    """The fewest decimals, at most 2, that show ``value`` as it is: 7 → 0, 13.1 → 1."""
    return next((d for d in (0, 1, 2) if abs(round(value, d) - value) < 1e-9), 2)


def common_decimals(values) -> int:
    """One number format per chart: as many decimals as its values need (at most 2)."""
    return max((decimals_of(float(v)) for v in values), default=0)


def fixed(value, decimals: int | None = None) -> str:
    """A chart's value label: thousands separated, ``decimals`` places, or by magnitude (0 from 100, 1 from 1
    and for 0, else 2); '' for no value (a gap is marked by the chart, not by its label)."""
    if _absent(value):
        return ""
    if decimals is None:
        a = abs(value)
        decimals = 0 if a >= 100 else 1 if a >= 1 or value == 0 else 2
    return f"{value:,.{decimals}f}"


BOUND_MARKS = {"approx": "≈{}", "lower": "{}+", "lower_strict": "> {}"}


def stated(value, bound: str = "", decimals: int | None = None) -> str:
    """A value as the deck states it: '≈70' (約), '> 7' (を超える), '13.1+' (以上). A stated value keeps the
    precision it was printed with (no '7.00' for '7兆'). ``bound`` as charts.data.bound_of gives it."""
    if _absent(value):
        return ""
    if bound:
        decimals = decimals_of(value)
    return BOUND_MARKS.get(bound, "{}").format(fixed(value, decimals))
