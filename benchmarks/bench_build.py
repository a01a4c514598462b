"""Benchmark the build on this machine, in one run, on a scratch copy of the project (the repo is untouched).

(a) naive baseline: a plain serial loop of papermill over the same notebooks (01-04, notebook 04 once per scored
    country and language) plus nbconvert of each report, no caching;
(b) a cold `ecresearch build --force`;
(c) a no-op `ecresearch build`;
(d) one `ecresearch report IDN --force` (upstream up to date);
(e) a bare papermill run of a notebook that only imports what the report notebook imports;
(f) `make test` (the fast test tier) in this repository.
Prints the ratios b/a, c/b and d/e and writes them into benchmarks/RESULTS.md between its bench markers (the
notes around them are kept).
Usage: python benchmarks/bench_build.py [--repeat N]
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


MARK_START, MARK_END = "<!-- bench:start -->", "<!-- bench:end -->"


def write_results(path: Path, block: str) -> None:
    """Put the measured block between the markers of ``path``, keeping the notes around it."""
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if MARK_START in old and MARK_END in old:
        head, rest = old.split(MARK_START, 1)
        text = head + block + rest.split(MARK_END, 1)[1]
    else:
        text = "# Benchmark results\n\n" + block + "\n" + old
    path.write_text(text, encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3, help="repeats of the quick measurements (c, d, e)")
    args = ap.parse_args()
    root = scratch()
    cli = [PY, "-m", "ecresearch.cli"]
    print(f"scratch project: {root}", flush=True)

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

    cpuinfo = Path("/proc/cpuinfo")
    cpu = (
        next(
            (ln.split(":", 1)[1].strip() for ln in cpuinfo.read_text().splitlines() if ln.startswith("model name")),
            platform.processor(),
        )
        if cpuinfo.exists()
        else platform.processor()
    )
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
    text = (
        [
            MARK_START,
            f"Machine: {os.cpu_count()} cores, {cpu}; Python {platform.python_version()}; "
            f"{platform.system()} {platform.release()}. Measured by `make bench` "
            f"({time.strftime('%Y-%m-%d')}); quick measurements are the best of {args.repeat}.",
            "",
            "| measurement | result |",
            "| --- | ---: |",
        ]
        + [f"| {k} | {v} |" for k, v in rows]
        + [MARK_END]
    )
    write_results(REPO / "benchmarks" / "RESULTS.md", "\n".join(text))
    print("\n".join(text))
    shutil.rmtree(root.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
