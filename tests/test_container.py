"""The container files agree with the Makefile: the same pinned uv, the lock, the README's two commands."""

import json
import re

from .conftest import REPO


def _makefile_var(name: str) -> str:
    found = re.search(rf"^{name} := (\S+)$", (REPO / "Makefile").read_text(encoding="utf-8"), re.M)
    assert found, name
    return found.group(1)


def test_dockerfile_pins_the_makefiles_uv_and_syncs_the_lock():
    text = (REPO / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^ARG UV_VERSION=(\S+)$", text, re.M).group(1) == _makefile_var("UV_VERSION")
    assert re.search(r"uv\S* sync --locked", text)
    assert re.search(r"^RUN make venv\b", text, re.M)  # the project installed the Makefile's way
    assert re.search(r"^CMD .*make reports && make test", text, re.M)
    assert re.search(r"libpango-1\.0-0", text) and "fonts-noto-cjk" in text


def test_dockerignore_keeps_environments_and_build_state_out():
    ignored = {ln.strip() for ln in (REPO / ".dockerignore").read_text(encoding="utf-8").splitlines()}
    assert {".venv", ".tools", ".ecresearch-state", "reports/countries"} <= ignored
    assert ".git" not in ignored  # the tests read the checkout


def test_devcontainer_builds_the_dockerfile():
    text = (REPO / ".devcontainer" / "devcontainer.json").read_text(encoding="utf-8")
    config = json.loads(re.sub(r"^\s*//.*$", "", text, flags=re.M))  # JSON with comments
    assert (REPO / ".devcontainer" / config["build"]["dockerfile"]).resolve() == (REPO / "Dockerfile").resolve()
    assert "make venv" in config["postCreateCommand"]
    assert any(m.startswith("source=ecresearch-venv,target=") and "/.venv," in m for m in config["mounts"])
