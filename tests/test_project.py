"""Project metadata agree with each other: the version a user sees, cites and reads about is one version."""

import re
import tomllib
from importlib.metadata import version

from .conftest import REPO


def test_version_citation_and_changelog_agree():
    declared = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    cited = re.search(r"^version: (\S+)$", (REPO / "CITATION.cff").read_text(encoding="utf-8"), re.M)
    released = re.search(r"^## \[(\d+\.\d+\.\d+)\]", (REPO / "CHANGELOG.md").read_text(encoding="utf-8"), re.M)
    assert cited and released
    assert declared == cited.group(1) == released.group(1)
    assert version("ecresearch") == declared  # the installed package is this one (make venv reinstalls it)
