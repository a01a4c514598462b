"""Which files of the package a step runs: derived from the imports, never typed by hand.

A step names its entry modules (and its notebook, whose code cells are read the same way). The code it
depends on is the closure of those modules under ``import`` inside the package: every ``import`` and
``from … import`` statement anywhere in a module (function-level imports included), relative ones resolved,
and ``from pkg import name`` counted as a module when ``name`` is one. Each module brings the ``__init__``
of its packages and the non-Python files beside it (templates, stylesheets), so an edit to any file the
step can reach changes the step's hash.
"""

from __future__ import annotations

import ast
import json
import threading
from functools import cache
from pathlib import Path

PACKAGE = "ecresearch"
# ast.parse is not thread-safe on CPython 3.11 ("AST constructor recursion depth mismatch"); steps hash in threads
_PARSE_LOCK = threading.Lock()
PKG_DIR = Path(__file__).resolve().parents[1]


@cache
def module_path(module: str) -> Path | None:
    """The file of a package module (``ecresearch.clean.build`` → …/tables/build.py), or None."""
    parts = module.split(".")
    if parts[0] != PACKAGE:
        return None
    base = PKG_DIR.joinpath(*parts[1:])
    if base.with_suffix(".py").is_file():
        return base.with_suffix(".py")
    if (base / "__init__.py").is_file():
        return base / "__init__.py"
    return None


def _is_package(module: str) -> bool:
    p = module_path(module)
    return p is not None and p.name == "__init__.py"


def _package_of(module: str) -> str:
    return module if _is_package(module) else module.rsplit(".", 1)[0]


def imports_in_source(source: str, module: str | None = None, filename: str = "<source>") -> set[str]:
    """The package modules a piece of source imports (``module`` resolves its relative imports)."""
    with _PARSE_LOCK:
        tree = ast.parse(source, filename=filename)
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == PACKAGE:
                    found.add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                if module is None:
                    continue
                parts = _package_of(module).split(".")
                base = parts[: len(parts) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != PACKAGE:
                continue
            found.add(target)
            for alias in node.names:  # `from ecresearch.clean import schemas` imports a module
                if module_path(f"{target}.{alias.name}") is not None:
                    found.add(f"{target}.{alias.name}")
    return {m for m in found if module_path(m) is not None}


_DISK_CACHE: dict | None = None


def _disk_cache() -> dict:
    """Parsed imports kept between runs (.ecresearch-state/imports.json), keyed by file, size and mtime: a no-op
    build then parses nothing."""
    global _DISK_CACHE
    if _DISK_CACHE is None:
        from ecresearch import paths

        try:
            data = json.loads((paths.STATE_DIR / "imports.json").read_text(encoding="utf-8"))
            _DISK_CACHE = data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            _DISK_CACHE = {}
    return _DISK_CACHE


def save_disk_cache() -> None:
    from ecresearch import paths

    if _DISK_CACHE is not None and paths.STATE_DIR.is_dir():
        tmp = paths.STATE_DIR / f".imports.{threading.get_ident()}.json"
        tmp.write_text(json.dumps(_DISK_CACHE, sort_keys=True), encoding="utf-8")
        tmp.replace(paths.STATE_DIR / "imports.json")


@cache
def _imports_of(module: str) -> frozenset[str]:  # lru_cache is thread-safe; the parse is locked
    path = module_path(module)
    assert path is not None, module
    st = path.stat()
    key = f"{module}|{path}|{st.st_size}|{st.st_mtime_ns}"
    cached = _disk_cache().get(key)
    if isinstance(cached, list):
        return frozenset(m for m in cached if module_path(m) is not None)
    found = frozenset(imports_in_source(path.read_text(encoding="utf-8"), module, str(path)))
    _disk_cache()[key] = sorted(found)
    return found


def notebook_imports(notebook: Path) -> set[str]:
    """Package modules imported by a notebook's code cells (IPython magics skipped)."""
    st = Path(notebook).stat()
    return set(_notebook_imports(str(notebook), st.st_size, st.st_mtime_ns))


@cache
def _notebook_imports(notebook: str, size: int, mtime: int) -> frozenset[str]:
    nb = json.loads(Path(notebook).read_text(encoding="utf-8"))
    found: set[str] = set()
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        src = "".join(cell.get("source", ""))
        code = "\n".join(line for line in src.splitlines() if not line.lstrip().startswith(("%", "!")))
        found |= imports_in_source(code, None, str(notebook))
    return frozenset(found)


def closure(modules: set[str] | list[str] | tuple[str, ...]) -> set[str]:
    """Every package module reachable from ``modules``, with the packages that contain them."""
    todo = list(modules)
    seen: set[str] = set()
    while todo:
        m = todo.pop()
        if m in seen:
            continue
        if module_path(m) is None:
            raise ValueError(f"{m!r} is not a module of the {PACKAGE} package")
        seen.add(m)
        parts = m.split(".")
        todo += [".".join(parts[:i]) for i in range(1, len(parts))]  # importing a.b.c runs a and a.b
        todo += list(_imports_of(m))
    return seen


def code_files(modules, notebooks=()) -> list[Path]:
    """The files whose content a step's hash must cover: module sources and the data files beside them."""
    return list(_code_files(frozenset(modules), tuple(sorted((str(n), Path(n).stat().st_mtime_ns) for n in notebooks))))


@cache
def _code_files(modules: frozenset[str], notebooks: tuple) -> tuple[Path, ...]:
    mods = set(modules)
    for nb, _ in notebooks:
        mods |= notebook_imports(Path(nb))
    files: set[Path] = set()
    for m in closure(mods):
        path = module_path(m)
        if path is None:  # closure() keeps the package's own modules only
            continue
        files.add(path)
        if path.name == "__init__.py":  # a package's own data (templates, css) travels with it
            for extra in path.parent.iterdir():
                if extra.is_dir() and not (extra / "__init__.py").exists() and extra.name != "__pycache__":
                    files |= {p for p in extra.rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    return tuple(sorted(files))


def imports_of_function(fn) -> set[str]:
    """Package modules imported inside a function's own source (a step's ``run``), relative to its module."""
    code = getattr(fn, "__code__", None)
    return set(_function_imports(code, getattr(fn, "__module__", None))) if code is not None else set()


@cache
def _function_imports(code, module: str | None) -> frozenset[str]:
    import inspect
    import textwrap

    try:
        source = textwrap.dedent(inspect.getsource(code))
    except (OSError, TypeError):
        return frozenset()
    return frozenset(imports_in_source(source, module))


def clear_cache() -> None:
    """Forget every parse (the files or PKG_DIR changed, as in the scratch-copy test)."""
    global _DISK_CACHE
    for f in (_imports_of, module_path, _notebook_imports, _code_files, _function_imports):
        f.cache_clear()
    _DISK_CACHE = {}
