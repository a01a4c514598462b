"""Read every generated page as a user's browser would: links resolve, nothing executable came from data, the
language is declared right, no raw floats, and English pages carry no untranslated generated text."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
RAW_FLOAT = re.compile(r"(?<![\w.])\d+\.\d{5,}(?![\w.])")


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lang = None
        self.links: list[str] = []
        self.scripts = 0
        self.handlers: list[str] = []
        self.text: list[str] = []
        self.headings: list[str] = []
        self._stack: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag == "script":
            self.scripts += 1
        self.handlers += [k for k in a if k.lower().startswith("on")]
        if tag in ("style", "script", "svg"):
            self._skip += 1
        self._stack.append(tag)

    def handle_endtag(self, tag):
        if tag in ("style", "script", "svg"):
            self._skip = max(0, self._skip - 1)
        if self._stack and self._stack[-1] == tag:
            self._stack.pop()

    def handle_data(self, data):
        if self._skip:
            return
        self.text.append(data)
        if self._stack and self._stack[-1] in ("h1", "h2", "h3", "th"):
            self.headings.append(data.strip())


def check_page(path: Path) -> list[str]:
    p = Page()
    p.feed(path.read_text(encoding="utf-8"))
    problems = []
    want = "en" if "/en/" in path.as_posix() else ("ja" if "/ja/" in path.as_posix() else None)
    if want and p.lang != want:
        problems.append(f"{path}: <html lang={p.lang!r}>, expected {want!r}")
    if p.scripts:
        problems.append(f"{path}: {p.scripts} <script> element(s)")
    if p.handlers:
        problems.append(f"{path}: event attributes {sorted(set(p.handlers))}")
    for href in p.links:
        if href.startswith(("http://", "https://", "#", "mailto:")):
            continue
        if ":" in href.split("/")[0]:
            problems.append(f"{path}: link with scheme {href!r}")
            continue
        target = (path.parent / href.split("#")[0]).resolve()
        if not target.exists():
            problems.append(f"{path}: broken link {href!r}")
    text = " ".join(p.text)
    html = path.read_text(encoding="utf-8")
    dated = "/countries/" in path.as_posix() or path.name in ("index.html", "scores.html")
    if dated and ('<p class="asof">' not in html or "正確性を保証するものではありません" not in html):
        problems.append(f"{path}: no data-as-of date, attribution or the deck's disclaimer")
    for m in RAW_FLOAT.findall(text):
        problems.append(f"{path}: raw float {m}")
    if want == "en":
        for h in p.headings:
            if JAPANESE.search(h):
                problems.append(f"{path}: untranslated heading {h!r}")
    return problems


def check_site(reports: Path) -> list[str]:
    problems = []
    pages = sorted(reports.rglob("*.html"))
    for page in pages:
        problems += check_page(page)
    return problems
