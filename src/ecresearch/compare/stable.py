"""Byte-identical Office files: openpyxl and python-pptx stamp the save time into the core properties (and the
chart workbooks python-pptx embeds through XlsxWriter carry their own), and zipfile stamps every member with the
clock. A rerun must give the same bytes, so the saved package is repacked with the page's as-of date."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

_CORE_DATE = re.compile(rb"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)")


def repack(data: bytes, as_of: str) -> bytes:
    """The package ``data`` with every date it carries set to ``as_of`` (members in the same order)."""
    day = dt.date.fromisoformat(as_of)
    stamp = f"{day.isoformat()}T00:00:00Z".encode()
    when = (max(day.year, 1980), day.month, day.day, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = _CORE_DATE.sub(lambda m: m.group(1) + stamp + m.group(3), body)
            elif info.filename.endswith(".xlsx"):  # a chart's data workbook, embedded in the deck
                body = repack(body, as_of)
            member = zipfile.ZipInfo(info.filename, date_time=when)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            dst.writestr(member, body)
    return out.getvalue()
