"""The label catalogue: every key in every language, with the same placeholders, and each key used."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from ecresearch.domain.labels import LANGS, catalogue, label, section

SRC = Path(__file__).resolve().parents[1] / "src" / "ecresearch"


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(catalogue()))
def test_every_key_in_every_language_with_the_same_placeholders(key):
    texts = catalogue()[key]
    assert set(texts) == set(LANGS), key
    assert all(t.strip() or t == "" for t in texts.values())
    assert len({frozenset(placeholders(t)) for t in texts.values()}) == 1, key


def test_japanese_text_is_japanese():
    # a Japanese entry that is plain ASCII words is an untranslated copy (brand names and symbols aside)
    for key, texts in catalogue().items():
        if key.startswith("nav.other") or key.startswith("report.yes"):
            continue
        ja = re.sub(r"\{[^}]*\}", "", texts["ja"])
        assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", ja) or not re.search(r"[a-z]{4,}", ja), key


# sections whose keys are data values (a metric's text, a unit), looked up with section()
DATA_KEYED = ("measure", "report_unit")


def test_every_data_value_has_a_label():
    """Every metric, unit, rule topic and checklist category a report can print has an entry in both languages,
    so a Japanese page never falls back to the data's English (a new snapshot with a new metric fails here)."""
    import polars as pl

    from ecresearch import datasets
    from ecresearch.domain.labels import section

    ext = datasets.read("external_figures").filter(
        pl.col("topic").is_in(
            ["platform_share", "platform_visits", "platform_sales", "us_retailer_share", "social_platform_use"]
        )
    )
    scored = datasets.read("scored_data_sets").filter(pl.col("pillar") == "concentration")
    metrics = set(ext["metric"]) | set(scored["metric"])
    units = set(ext["unit"]) - {"pct", "percent"}
    for name, wanted in (("measure", metrics), ("report_unit", units)):
        for lang in ("ja", "en"):
            missing = sorted(wanted - set(section(name, lang)))
            assert not missing, (name, lang, missing)
    rules = datasets.read("market_rules")
    passages = datasets.read("deck_passages")
    for name, wanted in (
        ("rule_topic", set(rules["topic"])),
        ("checklist_category", set(passages.filter(pl.col("kind") == "checklist")["category"].drop_nulls())),
    ):
        assert wanted <= set(section(name, "ja")) and wanted <= set(section(name, "en")), (name, wanted)


def test_every_key_is_used():
    code = "\n".join(p.read_text(encoding="utf-8") for p in SRC.rglob("*.py"))
    code += "\n".join(p.read_text(encoding="utf-8") for p in SRC.rglob("*.j2"))
    notebooks = "\n".join(p.read_text(encoding="utf-8") for p in (SRC.parents[1] / "notebooks").glob("*.py"))
    for key in catalogue():
        if key.startswith("scoring_page."):  # notebook 03's words: T("key"), head("name") for h_/x_, word(value)
            last = key.removeprefix("scoring_page.")
            used = (
                f'T("{last}"' in notebooks
                or f"T('{last}'" in notebooks
                or (last[:2] in ("h_", "x_") and f'head("{last[2:]}")' in notebooks)
                or (last.startswith("word.") and 'section("scoring_page.word"' in notebooks)
                or f'"scoring_page.{last}"' in code
                or (last.startswith("word.") and 'section("scoring_page.word"' in code)
            )
            assert used, key
            continue
        section_name = key.split(".", 1)[0]
        if section_name in DATA_KEYED and f'section("{section_name}"' in code:
            continue  # looked up by a data value; test_every_data_value_has_a_label checks the other way round
        prefix, _, last = key.rpartition(".")
        used = (
            f'"{key}"' in code  # label("report.title", ...)
            or (
                (f'"{last}"' in code or f"'{last}'" in code)  # t["key"], or t['key'] inside an f-string
                and (prefix == "report" or f'section("{prefix}"' in code)
            )  # self.t / section
            or f'f"{prefix}.{{' in code  # a key built from data: label(f"status.{fig.status}", ...)
            or f"'{prefix}.' +" in code
        )
        assert used, key


def test_label_fills_placeholders_and_sections_strip_their_prefix():
    assert label("report.title", "en", name="Indonesia") == "Indonesia: cross-border e-commerce market report"
    assert section("nav", "ja")["index"] == "トップ"
    with pytest.raises(KeyError):
        label("report.no_such_key", "en")


def test_every_base_unit_has_its_chart_name():
    from ecresearch.domain import units

    assert {f"unit.{name}" for name in units.BASE_UNITS} == {k for k in catalogue() if k.startswith("unit.")}
