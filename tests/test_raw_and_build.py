"""Raw snapshots are verified; builds are deterministic and never leave broken outputs."""

import hashlib
import re
from datetime import date
from pathlib import Path

import pytest

from ecresearch import paths
from ecresearch.errors import RawDataError
from ecresearch.snapshots import raw

from .conftest import new_project, run_cli, scratch_copy


@pytest.fixture(scope="module")
def clean_built(tmp_path_factory) -> Path:
    """The clean step built once for this module; tests work on copies (``cleaned``)."""
    root = new_project(tmp_path_factory.mktemp("clean") / "repo", notebooks=False, params=False)
    r = run_cli(root, "build", "--only", "clean")
    assert r.returncode == 0, r.stderr
    return root


@pytest.fixture()
def cleaned(clean_built, tmp_path) -> Path:
    return scratch_copy(clean_built, tmp_path / "repo")


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_raw_files_match_their_sidecars():
    files = raw.verify_raw()
    on_disk = {p for p in paths.RAW.rglob("*") if p.is_file() and not p.name.endswith(".meta.json")} - {
        p for p in paths.RAW.rglob(".gitkeep")
    }
    assert {f.path for f in files} == on_disk  # every raw file is checked, none skipped
    # each sidecar says where the file came from, which edition, when it was taken and on what terms
    for f in files:
        for field in ("title", "publisher", "licence"):
            assert isinstance(f.meta.get(field), str) and f.meta[field].strip(), (f.path.name, field)
        if not (f.meta.get("vintage") or f.meta.get("date")):  # the edition is then stated on every row
            assert "vintage" in f.path.read_text(encoding="utf-8").splitlines()[0].split(","), f.path.name
        taken = re.search(r"\d{4}-\d{2}-\d{2}", f.meta["retrieved"])
        assert taken and date.fromisoformat(taken.group()) <= date.today(), (f.path.name, f.meta["retrieved"])
        url = f.meta.get("source_url")
        assert url is None or url.startswith(("https://", "http://")), (f.path.name, url)


def test_changed_raw_file_is_named(tmp_path):
    src = paths.RAW
    import shutil

    shutil.copytree(src, tmp_path / "raw")
    deck = tmp_path / "raw" / "deck" / "jetro_overseas_ec_seminar.txt"
    deck.write_bytes(deck.read_bytes().replace(b"39.6%", b"39.7%"))
    with pytest.raises(RawDataError, match="jetro_overseas_ec_seminar.txt: raw file changed"):
        raw.verify_raw(tmp_path / "raw")
    shutil.copy(src / "deck" / deck.name, deck)
    raw.verify_raw(tmp_path / "raw")
    (tmp_path / "raw" / "extra.csv").write_text("a,b\n")
    with pytest.raises(RawDataError, match="extra.csv: no provenance sidecar"):
        raw.verify_raw(tmp_path / "raw")


def test_external_csv_errors_name_the_line(tmp_path):
    csv = paths.RAW / "external" / "external_figures.csv"
    lines = csv.read_text(encoding="utf-8").splitlines()
    lines[4] = lines[4].replace(",9.4,", ",eight,")
    bad = tmp_path / "x.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(RawDataError, match=r"line 5: value 'eight' is not a number"):
        raw.read_external(bad)


def test_clean_build_is_deterministic_and_incremental(cleaned):
    first = _digests(cleaned / "data" / "processed")
    assert "deck_figures.parquet" in first and "figures/top10_countries.parquet" in first
    r = run_cli(cleaned, "build", "--only", "clean")
    assert r.returncode == 0 and "everything is up to date" in r.stdout, r.stdout
    r = run_cli(cleaned, "build", "--only", "clean", "--force")
    assert r.returncode == 0 and "1 of 1 steps ran" in r.stdout, r.stdout
    assert _digests(cleaned / "data" / "processed") == first


