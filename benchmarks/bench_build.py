"""Benchmark the build on this machine, in one run, on a scratch copy of the project (the repo is untouched).

(a) naive baseline: a plain serial loop of papermill over the same notebooks (01-04, notebook 04 once per scored
    country and language) plus nbconvert of each report, no caching;
(b) a cold `ecresearch build --force`;
(c) a no-op `ecresearch build`;
(d) one `ecresearch report IDN --force` (upstream up to date);
(e) a bare papermill run of a notebook that only imports what the report notebook imports;
(f) `make test` (the fast test tier) in this repository;
(g) one `score()` with 10,000 Monte Carlo draws, in a warm interpreter;
(h) the scores step alone: `ecresearch build --only scores --force`;
(i) one what-if re-rank with 10,000 draws (the panel's `whatif.rerank`, after its one-off `prepare`);
(j) one full update of the notebook 03 panel: a slider moved, reranked, the table, bands and what holds redrawn
    into the widget (kernel side; needs ipywidgets).
Prints the ratios b/a, c/b and d/e and writes them into benchmarks/RESULTS.md between its bench markers (the
notes around them are kept); (g) to (j) go between the scoring markers.
Usage: python benchmarks/bench_build.py [--repeat N] [--scoring-only]
(--scoring-only: a scratch project with the clean step only, then (g) to (j); the main block is kept.)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PY = sys.executable


def scratch() -> Path:
    root = Path(tempfile.mkdtemp(prefix="ecresearch-bench-")) / "repo"
    shutil.copytree(REPO / "data" / "raw", root / "data" / "raw")
    shutil.copytree(REPO / "notebooks", root / "notebooks")
    shutil.copy(REPO / "requirements.lock", root / "requirements.lock")
    shutil.copy(REPO / "params.toml", root / "params.toml")
    return root


def timed(cmd: list[str], root: Path) -> float:
    env = {**os.environ, "ECRESEARCH_ROOT": str(root), "CI": "1"}
    t0 = time.perf_counter()
    r = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if r.returncode != 0:
        sys.exit(f"benchmark step failed: {' '.join(cmd)}\n{r.stderr[-2000:]}")
    return elapsed


NAIVE = r"""
import json, sys
from pathlib import Path
import nbformat, papermill as pm
from nbconvert import HTMLExporter
root = Path(sys.argv[1]); out = Path(sys.argv[2]); out.mkdir(parents=True, exist_ok=True)
nbs = root / "notebooks"
for name in ("01-clean-deck-figures", "02-reproduce-deck-charts", "03-target-country-scoring"):
    pm.execute_notebook(str(nbs / f"{name}.ipynb"), str(out / f"{name}.ipynb"), kernel_name="python3",
                        progress_bar=False, cwd=str(nbs))
for iso3 in json.loads(Path(sys.argv[3]).read_text())["ranked"]:
    for lang in ("ja", "en"):
        dest = out / f"report-{iso3}-{lang}.ipynb"
        pm.execute_notebook(str(nbs / "04-country-report.ipynb"), str(dest), parameters={"country": iso3, "lang": lang},
                            kernel_name="python3", progress_bar=False, cwd=str(nbs))
        exporter = HTMLExporter(template_name="lab"); exporter.exclude_input = True
        html, _ = exporter.from_notebook_node(nbformat.read(dest, as_version=4))
        (out / f"report-{iso3}-{lang}.html").write_text(html, encoding="utf-8")
"""


def imports_only_notebook(root: Path) -> Path:
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    nb = nbformat.read(root / "notebooks" / "04-country-report.ipynb", as_version=4)
    lines = []
    for cell in nb.cells:
        if cell.cell_type == "code":
            lines += [ln for ln in cell.source.splitlines() if re.match(r"^(import |from \S+ import |%matplotlib)", ln)]
    params = new_code_cell('country = "IDN"\nlang = "ja"\nscenario = None', metadata={"tags": ["parameters"]})
    bare = new_notebook(cells=[params, new_code_cell("\n".join(dict.fromkeys(lines)))], metadata=nb.metadata)
    path = root / "notebooks" / "bench-imports-only.ipynb"
    nbformat.write(bare, path)
    return path


SCORE_TIMER = r"""
import json, sys, time
from dataclasses import replace
from ecresearch import datasets, paths
from ecresearch.params import load_file
from ecresearch.scores.model import score
params = replace(load_file(paths.PARAMS_FILE), draws=10_000)
figures, external = datasets.read("deck_figures"), datasets.read("external_figures")
best = float("inf")
for _ in range(int(sys.argv[1])):
    t0 = time.perf_counter()
    score(figures, external, params)
    best = min(best, time.perf_counter() - t0)
