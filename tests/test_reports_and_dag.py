"""Country resolution for reports, the incremental DAG, atomic failure handling, and one report end to end."""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest

from ecresearch.errors import CountryError, EcresearchError
from ecresearch.pipeline import engine as pipeline
from ecresearch.pipeline.engine import Step, execute
from ecresearch.report.country import target

from .conftest import REPO, run_cli


@pytest.mark.parametrize(
    "given, iso3",
    [
        ("IDN", "IDN"),
        ("idn", "IDN"),
        ("ID", "IDN"),
        ("Indonesia", "IDN"),
        ("インドネシア", "IDN"),
        ("アメリカ", "USA"),
        ("United States", "USA"),
        ("gb", "GBR"),
        ("韓国", "KOR"),
    ],
)
def test_report_country_forms(given, iso3):
    assert target(given) == iso3


@pytest.mark.parametrize("bad", ["XYZ", "../../etc", "..", "IDN/../x", "-rf", "", "WLD", "Europe"])
def test_report_rejects_bad_countries(bad):
    with pytest.raises(CountryError):
        target(bad)


def _tree(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_dag_skips_reruns_and_fails_atomically(tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline.paths, "ROOT", tmp_path)
    monkeypatch.setattr(pipeline.paths, "STATE_DIR", tmp_path / "state")
    monkeypatch.setattr(pipeline.paths, "STAGING_DIR", tmp_path / ".staging")
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

    step = Step("s", make(lambda: src.read_text().upper()), inputs=(src,), outputs=(out,), params={"w": 1})
    assert execute([step]) == {"s": "ran"} and out.read_text() == "A"
    assert execute([step]) == {"s": "up to date"} and len(calls) == 1
    src.write_text("b")  # an input changed
    assert execute([step]) == {"s": "ran"} and out.read_text() == "B"
    changed = Step("s", step.run, inputs=(src,), outputs=(out,), params={"w": 2})  # a parameter changed
    assert execute([changed]) == {"s": "ran"}
    out.write_text("tampered")  # an output altered or missing reruns the step
    assert execute([changed]) == {"s": "ran"} and out.read_text() == "B"
    (tmp_path / "state" / "s.json").write_text("{corrupt")  # a corrupt state file counts as missing
    assert execute([changed]) == {"s": "ran"}
    (tmp_path / "state" / "s.json").write_text("1")
    assert execute([changed]) == {"s": "ran"}

    def boom(root: Path):
        (root / "out").mkdir(parents=True, exist_ok=True)
        (root / "out" / "x.txt").write_text("half")
        raise KeyboardInterrupt  # Ctrl-C in the middle of a step

    src.write_text("c")
    with pytest.raises(KeyboardInterrupt):
        execute([Step("s", boom, inputs=(src,), outputs=(out,), params={"w": 2})])
    assert out.read_text() == "B"  # the previous good output is intact
    (tmp_path / ".staging" / "left-over-from-kill").mkdir(parents=True)  # a killed build's staging
    assert execute([changed]) == {"s": "ran"} and out.read_text() == "C"  # and the next build repairs
    assert not list((tmp_path / ".staging").iterdir())


def test_a_step_returns_named_tables_the_engine_checks_and_publishes(tmp_path, monkeypatch):
    """A stage's core returns its outputs by dataset name; the engine validates them against the registry and
    publishes them, and refuses a name the step does not produce or a table that breaks its schema."""
    import polars as pl

    from ecresearch import datasets

    good = datasets.read("market_rules")
    monkeypatch.setattr(pipeline.paths, "ROOT", tmp_path)
    monkeypatch.setattr(pipeline.paths, "STATE_DIR", tmp_path / "state")
    monkeypatch.setattr(pipeline.paths, "STAGING_DIR", tmp_path / ".staging")
    target = datasets.get("market_rules")
    out_file = tmp_path / "market_rules.parquet"
    src = tmp_path / "in.txt"
    src.write_text("a")
    monkeypatch.setitem(datasets.REGISTRY, "market_rules", replace(target, path=lambda out, **_: out_file))
    ok = Step("t", lambda root: {"market_rules": good}, inputs=(src,), outputs=(out_file,))
    assert execute([ok]) == {"t": "ran"} and pl.read_parquet(out_file).equals(good)
    src.write_text("b")
    wrong = Step("t", lambda root: {"market_rules": good.drop("topic")}, inputs=(src,), outputs=(out_file,))
    with pytest.raises(EcresearchError, match="does not match the market_rules schema"):
        execute([wrong])
    assert pl.read_parquet(out_file).equals(good)  # the good output is kept
    stray = Step("t", lambda root: {"deck_figures": good}, inputs=(src,), outputs=(out_file,))
    with pytest.raises(EcresearchError, match="returned 'deck_figures', which is not one of its outputs"):
        execute([stray])


def test_publish_is_all_or_nothing(tmp_path, monkeypatch):
    """Two outputs, the second folder unwritable: nothing is published, the first output is untouched."""
    import os

    monkeypatch.setattr(pipeline.paths, "ROOT", tmp_path)
    monkeypatch.setattr(pipeline.paths, "STATE_DIR", tmp_path / "state")
    monkeypatch.setattr(pipeline.paths, "STAGING_DIR", tmp_path / ".staging")
    a, b = tmp_path / "data" / "a.txt", tmp_path / "reports" / "b.txt"
    for f in (a, b):
        f.parent.mkdir(parents=True)
        f.write_text("old")

    def run(root: Path):
        for f in (a, b):
            dest = root / f.relative_to(tmp_path)
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text("new")

    os.chmod(b.parent, 0o555)
    try:
        if os.access(b.parent, os.W_OK):
            pytest.skip("running as a user who can write anywhere")
        with pytest.raises(EcresearchError, match="reports.*not writable"):
            execute([Step("two", run, inputs=(), outputs=(a, b))])
    finally:
        os.chmod(b.parent, 0o755)
    assert a.read_text() == "old" and b.read_text() == "old"


def test_publish_rolls_back_when_a_move_fails(tmp_path, monkeypatch):
    from ecresearch.pipeline import atomic

    monkeypatch.setattr(atomic.paths, "ROOT", tmp_path)
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("old-a")
    b.write_text("old-b")
    root = tmp_path / ".staging" / "x"
    root.mkdir(parents=True)
    (root / "a.txt").write_text("new-a")
    (root / "b.txt").write_text("new-b")
    real = os.replace
    calls = {"n": 0}

    def flaky(src, dst):
        calls["n"] += 1
        if str(dst) == str(b) and str(src).startswith(str(root) + os.sep):  # moving the new b into place fails
            raise OSError(28, "No space left on device", str(dst))
        return real(src, dst)

    monkeypatch.setattr(atomic.os, "replace", flaky)
    with pytest.raises(EcresearchError, match="nothing was published"):
        atomic.publish(root, [a, b])
    monkeypatch.setattr(atomic.os, "replace", real)
    assert a.read_text() == "old-a" and b.read_text() == "old-b"


def test_code_dependencies_are_derived_from_imports():
    """Each step's code is the import closure of its entry modules and notebook: a module any step imports
    changes exactly the hashes of the steps that import it (directly or not)."""
    from ecresearch import params as P
    from ecresearch import paths
    from ecresearch.pipeline import dag, deps

    out = paths.output_set(None)
    steps = {
        s.name: s
        for s in dag.clean_steps()
        + [
            dag.scores_step(P.validate(P.Params()), out),
            dag.scoring_notebook_step(out),
            dag.report_step("IDN", "ja", out),
            dag.index_step(["IDN"], out),
        ]
    }
    files = {
        n: {p.name if p.name != "__init__.py" else p.parent.name + "/__init__.py" for p in s.code_files()}
        | {str(p) for p in s.code_files()}
        for n, s in steps.items()
    }
    pkg = deps.PKG_DIR
    uses = lambda n, rel: str(pkg / rel) in files[n]  # noqa: E731
    assert uses("clean", "deck/figures.py") and uses("clean", "snapshots/raw.py") and uses("clean", "countries.py")
    assert uses("clean", "clean/passages.py") and not uses("clean", "scores/model.py")
    assert uses("charts", "charts/gallery.py") and uses("charts", "deck/figures.py")
    assert uses("scores", "scores/model.py") and uses("scores", "scores/hhi.py") and uses("scores", "params.py")
    assert not uses("scores", "report/country.py")
    # the report step imports, through its notebook, the report module, the chart kinds and the deck figures
    assert uses("report/IDN/ja", "report/country.py") and uses("report/IDN/ja", "charts/render.py")
    assert uses("report/IDN/ja", "deck/figures.py") and uses("report/IDN/ja", "site/templates/site.css")
    assert uses("index", "site/index.py") and not uses("index", "scores/model.py")


def test_failing_notebook_names_cell_country_and_keeps_the_notebook(tmp_path, monkeypatch):
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    from ecresearch.pipeline import runner
    from ecresearch.pipeline.runner import NotebookFailed, run_notebook

    monkeypatch.setattr(runner.paths, "FAILED_DIR", tmp_path / "_failed")
    nb = new_notebook(
        cells=[new_code_cell("country = 'X'", metadata={"tags": ["parameters"]}), new_code_cell("1 / 0")],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    )
    path = tmp_path / "bad.ipynb"
    nbformat.write(nb, path)
    sockets = tmp_path / "tmp"
    sockets.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(sockets))
    with pytest.raises(NotebookFailed, match=r"bad.ipynb: cell 1 .*country IDN raised ZeroDivisionError.*_failed"):
        run_notebook(path, tmp_path / "out.ipynb", {"country": "IDN"}, step="report/IDN/ja", reuse_kernel=True)
    assert (tmp_path / "_failed" / "report-IDN-ja.ipynb").exists()
    assert not runner._free and not list(sockets.iterdir())  # its kernel is shut down, not reused; no sockets left

    nb.cells[1] = new_code_cell("print(country)")
    nbformat.write(nb, path)
    run_notebook(path, tmp_path / "out.ipynb", {"country": "IDN"}, reuse_kernel=True)
    assert len(runner._free) == 1  # a kernel whose notebook ran cleanly is kept for the next one
    runner.shutdown_kernels()
    assert not runner._free and not list(sockets.iterdir())


