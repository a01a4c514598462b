"""The entry page of an output set: the gallery, the data-quality page, the scoring page and every report."""

from __future__ import annotations

from pathlib import Path

from ecresearch import datasets, paths
from ecresearch.domain.formats import num, pct, rank_band
from ecresearch.domain.labels import label
from ecresearch.params import CORE_PILLARS, DIRECTIONS
from ecresearch.pipeline.atomic import staged, write_text
from ecresearch.site import scenarios
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


def extra_texts() -> dict:
    """The words of the index's category view, unranked markets and scenario list (both languages)."""
    return {
        "categories_h": both("category.matrix"),
        "categories_note": both("category.matrix_note"),
        "unranked_h": both("index.unranked_h"),
        "scenarios_h": both("index.scenarios_h"),
        "scenario_name": both("index.scenario_name"),
        "scenario_params": both("index.scenario_params"),
    }


def category_view(out: paths.OutputSet, ranked: list[str], scores) -> dict:
    """The ranking view by product category: for each ranked market (rank order), each category's mark and
    what bars or restricts it (a barred category is flagged, never left blank as open)."""
    from ecresearch.segments.catalogue import load
    from ecresearch.segments.view import matrix

    cat = load()
    keys = cat.keys()
    grid = matrix(datasets.read("category_segments"), ranked, keys)
    names = dict(zip(scores["iso3"], scores["name_en"], strict=True))
    return {
        "head": [f"{cat.categories[k].ja} / {cat.categories[k].en}" for k in keys],
        "rows": [
            {
                "iso3": m,
                "name": names[m],
                "cells": [
                    {"mark": label(f"category.mark_{state}", "en"), "title": "; ".join(why), "state": state}
                    for state, why in (grid[m][k] for k in keys)
                ],
            }
            for m in ranked
        ],
    }


def unranked_items(out: paths.OutputSet) -> list[str]:
    """One line per market the set does not rank, saying why (both languages)."""
    lines = []
    for i in scenarios.unranked(out):
        values = {"share": pct(i["missing_weight"], "en"), "limit": pct(i["limit"], "en")}
        text = " / ".join(
            label("index.unranked_item", lang, name=i[f"name_{lang}"], iso3=i["iso3"], **values)
            + (label("index.unranked_main", lang) if i["ranked_in_main"] else "")
            for lang in ("en", "ja")
        )
        lines.append(text)
    return lines


def _reading(r: dict, reading: str) -> str:
    """One reading's rank with its P(top 3): '2 (96%)'."""
    rank = r.get(f"rank_{reading}")
    return "—" if rank is None else f"{rank} ({pct(r[f'p_top3_{reading}'], 'en')})"


def build(root: Path, out: paths.OutputSet, countries: list[str], as_of: str) -> None:
    scores = datasets.read("country_scores", out)
    rows = []
    for r in scores.iter_rows(named=True):
        name = f"{r['name_ja']} / {r['name_en']}"
        if r["ranked"]:
            links = (
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
                    "links": links,
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
                    "links": [],
                }
            )
    links = {
        "gallery": rel_link(out.index, datasets.path("gallery")),
        "quality": rel_link(out.index, datasets.path("quality_page")),
        "scores": rel_link(out.index, datasets.path("scores_page", out)),
        "scores_ja": rel_link(out.index, datasets.path("scores_page", out, lang="ja")),
    }
    changes = datasets.path("changes_page")  # written by `ecresearch diff`
    links["changes"] = rel_link(out.index, changes) if out.scenario is None and changes.exists() else None
    t = texts()
    t.update(extra_texts())
    extra = {
        "categories": category_view(out, [r["iso3"] for r in rows if r["rank"] != "—"], scores),
        "unranked": unranked_items(out),
        "scenarios": [
            {"name": sc["name"], "describe": sc["describe"], "href": rel_link(out.index, sc["index"])}
            for sc in (scenarios.built() if out.scenario is None else [])
        ],
    }
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
            **extra,
        ),
    )