print(json.dumps(best))
"""


PANEL_TIMER = r"""
import json, statistics, sys, time
from dataclasses import replace
from ecresearch import datasets, paths
from ecresearch.params import load_file
from ecresearch.scores import model, panel, whatif
repeat = int(sys.argv[1])
base = replace(load_file(paths.PARAMS_FILE), draws=10_000)
prep = whatif.prepare(datasets.read("deck_figures"), datasets.read("external_figures"), base)
settings = [whatif.Setting((2 + k % 3, 1, 1, 0), ("channel", "gatekeeper")[k % 2], "upper", 0.34) for k in range(6)]
def timed(f):
    t0 = time.perf_counter()
    f()
    return time.perf_counter() - t0
# a move of the weights, the reading or the missing rule: the random stream and the drawn values are reused
moves = [timed(lambda: whatif.rerank(prep, whatif.params_of(base, settings[k % 6]))) for k in range(3 * repeat + 1)][1:]
# a move of the HHI point: the values are drawn again from the kept stream
points = []
for k in range(3 * repeat):
    model._VALUES.clear()
    points.append(timed(lambda: whatif.rerank(prep, whatif.params_of(base, settings[k % 6]))))
update = []
if panel.widgets_installed():
    p = panel.Panel(panel.load(None, "en"), run=lambda args: (0, ""))
    for k in range(3 * repeat):
        def move():
            p.weights["growth"].value = 40 + k  # the observer reranks and redraws, as on a front end's change
        update.append(timed(move))
        assert p.view.ranking is not None
