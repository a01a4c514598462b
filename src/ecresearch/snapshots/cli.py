"""`ecresearch snapshot add | list` and `ecresearch diff` (living data)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ecresearch.errors import EcresearchError


def _add(args: argparse.Namespace) -> int:
    import datetime as dt

    from ecresearch import paths
    from ecresearch.snapshots.raw import SNAPSHOT_WARN_BYTES, add_snapshot, megabytes

    src = Path(args.file)
    if not src.is_file():
        raise EcresearchError(f"{args.file}: no such file")
    dest = add_snapshot(
        src,
        kind=args.kind,
        source=args.source,
        url=args.url or None,
        vintage=args.vintage,
        licence=args.licence,
        retrieved=args.retrieved or dt.date.today().isoformat(),
        title=args.title,
        name=args.name,
    )
    if dest.stat().st_size > SNAPSHOT_WARN_BYTES:
        print(
            f"ecresearch: warning: {paths.rel(dest)} is {megabytes(dest.stat().st_size)}: every build's clean step "
            "reads it whole",
            file=sys.stderr,
        )
    print(f"added {paths.rel(dest)} (+ {dest.name}.meta.json); next: ecresearch build, then ecresearch diff")
    return 0


def _rows(path: Path) -> int | None:
    """Data rows of a CSV snapshot (records after the header); None for other files."""
    import csv
    import io

    if path.suffix != ".csv":
        return None
    text = path.read_bytes().decode("utf-8", "replace")
    return max(0, sum(1 for rec in csv.reader(io.StringIO(text, newline="")) if rec and rec != [""]) - 1)


def _list(args: argparse.Namespace) -> int:
    import json
    import re

    from ecresearch import paths
    from ecresearch.snapshots.raw import snapshot_table

    table = snapshot_table()
    rows = [
        {
            "file": r["file"],
            "publisher": r["publisher"],
            "vintage": r["vintage"],
            "retrieved": r["retrieved"],
            "rows": _rows(paths.ROOT / r["file"]),
        }
        for r in table.iter_rows(named=True)
    ]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    print(f"{'file':<52} {'retrieved':<10} {'rows':>5}  {'vintage':<24} publisher")
    for r in rows:
        pub = r["publisher"] if len(r["publisher"]) <= 60 else r["publisher"][:59] + "…"
        vintage = r["vintage"] or "—"
        vintage = vintage if len(vintage) <= 24 else vintage[:23] + "…"
        date = re.search(r"\d{4}-\d{2}-\d{2}", r["retrieved"] or "")
        print(
            f"{r['file']:<52} {date.group(0) if date else r['retrieved']:<10} {'—' if r['rows'] is None else r['rows']:>5}  {vintage:<24} {pub}"  # noqa: E501 - a data string kept whole
        )
    return 0


def _diff(args: argparse.Namespace) -> int:
    import json

    from ecresearch import paths
    from ecresearch.diff import changes

    if (args.old_dir or args.new_dir) and (args.old or args.new):
        raise EcresearchError("give either git revisions (OLD [NEW]) or --old-dir/--new-dir, not both")
    report = changes.run(
        args.old, args.new, Path(args.old_dir) if args.old_dir else None, Path(args.new_dir) if args.new_dir else None
    )
    written = None if args.no_write else changes.write(report)
    if args.format == "json":
        print(json.dumps(report, ensure_ascii=False, indent=1, default=str))
    else:
        print(changes.markdown(report))
    if written:
        _relink_index()
        print(f"ecresearch diff: wrote {paths.rel(written[0])} and {paths.rel(written[1])}", file=sys.stderr)
    return 0


def _relink_index() -> None:
    """Rewrite the main build's index (when built) so that it links the changes page just written."""
    from ecresearch import datasets, paths
    from ecresearch.pipeline import dag
    from ecresearch.pipeline.engine import execute

    out = paths.output_set(None)
    needed = (datasets.path("index_page", out), *dag.inputs("index", out))
    # the index step's parameters name the changes page, so it reruns
    if all(p.exists() for p in needed):
        execute([dag.index_step(dag.ranked_countries(out), out)], jobs=1)


def add_commands(sub) -> None:
    """Register the data-refresh commands: snapshot add | list, diff."""
    s = sub.add_parser("snapshot", help="add a new raw snapshot (a new vintage of a source), or list them")
    ssub = s.add_subparsers(dest="snapshot_command", required=True, metavar="ACTION")
    a = ssub.add_parser("add", help="copy a file into data/raw/<kind>/ under a versioned name, with its provenance")
    a.add_argument("file", help="the CSV to add (external figures: the external-figures schema)")
    a.add_argument("--source", required=True, help="publisher, e.g. 'DataReportal (We Are Social / Meltwater)'")
    a.add_argument("--url", default="", help="where the file or its figures come from (may be empty)")
    a.add_argument("--vintage", required=True, help="the edition, naming a year, e.g. 'Digital 2025'")
    a.add_argument("--licence", required=True, help="terms of use, e.g. 'facts with attribution'")
    a.add_argument("--retrieved", help="retrieval date YYYY-MM-DD (default: today)")
    a.add_argument(
        "--kind", choices=("external", "rules"), default="external", help="which raw folder (default external)"
    )
    a.add_argument("--name", help="file name without .csv (default: <file stem>_<retrieved>)")
    a.add_argument("--title", help="title in the provenance sidecar (default: '<source>: <vintage>')")
    a.set_defaults(func=_add)
    li = ssub.add_parser("list", help="every raw snapshot: file, publisher, vintage, retrieved, rows")
    li.add_argument("--json", action="store_true", help="machine-readable JSON")
    li.set_defaults(func=_list)
    d = sub.add_parser(
        "diff",
        help="what changed between two builds, traced to the snapshot rows that caused it",
        description="Compare two builds' processed tables, quality findings and scores. Default: the "
        "outputs committed at git HEAD against the working tree. Writes "
        "reports/changes.html and reports/changes.json.",
    )
    d.add_argument("old", nargs="?", metavar="OLD", help="git revision of the old build (default HEAD)")
    d.add_argument("new", nargs="?", metavar="NEW", help="git revision of the new build (default: the working tree)")
    d.add_argument("--old-dir", dest="old_dir", metavar="DIR", help="a folder holding the old build's data/processed")
    d.add_argument("--new-dir", dest="new_dir", metavar="DIR", help="a folder holding the new build's data/processed")
    d.add_argument("--format", choices=("md", "json"), default="md", help="what to print (default Markdown)")
    d.add_argument(
        "--no-write",
        dest="no_write",
        action="store_true",
        help="print only; do not write reports/changes.html and changes.json",
    )
    d.set_defaults(func=_diff)
