"""`ecresearch export --format csv|xlsx`: the processed tables for analysts, with their data dictionary.

Every parquet table of the registry under ``data/processed`` (``figures/*.parquet`` are the rows of
``deck_figures`` split per figure, so they are not exported again), read and checked as every reader reads
it. CSV: one UTF-8 file per table (with a byte-order mark, so Excel reads the Japanese text),
``dictionary.csv`` and a Frictionless ``datapackage.json`` describing them. XLSX: one workbook, one sheet per
table and a ``dictionary`` sheet first. Text from data never becomes a formula: in the XLSX every text cell is
written as text; in a CSV a text cell starting with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return)
gets a leading apostrophe, and so does one that already starts with apostrophes followed by one of these, so
the escape reverses exactly (``unescape``). The output is byte-identical across runs: the workbook is dated
with the pages' ``as_of``, never the clock."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import tempfile
from pathlib import Path

from ecresearch.errors import EcresearchError

FORMATS = ("csv", "xlsx")
WORKBOOK = "ecresearch-tables.xlsx"
DICTIONARY = "dictionary"
DICTIONARY_COLUMNS = {
    "table": "the table (a CSV file or a sheet of the same name)",
    "column": "the column; empty on the row that describes the table itself",
    "type": "Table Schema type of the column (string, integer, number, boolean, date, datetime)",
    "required": "the column has a value on every row",
    "key": "the column is part of the table's key (the columns that identify a row)",
    "description": "what the table or column holds",
}
_DANGER = r"^'*[=+\-@\t\r]"  # a cell a spreadsheet would read as a formula (OWASP CSV injection)
_XLSX_MAX_TEXT = 32767  # Excel's limit on a cell's text


class ExportError(EcresearchError):
    """A table cannot be exported as asked (the message names the table and column)."""


# ── what is exported ──────────────────────────────────────────────────────────────────────────


def tables() -> list:
    """The registered parquet tables under data/processed, in registry order."""
    from ecresearch import datasets

    return [d for d in datasets.processed_tables().values() if d.kind == "parquet"]


def read_tables() -> dict:
    """name → frame of every exported table (read and checked through the registry)."""
    from ecresearch import datasets

    return {d.name: datasets.read(d.name) for d in tables()}


def field_type(dtype) -> str:
    """The Table Schema type of a polars dtype (a nested column has none: it is refused by name)."""
    import polars as pl

    if dtype == pl.Boolean:
        return "boolean"
    if dtype.is_integer():
        return "integer"
    if dtype.is_float():
        return "number"
    if dtype == pl.String:
        return "string"
    if dtype == pl.Date:
        return "date"
    if isinstance(dtype, pl.Datetime):
        return "datetime"
    raise ExportError(f"type {dtype} cannot be exported")


def _columns(name: str, df) -> list[dict]:
    """Each column of a table: name, type, required, key, description (from the registry where declared)."""
    from ecresearch import datasets

    d = datasets.get(name)
    declared = d.columns or {}
    rows = []
    for c, dtype in df.schema.items():
        try:
            kind = field_type(dtype)
        except ExportError as exc:
            raise ExportError(f"{name}.{c}: {exc}") from None
        col = declared.get(c)
        required = (not col.nullable) if col is not None else None  # unknown for a table not typed yet
        rows.append(
            {"name": c, "type": kind, "required": required, "key": c in d.key, "description": col and col.description}
        )
    return rows


def dictionary(frames: dict):
    """The data dictionary as a table: per exported table one row describing it, then one per column."""
    import polars as pl

    from ecresearch import datasets

    rows = []
    for name, df in frames.items():
        d = datasets.get(name)
        key = f" Key: {', '.join(d.key)}." if d.key else ""
        rows.append({"table": name, "column": None, "type": None, "required": None, "key": None,
                     "description": f"{d.description}{key}"})  # fmt: skip
        for c in _columns(name, df):
            rows.append({"table": name, "column": c["name"], "type": c["type"], "required": c["required"],
                         "key": c["key"], "description": c["description"] or None})  # fmt: skip
    schema = {"table": pl.String, "column": pl.String, "type": pl.String, "required": pl.Boolean, "key": pl.Boolean,
              "description": pl.String}  # fmt: skip
    return pl.DataFrame(rows, schema=schema, orient="row")


# ── formula escaping ──────────────────────────────────────────────────────────────────────────


def escape(df):
    """The frame with every text cell a spreadsheet would read as a formula prefixed by an apostrophe."""
    import polars as pl

    text = [c for c, t in df.schema.items() if t == pl.String]
    return df.with_columns(
        pl.when(pl.col(c).str.contains(_DANGER)).then(pl.lit("'") + pl.col(c)).otherwise(pl.col(c)).alias(c)
        for c in text
    )


def unescape(df):
    """The inverse of ``escape`` (how a program reading the CSV gets the values back)."""
    import polars as pl

    text = [c for c, t in df.schema.items() if t == pl.String]
    return df.with_columns(
        pl.when(pl.col(c).str.contains(r"^'+[=+\-@\t\r]")).then(pl.col(c).str.slice(1)).otherwise(pl.col(c)).alias(c)
        for c in text
    )


# ── the Frictionless data package ─────────────────────────────────────────────────────────────


def datapackage(frames: dict, *, as_of: str, version: str) -> dict:
    """A Frictionless (tabular) data package describing the CSV files: one resource per table with its schema
    (fields with types, descriptions and required constraints, the primary key), the raw snapshots as sources
    with their licences (from their sidecars, as the snapshots table publishes them)."""
    from ecresearch import datasets

    snapshots = frames.get("snapshots")
    if snapshots is None:
        snapshots = datasets.read("snapshots")
    sources, licences = [], []
    for s in snapshots.iter_rows(named=True):
        what = f"{s['title']} ({s['publisher']}; {s['vintage'] or 'no edition'}; retrieved {s['retrieved']})"
        sources.append({"title": what, **({"path": s["source_url"]} if s["source_url"] else {})})
        # a licence needs a name (an Open Definition id) or a path: the sidecar that states the terms, relative
        # to the project folder (the terms are free text, never mapped to an id they may not match)
        licences.append({"path": f"{s['file']}.meta.json", "title": s["licence"]})
    resources = [_resource(DICTIONARY, dictionary(frames), "the data dictionary: every table and column")]
    resources += [_resource(n, df, datasets.get(n).description) for n, df in frames.items()]
    return {
        "profile": "tabular-data-package",
        "name": "ecresearch-tables",
        "title": "ecresearch: the processed tables of a cross-border e-commerce market analysis",
        "description": "Tidy tables cleaned from a JETRO seminar deck on overseas e-commerce markets and public "
        "figures filling its gaps, and the country scores made from them. Each table's columns are described "
        "in its schema and in dictionary.csv.",
        "version": version,
        "created": f"{as_of}T00:00:00Z",
        "licenses": licences,
        "sources": sources,
        "resources": resources,
    }


def _resource(name: str, df, description: str) -> dict:
    from ecresearch import datasets

    fields = []
    for c in _columns(name, df) if name != DICTIONARY else _dictionary_fields():
        field = {"name": c["name"], "type": c["type"]}
        if c["description"]:
            field["description"] = c["description"]
        if c["required"]:
            field["constraints"] = {"required": True}
        fields.append(field)
    schema: dict = {"fields": fields}
    key = datasets.get(name).key if name != DICTIONARY else ()
    if key and all(df[k].null_count() == 0 for k in key):  # a key with empty cells is not a primary key there
        schema["primaryKey"] = list(key)
    return {
        "name": name,
        "path": f"{name}.csv",
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8-sig",
        "description": description,
        "schema": schema,
    }


def _dictionary_fields() -> list[dict]:
    types = {"required": "boolean", "key": "boolean"}
    return [
        {"name": c, "type": types.get(c, "string"), "required": c == "table", "description": about}
        for c, about in DICTIONARY_COLUMNS.items()
    ]


# ── writing ───────────────────────────────────────────────────────────────────────────────────


def write_csv(frames: dict, folder: Path, *, as_of: str, version: str) -> list[Path]:
    written = []
    for name, df in {DICTIONARY: dictionary(frames), **frames}.items():
        file = folder / f"{name}.csv"
        escape(df).write_csv(file, include_bom=True, line_terminator="\n")
        written.append(file)
    package = datapackage(frames, as_of=as_of, version=version)
    file = folder / "datapackage.json"
    file.write_text(json.dumps(package, ensure_ascii=False, indent=1) + "\n", encoding="utf-8", newline="\n")
    return [*written, file]


def write_xlsx(frames: dict, folder: Path, *, as_of: str) -> list[Path]:
    import xlsxwriter

    file = folder / WORKBOOK
    # text stays text: no string is turned into a number, a formula or a link
    options = {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False,
               "nan_inf_to_errors": True}  # fmt: skip
    wb = xlsxwriter.Workbook(str(file), options)
    day = dt.datetime.fromisoformat(as_of)
    wb.set_properties({"title": "ecresearch tables", "author": "ecresearch", "created": day})
    head = wb.add_format({"bold": True})
    for name, df in {DICTIONARY: dictionary(frames), **frames}.items():
        _sheet(wb, name, df, head)
    wb.close()
    return [file]


def _sheet(wb, name: str, df, head) -> None:
    if len(name) > 31:
        raise ExportError(f"table {name!r}: longer than the 31 characters a sheet name may have")
    ws = wb.add_worksheet(name)
    ws.write_row(0, 0, df.columns, head)
    for j, column in enumerate(df.columns):
        for i, value in enumerate(df[column].to_list(), start=1):
            if value is None:
                continue
            if isinstance(value, str):
                if len(value) > _XLSX_MAX_TEXT:
                    raise ExportError(f"{name}.{column} row {i}: text longer than Excel's {_XLSX_MAX_TEXT} characters")
                ws.write_string(i, j, value)  # text, never a formula, whatever it starts with
            elif isinstance(value, bool):
                ws.write_boolean(i, j, value)
            elif isinstance(value, int | float):
                ws.write_number(i, j, value)
            else:
                ws.write_string(i, j, str(value))
        width = max([len(column), *(len(str(v)) for v in df[column].head(200).to_list() if v is not None)])
        ws.set_column(j, j, min(max(width, 6), 60) + 1)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(df.height, 1), max(len(df.columns) - 1, 0))


def export(fmt: str, out: Path) -> list[Path]:
    """Write the export into ``out`` whole or not at all: into a folder beside it, then moved file by file."""
    from ecresearch import paths
    from ecresearch.params import load_pages

    if fmt not in FORMATS:
        raise ExportError(f"--format {fmt!r}: one of {', '.join(FORMATS)}")
    frames = read_tables()  # every table is read and checked before anything is written
    as_of = load_pages(paths.PARAMS_FILE).as_of
    if out.exists() and not out.is_dir():
        raise ExportError(f"--out {out}: not a folder")
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".export-", dir=out))
    try:
        if fmt == "csv":
            staged = write_csv(frames, tmp, as_of=as_of, version=_version())
        else:
            staged = write_xlsx(frames, tmp, as_of=as_of)
        written = []
        for file in staged:
            os.replace(file, out / file.name)
            written.append(out / file.name)
        return written
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ecresearch")
    except PackageNotFoundError:  # pragma: no cover - a source tree without metadata
        return "0.0.0"


# ── the command ───────────────────────────────────────────────────────────────────────────────


def _run(args: argparse.Namespace) -> int:
    from ecresearch import paths

    out = Path(args.out) if args.out else paths.ROOT / "export"
    written = export(args.format, out)
    tables_n = len(tables())
    print(f"ecresearch export: {tables_n} tables and their dictionary as {args.format} in {paths.rel(out)}")
    for file in written:
        print(f"  {paths.rel(file)}")
    return 0


def add_command(sub) -> None:
    p = sub.add_parser(
        "export",
        help="the processed tables as CSV (with datapackage.json) or one XLSX workbook, with their data dictionary",
    )
    p.add_argument("-F", "--format", choices=FORMATS, default="csv", help="csv (default) or xlsx")
    p.add_argument("-o", "--out", metavar="DIR", help="folder to write into (default: export/ in the project)")
    p.set_defaults(func=_run)
