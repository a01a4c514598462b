"""Issue 21 item 8: `ecresearch export` gives back the parquet values (CSV and XLSX read back), never turns text
into a formula, writes the same bytes twice, and its datapackage.json is a valid Frictionless data package."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from ecresearch import datasets, export

from .conftest import REPO, run_cli

DANGEROUS = ["=1+2", "+SUM(A1)", "-2+3", "@cmd", "\tx", "'=already", "''-twice", "plain", "it's", "", None]


@pytest.fixture(scope="module")
def csv_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("csv")
    r = run_cli(REPO, "export", "--format", "csv", "--out", str(out))
    assert r.returncode == 0, r.stderr
    return out


@pytest.fixture(scope="module")
def xlsx_file(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("xlsx")
    r = run_cli(REPO, "export", "-F", "xlsx", "-o", str(out))
    assert r.returncode == 0, r.stderr
    return out / export.WORKBOOK


def test_escape_makes_no_formula_and_reverses_exactly():
    df = pl.DataFrame({"t": DANGEROUS, "n": list(range(len(DANGEROUS)))})
    escaped = export.escape(df)
    for cell in escaped["t"].drop_nulls():
        assert not cell or cell[0] not in "=+-@\t\r", cell
    assert escaped["t"][DANGEROUS.index("plain")] == "plain" and escaped["t"][DANGEROUS.index("it's")] == "it's"
    assert_frame_equal(export.unescape(escaped), df)


def test_every_processed_table_is_exported_with_its_dictionary(csv_dir: Path):
    names = [d.name for d in export.tables()]
    assert {"deck_figures", "external_figures", "market_rules", "country_scores", "scoring_sobol"} <= set(names)
    assert sorted(p.stem for p in csv_dir.glob("*.csv")) == sorted([*names, export.DICTIONARY])
    dictionary = pl.read_csv(csv_dir / "dictionary.csv")
    for name in names:
        d = datasets.get(name)
        rows = dictionary.filter(pl.col("table") == name)
        assert rows.filter(pl.col("column").is_null())["description"].item().startswith(d.description)
        for column, col in (d.columns or {}).items():
            assert rows.filter(pl.col("column") == column)["description"].item() == (col.description or None)


def _same(got: pl.DataFrame, want: pl.DataFrame, name: str, rel_tol: float = 0.0) -> None:
    """Equal values (numbers within ``rel_tol``; every other type exactly)."""
    try:
        assert_frame_equal(got, want, check_exact=not rel_tol, rel_tol=rel_tol, abs_tol=0.0)
    except AssertionError as exc:
        raise AssertionError(f"{name}: {exc}") from None


def _csv_back(file: Path, schema: dict) -> pl.DataFrame:
    return export.unescape(pl.read_csv(file, schema=schema, encoding="utf8"))


def test_csv_round_trip_gives_the_parquet_values(csv_dir: Path):
    assert (csv_dir / "deck_figures.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8
    for d in export.tables():
        want = datasets.read(d.name)
        got = _csv_back(csv_dir / f"{d.name}.csv", want.schema)
        _same(got, want, d.name)  # an empty text is written quoted (""), a missing one as nothing: both come back


def _sheet(ws) -> list[list]:
    return [list(row) for row in ws.iter_rows(values_only=True)]


def test_xlsx_round_trip_gives_the_parquet_values(xlsx_file: Path):
    import openpyxl

    wb = openpyxl.load_workbook(xlsx_file, read_only=True)
    assert wb.sheetnames == [export.DICTIONARY, *(d.name for d in export.tables())]
    for d in export.tables():
        want = datasets.read(d.name)
        rows = _sheet(wb[d.name])
        assert rows[0] == want.columns
        got = pl.DataFrame(rows[1:], schema=list(want.columns), orient="row", infer_schema_length=None)
        got = got.with_columns(pl.col(c).cast(t) for c, t in want.schema.items())
        # an empty text stays an (empty) text cell, a missing value is no cell; a number keeps the 16
        # significant digits XlsxWriter writes (Excel shows 15), so 15.200000000000001 comes back as 15.2
        _same(got, want, d.name, rel_tol=1e-15)


def test_xlsx_writes_text_from_data_as_text_never_a_formula(tmp_path: Path):
    import openpyxl

    rules = datasets.read("market_rules")
    cells = (DANGEROUS * (rules.height // len(DANGEROUS) + 1))[: rules.height]
    rules = rules.with_columns(pl.Series("summary_en", cells, dtype=pl.String))
    export.write_xlsx({"market_rules": rules}, tmp_path, as_of="2026-12-01")
    wb = openpyxl.load_workbook(tmp_path / export.WORKBOOK)
    ws = wb["market_rules"]
    col = rules.columns.index("summary_en") + 1
    for i, value in enumerate(cells, start=2):
        cell = ws.cell(row=i, column=col)
        if value:
            assert cell.data_type == "s" and cell.value == value, (i, cell.data_type, cell.value)
    assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)


def test_export_is_byte_identical_across_runs(tmp_path: Path, csv_dir: Path, xlsx_file: Path):
    again_csv, again_xlsx = tmp_path / "csv", tmp_path / "xlsx"
    assert run_cli(REPO, "export", "-o", str(again_csv)).returncode == 0
    assert run_cli(REPO, "export", "-F", "xlsx", "-o", str(again_xlsx)).returncode == 0
    for file in sorted(csv_dir.iterdir()):
        assert (again_csv / file.name).read_bytes() == file.read_bytes(), file.name
    assert (again_xlsx / export.WORKBOOK).read_bytes() == xlsx_file.read_bytes()


def test_datapackage_is_valid_and_follows_the_registry(csv_dir: Path):
    from frictionless import validate

    report = validate(csv_dir / "datapackage.json")
    assert report.valid, report.flatten(["type", "note"])[:5]
    package = json.loads((csv_dir / "datapackage.json").read_text(encoding="utf-8"))
    resources = {r["name"]: r for r in package["resources"]}
    assert set(resources) == {export.DICTIONARY, *(d.name for d in export.tables())}
    rules = resources["market_rules"]["schema"]
    assert rules["primaryKey"] == list(datasets.get("market_rules").key)
    fields = {f["name"]: f for f in rules["fields"]}
    for c, col in datasets.get("market_rules").columns.items():
        assert fields[c]["description"] == col.description
        assert fields[c].get("constraints", {}).get("required", False) == (not col.nullable)
    assert fields["record"]["type"] == "integer" and fields["summary_en"]["type"] == "string"
    snapshots = datasets.read("snapshots")
    assert [lic["title"] for lic in package["licenses"]] == snapshots["licence"].to_list()
    assert len(package["sources"]) == snapshots.height


def test_datapackage_validation_catches_a_wrong_value(csv_dir: Path, tmp_path: Path):
    """The validation above reads the rows: a text in an integer column fails it."""
    from frictionless import validate

    broken = tmp_path / "broken"
    broken.mkdir()
    for file in csv_dir.iterdir():
        (broken / file.name).write_bytes(file.read_bytes())
    lines = (broken / "market_rules.csv").read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(",")
    assert header[-1] == "record"
    lines[1] = lines[1].rsplit(",", 1)[0] + ",not-a-number"
    (broken / "market_rules.csv").write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    report = validate(broken / "datapackage.json")
    assert not report.valid and "type-error" in {e[0] for e in report.flatten(["type"])}


def test_export_refuses_a_file_as_the_folder(tmp_path: Path):
    file = tmp_path / "f"
    file.write_text("x")
    r = run_cli(REPO, "export", "-o", str(file))
    assert r.returncode == 1 and r.stderr.startswith("ecresearch: error: --out") and file.read_text() == "x"
