"""Where things live: the one place that knows the repository layout."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(os.environ.get("ECRESEARCH_ROOT", Path(__file__).resolve().parents[2]))
DATA = ROOT / "data"
RAW = DATA / "raw"
PROCESSED = DATA / "processed"
REPORTS = ROOT / "reports"
FIGURES = REPORTS / "figures"
NOTEBOOKS = ROOT / "notebooks"

DECK_TEXT = RAW / "deck" / "jetro_overseas_ec_seminar.txt"
EXTERNAL_CSV = RAW / "external" / "external_figures.csv"


def rel(path: Path) -> str:
    """A path as shown to users: relative to the repository root when inside it."""
    try:
        return str(Path(path).resolve().relative_to(ROOT.resolve()))
    except ValueError:
        return str(path)

# Outputs, named once: the build's steps and the report notebooks read these.
PROCESSED_FIGURE_DIR = PROCESSED / "figures"
QUALITY_REPORT = REPORTS / "data-quality.md"
GALLERY = REPORTS / "charts.html"
SCORES = PROCESSED / "country_scores.parquet"
INDICATORS = PROCESSED / "country_indicators.parquet"
SCORES_DIR = REPORTS / "scores"
RANKED = SCORES_DIR / "ranked.json"  # the scored countries, for the build to plan the reports
COUNTRIES_DIR = REPORTS / "countries"
INDEX = REPORTS / "index.html"
NB_SCORING = NOTEBOOKS / "03-target-country-scoring.ipynb"
NB_REPORT = NOTEBOOKS / "04-country-report.ipynb"
