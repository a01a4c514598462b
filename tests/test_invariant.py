"""Every page agrees with the scores it cites, after any command that changes them (issue 22's four sequences):
a report after an edit of params.toml, a report after a new snapshot, a build that unranks countries, a
scenario rebuilt with weights that unrank countries; a PDF of an old page never stays beside a new page.

The checks here read the pages as files (their <meta> stamps, their links), independently of the code that
keeps them consistent. The build tests run on a copy of the slow tier's cold build, with few candidates and
few draws so that each rebuild of a set is quick."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from .test_living_data import ADD, cli, ok
from .test_reports_and_dag import _stamps

FEW = ["IDN", "MYS", "PHL", "THA"]
FEWER = ["IDN", "PHL"]  # MYS and THA no longer candidates: no longer ranked, whatever the data say


def set_params(root: Path, growth: int, candidates: list[str] = FEW) -> None:
    text = (root / "params.toml").read_text(encoding="utf-8")
    text = re.sub(
        r"(?m)^weights = .*$", f"weights = {{ growth = {growth}, sns = 1, concentration = 1, size = 0 }}", text
    )
    text = re.sub(r"(?m)^draws = .*$", "draws = 200", text)
    text = re.sub(r"(?m)^candidates = .*$", f"candidates = {json.dumps(candidates)}", text)
    (root / "params.toml").write_text(text, encoding="utf-8")


def problems(base: Path) -> list[str]:
    """What disagrees in the output set under ``base`` (reports/ or a scenario's folder)."""
    meta = json.loads((base / "scores" / "params.json").read_text(encoding="utf-8"))
    data = base.parent / "data" / "processed" if base.name == "reports" else base / "data"
    want = (meta["digest"], hashlib.sha256((data / "country_scores.parquet").read_bytes()).hexdigest()[:16])
    ranked = set(json.loads((base / "scores" / "ranked.json").read_text(encoding="utf-8"))["ranked"])
    found = []
    pages = [base / "index.html", base / "scores" / "scores.html", *sorted(base.glob("countries/*/*/report.html"))]
    found += [f"{p}: stamp {_stamps(p)} is not {want}" for p in pages if _stamps(p) != want]
    countries = {d.name for d in (base / "countries").glob("*") if any(f.is_file() for f in d.rglob("*"))}
    found += [f"{base}: pages of {c}, which the set does not rank" for c in sorted(countries - ranked)]
    for pdf in base.glob("countries/*/*/report.pdf"):
        if pdf.stat().st_mtime_ns < pdf.with_suffix(".html").stat().st_mtime_ns:
            found.append(f"{pdf}: older than its page")
    index = (base / "index.html").read_text(encoding="utf-8")
    linked = set(re.findall(r'href="countries/([A-Z]{3})/(?:ja|en)/report.html"', index))
    if linked != ranked:
        found.append(f"{base}/index.html links the reports of {sorted(linked)}, the set ranks {sorted(ranked)}")
    return found


def ranked(base: Path) -> list[str]:
    return json.loads((base / "scores" / "ranked.json").read_text(encoding="utf-8"))["ranked"]


@pytest.mark.slow
def test_pages_agree_with_their_scores_after_every_sequence(built_copy: Path):
    root = built_copy
    main = root / "reports"
    assert problems(main) == []
    old_pdf = main / "countries" / "IDN" / "ja" / "report.pdf"
    old_pdf.write_bytes(b"%PDF- made from the old scores")  # what `report IDN --pdf` left earlier
    unranked_before = sorted(set(ranked(main)) - set(FEW))

    # 1. edit params.toml, then one report without a build: every page of the set follows the new scores
    set_params(root, growth=1)
    r = ok(cli(root, "report", "IDN"))
    assert "rebuilding" in r.stderr and not old_pdf.exists()
    assert problems(main) == [] and sorted(ranked(main)) == sorted(FEW)
    assert not any((main / "countries" / c).exists() for c in unranked_before)

    # 2. a new snapshot (new SNS rows), then a report in English: the same
    before = (root / "data" / "processed" / "country_scores.parquet").read_bytes()
    ok(cli(root, *ADD))
    ok(cli(root, "report", "IDN", "--lang", "en"))
    assert (root / "data" / "processed" / "country_scores.parquet").read_bytes() != before
    assert problems(main) == []

    # 3. a build whose scores no longer rank two countries: their pages go with the publish of the scores
    assert {"MYS", "THA"} <= set(ranked(main))
    set_params(root, growth=2, candidates=FEWER)
    ok(cli(root, "build"))
    assert set(ranked(main)) <= set(FEWER) and problems(main) == []

    # 4. a scenario rebuilt with weights (and candidates) that unrank countries
    set_params(root, growth=1)
    scenario = main / "scenarios" / "growth-first"
    ok(cli(root, "build", "--scenario", "growth-first", "--weights", "1,1,1"))
    assert {"MYS", "THA"} <= set(ranked(scenario)) and problems(scenario) == []
    set_params(root, growth=1, candidates=FEWER)
    ok(cli(root, "build", "--scenario", "growth-first", "--weights", "0.5,0.25,0.25"))
    assert set(ranked(scenario)) <= set(FEWER) and problems(scenario) == [] and problems(main) == []

    # one step alone is the expert's tool: it names the pages it leaves behind and the command that rebuilds them
    set_params(root, growth=1)
    r = ok(cli(root, "build", "--only", "scores"))
    assert "`ecresearch build` rebuilds them" in r.stderr, r.stderr
