"""The entry page of an output set: the gallery, the data-quality page, the scoring page and every report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ecresearch import datasets, paths
from ecresearch.domain.formats import num, pct, rank_band
from ecresearch.domain.labels import label
from ecresearch.params import CORE_PILLARS, DIRECTIONS
from ecresearch.pipeline.atomic import staged, write_text
from ecresearch.site.html import rel_link, render_page

PROJECT = "ecresearch"  # the project's name, in every language


def both(key: str, first: str = "en") -> str:
    """This page is the one bilingual page (it leads to pages in both languages): a text in both, from the
    catalogue's two entries of ``key``, ``first`` language first."""
    second = "ja" if first == "en" else "en"
    return f"{label(key, first)} / {label(key, second)}"


def texts() -> dict:
    """The page's words for the template; columns without a Japanese half were English-only before the
    catalogue and stay so (the page is compared byte for byte)."""
    return {
        "title": f"{PROJECT} — " + both("index.title", first="ja"),
        "contents": both("index.contents"),
        "gallery": both("index.gallery"),
        "quality": both("index.quality"),
        "scores": both("index.scores"),
        "scores_ja": label("index.scores_ja", "ja"),  # the Japanese scores page, named in Japanese
        "changes": both("index.changes"),
        "reports": both("index.reports"),
        "compare": both("compare.index_link"),
        "described": both("profile_index.heading"),
        "described_note": both("profile_index.note"),
        "described_head": [label("index.iso3", "en"), both("index.country"), both("profile_index.page")],
        # the report pages are git-ignored: on GitHub the links resolve only on the Pages site, so say so
        "reports_built": {lang: label("index.reports_built", lang) for lang in ("en", "ja")},
        "head": [
            both("index.rank"),
            label("index.iso3", "en"),
            both("index.country"),
            label("index.score", "en"),
            label("index.band", "en"),
            label("index.p_top3", "en"),
            both("index.reading_channel"),
            both("index.reading_gatekeeper"),
            both("index.pillars"),
            both("index.report"),
        ],
    }


def _reading(r: dict, reading: str) -> str:
    """One reading's rank with its P(top 3): '2 (96%)'."""
    rank = r.get(f"rank_{reading}")
    return "—" if rank is None else f"{rank} ({pct(r[f'p_top3_{reading}'], 'en')})"


def compare_links(out: paths.OutputSet) -> list[dict]:
    """Every comparison page of the set on disk: 'PHL · IDN · VNM (English)', in its language."""
    from ecresearch.compare.where import pages

    links = []
    for page in pages(out):
        lang = page.parent.name
        # a language's own name: what a page in the other language calls its link to it
        name = label("nav.other", "en" if lang == "ja" else "ja")
        codes = " · ".join(page.parent.parent.name.split("-"))
        links.append({"href": rel_link(out.index, page), "lang": lang, "text": f"{codes} ({name})"})
    return links


def _profile_links(out: paths.OutputSet, iso3: str) -> list[dict]:
    """Links to an economy's descriptive pages (no score), in both languages."""
    from ecresearch.report.described import page_path

    return [
        {
            "href": rel_link(out.index, page_path(out, iso3, lang)),
            "lang": lang,
            "text": label("nav.other", "en" if lang == "ja" else "ja"),
        }
        for lang in ("ja", "en")
    ]


def described_rows(out: paths.OutputSet, skip: set[str]) -> list[dict]:
    """The economies described without a score (those not in ``skip``, the scores table's rows)."""
    from ecresearch.countries import resolve
    from ecresearch.report.described import described

    rows = []
    for iso3 in described(out):
        if iso3 not in skip:
            c = resolve(iso3)
            rows.append({"iso3": iso3, "name": f"{c.name_ja} / {c.name_en}", "links": _profile_links(out, iso3)})
    return rows


def build(root: Path, out: paths.OutputSet, countries: list[str], as_of: str) -> None:
    from ecresearch.report.described import described

    scores = datasets.read("country_scores", out)
    profiles = set(described(out))
    rows = []
    for r in scores.iter_rows(named=True):
        name = f"{r['name_ja']} / {r['name_en']}"
        if r["ranked"]:
            report_links = (
                [
                    {
                        "href": rel_link(out.index, datasets.path("report_page", out, iso3=r["iso3"], lang=lang)),
                        "lang": lang,
                        # a language's own name: what a page in the other language calls its link to it
                        "text": label("nav.other", "en" if lang == "ja" else "ja"),
                    }
                    for lang in ("ja", "en")
                ]
                if r["iso3"] in countries
                else []
            )
            rows.append(
                {
                    "rank": r["rank"],
                    "iso3": r["iso3"],
                    "name": name,
                    "score": num(r["score"], "en", 1),
                    "band": rank_band(r["median_rank"], r["rank_p05"], r["rank_p95"], "en"),
                    "p_top3": pct(r["p_top3"], "en"),
                    **{reading: _reading(r, reading) for reading in DIRECTIONS},
                    "pillars": f"{r['pillars_used']}/{len(CORE_PILLARS)}",
                    "links": report_links,
                }
            )
        else:
            rows.append(
                {
                    "rank": "—",
                    "iso3": r["iso3"],
                    "name": name,
                    "score": "—",
                    "band": label("index.not_ranked", "en", share=pct(r["missing_weight"], "en")),
                    "p_top3": "—",
                    "channel": "—",
                    "gatekeeper": "—",
                    "pillars": f"{r['pillars']}/{len(CORE_PILLARS)}",
                    "links": _profile_links(out, r["iso3"]) if r["iso3"] in profiles else [],
                }
            )
    links: dict[str, Any] = {
        "gallery": rel_link(out.index, datasets.path("gallery")),
        "quality": rel_link(out.index, datasets.path("quality_page")),
        "scores": rel_link(out.index, datasets.path("scores_page", out)),
        "scores_ja": rel_link(out.index, datasets.path("scores_page", out, lang="ja")),
    }
    links["compare"] = compare_links(out)  # written by `ecresearch compare`, listed when on disk
    changes = datasets.path("changes_page")  # written by `ecresearch diff`
    links["changes"] = rel_link(out.index, changes) if out.scenario is None and changes.exists() else None
    t = texts()
    title = t["title"] + ("" if out.scenario is None else " — " + label("stamp.scenario", "en", scenario=out.scenario))
    write_text(
        staged(root, out.index),
        render_page(
            "index.html.j2",
            out.index,
            title=title,
            lang="en",
            out=out,
            as_of=as_of,
            notice_langs=("ja", "en"),
            t=t,
            rows=rows,
            links=links,
            described=described_rows(out, set(scores["iso3"].to_list())),
        ),
    )
