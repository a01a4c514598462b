"""Product categories: every word the sources use maps to exactly one category of the closed list, the deck's
programme lists are read as printed, and a category barred in a market is flagged in the ranking view."""

from __future__ import annotations

import json
import subprocess
import sys

import polars as pl
import pytest

from ecresearch import datasets, paths
from ecresearch.segments import build as seg
from ecresearch.segments.catalogue import Catalogue, Category, UnknownCategory, load, require
from ecresearch.segments.extract import programme_categories, split_words
from ecresearch.segments.view import matrix, rows_for, standing
from ecresearch.snapshots import raw

UNLABELLED = "（不明）"


@pytest.fixture(scope="module")
def programmes(deck) -> pl.DataFrame:
    return programme_categories(deck)


def deck_category_words() -> list[str]:
    """Every category label of the deck's category figures (their title says so), as the clean step read it."""
    cat = load()
    figures = seg.category_figures(datasets.read("catalogue"), cat)["figure_id"].to_list()
    assert len(figures) >= 2  # the China live-commerce and US category figures at least: never vacuous
    rows = datasets.read("deck_figures").filter(pl.col("figure_id").is_in(figures) & pl.col("value").is_not_null())
    return sorted(set(rows["category_ja"].to_list()) - {UNLABELLED})


def unmapped(cat: Catalogue, words: list[str]) -> list[tuple[str, int]]:
    """Words that map to no category or to several: (word, how many)."""
    return [(w, len(cat.matches(w))) for w in words if w not in cat.all_words and len(cat.matches(w)) != 1]


def test_every_deck_category_word_maps_to_one_category():
    words = deck_category_words()
    assert words
    assert unmapped(load(), words) == []


def test_every_programme_category_maps_to_one_category(programmes):
    assert programmes.height
    assert unmapped(load(), programmes["word"].unique().to_list()) == []


def test_every_rule_topic_is_classified_and_names_what_its_text_says():
    cat = load()
    rules = datasets.read("market_rules")
    for topic in rules["topic"].unique().to_list():
        assert (topic in cat.general_rules) != (topic in cat.rule_topics), f"rules topic {topic!r} unclassified"
    for topic, rt in cat.rule_topics.items():
        texts = " ".join(rules.filter(pl.col("topic") == topic)["summary_en"].drop_nulls().to_list())
        for name in rt.names:
            assert name in texts, f"{topic}: {name!r} is not what its rule says"
        assert unmapped(cat, list(rt.names)) == []


def test_the_checklist_products_map_to_one_category():
    passages = datasets.read("deck_passages")
    rows = seg.checklist_rows(passages, load(), "deck")
    assert {r["item"] for r in rows} >= {"fda", "nmpa"}  # the certifications that name their products


def test_a_new_word_is_caught(tmp_path):
    """The check fails on a word no category has, and on one two categories claim."""
    cat = load()
    assert unmapped(cat, ["未登録の新カテゴリー"]) == [("未登録の新カテゴリー", 0)]
    doubled = Catalogue(
        {**cat.categories, "twin": Category("twin", "双子", "Twin", ("化粧品",))},
        cat.figure_title_marker,
        cat.all_words,
        cat.general_rules,
        cat.rule_topics,
    )
    assert unmapped(doubled, ["化粧品"]) == [("化粧品", 2)]


def test_each_word_is_declared_once():
    words = load().all_mapped_words()
    assert len(words) == len(set(words))


def test_the_deck_lists_are_read_as_printed(programmes):
    store = programmes.filter((pl.col("programme") == "JAPAN STORE") & (pl.col("iso3") == "USA"))
    eligible = store.filter(pl.col("role") == "eligible")["word"].to_list()
    cat = load()
    # each of the programme's eligible categories is one of ours, and no two share one
    assert len({cat.category_of(w)[0] for w in eligible}) == len(eligible) > 1
    excluded = store.filter(pl.col("role") == "excluded")["word"].to_list()
    assert "酒類" in excluded and "中古商品" in excluded
    hfss = programmes.filter(pl.col("word").str.contains("糖分"))
    assert hfss["iso3"].to_list() == ["GBR"] and hfss["role"].to_list() == ["excluded"]
    konvy = programmes.filter(pl.col("platform") == "Konvy")
    assert konvy["iso3"].to_list() == ["THA"] and cat.category_of(konvy["word"].item())[0] == "beauty"


