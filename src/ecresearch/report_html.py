"""Executed notebook → a self-contained HTML page for analysts: code hidden, Japanese fonts embedded."""
from __future__ import annotations

import re
import threading
from pathlib import Path

import nbformat

from .webfont import font_css, font_stack

EXTRA_CSS = """
body, .jp-Notebook, .jp-RenderedHTMLCommon, .jp-RenderedMarkdown {{ font-family: {stack} !important; }}
body {{ max-width: 1100px; margin: 0 auto; background: #fff; }}
.jp-RenderedHTMLCommon table {{ font-size: 12px; }}
.jp-RenderedHTMLCommon td, .jp-RenderedHTMLCommon th {{ text-align: left !important; }}
.jp-RenderedHTMLCommon h1 {{ color: #1f4e79; }}
.jp-RenderedHTMLCommon h2 {{ color: #1f4e79; border-bottom: 2px solid #1f4e79; padding-bottom: 3px; margin-top: 28px; }}
"""


_local = threading.local()


def _exporter():
    """One exporter per thread: loading the template costs more than converting a report."""
    exporter = getattr(_local, "exporter", None)
    if exporter is None:
        from nbconvert import HTMLExporter

        exporter = HTMLExporter(template_name="lab")
        exporter.exclude_input = True
        exporter.exclude_input_prompt = True
        exporter.exclude_output_prompt = True
        _local.exporter = exporter
    return exporter


def to_html(nb: nbformat.NotebookNode, title: str) -> str:
    exporter = _exporter()
    nb = nbformat.from_dict(nb)
    nb.cells = [c for c in nb.cells if c.cell_type == "code"]  # the template's notes are for notebook readers
    for cell in nb.cells:  # stream output (nbval's pinned summary line) is for CI, not the analyst
        cell.outputs = [o for o in cell.get("outputs", []) if o.get("output_type") != "stream"]
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    # drop the external scripts (MathJax, RequireJS from a CDN): the page must work offline
    body = re.sub(r"<script[^>]*src=\"https?://[^\"]*\"[^>]*>\s*</script>", "", body)
    visible = re.sub(r"<[^>]+>", " ", body)
    style = f"<style>{font_css(visible + title)}{EXTRA_CSS.format(stack=font_stack())}</style>"
    return body.replace("</head>", style + "</head>", 1)


def write_html(notebook: Path, output: Path, title: str) -> None:
    from .atomic import write_text

    write_text(output, to_html(nbformat.read(notebook, as_version=4), title))
