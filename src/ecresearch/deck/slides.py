"""Split the deck text into slides and find anchor text in it.

The extraction starts each slide's text with one space. A slide whose first text box had no such
space is found by its footer 'Copyright © 2022 JETRO. All rights reserved. N', which also gives the
printed page number. Photo-only slides left no text, so slide numbers here count text slides in
deck order; ``page`` is the printed page number where the text carries it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

_SLIDE_START = re.compile(r"^ (?! )\S")
_PAGE_FOOTER = re.compile(r"^Copyright © \d{4} JETRO\. All rights reserved\. (\d+)\s*$")


@dataclass(frozen=True)
class Line:
    number: int  # 1-based line number in the raw file
    text: str


@dataclass(frozen=True)
class Slide:
    number: int
    page: int | None
    lines: tuple[Line, ...]

    @property
    def first_line(self) -> int:
        return self.lines[0].number


@dataclass(frozen=True)
class Deck:
    lines: tuple[Line, ...]
    file: str

    @classmethod
    def from_text(cls, text: str, file: str) -> Deck:
        return cls(tuple(Line(i, t) for i, t in enumerate(text.split("\n"), start=1)), file)

    @cached_property
    def slides(self) -> tuple[Slide, ...]:
        starts: list[tuple[int, int | None]] = []  # (index into lines, printed page)
        for idx, line in enumerate(self.lines):
            footer = _PAGE_FOOTER.match(line.text)
            if footer:
                starts.append((idx, int(footer[1])))
            elif _SLIDE_START.match(line.text) or idx == 0:
                starts.append((idx, None))
        slides = []
        for n, (start, page) in enumerate(starts, start=1):
            end = starts[n][0] if n < len(starts) else len(self.lines)
            slides.append(Slide(n, page, self.lines[start:end]))
        return tuple(slides)

    def slide_of(self, line_number: int) -> Slide:
        for slide in self.slides:
            if slide.lines[0].number <= line_number <= slide.lines[-1].number:
                return slide
        raise LookupError(f"line {line_number} is outside the deck")

    def find(self, needle: str) -> list[Line]:
        """Every line containing ``needle``."""
        return [line for line in self.lines if needle in line.text]
