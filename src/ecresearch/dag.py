"""The project's steps, in one place: what each reads, runs and writes."""
from __future__ import annotations

from . import clean, paths
from .charts import build as charts
from .pipeline import PKG, Step

CLEAN_CODE = (PKG / "deck", PKG / "tables.py", PKG / "schemas.py", PKG / "quality.py", PKG / "clean.py",
              PKG / "countries.py", PKG / "raw.py")


def steps(*, only: str | None = None) -> list[Step]:
    out = [
        Step("clean", clean.build, inputs=(paths.RAW,), code=CLEAN_CODE, outputs=tuple(clean.outputs())),
        Step("charts", charts.build, inputs=tuple(paths.PROCESSED / f"{n}.parquet" for n in
                                                  ("deck_figures", "text_tables", "quality_findings", "catalogue")),
             code=(PKG / "charts", PKG / "deck"), outputs=tuple(charts.outputs()), after=("clean",)),
    ]
    return [s for s in out if only is None or s.name == only]
