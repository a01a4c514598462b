"""House style: colours, fonts (IPAexGothic bundled by matplotlib-fontja), deterministic output."""

from __future__ import annotations

import matplotlib.pyplot as plt
import matplotlib_fontja
import seaborn as sns

DECK = "#1f4e79"  # values read from the deck
DECK_2 = "#5b9bd5"
EXTERNAL = "#a6a6a6"  # values from public sources, flagged
HIGHLIGHT = "#c00000"  # the target country in a report
MISSING_EDGE = "#c00000"
PALETTE = ["#1f4e79", "#5b9bd5", "#ed7d31", "#70ad47", "#ffc000", "#7030a0", "#264478", "#9e480e", "#636363", "#997300"]
VINTAGE_PALETTE = ["#7f7f7f", "#bfbfbf", "#595959", "#d9d9d9"]

FALLBACK_FAMILY = "Noto Sans SC"

# Legible on a phone: a page shows a chart at least PHONE_CHART_PX wide (site.css), so a chart of WIDTH inches
# with no text under SMALL points shows its smallest text at SMALL * PHONE_CHART_PX / (72 * WIDTH) ≈ 10 CSS px.
WIDTH = 8.0  # inches
SMALL = 9  # points: value labels, legends, notes, footers


def _add_fallback_font() -> None:
    """Noto Sans SC (bundled by pylopdf-fonts-zh-cn) for glyphs IPAexGothic lacks: the deck cites Chinese
    sources in simplified characters."""
    import pylopdf_fonts_zh_cn
    from matplotlib import font_manager

    path = str(pylopdf_fonts_zh_cn.sans_path())
    if not any(f.fname == path for f in font_manager.fontManager.ttflist):
        font_manager.fontManager.addfont(path)


def apply() -> None:
    """Seaborn theme, then the bundled Japanese font (set_theme resets the font, so order matters)."""
    sns.set_theme(context="notebook", style="whitegrid", palette=PALETTE)
    matplotlib_fontja.japanize()
    _add_fallback_font()
    plt.rcParams.update(
        {
            "font.family": ["IPAexGothic", FALLBACK_FAMILY],
            "svg.hashsalt": "ecresearch",
            "svg.fonttype": "path",  # glyphs as outlines: Japanese renders in any browser, no font needed
            "figure.dpi": 100,
            "savefig.dpi": 120,
            "axes.titlesize": 12,
            "axes.titleweight": "normal",
            "axes.labelsize": 10.5,
            "xtick.labelsize": 10,
            "ytick.labelsize": 10,
            "legend.fontsize": SMALL,
            "legend.title_fontsize": 10,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "path.simplify": False,
        }
    )


def save(fig, stem) -> list:
    """Write <stem>.svg and <stem>.png byte-deterministically. The suffix is appended, not swapped: a stem such
    as 'rank_bands.ja' keeps its language (with_suffix would make it 'rank_bands.svg' for both languages)."""
    from pathlib import Path

    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    svg, png = stem.with_name(stem.name + ".svg"), stem.with_name(stem.name + ".png")
    fig.savefig(svg, format="svg", metadata={"Date": None}, bbox_inches="tight")
    fig.savefig(png, format="png", metadata={"Software": None}, bbox_inches="tight")
    return [svg, png]