def test_split_words_keeps_brackets_whole():
    assert split_words("A（x、y）、B、C等", "、") == ["A（x、y）", "B", "C"]
    assert split_words("食品・化粧品、日用品", "、・") == ["食品", "化粧品", "日用品"]


def _segments(as_of: str) -> pl.DataFrame:
    tables = {name: datasets.read(name) for name in seg.READS}
    tables["programme_categories"] = programme_categories(raw.load_deck())
    return seg.segments(tables, as_of, 730)


def test_a_barred_category_is_flagged_in_the_ranking_view():
    segments = datasets.validate("category_segments", _segments("2026-12-01"))
    grid = matrix(segments, ["CHN", "USA", "GBR", "PHL"], ["seafood", "alcohol", "food"])
    assert grid["CHN"]["seafood"][0] == "barred"  # the aquatic-products ban of the rules register
    assert grid["USA"]["alcohol"][0] == "barred"  # JAPAN STORE (the US route) excludes alcohol
    assert any("JAPAN STORE" in why for why in grid["USA"]["alcohol"][1])
    assert grid["GBR"]["food"][0] == "restricted"  # only foods high in fat, salt or sugar are excluded
    assert grid["PHL"]["alcohol"][0] == "not_barred"


def test_a_rule_not_yet_in_force_does_not_bar():
    before = _segments("2023-01-01")  # before the aquatic-products ban of 24 August 2023
    assert standing(rows_for(before, "CHN", "seafood")) == "not_barred"
    assert rows_for(before, "CHN", "seafood").filter(pl.col("aspect") == "rule")["status"].to_list() == ["not_yet"]


def test_an_unknown_category_is_one_line_and_exit_2():
    with pytest.raises(UnknownCategory) as exc:
        require("sake")
    assert "beauty" in str(exc.value) and "\n" not in str(exc.value)
    run = subprocess.run(
        [sys.executable, "-m", "ecresearch", "report", "IDN", "--category", "sake"],
        capture_output=True,
        text=True,
        cwd=paths.ROOT,
        check=False,
    )
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and ", ".join(load().keys()) in run.stderr


def test_the_report_section_names_what_bars_it():
    from ecresearch.domain.labels import label
    from ecresearch.report.category import section_html

    segments = _segments("2026-12-01")
    page = section_html(segments, "USA", "<United States>", "alcohol", "en")
    assert label("category.heading", "en", name=require("alcohol").en) in page
    assert "class='category-barred'" in page and "&lt;United States&gt;" in page  # data escaped
    ja = section_html(segments, "PHL", "フィリピン", "kitchen", "ja")
    assert label("category.standing_not_barred", "ja", market="フィリピン", reasons="") in ja


def test_unranked_markets_are_named_with_why():
    from ecresearch.site.scenarios import message_for, unranked_rows

    scores = pl.DataFrame(
        {
            "iso3": ["IDN", "MYS", "HKG"],
            "name_en": ["Indonesia", "Malaysia", "Hong Kong"],
            "name_ja": ["インドネシア", "マレーシア", "香港"],
            "ranked": [True, False, False],
            "missing_weight": [0.0, 0.25, 0.5],
        }
    )
    items = unranked_rows(scores, 0.2, {"IDN", "MYS"})
    assert [i["iso3"] for i in items] == ["MYS", "HKG"]
    line = message_for("scenario growth-first", items)
    assert (
        line.count("\n") == 0
        and "MYS (ranked in the main build; imputed pillars weigh 25% > max_missing_weight 20%)" in line
    )
    assert "HKG (imputed pillars weigh 50%" in line
    assert message_for("main build", []) is None


