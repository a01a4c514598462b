"""Text from data is data: escape it for Markdown (HTML pages escape through Jinja2's autoescape)."""

from __future__ import annotations

import html
import re

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~>-])")


def md_escape(text) -> str:
    """Escape ``text`` so that Markdown renders it literally: HTML escaped, Markdown punctuation backslashed,
    line breaks folded (a table cell stays one cell)."""
    s = html.escape("" if text is None else str(text), quote=False)
    s = _MD_SPECIAL.sub(r"\\\1", s)
    return " ".join(s.split())
