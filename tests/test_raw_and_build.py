"""Raw snapshots are verified; builds are deterministic and never leave broken outputs."""
import hashlib
from pathlib import Path

import pytest

from ecresearch.raw import snapshots as raw
from ecresearch.errors import RawDataError

from .conftest import run_cli


def _digests(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_raw_files_match_their_sidecars():
    files = raw.verify_raw()
    assert {f.path.name for f in files} == {"jetro_overseas_ec_seminar.txt", "external_figures.csv"}
    assert all(f.meta["sha256"] for f in files)


def test_changed_raw_file_is_named(tmp_path):
    src = Path(raw.__file__).resolve().parents[2] / "data" / "raw"
    import shutil
    shutil.copytree(src, tmp_path / "raw")
    deck = tmp_path / "raw" / "deck" / "jetro_overseas_ec_seminar.txt"
    deck.write_bytes(deck.read_bytes().replace("39.6%".encode(), "39.7%".encode()))
    with pytest.raises(RawDataError, match="jetro_overseas_ec_seminar.txt: raw file changed"):
        raw.verify_raw(tmp_path / "raw")
    shutil.copy(src / "deck" / deck.name, deck)
    raw.verify_raw(tmp_path / "raw")
    (tmp_path / "raw" / "extra.csv").write_text("a,b\n")
    with pytest.raises(RawDataError, match="extra.csv: no provenance sidecar"):
        raw.verify_raw(tmp_path / "raw")


def test_external_csv_errors_name_the_line(tmp_path):
    csv = Path(raw.__file__).resolve().parents[2] / "data" / "raw" / "external" / "external_figures.csv"
    lines = csv.read_text(encoding="utf-8").splitlines()
    lines[4] = lines[4].replace(",9.4,", ",eight,")
    bad = tmp_path / "x.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(RawDataError, match=r"line 5: value 'eight' is not a number"):
        raw.read_external(bad)


def test_clean_build_is_deterministic_and_incremental(scratch_root):
    r = run_cli(scratch_root, "build", "--only", "clean")
    assert r.returncode == 0, r.stderr
    first = _digests(scratch_root / "data" / "processed")
    assert "deck_figures.parquet" in first and "figures/top10_countries.parquet" in first
    r = run_cli(scratch_root, "build", "--only", "clean")
    assert "up to date" in r.stdout
    r = run_cli(scratch_root, "build", "--only", "clean", "--force")
    assert r.returncode == 0 and _digests(scratch_root / "data" / "processed") == first


def test_bad_raw_input_keeps_previous_outputs(scratch_root):
    assert run_cli(scratch_root, "build", "--only", "clean").returncode == 0
    before = _digests(scratch_root / "data" / "processed")
    deck = scratch_root / "data" / "raw" / "deck" / "jetro_overseas_ec_seminar.txt"
    deck.write_text(deck.read_text(encoding="utf-8").replace("EC小売総額上位10か国", "EC上位"), encoding="utf-8")
    r = run_cli(scratch_root, "build", "--only", "clean")
    assert r.returncode != 0
    assert "jetro_overseas_ec_seminar.txt: raw file changed" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert _digests(scratch_root / "data" / "processed") == before
    assert not list((scratch_root / ".staging").glob("*"))


def test_missing_anchor_in_a_new_snapshot_is_named(scratch_root):
    """A re-snapshotted deck (sidecar updated) whose figure anchor is gone: the figure is named."""
    import json
    assert run_cli(scratch_root, "build", "--only", "clean").returncode == 0
    before = _digests(scratch_root / "data" / "processed")
    deck = scratch_root / "data" / "raw" / "deck" / "jetro_overseas_ec_seminar.txt"
    deck.write_text(deck.read_text(encoding="utf-8").replace("ライブコマース視聴者層", "視聴者層"), encoding="utf-8")
    side = deck.with_name(deck.name + ".meta.json")
    meta = json.loads(side.read_text(encoding="utf-8"))
    meta.update(sha256=hashlib.sha256(deck.read_bytes()).hexdigest(), size_bytes=deck.stat().st_size)
    side.write_text(json.dumps(meta), encoding="utf-8")
    r = run_cli(scratch_root, "build", "--only", "clean")
    assert r.returncode == 1
    assert "figure 'china_live_viewers_gender'" in r.stderr and "ライブコマース視聴者層" in r.stderr
    assert _digests(scratch_root / "data" / "processed") == before
