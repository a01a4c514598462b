"""Country resolution for reports, the incremental DAG, atomic failure handling, and one report end to end."""
import hashlib
import json
import subprocess
from pathlib import Path

import pytest

from ecresearch.build import engine as pipeline
from ecresearch.errors import CountryError, EcresearchError
from ecresearch.build.engine import Step, execute
from ecresearch.reports.country import target

from .conftest import REPO, run_cli


@pytest.mark.parametrize("given, iso3", [("IDN", "IDN"), ("idn", "IDN"), ("ID", "IDN"), ("Indonesia", "IDN"),
                                         ("インドネシア", "IDN"), ("アメリカ", "USA"), ("United States", "USA"),
                                         ("gb", "GBR"), ("韓国", "KOR")])
def test_report_country_forms(given, iso3):
    assert target(given) == iso3


@pytest.mark.parametrize("bad", ["XYZ", "../../etc", "..", "IDN/../x", "-rf", "", "WLD", "Europe"])
def test_report_rejects_bad_countries(bad):
    with pytest.raises(CountryError):
        target(bad)


def _tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_dag_skips_reruns_and_fails_atomically(tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "STATE_DIR", tmp_path / "state")
    monkeypatch.setattr(pipeline.paths, "ROOT", tmp_path)
    src = tmp_path / "in.txt"
    src.write_text("a")
    out = tmp_path / "out" / "x.txt"
    calls = []

    def make(text_fn):
        def run(root: Path):
            calls.append(1)
            dest = root / "out" / "x.txt"
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(text_fn())
        return run

    step = Step("s", make(lambda: src.read_text().upper()), inputs=(src,), code=(), outputs=(out,), params={"w": 1})
    assert execute([step], quiet=True) == {"s": "ran"} and out.read_text() == "A"
    assert execute([step], quiet=True) == {"s": "up to date"} and len(calls) == 1
    src.write_text("b")  # an input changed
    assert execute([step], quiet=True) == {"s": "ran"} and out.read_text() == "B"
    changed = Step("s", step.run, inputs=(src,), code=(), outputs=(out,), params={"w": 2})  # a parameter changed
    assert execute([changed], quiet=True) == {"s": "ran"}
    out.write_text("tampered")  # an output altered or missing reruns the step
    assert execute([changed], quiet=True) == {"s": "ran"} and out.read_text() == "B"

    def boom(root: Path):
        (root / "out").mkdir(parents=True, exist_ok=True)
        (root / "out" / "x.txt").write_text("half")
        raise KeyboardInterrupt  # Ctrl-C in the middle of a step

    src.write_text("c")
    with pytest.raises(KeyboardInterrupt):
        execute([Step("s", boom, inputs=(src,), code=(), outputs=(out,), params={"w": 2})], quiet=True)
    assert out.read_text() == "B"  # the previous good output is intact
    assert not list((tmp_path / ".staging").iterdir())
    assert execute([changed], quiet=True) == {"s": "ran"} and out.read_text() == "C"  # and the next build repairs


def test_failing_notebook_cell_is_named(tmp_path):
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    from ecresearch.build.runner import NotebookFailed, run_notebook
    nb = new_notebook(cells=[new_code_cell("x = 1", metadata={"tags": ["parameters"]}), new_code_cell("1 / 0")],
                      metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    path = tmp_path / "bad.ipynb"
    nbformat.write(nb, path)
    with pytest.raises(NotebookFailed, match=r"bad.ipynb: cell \d+ .*ZeroDivisionError"):
        run_notebook(path, tmp_path / "out.ipynb", {"x": 2})


def test_cli_rejects_bad_input_before_any_kernel(scratch_root):
    for args, needle in ((["report", "XYZ"], "unknown country 'XYZ'"),
                         (["report", "../../etc"], "not a country code or name"),
                         (["report", "IDN", "--weights", "1,1"], "parameter 'weights'"),
                         (["report", "IDN", "--lang", "fr"], "parameter 'lang'"),
                         (["build", "--weights", "0.5,0.5,0.5"], "must sum to 1"),
                         (["build", "--aggregation", "median"], "parameter 'aggregation'")):
        r = run_cli(scratch_root, *args)
        assert r.returncode == 1, (args, r.stderr)
        assert needle in r.stderr and len(r.stderr.strip().splitlines()) == 1, (args, r.stderr)
    assert not (scratch_root / "data" / "processed").exists()  # nothing was built or written


def test_notebook03_defaults_match_the_build():
    import papermill as pm

    from ecresearch.build.dag import scoring_params
    defaults = {k: v["default"] for k, v in pm.inspect_notebook(str(REPO / "notebooks" / "03-target-country-scoring.ipynb")).items()}
    for key, value in scoring_params().items():
        assert eval(defaults[key]) == value, key  # noqa: S307 - the notebook's own literal


@pytest.mark.slow
def test_full_build_reports_and_incremental_reruns(scratch_root):
    """End to end on a fresh copy: every output, a report per scored country with its score, a no-op rerun,
    and exactly the downstream steps rerun after a change. Committed outputs must equal the rebuild."""
    r = run_cli(scratch_root, "build", timeout=1500)
    assert r.returncode == 0, r.stderr[-2000:]
    ranked = json.loads((scratch_root / "reports" / "scores" / "ranked.json").read_text())["ranked"]
    assert len(ranked) >= 10
    html = (scratch_root / "reports" / "countries" / "IDN" / "report.html").read_text(encoding="utf-8")
    import polars as pl
    idn = pl.read_parquet(scratch_root / "data" / "processed" / "country_scores.parquet").filter(pl.col("iso3") == "IDN")
    assert f"{idn['score'][0]:.1f}" in html and "@font-face" in html and "<script src=\"http" not in html
    for iso3 in ranked:
        assert (scratch_root / "reports" / "countries" / iso3 / "report.html").exists()
    assert "countries/IDN/report.html" in (scratch_root / "reports" / "index.html").read_text(encoding="utf-8")

    # committed outputs are exactly what the code builds from data/raw
    tracked = subprocess.run(["git", "ls-files", "data/processed", "reports"], cwd=REPO, capture_output=True,
                             text=True).stdout.split()
    for rel in tracked:
        assert hashlib.sha256((REPO / rel).read_bytes()).digest() == \
            hashlib.sha256((scratch_root / rel).read_bytes()).digest(), f"{rel} is stale: run make reports"

    r = run_cli(scratch_root, "build")
    assert "everything is up to date" in r.stdout

    # a report made alone, in a fresh kernel, is byte-identical to the one the build made in a reused kernel
    built = _tree(scratch_root / "reports" / "countries" / "IDN")
    assert run_cli(scratch_root, "report", "IDN", "--force").returncode == 0
    assert _tree(scratch_root / "reports" / "countries" / "IDN") == built

    r = run_cli(scratch_root, "build", "--weights", "0.5,0.25,0.25")
    assert r.returncode == 0
    assert f"{1 + len(ranked) + 1} of {3 + len(ranked) + 1} steps ran" in r.stdout  # scores, reports, index

    before = _tree(scratch_root / "reports" / "countries" / "IDN")
    r = run_cli(scratch_root, "report", "インドネシア", "--weights", "0.5,0.25,0.25")
    assert r.returncode == 0 and "reports/countries/IDN/report.html (up to date)" in r.stdout
    assert _tree(scratch_root / "reports" / "countries" / "IDN") == before

    r = run_cli(scratch_root, "report", "HKG")
    assert r.returncode == 1 and "no score" in r.stderr
    r = run_cli(scratch_root, "report", "BRA")
    assert r.returncode == 1 and "not among the scored candidates" in r.stderr
