"""The closed list of product categories (``domain/catalogue/categories.toml``) and the one map from a source's
word to its category: every reader (the segments step, the tests, the CLI) asks here, nothing else maps words."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from ecresearch.domain.labels import CATALOGUE
from ecresearch.errors import EcresearchError

FILE = CATALOGUE.parent / "categories.toml"  # beside the label catalogue (so a step's code hash covers it)
EFFECTS = ("bars", "requires", "restricts")


@dataclass(frozen=True)
class Category:
    key: str
    ja: str
    en: str
    words: tuple[str, ...]
    part_words: tuple[str, ...] = ()

    def name(self, lang: str) -> str:
        return self.ja if lang == "ja" else self.en


@dataclass(frozen=True)
class RuleTopic:
    names: tuple[str, ...]  # the products, as the rule's summary_en names them
    effect: str  # bars | requires


@dataclass(frozen=True)
class Catalogue:
    categories: dict[str, Category]
    figure_title_marker: str
    all_words: tuple[str, ...]
    general_rules: tuple[str, ...]
    rule_topics: dict[str, RuleTopic]
    checklist: dict[str, tuple[RuleTopic, str]] = field(default_factory=dict)  # key → (products, as printed)

    def keys(self) -> list[str]:
        return list(self.categories)

    def matches(self, word: str) -> list[tuple[str, bool]]:
        """Every (category, partial) a word maps to: exactly one for a mapped word (a test checks)."""
        w = normalise(word)
        return [
            (c.key, w in map(normalise, c.part_words))
            for c in self.categories.values()
            if w in map(normalise, c.words) or w in map(normalise, c.part_words)
        ]

    def category_of(self, word: str) -> tuple[str, bool] | None:
        """(category, partial) of a word, or None when it is unmapped."""
        found = self.matches(word)
        return found[0] if len(found) == 1 else None

    def all_mapped_words(self) -> list[str]:
        return [w for c in self.categories.values() for w in (*c.words, *c.part_words)]


def normalise(word: str) -> str:
    return " ".join(word.split())


@cache
def load(file: Path = FILE) -> Catalogue:
    data = tomllib.loads(file.read_text(encoding="utf-8"))
    cats = {
        key: Category(key, c["ja"], c["en"], tuple(c["words"]), tuple(c.get("part_words", ())))
        for key, c in data["categories"].items()
    }
    topics = {}
    for topic, t in data["rules"].get("topics", {}).items():
        if t["effect"] not in EFFECTS:
            raise EcresearchError(f"{file.name}: rules.topics.{topic}: effect {t['effect']!r} not in {EFFECTS}")
        topics[topic] = RuleTopic(tuple(t["names"]), t["effect"])
    checklist = {
        key: (RuleTopic(tuple(c["names"]), c["effect"]), c["printed"]) for key, c in data.get("checklist", {}).items()
    }
    return Catalogue(
        cats, data["figure_title_marker"], tuple(data["all_words"]), tuple(data["rules"]["general"]), topics, checklist
    )


def require(key: str) -> Category:
    """The category of a ``--category`` value, or one line listing the valid keys."""
    cat = load()
    if key not in cat.categories:
        raise UnknownCategory(f"--category {key!r}: no such category; valid keys: {', '.join(cat.keys())}")
    return cat.categories[key]


class UnknownCategory(EcresearchError):
    """A --category value not in the closed list (the CLI exits 2, as for any bad argument)."""

    exit_code = 2
