"""Errors that stop a build with a message naming what is wrong (file, line, figure, parameter)."""

from __future__ import annotations


class EcresearchError(Exception):
    """Base class: the CLI prints the message on one line and exits non-zero."""


class RawDataError(EcresearchError):
    """A raw file is missing, changed, or has no provenance."""


class ExtractionError(EcresearchError):
    """A deck figure could not be read from the raw text."""

    def __init__(self, figure_id: str, message: str, *, file: str | None = None, line: int | None = None):
        where = ""
        if file:
            where = f" ({file}" + (f", line {line}" if line else "") + ")"
        super().__init__(f"figure {figure_id!r}{where}: {message}")
        self.figure_id, self.file, self.line = figure_id, file, line


class CountryError(EcresearchError):
    """A country label or code that cannot be resolved to exactly one ISO 3166-1 alpha-3 code."""


class ParameterError(EcresearchError):
    """A bad parameter (weights, method, candidate list...)."""


class CandidateError(ParameterError):
    """An unknown code in ``--candidates``: a usage error (exit status 2, like argparse's)."""

    exit_code = 2
