"""`snapshot add` refuses what would break a later build: a rules record with an empty required field (named
by file and line), a file above the size limit; a large file is added with a warning."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

from ecresearch.snapshots import raw

from .test_living_data import FIXTURE, cli, digests, scratch  # noqa: F401 - scratch is a fixture

RULES = ("--kind", "rules", "--source", "test", "--licence", "test", "--vintage", "Rules 2099",
         "--retrieved", "2099-01-31")  # fmt: skip


def _rules_csv(path: Path, records: list[list[str]]) -> Path:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(raw.RULES_COLUMNS)
    w.writerows(records)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def _rule(topic: str, summary: str = "a rule") -> list[str]:
    return ["IDN", topic, summary, "規則", "2099-01-01", "test", "", "2099", "C"]


def one_error(r: subprocess.CompletedProcess) -> str:
    lines = r.stderr.splitlines()
    assert r.returncode == 1 and len(lines) == 1 and lines[0].startswith("ecresearch: error: "), r.stderr
    return lines[0]


def test_a_rule_with_an_empty_topic_is_refused_with_file_and_line(scratch: Path, tmp_path: Path):  # noqa: F811
    # the first record's summary spans two lines, so the empty topic's record 3 starts on line 4
    src = _rules_csv(tmp_path / "rules.csv", [_rule("tax", "first line\nsecond line"), _rule("  ")])
    before = digests(scratch / "data" / "raw")
    line = one_error(cli(scratch, "snapshot", "add", str(src), *RULES))
    assert "rules.csv: line 4 (record 3): 'topic' is empty" in line, line
    assert digests(scratch / "data" / "raw") == before


def test_a_rules_file_with_every_field_is_added(scratch: Path, tmp_path: Path):  # noqa: F811
    src = _rules_csv(tmp_path / "rules.csv", [_rule("tax"), _rule("customs")])
    r = cli(scratch, "snapshot", "add", str(src), *RULES, "--name", "rules_2099")
    assert r.returncode == 0 and (scratch / "data" / "raw" / "rules" / "rules_2099.csv").exists(), r.stderr


def test_a_snapshot_above_the_limit_is_refused_before_it_is_read(scratch: Path, tmp_path: Path):  # noqa: F811
    big = tmp_path / "big.csv"
    with open(big, "wb") as fh:
        fh.truncate(raw.SNAPSHOT_MAX_BYTES + 1)  # sparse: the size, no disk
    before = digests(scratch / "data" / "raw")
    line = one_error(
        cli(scratch, "snapshot", "add", str(big), "--source", "t", "--licence", "t", "--vintage", "D 2099")
    )
    assert f"big.csv: {raw.megabytes(raw.SNAPSHOT_MAX_BYTES + 1)}; a snapshot may be at most" in line, line
    assert digests(scratch / "data" / "raw") == before


def test_a_large_snapshot_is_added_with_a_warning(scratch: Path):  # noqa: F811
    """The warning's threshold lowered below the fixture's size (a real 5 MB file of valid rows is not needed)."""
    preamble = "import sys; from ecresearch.snapshots import raw; from ecresearch import cli; "
    preamble += f"raw.SNAPSHOT_WARN_BYTES = {FIXTURE.stat().st_size - 1}; sys.exit(cli.main(sys.argv[1:]))"
    env = {**os.environ, "ECRESEARCH_ROOT": str(scratch)}
    args = ["snapshot", "add", str(FIXTURE), "--source", "t", "--licence", "t", "--vintage", "Digital 2099",
            "--retrieved", "2099-01-31", "--name", "big"]  # fmt: skip
    r = subprocess.run([sys.executable, "-c", preamble, *args], env=env, capture_output=True, text=True, cwd=scratch)
    assert r.returncode == 0 and r.stdout.startswith("added data/raw/external/big.csv"), r.stderr
    assert r.stderr.splitlines() == [
        f"ecresearch: warning: data/raw/external/big.csv is {raw.megabytes(FIXTURE.stat().st_size)}: every "
        "build's clean step reads it whole"
    ]