def test_cli_rejects_bad_input_before_any_kernel(scratch_root):
    for args, needle, code in (
        (["report", "XYZ"], "unknown country 'XYZ'", 1),
        (["report", "../../etc"], "not a country code or name", 1),
        (["report", "IDN", "--lang", "fr"], "invalid choice: 'fr'", 2),
        (["build", "--weights", "0.5,0.5"], "parameter 'weights'", 1),
        (["build", "--weights=-1,1,1"], "parameter 'weights'", 1),
        (["build", "--aggregation", "median"], "invalid choice: 'median'", 2),
        (["build", "--only", "nosuchstep"], "no such step", 1),
        (["build", "--scenario", "../x"], "parameter 'scenario'", 1),
    ):
        r = run_cli(scratch_root, *args)
        assert r.returncode == code, (args, r.stderr)
        assert needle in r.stderr, (args, r.stderr)
        assert "Traceback" not in r.stderr
    assert not (scratch_root / "data" / "processed").exists()  # nothing was built or written


def test_corrupt_outputs_are_one_line_naming_the_file(scratch_root):
    shutil.copytree(REPO / "data" / "processed", scratch_root / "data" / "processed")
    scores = scratch_root / "data" / "processed" / "country_scores.parquet"
    scores.write_bytes(b"garbage")
    r = run_cli(scratch_root, "countries")
    lines = r.stderr.splitlines()
    assert r.returncode == 1 and len(lines) == 1 and "Traceback" not in r.stderr, r.stderr
    assert "country_scores.parquet: not a readable parquet file" in lines[0] and "ecresearch build" in lines[0]
    shutil.copy(REPO / "data" / "processed" / "scoring" / "coverage.parquet", scores)  # another table's file
    r = run_cli(scratch_root, "countries")
    assert r.returncode == 1 and "does not match the country_scores schema" in r.stderr, r.stderr
    meta = scratch_root / "reports" / "scenarios" / "broken" / "scores" / "params.json"
    meta.parent.mkdir(parents=True)
    meta.write_text("{not json", encoding="utf-8")
    r = run_cli(scratch_root, "report", "IDN", "--scenario", "broken")
    lines = r.stderr.splitlines()
    assert r.returncode == 1 and len(lines) == 1 and "params.json: not valid JSON" in lines[0], r.stderr
    assert "--scenario broken" in lines[0]


