"""Issue 19, item 3: any economy with data. ``--candidates`` on build (validated), and a descriptive page (no
score) for every economy with a sourced figure that the build does not score, with its 'data wanted' list."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import polars as pl
import pytest
from markupsafe import escape

from ecresearch import datasets, paths
from ecresearch import params as P
from ecresearch.domain.formats import pct
from ecresearch.domain.labels import label
from ecresearch.errors import CandidateError
from ecresearch.params import CORE_PILLARS
from ecresearch.pipeline import dag
from ecresearch.report import descriptive
from ecresearch.report.described import page_path

from .conftest import REPO, run_cli

MAIN = paths.output_set(None)
AS_OF = "2026-12-01"
NEW = "ISL"  # an economy no snapshot has a figure for (checked below)


@pytest.fixture(scope="module")
def data() -> dict:
    return descriptive.load(MAIN)


@pytest.fixture(scope="module")
def params() -> dict:
    return datasets.read_json("scoring_params", MAIN)["params"]


@pytest.fixture(scope="module")
def ranked() -> list[str]:
    return dag.ranked_countries(MAIN)


def _one_figure(data: dict, iso3: str) -> dict:
    """The build's tables with one external row added for ``iso3`` (a copy of an existing row, re-keyed)."""
    ext = data["external_figures"]
    row = ext.filter(pl.col("topic") == "unctad_b2c_index").head(1)
    row = row.with_columns(pl.lit(iso3).alias("country_iso3"), pl.lit("Iceland").alias("entity"))
    return {**data, "external_figures": pl.concat([ext, row])}


def shown(text: str) -> str:
    """A text as the page prints it (escaped)."""
    return str(escape(text))


def _wanted_pillars(html: str, lang: str) -> list[str]:
    """The pillar names the page's 'data wanted' list names, in order."""
    section = html.split(shown(label("profile.wanted_h", lang)), 1)[1].split("</ol>", 1)[0]
    return re.findall(r"<li><b>(.*?)</b>", section)


# ── --candidates ──────────────────────────────────────────────────────────────────────────────


def test_candidates_are_alpha3_codes_and_an_unknown_one_is_named():
    assert P.parse_candidates("chn, usa ,TWN") == ("CHN", "USA", "TWN")
    for text, named in (("CHN,XXX", "'XXX'"), ("CHN,SEA", "'SEA'"), ("CHN,US", "'US'")):
        with pytest.raises(CandidateError, match=named) as exc:
            P.parse_candidates(text)
        assert exc.value.exit_code == 2
    for text in ("", "CHN", "CHN,CHN"):
        with pytest.raises(CandidateError):
            P.parse_candidates(text)


def test_the_params_toml_list_in_another_order_is_no_scenario():
    from ecresearch.cli import parser, resolve_params

    base = P.load_file(paths.PARAMS_FILE).candidates
    same = ",".join(reversed(base))
    args = parser().parse_args(["build", "--candidates", same])
    params, out = resolve_params(args)
    assert params.candidates == base and out.scenario is None
    args = parser().parse_args(["build", "--candidates", ",".join([*base, "TWN"])])
    params, out = resolve_params(args)
    assert params.candidates == (*base, "TWN") and out.scenario == f"p-{params.digest()}"


@pytest.fixture()
def built(scratch_root: Path) -> Path:
    shutil.copytree(REPO / "data" / "processed", scratch_root / "data" / "processed")
    shutil.copy(REPO / "params.toml", scratch_root / "params.toml")
    return scratch_root


def test_an_unknown_candidate_is_one_line_exit_2_and_nothing_is_written(built: Path):
    before = sorted(p for p in built.rglob("*") if p.is_file())
    r = run_cli(built, "build", "--quiet", "--candidates", "CHN,USA,XYZ")
    lines = r.stderr.splitlines()
    assert r.returncode == 2 and len(lines) == 1 and "'XYZ'" in lines[0] and "--candidates" in lines[0], r.stderr
    assert sorted(p for p in built.rglob("*") if p.is_file()) == before


# ── the descriptive page ──────────────────────────────────────────────────────────────────────


def test_a_non_candidate_with_one_figure_gets_a_descriptive_page(data, params, ranked):
    assert NEW not in descriptive.economies(data["deck_figures"], data["external_figures"], ranked)
    one = _one_figure(data, NEW)
    assert NEW in descriptive.economies(one["deck_figures"], one["external_figures"], ranked)
    p = descriptive.profile(NEW, one, ranked, params)
    assert not p.candidate and p.external.height == 1 and p.deck.height == 0
    html = descriptive.render(p, "en", MAIN, AS_OF, one["catalogue"])
    assert shown(label("profile.title", "en", name="Iceland")) in html
    assert shown(label("profile.why_not_candidate", "en", candidates=", ".join(params["candidates"]))) in html
    assert f"ecresearch build --candidates {','.join([*params['candidates'], NEW])}" in html
    assert "UNCTAD" in html and shown(label("attribution.as_of", "en", date="December 1, 2026")) in html
    assert _wanted_pillars(html, "en") == [shown(label(f"pillar.{x}", "en")) for x in CORE_PILLARS]


