"""Pages that disagree with their set's scores are found, and the files a publish prunes go with it or not at all."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from ecresearch import paths
from ecresearch.pipeline import atomic, consistency, dag


def _set(root: Path) -> paths.OutputSet:
    d = root / "data"
    return paths.OutputSet(None, d / "s.parquet", d / "i.parquet", d / "c.parquet", d / "r", root / "scores",
                           root / "countries", root / "index.html")  # fmt: skip


def _page(path: Path, digest: str, sha: str, attrs_first: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    meta = (
        f'<meta content="{digest}" name="ecresearch-params"/><meta content="{sha}" name="ecresearch-scores"/>'
        if attrs_first  # as nbconvert writes them
        else f'<meta name="ecresearch-params" content="{digest}">\n<meta name="ecresearch-scores" content="{sha}">'
    )
    path.write_text(f"<html><head>{meta}</head><body>x</body></html>", encoding="utf-8")


@pytest.fixture()
def consistent(tmp_path: Path) -> paths.OutputSet:
    out = _set(tmp_path)
    out.scores.parent.mkdir(parents=True)
    out.scores.write_bytes(b"scores v1")
    out.scores_dir.mkdir()
    out.params_json.write_text(json.dumps({"digest": "d1"}), encoding="utf-8")
    out.ranked.write_text(json.dumps({"ranked": ["IDN"]}), encoding="utf-8")
    sha = hashlib.sha256(b"scores v1").hexdigest()[:16]
    _page(out.index, "d1", sha)
    _page(out.scores_dir / "scores.html", "d1", sha, attrs_first=True)
    for lang in ("ja", "en"):
        _page(out.report_dir("IDN", lang) / "report.html", "d1", sha, attrs_first=True)
    return out


def test_a_consistent_set_has_nothing_stale(consistent):
    assert consistency.stale(consistent) == []
    assert len(consistency.pages(consistent)) == 4


def test_new_scores_make_every_page_stale(consistent):
    consistent.scores.write_bytes(b"scores v2")
    assert consistency.stale(consistent) == sorted(consistency.pages(consistent))


def test_unranked_pages_and_old_pdfs_are_stale(consistent):
    orphan = consistent.report_dir("MYS", "en") / "report.pdf"
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"%PDF")
    pdf = consistent.report_dir("IDN", "ja") / "report.pdf"
    pdf.write_bytes(b"%PDF")
    html = pdf.with_suffix(".html")
    os.utime(pdf, ns=(html.stat().st_mtime_ns - 10**9,) * 2)
    assert consistency.stale(consistent) == sorted([orphan, pdf])
    assert dag.unranked_pages(consistent, ["IDN"]) == [orphan]


def test_a_publish_removes_its_pruned_files_or_none(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "ROOT", tmp_path)
    monkeypatch.setattr(paths, "STAGING_DIR", tmp_path / ".staging")
    target, gone = tmp_path / "out.txt", tmp_path / "countries" / "MYS" / "ja" / "report.html"
    gone.parent.mkdir(parents=True)
    gone.write_text("old page")
    target.write_text("v1")
    with atomic.staging("t") as root:
        atomic.staged(root, target).write_text("v2")
        monkeypatch.setattr(atomic.os, "replace", _failing_on(gone, atomic.os.replace))
        with pytest.raises(atomic.PublishError):
            atomic.publish(root, [target], [gone])
    assert target.read_text() == "v1" and gone.read_text() == "old page"  # all or nothing
    monkeypatch.undo()
    monkeypatch.setattr(paths, "ROOT", tmp_path)
    monkeypatch.setattr(paths, "STAGING_DIR", tmp_path / ".staging")
    with atomic.staging("t") as root:
        atomic.staged(root, target).write_text("v2")
        atomic.publish(root, [target], [gone])
    assert target.read_text() == "v2" and not gone.exists() and not (tmp_path / "countries").exists()


def _failing_on(path: Path, replace):
    def fake(src, dst):
        if Path(src) == path:
            raise OSError(28, "No space left on device", str(path))
        return replace(src, dst)

    return fake
