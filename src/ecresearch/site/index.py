"""The entry page of an output set: the gallery, the data-quality page, the scoring page and every report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ecresearch import datasets, paths
from ecresearch.domain.formats import num, pct, rank_band
from ecresearch.domain.labels import LANGS, label
from ecresearch.params import CORE_PILLARS, DIRECTIONS
from ecresearch.pipeline.atomic import staged, write_text
from ecresearch.site import scenarios
from ecresearch.site.html import index_page, rel_link, render_page

PROJECT = "ecresearch"  # the project's name, in every language


def texts(lang: str) -> dict:
    """The page's words for the template, all in ``lang`` (one language per page; the other language's index is
    one link away, through the language switch)."""
    t = {k: label(f"index.{k}", lang) for k in ("contents", "gallery", "quality", "scores", "changes", "reports")}
    return {
        **t,
        "title": f"{PROJECT} — " + label("index.title", lang),
        "compare": label("compare.index_link", lang),
        "described": label("profile_index.heading", lang),
        "described_note": label("profile_index.note", lang),
        "described_head": [label("index.iso3", lang), label("index.country", lang), label("profile_index.page", lang)],
        # the report pages are git-ignored: on GitHub the links resolve only on the Pages site, so say so
        "reports_built": label("index.reports_built", lang),
        "head": [
            label(f"index.{k}", lang)
            for k in (
                "rank",
                "iso3",
                "country",
                "score",
                "band",
                "p_top3",
                "reading_channel",
                "reading_gatekeeper",
                "pillars",
                "report",
            )
        ],
    }


def extra_texts(lang: str) -> dict:
    """The words of the index's category view, unranked markets and scenario list."""
    keys = {
        "categories_h": "category.matrix",
        "categories_note": "category.matrix_note",
        "unranked_h": "index.unranked_h",
        "scenarios_h": "index.scenarios_h",
        "scenario_name": "index.scenario_name",
        "scenario_params": "index.scenario_params",
    }
    return {k: label(key, lang) for k, key in keys.items()}


def category_view(out: paths.OutputSet, ranked: list[str], scores, lang: str) -> dict:
    """The ranking view by product category: for each ranked market (rank order), each category's mark and
    what bars or restricts it (a barred category is flagged, never left blank as open)."""
    from ecresearch.segments.catalogue import load
    from ecresearch.segments.view import matrix

    cat = load()
    keys = cat.keys()
    grid = matrix(datasets.read("category_segments"), ranked, keys)
    names = dict(zip(scores["iso3"], scores[f"name_{lang}"], strict=True))
    return {
        "head": [getattr(cat.categories[k], lang) for k in keys],
        "rows": [
            {
                "iso3": m,
                "name": names[m],
                "cells": [
                    {"mark": label(f"category.mark_{state}", lang), "title": "; ".join(why), "state": state}
                    for state, why in (grid[m][k] for k in keys)
                ],
            }
            for m in ranked
        ],
    }


def unranked_items(out: paths.OutputSet, lang: str) -> list[str]:
    """One line per market the set does not rank, saying why."""
    lines = []
    for i in scenarios.unranked(out):
        values = {"share": pct(i["missing_weight"], lang), "limit": pct(i["limit"], lang)}
        text = label("index.unranked_item", lang, name=i[f"name_{lang}"], iso3=i["iso3"], **values)
        lines.append(text + (label("index.unranked_main", lang) if i["ranked_in_main"] else ""))
    return lines


def _scenario_rows(page: Path, out: paths.OutputSet, lang: str) -> list[dict]:
    """The scenarios built beside the main build (listed on the main index only), parameters in ``lang``."""
    from ecresearch.report.describe import describe

    return [
        {
            "name": sc["name"],
            "describe": describe(sc["params"], lang) if sc.get("params") else sc["describe"],
            "href": rel_link(page, sc["index"]),
        }
        for sc in (scenarios.built() if out.scenario is None else [])
    ]


def _reading(r: dict, reading: str, lang: str) -> str:
    """One reading's rank with its P(top 3): '2 (96%)'."""
    rank = r.get(f"rank_{reading}")
    return "—" if rank is None else f"{rank} ({pct(r[f'p_top3_{reading}'], lang)})"


def _links(page: Path, out: paths.OutputSet, iso3: str, lang: str) -> list[dict]:
    """A market's report in the page's language, then in the other one (named by its own name, marked with its
    language: the one word of the other language a page shows, as its language switch does)."""
    other = "en" if lang == "ja" else "ja"
    return [
        {"href": rel_link(page, datasets.path("report_page", out, iso3=iso3, lang=lang)), "lang": lang,
         "text": label("index.report", lang)},
        {"href": rel_link(page, datasets.path("report_page", out, iso3=iso3, lang=other)), "lang": other,
         "text": label("nav.other", lang)},
    ]  # fmt: skip


