"""Does every page of an output set agree with the scores it cites? Each page states, in two <meta> tags, the
parameters digest and the scores file's hash it was made from; a page of a country the set does not rank, or
a PDF older than its page, is stale too. The commands that change a set's scores use this to rebuild (or
name the command that rebuilds) the pages that no longer agree."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from ecresearch import datasets, paths
from ecresearch.pipeline.dag import unranked_pages

_META = re.compile(rb"<meta\b[^>]*>")
_ATTR = re.compile(rb'\b(name|content)="([^"]*)"')


def set_stamp(out: paths.OutputSet) -> tuple[str, str] | None:
    """(parameters digest, scores hash) the set's pages must state; None before its scores exist."""
    try:
        digest = json.loads(out.params_json.read_text(encoding="utf-8"))["digest"]
        scores = hashlib.sha256(out.scores.read_bytes()).hexdigest()[:16]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return digest, scores


def page_meta(page: Path) -> dict[str, str]:
    """The ``ecresearch-*`` meta tags of a page by name (written by the meta partial of every page of a set)."""
    head = Path(page).read_bytes().split(b"</head>", 1)[0]  # the partial writes the tags in the <head>
    found = {}
    for tag in _META.findall(head):
        attrs = dict(_ATTR.findall(tag))
        if attrs.get(b"name", b"").startswith(b"ecresearch-"):
            found[attrs[b"name"].decode()] = attrs.get(b"content", b"").decode()
    return found


def page_stamp(page: Path) -> tuple[str | None, str | None]:
    """The stamp a page states: the parameters digest and the scores hash it was made from."""
    found = page_meta(page)
    return found.get("ecresearch-params") or None, found.get("ecresearch-scores") or None


def _ranked(out: paths.OutputSet) -> list[str]:
    try:
        ranked = json.loads(out.ranked.read_text(encoding="utf-8"))["ranked"]
    except (OSError, ValueError, KeyError, TypeError):
        return []
    return ranked if isinstance(ranked, list) else []


def pages(out: paths.OutputSet) -> list[Path]:
    """The pages of a set that cite its scores: the index (both languages), the scores page, every report page
    on disk (its product categories' too)."""
    indexes = [datasets.path(name, out) for name in ("index_page", "index_page_ja")]
    found = [p for p in (*indexes, out.scores_dir / "scores.html") if p.is_file()]
    if out.countries_dir.is_dir():
        found += sorted(out.countries_dir.glob("*/*/report.html"))
        found += sorted(out.countries_dir.glob("*/*/*/report.html"))  # a market's report for a product category
    return found


def stale(out: paths.OutputSet) -> list[Path]:
    """Files of the set that disagree with its scores: pages with another stamp, files of countries it does not
    rank, PDFs older than their page. Empty when the set is consistent."""
    want = set_stamp(out)
    if want is None:
        return []
    bad = [p for p in pages(out) if page_stamp(p) != want]
    bad += unranked_pages(out, _ranked(out))
    if out.countries_dir.is_dir():
        for pdf in sorted(out.countries_dir.glob("*/*/report.pdf")):
            html = pdf.with_suffix(".html")
            if not html.is_file() or pdf.stat().st_mtime_ns < html.stat().st_mtime_ns:
                bad.append(pdf)
    return sorted(set(bad))
