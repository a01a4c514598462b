"""Living data: add a new vintage of a source, rebuild only what depends on it, and see exactly what changed.

The new vintage is a TEST FIXTURE (tests/data/sns_digital2025_sample.csv: invented numbers, "Digital 2099",
marked "test fixture (not real data)"); everything runs in a scratch copy of the repository."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import polars as pl
import pytest

from .conftest import REPO, new_project, run_cli

FIXTURE = REPO / "tests" / "data" / "sns_digital2025_sample.csv"
NEW = "sns_digital2099_test.csv"
ADD = (
    "snapshot",
    "add",
    str(FIXTURE),
    "--source",
    "test fixture (not real data)",
    "--url",
    "",
    "--vintage",
    "Digital 2099",
    "--licence",
    "test fixture, no licence",
    "--retrieved",
    "2099-01-31",
    "--name",
    NEW.removesuffix(".csv"),
)
FIXTURE_LINES = {"WLD": 2, "MYS": 3, "THA": 4, "VNM": 5, "SGP": 6}
HEADER = "topic,country_iso3,entity,metric,period,value,unit,status,vintage,source_title,source_url,note"


def cli(root: Path, *args: str) -> subprocess.CompletedProcess:
    """The CLI of this source tree, run in ``root`` (conftest.run_cli, with this tree on the path)."""
    path = os.pathsep.join([str(REPO / "src"), *filter(None, [os.environ.get("PYTHONPATH")])])
    return run_cli(root, *args, env={"PYTHONPATH": path})


def ok(r: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert r.returncode == 0, r.stderr[-3000:]
    return r


@pytest.fixture()
def scratch(tmp_path: Path) -> Path:
    return new_project(tmp_path / "repo")


def digests(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def plan(root: Path) -> dict[str, str]:
    lines = ok(cli(root, "build", "--dry-run")).stdout.splitlines()
    return dict(line.split(": ", 1) for line in lines if ": " in line)


def build(root: Path, step: str) -> str:
    r = ok(cli(root, "build", "--only", step))
    assert "1 of 1 steps ran" in r.stdout and f"{step}: done" in r.stderr, (r.stdout, r.stderr)
    return r.stderr


def table(report: dict, name: str) -> dict | None:
    return next((t for t in report["tables"] if t["name"] == name), None)


@pytest.mark.slow
def test_add_build_diff_end_to_end(built_copy: Path, tmp_path: Path):
    scratch = built_copy  # everything already built once, cold (conftest.built_root)
    old = tmp_path / "old"
    shutil.copytree(scratch / "data" / "processed", old / "data" / "processed")
    git = shutil.which("git")
    if git:  # the default diff: outputs committed at HEAD against the working tree
        for args in (
            ["init", "-q"],
            ["add", "data/processed"],
            ["-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qm", "old build"],
        ):
            subprocess.run([git, *args], cwd=scratch, check=True, capture_output=True)
    raw_before = digests(scratch / "data" / "raw")
    processed_before = digests(scratch / "data" / "processed")
    steps = plan(scratch)
    assert steps["clean"] == "up to date" and steps["scores"] == "up to date"

    # 1. add the new vintage: copied under its versioned name with its provenance
    r = ok(cli(scratch, *ADD))
    assert f"data/raw/external/{NEW}" in r.stdout
    dest = scratch / "data" / "raw" / "external" / NEW
    meta = json.loads((dest.parent / f"{NEW}.meta.json").read_text(encoding="utf-8"))
    assert (
        meta["sha256"]
        == hashlib.sha256(FIXTURE.read_bytes()).hexdigest()
        == hashlib.sha256(dest.read_bytes()).hexdigest()
    )
    assert meta["size_bytes"] == FIXTURE.stat().st_size
    assert (meta["publisher"], meta["vintage"], meta["licence"], meta["retrieved"], meta["source_url"]) == (
        "test fixture (not real data)",
        "Digital 2099",
        "test fixture, no licence",
        "2099-01-31",
        None,
    )
    raw_after = digests(scratch / "data" / "raw")
    assert {k: v for k, v in raw_after.items() if k in raw_before} == raw_before  # the previous snapshots are untouched
    assert sorted(set(raw_after) - set(raw_before)) == [f"external/{NEW}", f"external/{NEW}.meta.json"]
    listing = ok(cli(scratch, "snapshot", "list", "--json")).stdout
    mine = [s for s in json.loads(listing) if s["file"].endswith(NEW)]
    assert mine == [
        {
            "file": f"data/raw/external/{NEW}",
            "publisher": "test fixture (not real data)",
            "vintage": "Digital 2099",
            "retrieved": "2099-01-31",
            "rows": 5,
        }
    ]
    again = cli(scratch, *ADD)  # a snapshot is never overwritten
    assert again.returncode == 1 and "raw snapshots are never overwritten" in again.stderr

    # 2. rebuild: the clean step reruns, then the scores; nothing else is built here
    assert plan(scratch)["clean"] == "would run"
    build(scratch, "clean")
    processed_mid = digests(scratch / "data" / "processed")
    changed = {k for k in processed_mid if processed_mid[k] != processed_before.get(k)}
    assert "external_figures.parquet" in changed and "snapshots.parquet" in changed
    # tables that do not read the external figures are byte-identical
    for name in ("deck_passages.parquet", "market_rules.parquet", "text_tables.parquet"):
        assert name not in changed
    steps = plan(scratch)
    assert steps["clean"] == "up to date" and steps["scores"] == "would run"
    build(scratch, "scores")
    steps = plan(scratch)
    assert steps["clean"] == "up to date" and steps["scores"] == "up to date"
    build(scratch, "index")
    assert "changes.html" not in (scratch / "reports" / "index.html").read_text(encoding="utf-8")

    # 3. what changed, traced to the snapshot rows
    report = json.loads(
        ok(cli(scratch, "diff", "--old-dir", str(old), "--new-dir", str(scratch), "--format", "json")).stdout
    )
    ext = table(report, "external_figures.parquet")
    assert len(ext["added"]) == 5 and not ext["changed"] and not ext["removed"]
    assert {(i["key"]["country_iso3"], i["trace"][0]["snapshot"], i["trace"][0]["csv_line"]) for i in ext["added"]} == {
        (c, NEW, n) for c, n in FIXTURE_LINES.items()
    }
    assert table(report, "deck_figures.parquet") is None  # the deck's numbers did not move
    # one edition per pillar: the new edition covers 4 candidates, fewer than Digital 2024, so it does not displace
    # it (the scoring takes the edition that covers the most candidates; a partial one fills only markets it
    # lacks and is otherwise a second edition at most): no indicator, score or rank moves
    ind = table(report, "country_indicators.parquet")
    assert ind is None or not {i["key"]["iso3"] for i in ind["changed"] if i["changes"].get("value")}
    countries = {c["iso3"]: c for c in report["countries"]}
    assert not any(c["rank_move"] for c in countries.values())
    assert report["summary"]["rank_moves"] == 0

    md = ok(cli(scratch, "diff", "--old-dir", str(old), "--new-dir", str(scratch), "--format", "md")).stdout
    md = md.replace("\\", "")  # text from data is backslash-escaped Markdown: compare it as it renders
    assert f"{NEW} line {FIXTURE_LINES['MYS']}" in md
    page = (scratch / "reports" / "changes.html").read_text(encoding="utf-8")
    assert f"{NEW} line {FIXTURE_LINES['VNM']}" in page and "test fixture (not real data)" in page
    assert (
        json.loads((scratch / "reports" / "changes.json").read_text(encoding="utf-8"))["summary"] == report["summary"]
    )
    assert '<a href="changes.html">' in (scratch / "reports" / "index.html").read_text(encoding="utf-8")  # linked

    if git:
        head = json.loads(ok(cli(scratch, "diff", "--format", "json", "--no-write")).stdout)
        assert head["old"].startswith("HEAD") and head["new"] == "working tree"
        assert table(head, "external_figures.parquet")["added"]  # the new rows, against the committed outputs
        bad = cli(scratch, "diff", "no-such-rev", "--no-write")
        assert bad.returncode == 1 and bad.stderr.startswith("ecresearch: error: 'no-such-rev': not a git revision")

    assert digests(scratch / "data" / "raw") == raw_after  # building and diffing never touch the raw data


@pytest.mark.slow
def test_pin_keeps_the_numbers_after_a_newer_snapshot(built_copy: Path, tmp_path: Path):
    scratch = built_copy
    with open(scratch / "params.toml", "a", encoding="utf-8") as fh:
        fh.write('\n[scoring.pins]\nsns_time = "Digital 2024"\n')
    assert plan(scratch)["clean"] == "up to date"  # a pin is a scoring parameter
    build(scratch, "scores")
    old = tmp_path / "old"
    shutil.copytree(scratch / "data" / "processed", old / "data" / "processed")
    ok(cli(scratch, *ADD))
    build(scratch, "clean")
    build(scratch, "scores")
    report = json.loads(
        ok(
            cli(scratch, "diff", "--old-dir", str(old), "--new-dir", str(scratch), "--format", "json", "--no-write")
        ).stdout
    )
    assert len(table(report, "external_figures.parquet")["added"]) == 5  # the new rows are there...
    for name in ("country_indicators.parquet", "country_scores.parquet"):  # ...but the pinned edition is scored
        assert table(report, name) is None, table(report, name)
    assert report["countries"] == []
    for name in ("country_indicators.parquet", "country_scores.parquet"):
        assert pl.read_parquet(old / "data" / "processed" / name).equals(
            pl.read_parquet(scratch / "data" / "processed" / name)
        )


def _row(iso3="MYS", value="200", unit="minutes", vintage="Digital 2099", metric="daily social media time"):
    return (
        f"sns_time,{iso3},Somewhere,{metric},2099-01,{value},{unit},found,{vintage},"
        "test fixture (not real data),,TEST FIXTURE"
    )


BAD = {
    "duplicate key": ("\n".join([HEADER, _row(), _row(value="201")]) + "\n", "line 3: duplicate of line 2"),
    "unknown ISO3": ("\n".join([HEADER, _row(), _row(iso3="QQQ")]) + "\n", "line 3: unknown country code 'QQQ'"),
    "out of range": ("\n".join([HEADER, _row(value="2000")]) + "\n", "line 2: value 2000 minutes"),
    "negative share": (
        "\n".join([HEADER, _row(value="-5", unit="pct", metric="share of users")]) + "\n",
        "line 2: value -5 pct",
    ),
    "unordered vintage": (
        "\n".join([HEADER, _row(), _row(iso3="THA", vintage="Digital latest")]) + "\n",
        "line 3: vintage 'Digital latest' cannot be ordered",
    ),
    "not UTF-8": ((HEADER + "\n" + _row()[:20]).encode() + b"\xff\xfe" + b"\n", "line 2: not UTF-8"),
    "wrong columns": ("topic,iso3,value\nsns_time,MYS,200\n", "line 1: columns"),
    "conflicts with a snapshot": (
        HEADER + "\nsns_time,VNM,Vietnam,daily social media time,2024-01,150,minutes,found,"
        "Digital 2024,test fixture (not real data),,TEST FIXTURE\n",
        "line 2: 150 for a key that pillars_2026_11.csv line 33 gives as 145",
    ),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_snapshot_is_refused_with_file_and_line(scratch: Path, tmp_path: Path, case: str):
    content, expected = BAD[case]
    src = tmp_path / "bad_vintage.csv"
    src.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    before = digests(scratch / "data" / "raw")
    r = cli(
        scratch,
        "snapshot",
        "add",
        str(src),
        "--source",
        "test",
        "--vintage",
        "Digital 2099",
        "--licence",
        "test",
        "--retrieved",
        "2099-01-31",
    )
    assert r.returncode == 1, r.stdout
    lines = r.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("ecresearch: error: "), r.stderr
    assert "bad_vintage.csv" in lines[0] and expected in lines[0], lines[0]
    assert digests(scratch / "data" / "raw") == before  # nothing added
    assert not list((scratch / "data" / "raw").rglob(".*.tmp*"))


@pytest.mark.parametrize(
    "args, expected",
    [
        (("--vintage", "latest"), "--vintage 'latest': must name a year"),
        (("--vintage", "Digital 2099", "--retrieved", "yesterday"), "--retrieved 'yesterday': not a date"),
        (("--vintage", "Digital 2099", "--name", "../escape"), "--name '../escape'"),
        (("--vintage", "Digital 2099", "--name", "external_figures"), "data/raw/external/external_figures.csv exists"),
        (("--vintage", "Digital 2099\n<b>x</b>"), "--vintage 'Digital 2099\\n<b>x</b>': must be one line"),
        (("--vintage", "Digital <b>2099</b>"), "must be plain text"),
        (("--vintage", "Digital 2099", "--url", "javascript:alert(1)"), "--url 'javascript:alert(1)'"),
    ],
)
def test_bad_snapshot_options_are_refused(scratch: Path, args, expected):
    before = digests(scratch / "data" / "raw")
    r = cli(scratch, "snapshot", "add", str(FIXTURE), "--source", "test", "--licence", "test", *args)
    lines = r.stderr.splitlines()
    assert (
        r.returncode == 1 and len(lines) == 1 and lines[0].startswith("ecresearch: error: ") and expected in lines[0]
    ), r.stderr
    assert digests(scratch / "data" / "raw") == before


def test_a_copy_of_an_existing_snapshot_is_refused(scratch: Path):
    existing = scratch / "data" / "raw" / "external" / "external_figures.csv"
    before = digests(scratch / "data" / "raw")
    r = cli(scratch, "snapshot", "add", str(existing), "--source", "t", "--licence", "t", "--vintage", "Digital 2099",
            "--retrieved", "2026-01-01", "--name", "copy_of_founding")  # fmt: skip
    lines = r.stderr.splitlines()
    assert (
        r.returncode == 1 and len(lines) == 1 and "the same bytes as data/raw/external/external_figures.csv" in lines[0]
    )
    assert digests(scratch / "data" / "raw") == before


def test_diff_needs_two_builds(scratch: Path, tmp_path: Path):
    r = cli(scratch, "diff", "--old-dir", str(tmp_path / "nowhere"), "--new-dir", str(scratch), "--no-write")
    assert r.returncode == 1 and r.stderr.startswith("ecresearch: error: ") and "no data/processed" in r.stderr
    r = cli(scratch, "diff", "HEAD", "--old-dir", str(scratch))
    assert r.returncode == 1 and "not both" in r.stderr


def test_changes_page_escapes_text_from_data(tmp_path: Path, monkeypatch):
    from ecresearch.diff import changes

    old, new = tmp_path / "old" / "data" / "processed", tmp_path / "new" / "data" / "processed"
    for folder, value in ((old, 1.0), (new, 2.0)):
        folder.mkdir(parents=True)
        pl.DataFrame(
            {
                "topic": ["t"],
                "country_iso3": ["MYS"],
                "entity": ["<script>alert(1)</script>"],
                "metric": ["m"],
                "period": ["2099"],
                "vintage": ["Digital 2099"],
                "value": [value],
                "unit": ["minutes"],
                "snapshot": ["x.csv"],
                "csv_line": [2],
            }
        ).write_parquet(folder / "external_figures.parquet")
    report = changes.compare(changes.dir_side(old.parents[1]), changes.dir_side(new.parents[1]))
    assert report["summary"]["values_changed"] == 1
    page, data = changes.write(report, tmp_path / "reports")
    html = page.read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert json.loads(data.read_text(encoding="utf-8"))["tables"][0]["changed"][0]["changes"]["value"] == {
        "old": 1.0,
        "new": 2.0,
    }
