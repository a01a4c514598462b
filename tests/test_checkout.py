"""A checkout made with Git for Windows' default (core.autocrlf=true) has the committed bytes: the raw files
pass their sha256 check and no tracked file differs from its blob (.gitattributes)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None or not (REPO / ".git").exists(), reason="needs git and a git checkout"
)


def _git(*args: str, cwd: Path) -> bytes:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True).stdout


@pytest.fixture(scope="module")
def crlf_clone(tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("crlf") / "clone"
    subprocess.run(
        ["git", "-c", "core.autocrlf=true", "clone", "--quiet", "--no-hardlinks", str(REPO), str(dest)],
        check=True,
        capture_output=True,
    )
    _git("config", "core.autocrlf", "true", cwd=dest)  # as a Windows user's global setting would
    return dest


def test_every_tracked_file_is_checked_out_as_committed(crlf_clone):
    blobs = {}  # path -> blob id, from "mode blob stage\tpath" records
    for record in filter(None, _git("ls-files", "-s", "-z", cwd=crlf_clone).decode().split("\0")):
        meta, name = record.split("\t", 1)
        blobs[name] = meta.split()[1]
    changed = [
        n for n, b in blobs.items() if (crlf_clone / n).read_bytes() != _git("cat-file", "blob", b, cwd=crlf_clone)
    ]
    assert not changed, f"rewritten by core.autocrlf=true: {changed[:10]}"
    assert any(b"\r\n" in (crlf_clone / n).read_bytes() for n in blobs if n.startswith("data/raw/"))  # kept


def test_raw_files_pass_their_sha256_check(crlf_clone):
    env = {**os.environ, "ECRESEARCH_ROOT": str(crlf_clone)}
    code = "from ecresearch.snapshots.raw import verify_raw; print(len(verify_raw()))"
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stderr
    assert int(r.stdout) > 0
