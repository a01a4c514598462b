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


def font_css(text: str) -> str:
    """@font-face rules for the characters of ``text``: IPAexGothic first, Noto Sans SC for what it lacks."""
    ja, sc = _font_paths()
    chars = "".join(sorted(set(text)))
    rest = "".join(c for c in chars if ord(c) not in _cmap(ja) and not c.isascii())
    rules = []
    for i, (path, wanted) in enumerate(((ja, chars), (sc, rest))):
        data = _subset(path, wanted) if wanted else None
        if data:
            b64 = base64.b64encode(data).decode()
            rules.append(f"@font-face{{font-family:'{FAMILY}-{i}';src:url(data:font/woff;base64,{b64}) format('woff');}}")
    return "".join(rules)


def font_stack() -> str:
    return f"'{FAMILY}-0','{FAMILY}-1',sans-serif"
