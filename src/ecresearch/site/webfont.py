"""Fonts for HTML pages: the bundled IPAexGothic (and Noto Sans SC for simplified Chinese), subset to the
characters a page uses and embedded as data URIs, so Japanese renders in any browser without system fonts."""

from __future__ import annotations

import base64
import io
from functools import lru_cache

from fontTools import subset
from fontTools.ttLib import TTFont

FAMILY = "ecresearch-sans"


@lru_cache(maxsize=2)
def _font_paths() -> tuple[str, str]:
    import matplotlib_fontja
    import pylopdf_fonts_zh_cn

    return str(matplotlib_fontja.get_font_ttf_path()), str(pylopdf_fonts_zh_cn.sans_path())


@lru_cache(maxsize=4)
def _font_bytes(path: str) -> bytes:
    with open(path, "rb") as fh:
        return fh.read()


@lru_cache(maxsize=4)
def _cmap(path: str) -> frozenset[int]:
    return frozenset(TTFont(io.BytesIO(_font_bytes(path)), lazy=True).getBestCmap())


def _subset(path: str, chars: str) -> bytes | None:
    cmap = _cmap(path)
    wanted = sorted({ord(c) for c in chars if ord(c) in cmap})
    font = TTFont(io.BytesIO(_font_bytes(path)), recalcTimestamp=False)
    if not wanted:
        return None
    options = subset.Options()
    options.flavor = "woff"
    options.recalc_timestamp = False
    options.name_IDs = ["*"]
    sub = subset.Subsetter(options)
    sub.populate(unicodes=wanted)
    sub.subset(font)
    buf = io.BytesIO()
    font.flavor = "woff"
    font.save(buf, reorderTables=True)
    return buf.getvalue()


@lru_cache(maxsize=1)
def _core_chars() -> str:
    """Characters nearly every page uses: ASCII, kana and full-width forms (the rest is subset per page from its
    own text, so no page depends on a file it does not declare)."""
    chars = set(chr(c) for c in range(0x20, 0x7F)) | set(chr(c) for c in range(0x3000, 0x3100))
    chars |= set(chr(c) for c in range(0xFF01, 0xFF5F))
    return "".join(sorted(c for c in chars if c.isprintable()))


@lru_cache(maxsize=8)
def _face(family: str, path: str, chars: str) -> str:
    data = _subset(path, chars) if chars else None
    if not data:
        return ""
    b64 = base64.b64encode(data).decode()
    return f"@font-face{{font-family:'{family}';src:url(data:font/woff;base64,{b64}) format('woff');}}"


def warm() -> None:
    """Make the per-process parts (the fonts' character maps, the core subset) ahead of the first page, e.g.
    while a report's notebook runs: ``font_css`` is then only the page's own characters."""
    _cmap(_font_paths()[1])
    _core_face()


def _core_face() -> str:
    ja = _font_paths()[0]
    return _face(f"{FAMILY}-0", ja, "".join(c for c in _core_chars() if ord(c) in _cmap(ja)))


def font_css(text: str) -> str:
    """@font-face rules covering ``text``: a core subset of IPAexGothic made once per process (the deck's
    characters), IPAexGothic for any other character, and Noto Sans SC for what IPAexGothic lacks."""
    ja, sc = _font_paths()
    core = _core_chars()
    chars = set(text)
    extra = "".join(sorted(c for c in chars - set(core) if ord(c) in _cmap(ja)))
    rest = "".join(sorted(c for c in chars if ord(c) not in _cmap(ja) and not c.isascii()))
    rules = [_core_face()]
    if extra:
        rules.append(_face(f"{FAMILY}-1", ja, extra))
    if rest:
        rules.append(_face(f"{FAMILY}-2", sc, rest))
    return "".join(rules)


def font_stack() -> str:
    return f"'{FAMILY}-0','{FAMILY}-1','{FAMILY}-2',sans-serif"