def test_bad_raw_input_keeps_previous_outputs(cleaned):
    before = _digests(cleaned / "data" / "processed")
    deck = cleaned / "data" / "raw" / "deck" / "jetro_overseas_ec_seminar.txt"
    deck.write_text(deck.read_text(encoding="utf-8").replace("EC小売総額上位10か国", "EC上位"), encoding="utf-8")
    r = run_cli(cleaned, "build", "--only", "clean")
    assert r.returncode != 0
    assert "jetro_overseas_ec_seminar.txt: raw file changed" in r.stderr
    assert sum("error" in line for line in r.stderr.splitlines()) == 1 and "Traceback" not in r.stderr
    assert _digests(cleaned / "data" / "processed") == before
    assert not list((cleaned / ".staging").glob("*"))
    tmp = cleaned / "tmp"
    tmp.mkdir()
    r = run_cli(cleaned, "build", env={"TMPDIR": str(tmp)})  # a whole build: it fails before starting a kernel
    assert r.returncode == 1 and "jetro_overseas_ec_seminar.txt: raw file changed" in r.stderr
    assert not list(tmp.glob("ecresearch-kernel-*")) and _digests(cleaned / "data" / "processed") == before


def test_missing_anchor_in_a_new_snapshot_is_named(cleaned):
    """A re-snapshotted deck (sidecar updated) whose figure anchor is gone: the figure is named."""
    import json

    before = _digests(cleaned / "data" / "processed")
    deck = cleaned / "data" / "raw" / "deck" / "jetro_overseas_ec_seminar.txt"
    deck.write_text(deck.read_text(encoding="utf-8").replace("ライブコマース視聴者層", "視聴者層"), encoding="utf-8")
    side = deck.with_name(deck.name + ".meta.json")
    meta = json.loads(side.read_text(encoding="utf-8"))
    meta.update(sha256=hashlib.sha256(deck.read_bytes()).hexdigest(), size_bytes=deck.stat().st_size)
    side.write_text(json.dumps(meta), encoding="utf-8")
    r = run_cli(cleaned, "build", "--only", "clean")
    assert r.returncode == 1
    assert "figure 'china_live_viewers_gender'" in r.stderr and "ライブコマース視聴者層" in r.stderr
    assert _digests(cleaned / "data" / "processed") == before


@pytest.mark.parametrize(
    "edit, needle",
    [
        (lambda ls: ls.__setitem__(4, ls[4].replace(",9.4,", ",inf,")), "line 5: value 'inf' is not a finite number"),
        (lambda ls: ls.__setitem__(4, ls[4].replace(",9.4,", ",nan,")), "line 5: value 'nan' is not a finite number"),
        (
            lambda ls: ls.append(
                "sns_time,IDN,Indonesia,daily social media time,2024,-167,minutes,found,Digital 2024,x,,"
            ),
            "minutes per day must be within 0-1440",
        ),
        (lambda ls: ls.append("x,IDN,Indonesia,share,2024,140,pct,found,v 2024,x,,"), "a share must be within 0-100"),
        (lambda ls: ls.append(ls[3]), "line 237: duplicate of line 4"),
        (lambda ls: ls.append("a,IDN,b,c,2024,1,pct,found,v,x"), "line 237: 10 fields, expected 12"),
        (lambda ls: ls.append("a,XXX,b,c,2024,1,pct,found,v,x,,"), "unknown country code 'XXX'"),
    ],
)
def test_external_csv_rejects_bad_values_with_the_line(tmp_path, edit, needle):
    lines = paths.EXTERNAL_CSV.read_text(encoding="utf-8").splitlines()
    edit(lines)
    bad = tmp_path / "x.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(RawDataError, match=needle.replace("(", r"\(").replace(")", r"\)")):
        raw.read_external(bad)


@pytest.mark.parametrize(
    "content, needle",
    [
        ("1", "must be a JSON object"),
        ("null", "must be a JSON object"),
        (b"\xff\xfe{", "not UTF-8"),
        ("{", "not valid JSON"),
    ],
)
def test_bad_sidecar_is_one_line(tmp_path, content, needle):
    f = tmp_path / "a.csv"
    f.write_text("x\n")
    side = tmp_path / "a.csv.meta.json"
    side.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(RawDataError, match=needle):
        raw.read_provenance(f)