def test_cli_conventions(scratch_root):
    r = run_cli(scratch_root, "--version")
    assert r.returncode == 0 and r.stdout.startswith("ecresearch ")
    r = run_cli(scratch_root, "steps")
    assert r.returncode == 0 and r.stdout.splitlines()[:4] == [
        "clean",
        "charts  (after clean)",
        "segments  (after clean)",
        "scores  (after clean)",
    ]
    import subprocess as sp
    import sys

    r = sp.run([sys.executable, "-m", "ecresearch", "--help"], capture_output=True, text=True)
    assert r.returncode == 0 and "build" in r.stdout


def test_notebook_parameters_are_typed():
    import papermill as pm

    p = pm.inspect_notebook(str(REPO / "notebooks" / "04-country-report.ipynb"))
    assert {k: v["inferred_type_name"] for k, v in p.items()} == {
        "country": "str",
        "lang": "str",
        "scenario": "Optional[str]",
        "as_of": "Optional[str]",
        "category": "Optional[str]",
    }


def _stamps(page: Path) -> tuple[str, str]:
    """The parameters digest and scores-file hash a page declares in its <meta> tags (any attribute order)."""
    from html.parser import HTMLParser

    found = {}

    class Meta(HTMLParser):
        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "meta" and a.get("name", "").startswith("ecresearch-"):
                found[a["name"]] = a.get("content")

    Meta().feed(page.read_text(encoding="utf-8"))
    return found.get("ecresearch-params"), found.get("ecresearch-scores")


