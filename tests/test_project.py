"""Project metadata agree with each other: the version a user sees, cites and reads about is one version."""

import re
import tomllib
from collections import Counter
from importlib.metadata import version

from .conftest import REPO


def test_version_citation_and_changelog_agree():
    declared = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    cited = re.search(r"^version: (\S+)$", (REPO / "CITATION.cff").read_text(encoding="utf-8"), re.M)
    released = re.search(r"^## \[(\d+\.\d+\.\d+)\]", (REPO / "CHANGELOG.md").read_text(encoding="utf-8"), re.M)
    assert cited and released
    assert declared == cited.group(1) == released.group(1)
    assert version("ecresearch") == declared  # the installed package is this one (make venv reinstalls it)


def _lock_pins() -> Counter:
    """(name, version) of every package uv.lock pins, the project itself left out (a package can have two
    versions, one per Python or platform)."""
    lock = tomllib.loads((REPO / "uv.lock").read_text(encoding="utf-8"))
    return Counter((p["name"], p["version"]) for p in lock["package"] if p.get("source", {}).get("registry"))


def _requirements_pins() -> Counter:
    pins = re.findall(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", (REPO / "requirements.lock").read_text(), re.M)
    return Counter((re.sub(r"[-_.]+", "-", name).lower(), v) for name, v in pins)


def test_requirements_lock_has_the_pins_of_uv_lock():
    """requirements.lock (for pip) is exported from uv.lock (make lock): the same packages at the same versions."""
    lock, exported = _lock_pins(), _requirements_pins()
    assert len(lock) > 100  # both parsed
    assert lock == exported, {"only in uv.lock": lock - exported, "only in requirements.lock": exported - lock}


def test_tools_are_dependency_groups_not_extras():
    """Test and lint tools are PEP 735 groups; the only public extra is an optional feature (pdf)."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    groups, extras = project["dependency-groups"], project["project"].get("optional-dependencies", {})
    tools = {"pytest", "ruff", "nbval", "hypothesis", "pytest-xdist"}
    in_groups = {re.split(r"[<>=\[ ;]", d)[0] for g in groups.values() for d in g if isinstance(d, str)}
    in_extras = {re.split(r"[<>=\[ ;]", d)[0] for e in extras.values() for d in e}
    assert tools <= in_groups and not tools & in_extras
