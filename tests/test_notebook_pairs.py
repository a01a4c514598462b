"""tools/check_notebook_pairs.py: a notebook and its py:percent script must agree in every cell and in the
notebook metadata jupytext keeps (the kernelspec), and every notebook names the project's kernel."""

from __future__ import annotations

import importlib.util
import shutil

import pytest

from .conftest import REPO

_spec = importlib.util.spec_from_file_location("check_notebook_pairs", REPO / "tools" / "check_notebook_pairs.py")
pairs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(pairs)

NB = "02-reproduce-deck-charts"


@pytest.fixture()
def folder(tmp_path):
    for suffix in (".ipynb", ".py"):
        shutil.copy(REPO / "notebooks" / f"{NB}{suffix}", tmp_path / f"{NB}{suffix}")
    return tmp_path


def test_the_committed_notebooks_are_in_step():
    assert pairs.check() == []


def test_a_kernel_named_only_in_the_script_is_caught(folder):
    script = folder / f"{NB}.py"
    text = script.read_text(encoding="utf-8")
    script.write_text(text.replace("Python 3 (ipykernel)", "Python 3 (other)"), encoding="utf-8")
    [problem] = pairs.check(folder)
    assert f"{NB}.py is out of step" in problem and "Python 3 (other)" in problem


def test_a_markdown_edit_in_one_of_the_two_is_caught(folder):
    script = folder / f"{NB}.py"
    text = script.read_text(encoding="utf-8")
    script.write_text(text.replace("# # 02", "# # 2", 1), encoding="utf-8")
    assert any("out of step" in p for p in pairs.check(folder))


def test_a_notebook_naming_another_kernel_is_caught(folder):
    ipynb = folder / f"{NB}.ipynb"
    ipynb.write_text(ipynb.read_text(encoding="utf-8").replace('"name": "python3"', '"name": "ecresearch"'), "utf-8")
    assert any("kernelspec" in p and "'ecresearch'" in p for p in pairs.check(folder))


def test_only_the_jupytext_version_may_differ(folder):
    script = folder / f"{NB}.py"
    text = script.read_text(encoding="utf-8")
    script.write_text(pairs._VERSION_LINE.sub("#       jupytext_version: 9.9.9", text), encoding="utf-8")
    assert pairs.check(folder) == []


def test_an_unpaired_script_is_caught(folder):
    (folder / f"{NB}.ipynb").unlink()
    assert pairs.check(folder) == [f"{folder / NB}.py: no paired notebook {NB}.ipynb"]
