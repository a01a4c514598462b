"""The label catalogue: every word a page or chart generates, keyed (key, language), in ``catalogue/labels.toml``.

Code asks for a key in the page's language and never spells a translation itself, so a page is in one
language and a translation is changed in one place. Keys are dotted (``report.title``); placeholders in
braces are the same in every language (a test checks)."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

LANGS = ("ja", "en")
CATALOGUE = Path(__file__).resolve().parent / "catalogue" / "labels.toml"


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """Every key with its text per language (the TOML tables flattened to dotted keys)."""
    flat: dict[str, dict[str, str]] = {}

    def walk(prefix: str, node: dict) -> None:
        if node and set(node) <= set(LANGS) and all(isinstance(v, str) for v in node.values()):
            flat[prefix] = node
            return
        for k, v in node.items():
            walk(f"{prefix}.{k}" if prefix else k, v)

    walk("", tomllib.loads(CATALOGUE.read_text(encoding="utf-8")))
    return flat


def label(key: str, lang: str, **values) -> str:
    """The text of ``key`` in ``lang``, placeholders filled; a missing key or language is a programming error."""
    return catalogue()[key][lang].format(**values) if values else catalogue()[key][lang]


def section(prefix: str, lang: str) -> dict[str, str]:
    """All keys under ``prefix`` (without it) in one language, for templates and lookups by data value."""
    head = prefix + "."
    return {k[len(head) :]: v[lang] for k, v in catalogue().items() if k.startswith(head)}