def _row(r: dict, page: Path, out: paths.OutputSet, countries: list[str], lang: str, profiles: set[str]) -> dict:
    name = r["name_ja"] if lang == "ja" else r["name_en"]
    if not r["ranked"]:
        return {
            "rank": "—",
            "iso3": r["iso3"],
            "name": name,
            "score": "—",
            "band": label("index.not_ranked", lang, share=pct(r["missing_weight"], lang)),
            "p_top3": "—",
            "channel": "—",
            "gatekeeper": "—",
            "pillars": f"{r['pillars']}/{len(CORE_PILLARS)}",
            "links": _profile_links(page, out, r["iso3"], lang) if r["iso3"] in profiles else [],
        }
    return {
        "rank": r["rank"],
        "iso3": r["iso3"],
        "name": name,
        "score": num(r["score"], lang, 1),
        "band": rank_band(r["median_rank"], r["rank_p05"], r["rank_p95"], lang),
        "p_top3": pct(r["p_top3"], lang),
        **{reading: _reading(r, reading, lang) for reading in DIRECTIONS},
        "pillars": f"{r['pillars_used']}/{len(CORE_PILLARS)}",
        "links": _links(page, out, r["iso3"], lang) if r["iso3"] in countries else [],
    }


def _other(lang: str) -> str:
    return "en" if lang == "ja" else "ja"


def compare_links(page: Path, out: paths.OutputSet, lang: str) -> list[dict]:
    """Every comparison page of the set on disk: 'PHL · IDN · VNM', a page in the other language marked with that
    language's own name (as the language switch names it)."""
    from ecresearch.compare.where import pages

    links = []
    for p in pages(out):
        codes = " · ".join(p.parent.parent.name.split("-"))
        mark = "" if p.parent.name == lang else f" ({label('nav.other', lang)})"
        links.append({"href": rel_link(page, p), "lang": p.parent.name, "text": codes + mark})
    return links


def _profile_links(page: Path, out: paths.OutputSet, iso3: str, lang: str) -> list[dict]:
    """An economy's descriptive page (no score) in the page's language, then in the other one."""
    from ecresearch.report.described import page_path

    return [
        {"href": rel_link(page, page_path(out, iso3, lang)), "lang": lang, "text": label("profile_index.page", lang)},
        {"href": rel_link(page, page_path(out, iso3, _other(lang))), "lang": _other(lang),
         "text": label("nav.other", lang)},
    ]  # fmt: skip


def described_rows(page: Path, out: paths.OutputSet, profiles: set[str], skip: set[str], lang: str) -> list[dict]:
    """The economies described without a score (those not in ``skip``, the scores table's rows)."""
    from ecresearch.countries import resolve

    rows = []
    for iso3 in sorted(profiles):
        if iso3 not in skip:
            c = resolve(iso3)
            name = c.name_ja if lang == "ja" else c.name_en
            rows.append({"iso3": iso3, "name": name, "links": _profile_links(page, out, iso3, lang)})
    return rows


def build(root: Path, out: paths.OutputSet, countries: list[str], as_of: str) -> None:
    """The index of the output set, one page per language (index.html, index.ja.html), each in one language."""
    from ecresearch.report.described import economies

    scores = datasets.read("country_scores", out)
    # the economies the profiles step describes, from the same tables (its pages are git-ignored, so the index
    # never depends on them being on disk)
    ranked = scores.filter(scores["ranked"])["iso3"].to_list()
    profiles = set(economies(datasets.read("deck_figures"), datasets.read("external_figures"), ranked))
    for lang in LANGS:
        page = index_page(out, lang)
        other = index_page(out, "ja" if lang == "en" else "en")
        rows = [_row(r, page, out, countries, lang, profiles) for r in scores.iter_rows(named=True)]
        links: dict[str, Any] = {
            "gallery": rel_link(page, datasets.path("gallery")),
            "quality": rel_link(page, datasets.path("quality_page")),
            "scores": rel_link(page, datasets.path("scores_page", out, lang=lang)),
        }
        links["compare"] = compare_links(page, out, lang)  # written by `ecresearch compare`, listed when on disk
        changes = datasets.path("changes_page")  # written by `ecresearch diff`
        links["changes"] = rel_link(page, changes) if out.scenario is None and changes.exists() else None
        t = {**texts(lang), **extra_texts(lang)}
        scenario = "" if out.scenario is None else " — " + label("stamp.scenario", lang, scenario=out.scenario)
        write_text(
            staged(root, page),
            render_page(
                "index.html.j2",
                page,
                title=t["title"] + scenario,
                lang=lang,
                out=out,
                other=other,
                as_of=as_of,
                t=t,
                rows=rows,
                links=links,
                described=described_rows(page, out, profiles, set(scores["iso3"].to_list()), lang),
                categories=category_view(out, [r["iso3"] for r in rows if r["rank"] != "—"], scores, lang),
                unranked=unranked_items(out, lang),
                scenarios=_scenario_rows(page, out, lang),
            ),
        )