stats = lambda ts: [min(ts), statistics.median(ts)] if ts else None
print(json.dumps({"rerank": stats(moves), "point": stats(points), "update": stats(update)}))
"""


def panel_timings(root: Path, repeat: int) -> list[tuple[str, str]]:
    """(i) and (j) on a scratch project whose scores step has run: best and median of 3 × repeat moves."""
    script = root / "panel_timer.py"
    script.write_text(PANEL_TIMER)
    env = {**os.environ, "ECRESEARCH_ROOT": str(root), "CI": "1"}
    r = subprocess.run([PY, str(script), str(max(repeat, 5))], cwd=root, env=env, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"benchmark step failed: panel timer\n{r.stderr[-2000:]}")
    t = json.loads(r.stdout.strip().splitlines()[-1])

    def ms(v: list[float] | None) -> str:
        return (
            "not measured (ipywidgets is not installed)" if v is None else f"{v[0] * 1000:.0f} ms ({v[1] * 1000:.0f})"
        )

    for name in ("rerank", "point", "update"):
        print(f"{name}: best {ms(t[name])} median", flush=True)
    return [
        (
            "(i) one what-if re-rank with 10,000 draws, `whatif.rerank`: weights, reading or missing rule moved "
            "(target ≤ 50 ms); best (median)",
            ms(t["rerank"]),
        ),
        ("(i′) the same after a move of the HHI point (values drawn again from the kept stream)", ms(t["point"])),
        (
            "(j) one full panel update: slider → rerank → table, bands, what holds in the widget (target ≤ 300 ms)",
            ms(t["update"]),
        ),
    ]


def scoring(root: Path, repeat: int) -> list[tuple[str, str]]:
    """(g) to (j) on a scratch project whose clean step has run."""
    script = root / "score_timer.py"
    script.write_text(SCORE_TIMER)
    env = {**os.environ, "ECRESEARCH_ROOT": str(root), "CI": "1"}
    r = subprocess.run([PY, str(script), str(repeat)], cwd=root, env=env, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"benchmark step failed: score() timer\n{r.stderr[-2000:]}")
    g = float(r.stdout.strip().splitlines()[-1])
    print(f"(g) score(), 10,000 draws: {g:.2f}s", flush=True)
    h = min(timed([PY, "-m", "ecresearch.cli", "build", "--only", "scores", "--force"], root) for _ in range(repeat))
    print(f"(h) scores step: {h:.1f}s", flush=True)
    return [
        ("(g) one `score()` with 10,000 Monte Carlo draws (warm interpreter)", f"{g:.2f} s"),
        ("(h) the scores step: `ecresearch build --only scores --force` (a process)", f"{h:.1f} s"),
        *panel_timings(root, repeat),
    ]


MARK_START, MARK_END = "<!-- bench:start -->", "<!-- bench:end -->"
SCORING_START, SCORING_END = "<!-- bench-scoring:start -->", "<!-- bench-scoring:end -->"


def write_results(path: Path, block: str, start: str = MARK_START, end: str = MARK_END) -> None:
    """Put the measured block between the ``start``/``end`` markers of ``path``, keeping the notes around it."""
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if start in old and end in old:
        head, rest = old.split(start, 1)
        text = head + block + rest.split(end, 1)[1]
    elif MARK_END in old:  # a new block goes after the main one
        head, rest = old.split(MARK_END, 1)
        text = head + MARK_END + "\n\n" + block + rest
    else:
        text = "# Benchmark results\n\n" + block + "\n" + old
    path.write_text(text, encoding="utf-8")


def machine() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    cpu = (
        next(
            (ln.split(":", 1)[1].strip() for ln in cpuinfo.read_text().splitlines() if ln.startswith("model name")),
            platform.processor(),
        )
        if cpuinfo.exists()
        else platform.processor()
    )
    return (
        f"Machine: {os.cpu_count()} cores, {cpu}; Python {platform.python_version()}; "
        f"{platform.system()} {platform.release()}."
    )


def table(start: str, end: str, intro: str, rows: list[tuple[str, str]]) -> str:
    lines = [start, intro, "", "| measurement | result |", "| --- | ---: |"]
    return "\n".join(lines + [f"| {k} | {v} |" for k, v in rows] + [end])


def write_scoring(rows: list[tuple[str, str]], repeat: int, how: str) -> None:
    intro = (
        f"{machine()} Scoring measured by {how} ({time.strftime('%Y-%m-%d')}); best of {repeat}; "
        "no test asserts these timings."
    )
    block = table(SCORING_START, SCORING_END, intro, rows)
    write_results(REPO / "benchmarks" / "RESULTS.md", block, SCORING_START, SCORING_END)
    print(block)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3, help="repeats of the quick measurements (c, d, e, g, h)")
    ap.add_argument("--scoring-only", action="store_true", help="only (g) and (h), after the clean step")
    args = ap.parse_args()
    root = scratch()
    cli = [PY, "-m", "ecresearch.cli"]
    print(f"scratch project: {root}", flush=True)
    if args.scoring_only:
        timed(cli + ["build", "--only", "clean"], root)
        write_scoring(scoring(root, args.repeat), args.repeat, "`bench_build.py --scoring-only`")
        shutil.rmtree(root.parent, ignore_errors=True)
        return

    warm = timed(cli + ["build"], root)  # a first build: gives (a) its processed inputs and the list of countries
    print(f"first build {warm:.1f}s", flush=True)
    ranked = root / "reports" / "scores" / "ranked.json"
    n = len(json.loads(ranked.read_text())["ranked"])

    script = root / "naive.py"
    script.write_text(NAIVE)
    a = timed([PY, str(script), str(root), str(root / "naive-out"), str(ranked)], root)
    print(f"(a) naive serial papermill: {a:.1f}s", flush=True)
    b = timed(cli + ["build", "--force"], root)
    print(f"(b) cold build --force: {b:.1f}s", flush=True)
    c = min(timed(cli + ["build"], root) for _ in range(args.repeat))
    print(f"(c) no-op build: {c:.2f}s", flush=True)
    d = min(timed(cli + ["report", "IDN", "--force"], root) for _ in range(args.repeat))
    print(f"(d) one report: {d:.1f}s", flush=True)
    bare = imports_only_notebook(root)
    e = min(
        timed(
            [
                PY,
                "-m",
                "papermill",
                str(bare),
                str(root / "bare-out.ipynb"),
                "--kernel",
                "python3",
                "--no-progress-bar",
            ],
            root,
        )
        for _ in range(args.repeat)
    )
    print(f"(e) bare papermill, imports only: {e:.1f}s", flush=True)
    t0 = time.perf_counter()
    subprocess.run(["make", "-s", "test"], cwd=REPO, check=True, capture_output=True)
    f = time.perf_counter() - t0
    print(f"(f) make test: {f:.1f}s", flush=True)

    scoring_rows = scoring(root, args.repeat)
    rows = [
        (f"(a) naive baseline: serial papermill 01-04 (04 × {n} countries × 2 languages) + nbconvert", f"{a:.1f} s"),
        ("(b) cold `ecresearch build --force`", f"{b:.1f} s"),
        ("(c) no-op `ecresearch build`", f"{c:.2f} s"),
        ("(d) `ecresearch report IDN --force`", f"{d:.1f} s"),
        ("(e) bare papermill, imports of the report notebook only", f"{e:.1f} s"),
        ("b/a (target ≤ 0.25)", f"{b / a:.2f}"),
        ("c/b", f"{c / b:.4f}"),
        ("c (target < 0.3 s)", f"{c:.2f} s"),
        ("d/e (target ≤ 1.5)", f"{d / e:.2f}"),
        ("(f) `make test`, the fast tier (target ≤ 60 s)", f"{f:.1f} s"),
    ]
    intro = (
        f"{machine()} Measured by `make bench` ({time.strftime('%Y-%m-%d')}); quick measurements are the best of "
        f"{args.repeat}."
    )
    text = table(MARK_START, MARK_END, intro, rows)
    write_results(REPO / "benchmarks" / "RESULTS.md", text)
    print(text)
    write_scoring(scoring_rows, args.repeat, "`make bench`")
    shutil.rmtree(root.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
