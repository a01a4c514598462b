"""Text from data is data: escape it for Markdown (HTML pages escape through Jinja2's autoescape), and only
http(s) URLs ever become links."""

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


def safe_url(url) -> str | None:
    """The URL if it is http(s), else None: a ``javascript:`` or ``data:`` URL from data never becomes a link."""
    text = "" if url is None else str(url).strip()
    return text if text.lower().startswith(("http://", "https://")) else None


def md_link(url) -> str:
    """A URL from data in Markdown: an autolink when it is http(s), else shown escaped as text."""
    safe = safe_url(url)
    return f"<{safe}>" if safe and not any(ch in safe for ch in "<> ") else md_escape(url or "no URL")
