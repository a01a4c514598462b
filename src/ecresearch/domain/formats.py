"""Numbers for people: formatted for the page's locale with Babel, never a raw float."""

from __future__ import annotations

from babel.numbers import format_decimal, format_percent

LOCALES = {"ja": "ja_JP", "en": "en_US"}
SCALES = {"ja": ((1e12, "兆"), (1e8, "億"), (1e4, "万")), "en": ((1e12, " tn"), (1e9, " bn"), (1e6, " m"))}


def num(value, lang: str = "en", digits: int = 1) -> str:
    if value is None or value != value:
        return "—"
    fmt = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return format_decimal(value, format=fmt, locale=LOCALES[lang])


def as_printed(value, lang: str = "en") -> str:
    """A figure with the decimals its source gives (up to two), for values quoted from a data set: 37.8, 46."""
    if value is None or value != value:
        return "—"
    return format_decimal(value, format="#,##0.##", locale=LOCALES[lang])


def pct(share, lang: str = "en", digits: int = 0) -> str:
    """A share in 0-1 as a percentage."""
    if share is None or share != share:
        return "—"
    fmt = "#,##0" + ("." + "0" * digits if digits else "") + "%"
    return format_percent(share, format=fmt, locale=LOCALES[lang])


def money(value, currency: str, lang: str = "en") -> str:
    """A large amount in the locale's scale words: 1.04 tn USD / 1兆430億 USD → kept simple: 3 significant digits."""
    if value is None or value != value:
        return "—"
    for div, word in SCALES[lang]:
        if abs(value) >= div:
            return f"{format_decimal(value / div, format='#,##0.##', locale=LOCALES[lang])}{word} {currency}"
    return f"{format_decimal(value, format='#,##0', locale=LOCALES[lang])} {currency}"
