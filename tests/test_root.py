"""Project discovery: the CLI works on the nearest project at or above the working directory (a folder whose
pyproject.toml has [tool.ecresearch]), ECRESEARCH_ROOT and --root override it, and an installed package run
outside any project stops with one line saying how to point it at one."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from ecresearch import paths

from .conftest import REPO

MARKED = '[project]\nname = "x"\n\n[tool.ecresearch]\n'


def _project(folder: Path, text: str = MARKED) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pyproject.toml").write_text(text, encoding="utf-8")
    return folder


def test_found_from_a_subfolder(tmp_path):
    root = _project(tmp_path / "proj")
    deep = root / "notebooks" / "sub"
    deep.mkdir(parents=True)
    assert paths.find_root(deep, env={}) == root.resolve()


def test_nearest_project_wins(tmp_path):
    outer = _project(tmp_path / "outer")
    inner = _project(outer / "inner")
    assert paths.find_root(inner, env={}) == inner.resolve()


@pytest.mark.parametrize("text", ['[project]\nname = "other"\n', "[tool.ecresearch\n", "[tool]\necresearch = 1\n"])
def test_a_pyproject_without_the_table_is_not_a_project(tmp_path, text):
    _project(tmp_path / "proj", text)
    assert not paths.is_project(tmp_path / "proj")


def test_the_environment_overrides_the_search(tmp_path):
    _project(tmp_path / "proj")
    other = tmp_path / "elsewhere"
    assert paths.find_root(tmp_path / "proj", env={paths.ROOT_ENV: str(other)}) == other


def test_this_repository_is_a_project():
    assert paths.is_project(REPO)


def _run(python: Path, cwd: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != paths.ROOT_ENV} | {"CI": "1"} | (env or {})
    return subprocess.run(
        [str(python), "-m", "ecresearch.cli", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The package built as a wheel and installed (not editable) into a scratch venv: its files live in that
    venv's site-packages, outside any project. The venv sees this environment's packages for the dependencies
    (a .pth line), so nothing is downloaded."""
    setuptools_build = pytest.importorskip("setuptools.build_meta")
    tmp = tmp_path_factory.mktemp("install")
    src = tmp / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE", "NOTICE.md"):  # license-files too
        shutil.copy(REPO / name, src / name)
    shutil.copytree(REPO / "src", src / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    cwd = Path.cwd()
    try:  # PEP 517 in process, like `pip wheel --no-build-isolation .`
        os.chdir(src)
        wheel = src / "dist" / setuptools_build.build_wheel(str(src / "dist"))
    finally:
        os.chdir(cwd)
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    with zipfile.ZipFile(wheel) as whl:  # what an installer does with a pure-Python wheel
        whl.extractall(site)
    (site / "_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    return python


def test_installed_package_outside_a_project_says_how_to_point_it_at_one(installed, tmp_path):
    r = _run(installed, tmp_path, "countries")
    assert r.returncode == 1
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert "no ecresearch project" in lines[0] and "--root" in lines[0] and paths.ROOT_ENV in lines[0]
    assert "Traceback" not in r.stderr


def test_installed_package_finds_the_project_it_runs_in(installed):
    r = subprocess.run(
        [str(installed), "-c", "import ecresearch; print(ecresearch.__file__)"], capture_output=True, text=True
    )
    assert not Path(r.stdout.strip()).is_relative_to(REPO)  # really the installed copy, not this source tree
    sub = REPO / "notebooks"
    dry = _run(installed, sub, "build", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "clean" in dry.stdout
    countries = _run(installed, REPO, "countries", "--json")
    assert countries.returncode == 0, countries.stderr
    assert countries.stdout.lstrip().startswith("[")


def test_root_option_points_an_installed_package_at_a_project(installed, tmp_path):
    r = _run(installed, tmp_path, "--root", str(REPO), "steps")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0].split()[0] == "clean"
    missing = _run(installed, tmp_path, "--root", str(tmp_path / "nowhere"), "steps")
    assert missing.returncode == 1 and "is not a folder" in missing.stderr
