"""Chart text that fits: wrapping by display width (a Japanese character is two columns) and titles that fit
their axes. Its own module so the score charts use it without the deck-chart kinds."""

from __future__ import annotations

import re


def _display_width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def wrap(line: str, width: int) -> list[str]:
    """Wrap by display width (a Japanese character is two columns), breaking at spaces where possible."""
    out, cur = [], ""
    for token in re.findall(r"\S+\s*|\s+", line):
        if _display_width(cur + token.rstrip()) <= width:
            cur += token
            continue
        if cur.strip():
            out.append(cur.rstrip())
            cur = ""
        while _display_width(token.rstrip()) > width:  # one long token (Japanese has no spaces): split it
            cut, w = 0, 0
            while cut < len(token) and w + _display_width(token[cut]) <= width:
                w += _display_width(token[cut])
                cut += 1
            out.append(token[:cut])
            token = token[cut:]
        cur = token
    if cur.strip():
        out.append(cur.rstrip())
    return out or [""]


def wrap_title(text: str, columns: int) -> str:
    """A title that is too wide breaks before its parenthesis (unit, period) first, then by width."""
    if _display_width(text) <= columns:
        return text
    head, paren, tail = text.partition("（") if "（" in text else text.partition(" (")
    parts = [head, paren.strip() + tail] if paren else [text]
    # Japanese has no spaces: let a line break after a comma (、) rather than inside a word such as HHI
    lines = [ln for p in parts for ln in wrap(p.replace("、", "、\u0001 "), columns)]
    return "\n".join(ln.replace("\u0001 ", "").replace("\u0001", "") for ln in lines)


def fit_title(ax, text: str, size: float) -> None:
    """The axes title wrapped to the axes' width: a long title never runs over a side panel."""
    f = ax.figure
    width_pts = ax.get_position().width * f.get_size_inches()[0] * 72
    ax.set_title(wrap_title(text, max(int(width_pts / (size * 0.55)), 10)), loc="left", fontsize=size)