def test_data_wanted_names_exactly_the_pillars_without_a_sourced_value(data, params, ranked):
    one = _one_figure(data, NEW)
    ind = one["country_indicators"]
    sns = ind.filter((pl.col("pillar") == "sns") & (pl.col("iso3") == ranked[0])).with_columns(
        pl.lit(NEW).alias("iso3")
    )
    one["country_indicators"] = pl.concat([ind, sns])
    p = descriptive.profile(NEW, one, ranked, params)
    assert p.missing == ["growth", "concentration"] == [w["pillar"] for w in p.wanted]
    for lang in ("ja", "en"):
        html = descriptive.render(p, lang, MAIN, AS_OF, one["catalogue"])
        assert _wanted_pillars(html, lang) == [shown(label(f"pillar.{x}", lang)) for x in p.missing]
    # each wanted figure: the edition most scored markets use, its snapshot command and the CSV row to fill
    eds = descriptive.editions(ind, one["scored_data_sets"], one["external_figures"], ranked)
    for w in p.wanted:
        used = ind.filter(pl.col("iso3").is_in(ranked) & (pl.col("pillar") == w["pillar"]))["vintage"]
        assert w["vintage"] == eds[w["pillar"]]["vintage"] and w["used"] == used.value_counts()["count"].max()
        assert w["command"].startswith("ecresearch snapshot add ") and f'--vintage "{w["vintage"]}"' in w["command"]
        header, row = w["csv"].splitlines()
        assert header.split(",")[:2] == ["topic", "country_iso3"] and f",{NEW}," in row


def test_a_market_with_every_pillar_wants_no_data(data, params, ranked):
    full = [c for c in descriptive.economies(data["deck_figures"], data["external_figures"], ranked)
            if not descriptive.missing_pillars(data["country_indicators"], c)]  # fmt: skip
    assert "JPN" in full  # the home market: growth in the deck, SNS and platform shares in the snapshots
    p = descriptive.profile("JPN", data, ranked, params)
    assert p.home and not p.candidate and p.wanted == []
    html = descriptive.render(p, "ja", MAIN, AS_OF, data["catalogue"])
    assert shown(label("profile.why_home", "ja")) in html and shown(label("profile.wanted_h", "ja")) not in html


def test_hong_kong_a_candidate_without_a_rank_gets_the_descriptive_page(data, params, ranked):
    assert "HKG" in params["candidates"] and "HKG" not in ranked
    assert "HKG" in descriptive.economies(data["deck_figures"], data["external_figures"], ranked)
    p = descriptive.profile("HKG", data, ranked, params)
    assert p.candidate and p.score is not None and p.missing
    html = descriptive.render(p, "en", MAIN, AS_OF, data["catalogue"])
    first = p.deck.filter(pl.col("figure_id") == "sea_top5_platforms").sort("value").row(0, named=True)
    assert "HKTV" in first["category_ja"] and shown(first["category_en"]) in html  # the deck's first site in HK
    assert p.deck.filter(pl.col("figure_id") == "china_cbec_import_ranking")["value"].to_list() == [1.0]
    why = label(
        "profile.why_unranked",
        "en",
        have=p.score["pillars"],
        total=len(CORE_PILLARS),
        share=pct(p.score["missing_weight"], "en"),
        limit=pct(params["max_missing_weight"], "en"),
    )
    assert shown(why) in html
    assert _wanted_pillars(html, "en") == [shown(label(f"pillar.{x}", "en")) for x in p.missing]


def test_the_step_writes_both_languages_and_the_index_links_them(tmp_path: Path, data, ranked, monkeypatch):
    codes = descriptive.build(tmp_path, MAIN, ranked, AS_OF)
    assert {"HKG", "TWN", "AUS", "JPN"} <= set(codes) and not set(codes) & set(ranked)
    rel = page_path(MAIN, "TWN", "ja").relative_to(paths.ROOT)
    assert (tmp_path / rel).is_file() and (tmp_path / rel.parent.parent / "en" / "profile.html").is_file()
    listed = tmp_path / descriptive.list_path(MAIN).relative_to(paths.ROOT)
    assert json.loads(listed.read_text(encoding="utf-8")) == {"described": codes}

    from ecresearch.site import index

    monkeypatch.setattr("ecresearch.report.described.described", lambda out: codes)
    index.build(tmp_path, MAIN, ranked, AS_OF)
    page = (tmp_path / MAIN.index.relative_to(paths.ROOT)).read_text(encoding="utf-8")
    for iso3 in ("HKG", "TWN"):  # HKG in the scores table's row, TWN among the described economies
        assert f'href="economies/{iso3}/en/profile.html"' in page and f'href="economies/{iso3}/ja/profile.html"' in page
