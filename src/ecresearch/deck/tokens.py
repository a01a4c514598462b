"""Parse the number-like tokens the deck text contains.

The extracted text mixes full-width and ASCII digits (２.６億人, 39.6%, ％), dollar amounts with and
without thousands separators ($2638.72, $1,042.72), Japanese scale words (十億, 億, 兆, 万, 百万),
durations (3:53) and axis tick labels. Values are parsed as Decimal so that scaling to base units
(USD, CNY, persons, minutes) is exact.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# Japanese scale words as printed in the deck, longest first so 十億 wins over 億.
SCALES: dict[str, int] = {
    "十億": 10**9,
    "百万": 10**6,
    "千万": 10**7,
    "兆": 10**12,
    "億": 10**8,
    "万": 10**4,
    "千": 10**3,
}

# Unit words after the scale → base unit.
UNIT_WORDS: dict[str, str] = {
    "USドル": "USD",
    "US$": "USD",
    "ドル": "USD",
    "$": "USD",
    "元": "CNY",
    "人": "persons",
    "円": "JPY",
    "%": "percent",
    "分": "minutes",
}

_NUMBER = r"[-−]?\d[\d,]*(?:\.\d+)?"
_QUANTITY = re.compile(
    rf"^(?P<prefix>\$)?(?P<num>{_NUMBER})\s*(?P<scale>十億|百万|千万|兆|億|万|千)?\s*(?P<unit>USドル|US\$|ドル|元|人|円|%|分)?$"
)
_DURATION = re.compile(r"^(?P<h>\d{1,2}):(?P<m>[0-5]\d)$")


def normalize(text: str) -> str:
    """NFKC (full-width digits, ％, ＄ → ASCII), unify minus signs, strip blanks."""
    text = unicodedata.normalize("NFKC", text)
    return text.replace("−", "-").replace("＄", "$").strip()


@dataclass(frozen=True)
class Quantity:
    """A parsed token: the number as printed, its scale and unit, and the value in base units."""

    printed: str
    number: Decimal
    scale: int
    unit: str | None

    @property
    def base_value(self) -> Decimal:
        return self.number * self.scale


def parse_number(text: str) -> Decimal:
    """'1,042.72' → Decimal('1042.72'); raises ValueError on anything else."""
    t = normalize(text)
    if not re.fullmatch(_NUMBER, t):
        raise ValueError(f"not a number: {text!r}")
    try:
        return Decimal(t.replace(",", ""))
    except InvalidOperation as exc:  # pragma: no cover - the regex already guards
        raise ValueError(f"not a number: {text!r}") from exc


def parse_quantity(text: str, *, default_unit: str | None = None, default_scale: int = 1) -> Quantity:
    """Parse '$1,042.72', '２.６億人', '13.1兆元', '-6.8%', '4,000万人', '3.6百万'.

    A scale printed in the token wins over ``default_scale`` (the chart's 単位 line).
    """
    t = normalize(text)
    m = _QUANTITY.match(t)
    if not m:
        raise ValueError(f"not a quantity: {text!r}")
    number = parse_number(m["num"])
    scale = SCALES[m["scale"]] if m["scale"] else default_scale
    unit = UNIT_WORDS.get(m["unit"] or "", None) if m["unit"] else None
    if m["prefix"] == "$":
        unit = "USD"
    return Quantity(printed=text.strip(), number=number, scale=scale, unit=unit or default_unit)


def parse_duration(text: str) -> int:
    """'3:53' (hours:minutes, as the deck prints daily SNS time) → 233 minutes."""
    m = _DURATION.match(normalize(text))
    if not m:
        raise ValueError(f"not a duration h:mm: {text!r}")
    return int(m["h"]) * 60 + int(m["m"])


def is_number_token(text: str, kind: str) -> bool:
    """Whether a whole line is one value token of the given kind."""
    t = normalize(text)
    if kind == "duration":
        return bool(_DURATION.match(t))
    if kind == "percent":
        return bool(re.fullmatch(rf"{_NUMBER}%", t))
    if kind == "decimal":
        return bool(re.fullmatch(_NUMBER, t))
    if kind == "quantity":  # a number with a scale or unit word: '２.６億人', '$1,042.72'
        m = _QUANTITY.match(t)
        return bool(m and (m["scale"] or (m["unit"] and m["unit"] != "%") or m["prefix"]))
    raise ValueError(f"unknown token kind {kind!r}")


def token_value(text: str, kind: str) -> Decimal:
    """The numeric value of a token of the given kind (percent without the %, minutes for durations)."""
    if kind == "duration":
        return Decimal(parse_duration(text))
    if kind == "quantity":
        return parse_quantity(text).base_value
    t = normalize(text)
    return parse_number(t[:-1] if kind == "percent" else t)


def tick_run(values: list[Decimal], *, min_len: int = 4, rel_tol: float = 0.04) -> bool:
    """True if values form an evenly spaced ascending sequence: an axis's tick labels.

    Axis ticks such as 0:00 0:28 0:57 1:26 ... are rounded, so steps may differ by a unit.
    """
    if len(values) < min_len:
        return False
    steps = [b - a for a, b in zip(values, values[1:], strict=False)]
    if any(s <= 0 for s in steps):
        return False
    mean = sum(steps, Decimal(0)) / len(steps)
    return all(abs(float(s - mean)) <= max(1.0, float(mean) * rel_tol) for s in steps)


def split_ticks(values: list[Decimal], *, min_len: int = 4) -> tuple[list[int], list[int]]:
    """Split positions into (data, ticks): the longest evenly spaced ascending tail or head is ticks.

    Charts print the data labels and then the axis (or the axis first); we look for the longest
    tick run at either end, never in the middle.
    """
    n = len(values)
    best: tuple[int, int] | None = None
    for length in range(n, min_len - 1, -1):
        for start in (n - length, 0):
            if tick_run(values[start : start + length], min_len=min_len):
                best = (start, start + length)
                break
        if best:
            break
    if not best:
        return list(range(n)), []
    ticks = list(range(*best))
    return [i for i in range(n) if i not in ticks], ticks
