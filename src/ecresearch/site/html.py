"""Pages of the site: Jinja2 templates with autoescape (one base template, one stylesheet), and executed
notebooks exported through an nbconvert template of our own (code hidden, no external scripts, the site's
navigation). Text from data is always escaped; links are made only for http(s) URLs."""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
from functools import lru_cache
from pathlib import Path

import jinja2
import nbformat

from ecresearch import datasets, paths
from ecresearch.domain.labels import label as _label
from ecresearch.domain.labels import section
from ecresearch.site.webfont import font_css, font_stack
from ecresearch.textsafe import safe_url

TEMPLATES = Path(__file__).resolve().parent / "templates"
CSS_SLOT = "/*ecresearch-css-slot*/"  # replaced by the page's fonts and stylesheet once its text is known


@lru_cache(maxsize=1)
def env() -> jinja2.Environment:
    e = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES / "pages"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    e.filters["safe_url"] = safe_url
    return e


def stylesheet() -> str:
    return (TEMPLATES / "site.css").read_text(encoding="utf-8").replace("FONTSTACK", font_stack())


def _sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]


def stamp(out: paths.OutputSet, lang: str, as_of: str, notice_langs: tuple[str, ...] | None = None) -> dict:
    """What every page of an output set states: its data-as-of date and attribution, its parameters, and the
    scores file it was made from."""
    from ecresearch.report.describe import describe
    from ecresearch.site.attribution import notice

    meta = json.loads(out.params_json.read_text(encoding="utf-8"))
    label = (
        _label("stamp.main_build", lang)
        if out.scenario is None
        else _label("stamp.scenario", lang, scenario=out.scenario)
    )
    prefix = _label("stamp.made_with", lang)
    return {
        "digest": meta["digest"],
        "scores_sha": _sha(out.scores),
        # the parameters in the page's words (params.json's 'describe' is the English line of the terminal)
        "text": f"{prefix} ({label}, {meta['digest']}): {describe(meta['params'], lang)}",
        "as_of": as_of,
        "notices": [notice(n, as_of) for n in notice_langs or (lang,)],
    }


def rel_link(page: Path, target: Path) -> str:
    return Path(os.path.relpath(target, page.parent)).as_posix()


def index_page(out: paths.OutputSet, lang: str) -> Path:
    """The index of an output set in one language (each page's Home link leads to the index in its language)."""
    return datasets.path("index_page" if lang == "en" else f"index_page_{lang}", out)


def site_nav(page: Path, lang: str, out: paths.OutputSet | None, other: Path | None = None) -> dict:
    t = section("nav", lang)
    out = out or paths.output_set(None)
    links = [
        {"href": rel_link(page, index_page(out, lang)), "text": t["index"]},
        {"href": rel_link(page, datasets.path("gallery")), "text": t["gallery"]},
        {"href": rel_link(page, datasets.path("quality_page")), "text": t["quality"]},
        {"href": rel_link(page, datasets.path("scores_page", out, lang=lang)), "text": t["scores"]},
    ]
    other_lang = None
    if other is not None:
        o = "en" if lang == "ja" else "ja"
        other_lang = {"href": rel_link(page, other), "lang": o, "text": t["other"]}
    return {"nav": links, "other_lang": other_lang}


def render_page(
    template: str,
    page: Path,
    *,
    title: str,
    lang: str,
    out: paths.OutputSet | None = None,
    other: Path | None = None,
    subtitle: str | None = None,
    as_of: str | None = None,
    notice_langs: tuple[str, ...] | None = None,
    **ctx,
) -> str:
    """A self-contained page (stylesheet and subset fonts inline) from a template extending base.html.j2; with
    ``as_of`` (and an output set) it is dated, attributed and stamped with its parameters."""
    values = {
        "title": title,
        "subtitle": subtitle,
        "lang": lang,
        "stamp": stamp(out, lang, as_of, notice_langs) if as_of and out is not None else None,
        **site_nav(page, lang, out, other),
        **ctx,
    }
    body = env().get_template(template).render(css=CSS_SLOT, **values)  # rendered once; the fonts fill the slot
    return body.replace(CSS_SLOT, font_css(body) + stylesheet(), 1)


# ── notebooks → pages ─────────────────────────────────────────────────────────────────────────

_local = threading.local()


def _exporter():
    """One exporter per thread: loading the template costs more than converting a report."""
    exporter = getattr(_local, "exporter", None)
    if exporter is None:
        from nbconvert import HTMLExporter

        exporter = HTMLExporter(template_name="ecresearch", extra_template_basedirs=[str(TEMPLATES / "nbconvert")])
        exporter.exclude_input = True
        exporter.exclude_input_prompt = True
        exporter.exclude_output_prompt = True
        _local.exporter = exporter
    return exporter


def notebook_page(
    nb: nbformat.NotebookNode,
    page: Path,
    *,
    title: str,
    lang: str,
    out: paths.OutputSet,
    as_of: str,
    other: Path | None = None,
) -> str:
    nb = nbformat.from_dict(nb)
    nb.cells = [c for c in nb.cells if c.cell_type == "code"]  # the template's notes are for notebook readers
    for cell in nb.cells:  # stream output (nbval's pinned lines) is for CI, not the analyst
        cell.outputs = [o for o in cell.get("outputs", []) if o.get("output_type") != "stream"]
    values = {"title": title, "subtitle": None, "stamp": stamp(out, lang, as_of), **site_nav(page, lang, out, other)}
    chrome = env().get_template("chrome.html.j2").render(**values)
    footer = env().get_template("notebook_footer.html.j2").render(**values)
    meta = env().get_template("meta.html.j2").render(**values)
    resources = {
        "metadata": {"name": title},
        "language_code": lang,
        "ecresearch": {"header": chrome, "footer": footer, "meta": meta, "css": CSS_SLOT},
    }
    exporter = _exporter()
    exporter.language_code = lang  # the <html lang> of the page (the exporter's trait wins over resources)
    body, _ = exporter.from_notebook_node(nb, resources=resources)  # exported once; the fonts fill the slot
    visible = re.sub(r"<[^>]+>", " ", body)
    return body.replace(CSS_SLOT, font_css(visible + title) + stylesheet(), 1)


def write_html(
    notebook: Path,
    output: Path,
    *,
    page: str,
    lang: str,
    out: paths.OutputSet,
    as_of: str,
    iso3: str | None = None,
) -> None:
    """Export an executed notebook as the report (or scores) page of ``out``; ``output`` is its staged path."""
    from ecresearch.countries import resolve
    from ecresearch.pipeline.atomic import write_text

    nb = nbformat.read(notebook, as_version=4)
    if page == "report":
        if iso3 is None:
            raise ValueError("a report page needs its country (iso3)")
        c = resolve(iso3)
        final = datasets.path("report_page", out, iso3=iso3, lang=lang)
        other = datasets.path("report_page", out, iso3=iso3, lang="en" if lang == "ja" else "ja")
        title = _label("report.title", lang, name=c.name_ja if lang == "ja" else c.name_en)
    else:
        final = datasets.path("scores_page", out, lang=lang)
        other = datasets.path("scores_page", out, lang="en" if lang == "ja" else "ja")
        title = _label("scoring_page.title", lang) + (
            "" if out.scenario is None else _label("scoring_page.scenario", lang, name=out.scenario)
        )
    write_text(output, notebook_page(nb, final, title=title, lang=lang, out=out, as_of=as_of, other=other))
