"""Every third-party module that src/ and the notebooks import is a declared dependency (or an extra's)."""

import ast
import importlib.util
import re
import subprocess
import sys
import textwrap
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

from .conftest import REPO


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared() -> set[str]:
    """Distribution names of the project's dependencies and of every extra (normalised, PEP 503)."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        reqs += extra
    return {_normal(re.match(r"[A-Za-z0-9._-]+", r).group()) for r in reqs}


def imports(files: list[Path]) -> dict[str, set[str]]:
    """Top-level absolute imports outside the standard library and the package itself -> the files importing them."""
    found: dict[str, set[str]] = {}
    for f in files:
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"), filename=str(f))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.partition(".")[0]
                if top not in sys.stdlib_module_names and top != "ecresearch":
                    found.setdefault(top, set()).add(f.name)
    return found


def undeclared(files: list[Path], allowed: set[str]) -> list[str]:
    """One line per imported module whose installed distribution is not declared (or that nothing provides)."""
    dists = packages_distributions()
    bad = []
    for module, where in sorted(imports(files).items()):
        provided = {_normal(d) for d in dists.get(module, [])}
        if not provided & allowed:
            bad.append(
                f"{module} (imported by {', '.join(sorted(where))}; provided by {sorted(provided) or 'nothing'})"
            )
    return bad


def project_files() -> list[Path]:
    return sorted((REPO / "src").rglob("*.py")) + sorted((REPO / "notebooks").glob("*.py"))


def test_every_import_of_src_and_notebooks_is_declared():
    assert project_files()
    assert undeclared(project_files(), declared()) == []


def test_an_undeclared_import_is_reported(tmp_path):
    code = tmp_path / "uses_pytest.py"
    code.write_text("import json\nfrom ecresearch import paths\nimport polars\nfrom _pytest import fixtures\n")
    assert [line.split(" ")[0] for line in undeclared([code], declared())] == ["_pytest"]


@pytest.mark.skipif(importlib.util.find_spec("weasyprint") is None, reason="the pdf extra is not installed")
def test_pdf_without_pango_is_one_line_naming_the_library(tmp_path):
    # As if the system had no Pango: cffi cannot load it, so WeasyPrint prints its banner and raises OSError.
    script = textwrap.dedent(
        """
        import sys
        from pathlib import Path

        import cffi

        real = cffi.FFI.dlopen

        def dlopen(self, name, *args):
            if "pango" in str(name):
                raise OSError(f"cannot load library '{name}': {name}: cannot open shared object file")
            return real(self, name, *args)

        cffi.FFI.dlopen = dlopen
        from ecresearch.errors import EcresearchError
        from ecresearch.site.pdf import write_pdf

        try:
            write_pdf(Path(sys.argv[1]))
        except EcresearchError as exc:
            sys.exit(f"ecresearch: error: {exc}")
        """
    )
    page = tmp_path / "report.html"
    page.write_text("<html></html>", encoding="utf-8")
    r = subprocess.run([sys.executable, "-c", script, str(page)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 1 and r.stdout == ""
    assert len(r.stderr.splitlines()) == 1 and "system Pango library" in r.stderr and "pango-1.0" in r.stderr
    assert not list(tmp_path.glob("*.pdf")) and not list(tmp_path.glob(".report.*"))


def _cff_list(text: str, key: str, item: str = "") -> list[str]:
    """The entries of a top-level list of CITATION.cff (``keywords``; ``authors`` with ``item="name: "``)."""
    block = re.search(rf"^{key}:\n((?:  .*\n)+)", text, re.M)
    assert block, key
    return [m.strip().strip('"') for m in re.findall(rf"^  - {item}(.+)$", block.group(1), re.M)]


def test_wheel_metadata_agrees_with_citation_and_licence():
    from importlib.metadata import metadata

    cff = (REPO / "CITATION.cff").read_text(encoding="utf-8")
    licence = (REPO / "LICENSE").read_text(encoding="utf-8").splitlines()[0]
    meta = metadata("ecresearch")  # the installed package's metadata, as a wheel carries it
    assert meta["License-Expression"] == re.search(r"^license: (\S+)$", cff, re.M).group(1)
    assert licence == f"{meta['License-Expression']} License"
    assert {"LICENSE", "NOTICE.md"} <= set(meta.get_all("License-File"))
    assert meta["Author"] == ", ".join(_cff_list(cff, "authors", "name: "))
    assert meta["Keywords"].split(",") == _cff_list(cff, "keywords")
    # the project has no public address yet: no URL is invented, and the two files agree on that
    code = re.search(r'^repository-code: "(.+)"$', cff, re.M)
    urls = dict(u.split(", ", 1) for u in meta.get_all("Project-URL") or [])
    assert urls.get("Source") == (code.group(1) if code else None)
    assert any(c.startswith("Programming Language :: Python :: 3.11") for c in meta.get_all("Classifier"))
