"""ecresearch: cross-border e-commerce market research built from a JETRO seminar deck."""

import sys

# jsonschema (through nbformat and papermill) imports the optional IRI checker rfc3987_syntax when it is
# installed (jupyterlab's dependencies bring it), which compiles a grammar for 1.2 s in every process. Notebook
# validation never checks IRI formats, so mark it absent: jsonschema skips that one format checker.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]  # None: "not installed"
