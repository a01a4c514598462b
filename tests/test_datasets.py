"""The dataset registry: every table declared once validates, every step reads and writes registered datasets."""

import ast

import polars as pl
import pytest

from ecresearch import datasets, paths
from ecresearch import params as P
from ecresearch.datasets import DatasetError
from ecresearch.pipeline import dag, deps

MAIN = paths.output_set(None)
SCENARIO = paths.output_set("registry-test")
PAGE = {"iso3": "IDN", "lang": "ja"}


def _path(d: datasets.Dataset, out: paths.OutputSet):
    return datasets.path(d.name, out, **(PAGE if d.producer == "report" else {}))


def _tables():
    return [d for d in datasets.REGISTRY.values() if d.kind == "parquet"]


@pytest.mark.parametrize("name", [d.name for d in _tables()])
def test_every_committed_table_matches_its_schema(name):
    df = datasets.read(name, full=True)
    assert df.height > 0


def test_every_figure_table_matches_the_deck_schema():
    files = sorted(datasets.path("figure_tables").glob("*.parquet"))
    assert files
    for f in files:
        datasets.validate("figure_tables", pl.read_parquet(f), f)


def test_polars_dtypes_are_derived_from_the_one_schema():
    from ecresearch.clean import extract, schemas

    assert extract.LONG_SCHEMA == {c: col.dtype.type for c, col in schemas.long_schema().columns.items()}
    assert schemas.description(schemas.EXTERNAL, "csv_line") == datasets.description("external_figures", "csv_line")
    assert dict(pl.read_parquet_schema(datasets.path("deck_figures"))) == datasets.dtypes("deck_figures")


def test_every_step_reads_registered_datasets_and_writes_some():
    kinds = set(dag.READS)
    for kind, names in dag.READS.items():
        for name in names:
            assert name in datasets.REGISTRY, f"step {kind} reads unregistered {name!r}"
            assert datasets.get(name).kind != "text" or name == "scoring_params", (kind, name)
        assert datasets.produced_by(kind), f"step {kind} produces nothing"
    producers = {d.producer for d in datasets.REGISTRY.values()}
    assert producers <= kinds | {None, "diff"}  # diff: `ecresearch diff`, not a build step


def test_steps_outputs_and_inputs_come_from_the_registry():
    out = SCENARIO
    steps = {
        "clean": dag.clean_steps()[0],
        "charts": dag.clean_steps()[1],
        "scores": dag.scores_step(P.validate(P.Params()), out),
        "scoring-notebook": dag.scoring_notebook_step(out),
        "report": dag.report_step("IDN", "ja", out),
        "index": dag.index_step(["IDN"], out),
        "profiles": dag.profiles_step(out, ["IDN"]),
    }
    for kind, step in steps.items():
        assert step.outputs == datasets.outputs(kind, out, **(PAGE if kind == "report" else {})), kind
        assert step.inputs == tuple(datasets.path(n, out) for n in dag.READS[kind]), kind


@pytest.mark.parametrize("out", [MAIN, SCENARIO], ids=["main", "scenario"])
def test_no_two_datasets_share_a_path(out):
    seen: dict = {}
    for d in datasets.REGISTRY.values():
        p = _path(d, out)
        assert p not in seen, f"{d.name} and {seen.get(p)} share {p}"
        seen[p] = d.name
    folders = {p: n for p, n in seen.items() if datasets.get(n).kind == "folder" and n != "raw_snapshots"}
    for p, n in seen.items():  # nothing declared lives inside another dataset's folder
        assert not any(f in p.parents for f in folders), f"{n} is inside {folders}"


def test_a_scenario_never_writes_where_the_main_build_does():
    for d in datasets.REGISTRY.values():
        same = _path(d, MAIN) == _path(d, SCENARIO)
        assert same != d.per_output_set, d.name


