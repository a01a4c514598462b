"""Issue 22's bad inputs, through the command line as a user types them: each is one line naming the file,
parameter or key, a non-zero exit, no traceback, and nothing written."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from .conftest import REPO, run_cli


def _tree(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for d in ("data", "reports")
        for p in sorted((root / d).rglob("*"))
        if p.is_file()
    }


@pytest.fixture()
def built(scratch_root: Path) -> Path:
    """A scratch project holding the committed outputs (processed tables, scores, pages)."""
    shutil.copytree(REPO / "data" / "processed", scratch_root / "data" / "processed")
    shutil.copytree(REPO / "reports", scratch_root / "reports", ignore=shutil.ignore_patterns("countries", "scenarios"))
    shutil.copy(REPO / "params.toml", scratch_root / "params.toml")
    return scratch_root


PARAMS = {  # a line of [scoring] in params.toml → what the error names
    "seed = -1": "params.toml [scoring]: parameter 'seed'",
    "candidates = 5": "params.toml [scoring]: parameter 'candidates'",
    "weights = { growth = 1e308, sns = 1e308, concentration = 1e308 }": "sum overflows",
    "pins = { sns_time = 'Digital 2099' }": "sns_time = 'Digital 2099' is not an edition",
    "pins = { no_such_topic = 'Digital 2024' }": "no_such_topic",
}


def one_line(r, needle: str, code: int = 1) -> None:
    lines = r.stderr.splitlines()
    assert r.returncode == code and len(lines) == 1 and "Traceback" not in r.stderr, r.stderr[-2000:]
    assert lines[0].startswith("ecresearch: error: ") and needle in lines[0], lines[0]


@pytest.mark.parametrize("line", sorted(PARAMS))
def test_a_bad_params_file_through_the_command_line(built: Path, line: str):
    text = (built / "params.toml").read_text(encoding="utf-8")
    key = line.split(" = ")[0]
    kept = [x for x in text.splitlines() if not x.startswith(f"{key} =") and not x.startswith("[scoring.pins]")]
    (built / "params.toml").write_text("\n".join(kept).replace("[scoring]", f"[scoring]\n{line}", 1) + "\n")
    before = _tree(built)
    one_line(run_cli(built, "build", "--quiet", "--only", "scores"), PARAMS[line])  # the scores step checks pins
    assert _tree(built) == before


@pytest.mark.parametrize(
    "args, needle",
    [
        (("build", "--weights", ""), "parameter 'weights'"),
        (("build", "--scenario", "abc\n"), "parameter 'scenario'"),
        (("countries", "--scenario", "abc\n"), "parameter 'scenario'"),
        (("report", "IDN", "--scenario", "abc\n"), "parameter 'scenario'"),
    ],
)
def test_bad_options_are_one_line(built: Path, args, needle):
    before = _tree(built)
    one_line(run_cli(built, *args), needle)
    assert _tree(built) == before and not (built / "reports" / "scenarios").exists()


def test_a_garbage_scenario_table_is_one_line(built: Path):
    scenario = built / "reports" / "scenarios" / "broken"
    (scenario / "data").mkdir(parents=True)
    shutil.copytree(built / "reports" / "scores", scenario / "scores")
    (scenario / "data" / "country_scores.parquet").write_bytes(b"garbage")
    one_line(run_cli(built, "countries", "--scenario", "broken"), "country_scores.parquet: not a readable parquet")
