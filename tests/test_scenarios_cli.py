"""`ecresearch scenarios list | show | compare` on two small scenario folders: it reads what each published
(params.json, the scores table, the as-of date of its index page) and never scores again."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polars as pl
import pytest

from .conftest import REPO, run_cli

SCORES = REPO / "data" / "processed" / "country_scores.parquet"
PARAMS = REPO / "reports" / "scores" / "params.json"


def _scenario(root: Path, name: str, *, weights: dict, order: list[str] | None, as_of: str | None) -> pl.DataFrame:
    """A scenario folder as a build leaves it (the files `scenarios` reads), with ranks in ``order``."""
    base = root / "reports" / "scenarios" / name
    (base / "data").mkdir(parents=True)
    (base / "scores").mkdir()
    meta = json.loads(PARAMS.read_text(encoding="utf-8"))
    meta["params"]["weights"] = weights
    meta["digest"], meta["scenario"], meta["describe"] = f"d-{name}", name, f"fixture {name}"
    (base / "scores" / "params.json").write_text(json.dumps(meta), encoding="utf-8")
    scores = pl.read_parquet(SCORES)
    if order is not None:  # the ranked markets in another order, with scores to match
        rank = {iso3: i for i, iso3 in enumerate(order, start=1)}
        scores = scores.with_columns(
            pl.col("iso3").replace_strict(rank, default=None, return_dtype=pl.Int64).alias("rank"),
            (100.0 - pl.col("iso3").replace_strict(rank, default=None, return_dtype=pl.Float64)).alias("score"),
        )
    scores.write_parquet(base / "data" / "country_scores.parquet")
    if as_of:
        (base / "index.html").write_text(
            f'<html><head><meta content="{as_of}" name="ecresearch-as-of"></head><body></body></html>'
        )
    return scores


@pytest.fixture()
def two(tmp_path: Path):
    root = tmp_path / "repo"
    ranked = pl.read_parquet(SCORES).filter("ranked").sort("rank")["iso3"].to_list()
    a = _scenario(root, "alpha", weights={"growth": 1.0, "sns": 0.0, "concentration": 0.0, "size": 0.0},
                  order=None, as_of="2026-12-01")  # fmt: skip
    b = _scenario(root, "beta", weights={"growth": 0.5, "sns": 0.5, "concentration": 0.0, "size": 0.0},
                  order=list(reversed(ranked)), as_of=None)  # fmt: skip
    return root, a, b


def _json(r):
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_list_names_every_built_scenario_with_its_parameters_and_date(two):
    root, a, b = two
    sets = {s["name"]: s for s in _json(run_cli(root, "scenarios", "list", "--json"))}
    assert set(sets) == {"alpha", "beta"}  # no main build in this folder
    assert sets["alpha"]["as_of"] == "2026-12-01" and sets["beta"]["as_of"] is None
    assert sets["alpha"]["params"]["weights.growth"] == "1" and sets["beta"]["params"]["weights.sns"] == "0.5"
    assert sets["beta"]["top3"] == b.filter("ranked").sort("rank")["iso3"].head(3).to_list()
    text = run_cli(root, "scenarios", "list")
    assert text.returncode == 0 and "alpha" in text.stdout and "fixture beta" in text.stdout


def test_show_gives_the_published_ranks(two):
    root, a, _ = two
    shown = _json(run_cli(root, "scenarios", "show", "alpha", "--json"))
    want = a.sort("rank", nulls_last=True).select("iso3", "rank").rows()
    assert [(r["iso3"], r["rank"]) for r in shown["ranks"]] == want
    missing = run_cli(root, "scenarios", "show", "gamma")
    assert missing.returncode == 1 and "'gamma' has not been built (built: alpha, beta)" in missing.stderr
    main = run_cli(root, "scenarios", "show", "main")
    assert main.returncode == 1 and "'main' has not been built" in main.stderr


def test_compare_puts_parameters_and_ranks_side_by_side(two):
    root, a, b = two
    cmp = _json(run_cli(root, "scenarios", "compare", "alpha", "beta", "--json"))
    diff = {r["param"]: (r["alpha"], r["beta"]) for r in cmp["params"]}
    assert diff == {"weights.growth": ("1", "0.5"), "weights.sns": ("0", "0.5")}  # only what differs
    every = _json(run_cli(root, "scenarios", "compare", "alpha", "beta", "--json", "--all"))["params"]
    assert len(every) > len(diff) and {r["param"] for r in every} >= set(diff)
    rank_a = dict(a.select("iso3", "rank").rows())
    rank_b = dict(b.select("iso3", "rank").rows())
    assert {r["iso3"] for r in cmp["ranks"]} == set(rank_a)
    for r in cmp["ranks"]:
        assert (r["rank_alpha"], r["rank_beta"]) == (rank_a[r["iso3"]], rank_b[r["iso3"]])
        if rank_a[r["iso3"]] is not None:
            assert r["change"] == rank_b[r["iso3"]] - rank_a[r["iso3"]]
    assert [r["iso3"] for r in cmp["ranks"]][:3] == b.filter("ranked").sort("rank")["iso3"].head(3).to_list()
    text = run_cli(root, "scenarios", "compare", "alpha", "beta")
    assert text.returncode == 0 and "weights.growth" in text.stdout and "weights.size" not in text.stdout


def test_compare_reads_the_main_build_as_main(two, tmp_path):
    root, a, _ = two
    (root / "data" / "processed").mkdir(parents=True)
    shutil.copy(SCORES, root / "data" / "processed" / "country_scores.parquet")
    (root / "reports" / "scores").mkdir(parents=True)
    shutil.copy(PARAMS, root / "reports" / "scores" / "params.json")
    cmp = _json(run_cli(root, "scenarios", "compare", "main", "alpha", "--json"))
    assert {r["param"] for r in cmp["params"]} == {"weights.concentration", "weights.growth", "weights.sns"}
    assert all(r["change"] in (0, None) for r in cmp["ranks"])  # alpha has main's ranks
    names = [s["name"] for s in _json(run_cli(root, "scenarios", "list", "--json"))]
    assert names == ["main", "alpha", "beta"]
    shutil.copy(REPO / "params.toml", root / "params.toml")
    bad = run_cli(root, "build", "--scenario", "main", "--dry-run")
    assert bad.returncode == 1 and "'main' names the main build" in bad.stderr