def _registry_reads(files) -> set[str]:
    """The dataset names passed as a literal to ``datasets.read`` in some source files."""
    names = set()
    for f in files:
        if f.suffix not in (".py", ".ipynb"):
            continue
        source = f.read_text(encoding="utf-8")
        if f.suffix == ".ipynb":
            import jupytext

            cells = [c.source for c in jupytext.reads(source, "ipynb").cells if c.cell_type == "code"]
            lines = "\n".join(cells).splitlines()
            source = "\n".join(ln for ln in lines if not ln.lstrip().startswith(("%", "!")))  # no magics
        for node in ast.walk(ast.parse(source)):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "read"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "datasets"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                names.add(node.args[0].value)
    return names


def test_a_step_reads_only_what_it_declares():
    """What a step's code (its import closure and notebook) reads through the registry is among its inputs,
    so the declared list cannot fall behind the code."""
    out = MAIN
    steps = {
        "charts": dag.clean_steps()[1],
        "scores": dag.scores_step(P.validate(P.Params()), out),
        "scoring-notebook": dag.scoring_notebook_step(out),
        "report": dag.report_step("IDN", "ja", out),
        "index": dag.index_step(["IDN"], out),
        "profiles": dag.profiles_step(out, ["IDN"]),
    }
    deps.clear_cache()
    for kind, step in steps.items():
        files = step.code_files() + ([step.notebook] if step.notebook else [])
        read = _registry_reads(files)
        assert read <= set(dag.READS[kind]), f"{kind} reads {sorted(read - set(dag.READS[kind]))} undeclared"


def test_a_wrong_dtype_is_one_line_naming_the_file(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "PROCESSED", tmp_path)
    good = pl.read_parquet(MAIN.scores.parent / "external_figures.parquet")
    good.with_columns(pl.col("csv_line").cast(pl.Int64)).write_parquet(tmp_path / "external_figures.parquet")
    with pytest.raises(DatasetError) as exc:
        datasets.read("external_figures")
    msg = str(exc.value)
    assert "\n" not in msg and msg.startswith(str(tmp_path / "external_figures.parquet"))
    assert "'csv_line' is Int64, expected Int32" in msg


def test_value_checks_and_structure_problems_are_one_line(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "PROCESSED", tmp_path)
    df = pl.read_parquet(MAIN.scores.parent / "external_figures.parquet")
    df.with_columns(pl.lit("guessed").alias("status")).write_parquet(tmp_path / "external_figures.parquet")
    datasets.read("external_figures")  # structure is fine...
    with pytest.raises(DatasetError, match=r"does not match the external_figures schema: .*isin") as exc:
        datasets.read("external_figures", full=True)  # ...the values are not
    assert "\n" not in str(exc.value)
    df.drop("snapshot").write_parquet(tmp_path / "external_figures.parquet")
    with pytest.raises(DatasetError, match=r"missing columns \['snapshot'\]"):
        datasets.read("external_figures")
    pl.concat([df, df.head(1)]).write_parquet(tmp_path / "external_figures.parquet")
    with pytest.raises(DatasetError, match=r"duplicate rows for the key"):
        datasets.read("external_figures")
    with pytest.raises(DatasetError, match=r"missing \(made by the clean step\)"):
        datasets.read("deck_figures")
    with pytest.raises(DatasetError, match="no dataset named 'nope'"):
        datasets.read("nope")


def test_write_stages_a_checked_table(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "ROOT", tmp_path)
    monkeypatch.setattr(paths, "PROCESSED", tmp_path / "data" / "processed")
    df = pl.read_parquet(MAIN.scores.parent / "market_rules.parquet")
    staged = datasets.write("market_rules", df, tmp_path / "stage")
    assert staged == tmp_path / "stage" / "data" / "processed" / "market_rules.parquet"
    assert pl.read_parquet(staged).equals(df)
    with pytest.raises(DatasetError, match="'record' is Int64"):
        datasets.write("market_rules", df.with_columns(pl.col("record").cast(pl.Int64)), tmp_path / "stage")