def assert_sets_consistent(root: Path) -> int:
    """Every page of every output set states the parameters and the scores file of its own set."""
    from ecresearch import paths as P

    n = 0
    sets = [root / "reports"] + sorted((root / "reports" / "scenarios").glob("*"))
    for base in sets:
        scenario = None if base.name == "reports" else base.name
        out = P.output_set(scenario)
        scores = root / out.scores.relative_to(P.ROOT)
        meta = json.loads((root / out.params_json.relative_to(P.ROOT)).read_text())
        want = (meta["digest"], hashlib.sha256(scores.read_bytes()).hexdigest()[:16])
        pages = [root / out.index.relative_to(P.ROOT)] + sorted(
            (root / out.countries_dir.relative_to(P.ROOT)).rglob("report.html")
        )
        for page in pages:
            assert _stamps(page) == want, (page, _stamps(page), want)
            n += 1
    return n


@pytest.mark.slow
def test_cold_build_equals_the_committed_outputs(built_root):
    """Every output, built cold from data/raw: each page agrees with its scores, and the committed outputs are
    exactly what the code builds (byte for byte)."""
    root, r = built_root
    assert r.returncode == 0, r.stderr[-2000:]
    ranked = json.loads((root / "reports" / "scores" / "ranked.json").read_text())["ranked"]
    assert len(ranked) >= 10
    for iso3 in ranked:
        for lang in ("ja", "en"):
            html = (root / "reports" / "countries" / iso3 / lang / "report.html").read_text(encoding="utf-8")
            assert f'<html lang="{lang}"' in html and '<script src="http' not in html
    assert assert_sets_consistent(root) == 1 + 2 * len(ranked)
    tracked = subprocess.run(
        ["git", "ls-files", "data/processed", "reports"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.split()
    assert len(tracked) > 100
    stale = [
        rel
        for rel in tracked
        if hashlib.sha256((REPO / rel).read_bytes()).digest() != hashlib.sha256((root / rel).read_bytes()).digest()
    ]
    assert not stale, f"stale committed outputs (run make reports): {stale[:10]}"
    files = [p for d in ("data/processed", "reports") for p in (root / d).rglob("*") if p.is_file()]
    built = sorted(p.relative_to(root).as_posix() for p in files)
    ignored = subprocess.run(
        ["git", "check-ignore", "--stdin"], cwd=REPO, input="\n".join(built), capture_output=True, text=True
    ).stdout.split()
    assert not set(built) - set(tracked) - set(ignored), "built outputs that are neither committed nor ignored"
    from .site_check import check_site

    assert check_site(root / "reports") == []


@pytest.mark.slow
def test_scenarios_never_touch_the_main_build(built_copy):
    """On a copy of the cold build: a no-op rerun; a re-weighted run is a complete scenario and leaves the main
    build untouched; a report never re-scores; after every command each page agrees with its own set."""
    root = built_copy
    r = run_cli(root, "build")
    assert r.returncode == 0 and r.stdout.strip().splitlines() == [
        "ecresearch build (main build): everything is up to date; open reports/index.html"
    ], r.stdout
    main = _tree(root / "reports" / "countries") | _tree(root / "data" / "processed")
    r = run_cli(root, "build", "--weights", "0.5,0.25,0.25", "--scenario", "growth")
    assert r.returncode == 0, r.stderr[-2000:]
    assert (root / "reports" / "scenarios" / "growth" / "index.html").exists()
    assert _tree(root / "reports" / "countries") | _tree(root / "data" / "processed") == main
    r = run_cli(root, "report", "IDN", "--lang", "en")  # the main build's scores, never re-scored
    assert r.returncode == 0 and "up to date" in r.stdout
    page = root / "reports" / "countries" / "IDN" / "en" / "report.html"
    before = page.read_bytes()
    r = run_cli(root, "report", "IDN", "--lang", "en", "--force")  # a kernel started and warmed ahead, then used
    assert r.returncode == 0 and "(written)" in r.stdout, r.stderr[-2000:]
    assert page.read_bytes() == before and "Traceback" not in r.stderr and "WARNING" not in r.stderr, r.stderr
    r = run_cli(root, "report", "インドネシア", "--scenario", "growth")
    assert r.returncode == 0 and "scenarios/growth/countries/IDN/ja/report.html (up to date)" in r.stdout
    sets = (root / "reports", root / "reports" / "scenarios" / "growth")
    assert assert_sets_consistent(root) == sum(1 + 2 * len(_ranked(base)) for base in sets)
    from .site_check import check_site

    assert check_site(root / "reports") == []

    r = run_cli(root, "report", "HKG")  # a candidate without a score: its descriptive report (issue 19)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "reports/economies/HKG/ja/profile.html (descriptive report: no score)" in r.stdout
    r = run_cli(root, "report", "ISL")  # no deck or external row has a figure for it: nothing to describe
    assert r.returncode == 1 and "nothing to describe" in r.stderr


def _ranked(base: Path) -> list[str]:
    """The ranked countries of the output set under ``base`` (reports/ or a scenario's folder)."""
    return json.loads((base / "scores" / "ranked.json").read_text())["ranked"]


def test_editing_a_module_reruns_exactly_the_steps_that_import_it(tmp_path, monkeypatch):
    """In a scratch copy of the package, change one module at a time: exactly the steps whose code imports it
    (directly, through another module, or through their notebook) get a new hash, i.e. rerun."""
    from ecresearch import params as P
    from ecresearch import paths
    from ecresearch.pipeline import dag, deps
    from ecresearch.pipeline.engine import step_hash

    out = paths.output_set(None)
    steps = dag.clean_steps() + [
        dag.scores_step(P.validate(P.Params()), out),
        dag.scoring_notebook_step(out),
        dag.report_step("IDN", "ja", out),
        dag.index_step(["IDN"], out),
    ]

    def hashes():
        deps.clear_cache()
        return {s.name: step_hash(s) for s in steps}

    installed_here = hashes()
    copy = tmp_path / "ecresearch"
    shutil.copytree(deps.PKG_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(deps, "PKG_DIR", copy)
    assert hashes() == installed_here  # the same code elsewhere on disk: the same hashes

    expected = {
        # pages read the HHI bands from the scores, never compute them; notebook 03's what-if panel reranks
        # with the model when a front end runs it (its static result is read from the scores)
        "scores/hhi.py": {"scores", "scoring-notebook"},
        # the figure catalogue also declares what is scored
        "deck/figures.py": {"clean", "charts", "scores", "scoring-notebook", "report/IDN/ja"},
        "clean/passages.py": {"clean", "scoring-notebook", "report/IDN/ja"},  # reports pick passages by market
        "site/index.py": {"index"},
        "report/country.py": {"scoring-notebook", "report/IDN/ja"},
        "charts/kinds.py": {"charts", "report/IDN/ja"},
        "site/templates/pages/base.html.j2": {"charts", "scoring-notebook", "report/IDN/ja", "index"},
    }
    before = hashes()
    for rel, want in expected.items():
        f = copy / rel
        original = f.read_text(encoding="utf-8")
        f.write_text(original + ("\n# changed\n" if rel.endswith(".py") else "\n{# changed #}\n"), encoding="utf-8")
        after = hashes()
        f.write_text(original, encoding="utf-8")
        assert {n for n in before if before[n] != after[n]} == want, rel
    assert hashes() == before
    deps.clear_cache()


def test_warm_up_runs_only_the_notebooks_imports():
    from ecresearch import paths
    from ecresearch.pipeline.runner import import_lines

    lines = import_lines(paths.NB_REPORT).splitlines()
    assert "from ecresearch.report import country as report" in lines and "import polars as pl" in lines
    assert all(line.startswith(("import ", "from ")) for line in lines)  # no magics, no code that does work


def _session(sid: int) -> list[int]:
    """The live processes of a session (a killed parent's workers and resource tracker keep its session id)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == sid and fields[0] != "Z":  # fields[3]: the session; Z: a zombie (already ended)
            found.append(int(stat.parent.name))
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("delay", [0.2, "running"])
def test_workers_end_when_the_build_is_killed(tmp_path, delay):
    """kill -9 of the parent, while the spawned workers start (0.2 s) or once they run: no child of the
    parent — worker or resource tracker — is alive a few seconds later."""
    import signal
    import subprocess as sp
    import time

    script = tmp_path / "parent.py"
    ready = tmp_path / "ready"
    script.write_text(f"""
import os, sys, time
from ecresearch.pipeline.orphans import process_pool

def work(path):
    open(path, "a").write(str(os.getpid()))
    time.sleep(120)

if __name__ == "__main__":
    with process_pool(2) as pool:
        for _ in range(2):
            pool.submit(work, {str(ready)!r})
        print("submitted", flush=True)
        time.sleep(120)
""")
    parent = sp.Popen([sys.executable, str(script)], stdout=sp.PIPE, text=True, start_new_session=True)
    assert parent.stdout.readline().strip() == "submitted"
    if delay == "running":
        for _ in range(600):
            if ready.exists() and len(ready.read_text()) > 0 and len(_session(parent.pid)) >= 4:
                break
            time.sleep(0.05)
        assert len(_session(parent.pid)) >= 4  # the parent, its resource tracker and two workers
    else:
        time.sleep(delay)
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 5
    while _session(parent.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = _session(parent.pid)
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert left == [], "children outlived their killed parent"


def test_broken_pipe_ends_quietly():
    import subprocess as sp
    import sys

    r = sp.run(
        f"{sys.executable} -m ecresearch countries | head -1", shell=True, capture_output=True, text=True, cwd=REPO
    )
    assert (
        r.returncode == 0
        and r.stdout.startswith("rank")
        and "Traceback" not in r.stderr
        and "BrokenPipe" not in r.stderr
    )


def test_countries_machine_readable():
    import subprocess as sp
    import sys

    r = sp.run([sys.executable, "-m", "ecresearch", "countries", "--json"], capture_output=True, text=True, cwd=REPO)
    rows = json.loads(r.stdout)
    assert r.returncode == 0 and {row["iso3"] for row in rows} >= {"IDN", "USA", "HKG"}
    r = sp.run([sys.executable, "-m", "ecresearch", "countries", "--csv"], capture_output=True, text=True, cwd=REPO)
    assert r.stdout.splitlines()[0].startswith("rank,iso3,")


def test_report_text_from_data_is_escaped():
    """A deck passage or a rule with markup is shown as text in the report, and a javascript: URL is no link."""
    import polars as pl

    from ecresearch import datasets
    from ecresearch.report import country

    rep = country.load("IDN", "en")
    evil = "<img src=x onerror=alert(1)>"
    passages = datasets.read("deck_passages").with_columns(pl.lit(evil).alias("text_ja"))
    html = rep.quotes_html(passages, "note")
    assert evil not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    rules = datasets.read("market_rules").with_columns(
        pl.lit(evil).alias("summary_en"), pl.lit("javascript:alert(1)").alias("source_url")
    )
    html = rep.risks_html(rules)
    assert evil not in html and "javascript:" not in html
    table = country.html_table(pl.DataFrame({"url": ["javascript:alert(1)", "https://example.org"]}), links=("url",))
    assert "href='javascript" not in table and "href='https://example.org'" in table


def test_progress_total_is_stable_when_the_plan_holds():
    from ecresearch.cli import Progress

    p = Progress(3, quiet=True, planned=29)
    assert p.total == 32
    p.grow(29)  # the scores ranked the same countries: the total does not move
    assert p.total == 32
    p.grow(27)  # one country fewer (two reports): the total follows the real plan
    assert p.total == 30


def test_one_build_at_a_time(tmp_path, monkeypatch):
    """The build lock (filelock: flock on POSIX, LockFileEx on Windows) refuses a second build while one runs,
    from another process too, and is free again once the first ends."""
    import sys

    from ecresearch.pipeline.engine import build_lock

    monkeypatch.setattr(pipeline.paths, "STATE_DIR", tmp_path / "state")
    monkeypatch.setattr(pipeline.paths, "STAGING_DIR", tmp_path / ".staging")
    other = (
        "import sys; from filelock import FileLock, Timeout\n"
        "try:\n FileLock(sys.argv[1]).acquire(timeout=0); print('acquired')\n"
        "except Timeout:\n print('busy')"
    )
    lock_file = str(tmp_path / "state" / "build.lock")
    with build_lock():
        with pytest.raises(EcresearchError, match="another ecresearch build is running"), build_lock():
            pass
        held = subprocess.run([sys.executable, "-c", other, lock_file], capture_output=True, text=True, check=True)
        assert held.stdout.strip() == "busy"
    free = subprocess.run([sys.executable, "-c", other, lock_file], capture_output=True, text=True, check=True)
    assert free.stdout.strip() == "acquired"
    with build_lock():  # and again in this process
        pass


def test_pdf_without_weasyprint_is_one_line_naming_the_extra(tmp_path, monkeypatch):
    import sys

    from ecresearch.site.pdf import write_pdf

    monkeypatch.setitem(sys.modules, "weasyprint", None)  # as if the pdf extra were not installed
    page = tmp_path / "report.html"
    page.write_text("<html></html>", encoding="utf-8")
    with pytest.raises(EcresearchError, match=r"ecresearch\[pdf\].*Pango") as err:
        write_pdf(page)
    assert "\n" not in str(err.value)
    assert not list(tmp_path.glob("*.pdf"))
