"""A report page as PDF (WeasyPrint), with the page's embedded Japanese fonts, written atomically beside it."""

from __future__ import annotations

import re
from pathlib import Path

from ecresearch.errors import EcresearchError

# Every printed page carries the data-as-of date (taken from the page's header) and its number.
PRINT_CSS = """
@page { size: A4; margin: 14mm 12mm 16mm;
  @bottom-left { content: string(asof); font-size: 8pt; color: #555; }
  @bottom-right { content: counter(page) " / " counter(pages); font-size: 8pt; color: #555; } }
header.site p.dated { string-set: asof content(); }
h1, h2, h3, h4, .heading-only { break-after: avoid; page-break-after: avoid; }
tr, img, svg, li.quote, footer.notice { break-inside: avoid; }
nav.site, .jp-InputPrompt, .jp-OutputPrompt { display: none !important; }
body { background: #fff !important; }
img, svg { max-width: 100% !important; height: auto !important; }
table { font-size: 9px !important; }
"""


# A notebook output that is only a heading: its own block, so the heading's break-after does not reach the
# content that follows it (the next output). Marked, the block itself keeps with what follows.
_HEADING_ONLY = re.compile(
    r'<div class="jp-OutputArea-child">(\s*<div class="jp-RenderedHTMLCommon[^"]*"[^>]*>\s*'
    r"<h([1-4])\b[^>]*>(?:(?!</h\2>).)*</h\2>\s*</div>\s*)</div>",
    re.S,
)


def keep_headings(html: str) -> str:
    """The page with every heading-only output marked ``heading-only`` (kept on the page of what follows)."""
    return _HEADING_ONLY.sub(r'<div class="jp-OutputArea-child heading-only">\1</div>', html)


def _weasyprint():
    """WeasyPrint's ``CSS`` and ``HTML``, or one line saying what is missing: the extra or the system library."""
    import contextlib
    import io

    try:
        # Without Pango, WeasyPrint prints a banner of its own to stdout before it raises: keep it off the terminal.
        with contextlib.redirect_stdout(io.StringIO()):
            from weasyprint import CSS, HTML
    except ImportError as exc:
        raise EcresearchError(
            f"PDF output needs the pdf extra (pip install 'ecresearch[pdf]') and the system Pango library: {exc}"
        ) from None
    except OSError as exc:  # cffi could not load a system library (Pango, GObject)
        first = str(exc).splitlines()[0].split(":")[0] if str(exc) else type(exc).__name__
        raise EcresearchError(
            "PDF output needs the system Pango library (apt install libpango-1.0-0; brew install pango); "
            f"WeasyPrint could not load it: {first}"
        ) from None
    return CSS, HTML


def write_pdf(html_path: Path, pdf_path: Path | None = None) -> Path:
    """Render ``report.html`` to ``report.pdf`` (or ``pdf_path``); the previous PDF is replaced only on success."""
    import logging
    import os
    import tempfile

    CSS, HTML = _weasyprint()
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    html_path = Path(html_path)
    pdf_path = pdf_path or html_path.with_suffix(".pdf")
    fd, tmp = tempfile.mkstemp(prefix=".report.", suffix=".pdf", dir=pdf_path.parent)
    os.close(fd)
    try:
        page = keep_headings(html_path.read_text(encoding="utf-8"))
        HTML(string=page, base_url=str(html_path)).write_pdf(
            tmp, stylesheets=[CSS(string=PRINT_CSS)], metadata={"modified": None, "created": None}
        )
        os.chmod(tmp, 0o644)
        os.replace(tmp, pdf_path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return pdf_path