def test_the_main_index_lists_the_built_scenarios(tmp_path, monkeypatch):
    from ecresearch.pipeline.atomic import staged
    from ecresearch.pipeline.dag import as_of
    from ecresearch.site import index

    scen = tmp_path / "scenarios"
    monkeypatch.setattr(paths, "SCENARIOS_DIR", scen)
    built = paths.output_set("growth-first")
    built.params_json.parent.mkdir(parents=True)
    built.params_json.write_text(json.dumps({"describe": "weights <growth> 50%", "params": {}}), encoding="utf-8")
    built.index.write_text("<html></html>", encoding="utf-8")
    paths.output_set("half-built").scores_dir.mkdir(parents=True)  # no parameters: not listed
    (scen / "Not A Name").mkdir()  # not a scenario's name: not listed
    out = paths.output_set()
    index.build(tmp_path / "stage", out, ["IDN"], as_of())
    page = staged(tmp_path / "stage", out.index).read_text(encoding="utf-8")
    assert "growth-first</a>" in page and "weights &lt;growth&gt; 50%" in page
    assert "half-built" not in page


def test_a_category_report_is_a_page_of_its_own_built_before_the_index():
    from ecresearch.pipeline import dag

    out = paths.output_set()
    step = dag.report_step("IDN", "en", out, "beauty")
    assert step.outputs[1] == out.report_dir("IDN", "en") / "beauty" / "report.html"
    assert step.params["category"] == "beauty"
    assert "category" not in dag.report_step("IDN", "en", out).params  # the market's own report is unchanged
    names = [s.name for s in dag.downstream_steps(out, ["IDN"], category="beauty")]
    assert "report/IDN/ja/beauty" in names and names.index("report/IDN/en/beauty") < names.index("index")
    assert not any(n.endswith("/beauty") for n in (s.name for s in dag.downstream_steps(out, ["IDN"])))


def test_a_declared_checklist_item_is_printed_in_the_deck():
    cells = " ".join(datasets.read("text_tables")["text"].to_list())
    cat = load()
    assert cat.checklist
    for key, (products, printed) in cat.checklist.items():
        assert printed in cells, f"checklist.{key}: {printed!r} is not in the deck's tables"
        assert unmapped(cat, list(products.names)) == []
    rows = seg.checklist_rows(datasets.read("deck_passages"), cat, "deck")
    assert {(r["iso3"], r["category"], r["effect"]) for r in rows if r["item"] == "ten_prefectures"} == {
        ("CHN", "food", "restricts")
    }


def test_a_later_build_rebuilds_the_category_pages_the_set_has(tmp_path):
    """Every page of a set agrees with its scores: a category report on disk is planned with the set's other
    pages (only for markets the set ranks), and the consistency check reads it."""
    from ecresearch.pipeline import consistency, dag

    d = tmp_path / "data"
    out = paths.OutputSet(None, d / "s.parquet", d / "i.parquet", d / "c.parquet", d / "r", tmp_path / "scores",
                          tmp_path / "countries", tmp_path / "index.html")  # fmt: skip
    for iso3, lang, key in (("IDN", "ja", "beauty"), ("MYS", "en", "beauty"), ("IDN", "en", "not-a-key")):
        page = out.report_dir(iso3, lang) / key / "report.html"
        page.parent.mkdir(parents=True)
        page.write_text("<html><head></head></html>", encoding="utf-8")
    assert dag.built_category_pages(out) == [("IDN", "ja", "beauty"), ("MYS", "en", "beauty")]
    names = [s.name for s in dag.downstream_steps(out, ["IDN"])]
    assert [n for n in names if n.count("/") == 3] == ["report/IDN/ja/beauty"]  # MYS is not ranked here
    assert out.report_dir("IDN", "ja") / "beauty" / "report.html" in consistency.pages(out)
