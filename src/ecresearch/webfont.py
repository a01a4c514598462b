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


def _subset(path: str, chars: str) -> bytes | None:
    font = TTFont(path, recalcTimestamp=False)
    cmap = font.getBestCmap()
    wanted = sorted({ord(c) for c in chars if ord(c) in cmap})
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
    rules = []
    for i, path in enumerate((ja, sc)):
        data = _subset(path, chars)
        if data:
            b64 = base64.b64encode(data).decode()
            rules.append(f"@font-face{{font-family:'{FAMILY}-{i}';src:url(data:font/woff;base64,{b64}) format('woff');}}")
    return "".join(rules)


def font_stack() -> str:
    return f"'{FAMILY}-0','{FAMILY}-1',sans-serif"
