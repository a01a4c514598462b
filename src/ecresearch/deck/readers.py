"""Readers: how a figure's tokens are laid out in the extracted text, and how to read them.

Each reader is a small declarative object used in figures.py. ``read`` gets the figure and the
lines of its region (anchor .. until) and returns cells; anything that does not parse raises
ExtractionError naming the figure, file and line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import NoReturn

from ecresearch.countries import resolve
from ecresearch.deck.model import Cat, Cell, Figure
from ecresearch.deck.slides import Line
from ecresearch.deck.tokens import is_number_token, normalize, parse_quantity, split_ticks, tick_run, token_value
from ecresearch.errors import ExtractionError

LAYOUT_NOTE = "paired by layout"


def _fail(fig: Figure, msg: str, line: int | None = None, file: str | None = None) -> NoReturn:
    raise ExtractionError(fig.id, msg, file=file, line=line)


def _joined(lines: list[Line]) -> tuple[str, list[int]]:
    """Region text joined with newlines, and for each character its line number."""
    text, owners = [], []
    for line in lines:
        text.append(line.text + "\n")
        owners.extend([line.number] * (len(line.text) + 1))
    return "".join(text), owners


def _clean_label(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _find_label(fig: Figure, lines: list[Line], label: str, after: int = 0) -> int:
    """Line number where a printed label (possibly broken over lines) starts, after line ``after``."""
    text, owners = _joined([l for l in lines if l.number > after])
    flat = _clean_label(text)
    pos = flat.find(_clean_label(label))
    if pos < 0:
        _fail(fig, f"label {label!r} not found in the figure's text", lines[0].number if lines else None)
    # map the position in the whitespace-free text back to a line
    count = -1
    for ch, owner in zip(text, owners, strict=False):
        if not ch.isspace():
            count += 1
            if count == pos:
                return owner
    return lines[-1].number  # pragma: no cover


@dataclass(frozen=True)
class Rows:
    """One row per line: a regex with named groups 'label' and one group per series key."""

    pattern: str
    series_groups: tuple[str, ...]
    expected_rows: int | None = None

    def read(self, fig: Figure, lines: list[Line]) -> list[Cell]:
        rx = re.compile(self.pattern)
        cells: list[Cell] = []
        rows = 0
        for line in lines:
            m = rx.match(normalize(line.text))
            if not m:
                continue
            rows += 1
            cat = Cat(m["label"], country=fig.countries)
            for key in self.series_groups:
                s = fig.series_by_key(key)
                try:
                    q = parse_quantity(m[key], default_scale=s.scale)
                except ValueError as exc:
                    _fail(fig, str(exc), line.number)
                cells.append(Cell(key, cat, m[key], q.base_value, (line.number,), order=rows))
        if self.expected_rows is not None and rows != self.expected_rows:
            _fail(fig, f"expected {self.expected_rows} table rows, found {rows}", lines[0].number)
        return cells


@dataclass(frozen=True)
class Run:
    """Values printed as a run of tokens, separate from their labels.

    ``categories`` are the labels in printed order (each verified in the text); values are
    assigned in order, series after series. Axis tick labels are dropped: a line of three or more
    evenly spaced ascending tokens, or such a run of four or more at either end of the run.
    ``series_split='sum100'`` splits the run where a series' shares reach 100, for charts whose
    series have unequal numbers of printed values; a short series is then aligned by
    ``align_by_weighted_mean`` (see ``_align_short``). With ``pattern`` the tokens are regex
    matches over the region text instead of whole lines (for values broken over lines: '47.5\\n%').
    """

    token: str  # percent | decimal | duration | quantity
    categories: tuple[Cat, ...]
    series: tuple[str, ...]  # series keys, in printed order
    after: str | None = None  # start reading after the first line containing this text
    stop: str | None = None  # stop before the first later line containing this text
    series_split: str = "order"  # order | sum100
    pattern: str | None = None
    # (total series, ((part series, (n series, n category)), ...)): weights read by an earlier reader
    align_by_weighted_mean: tuple | None = None

    def _region(self, fig: Figure, lines: list[Line]) -> list[Line]:
        start = 0
        if self.after:
            hits = [i for i, l in enumerate(lines) if self.after in l.text]
            if not hits:
                _fail(fig, f"text {self.after!r} not found", lines[0].number)
            start = hits[0] + 1
        out = []
        for line in lines[start:]:
            if self.stop and self.stop in line.text:
                break
            out.append(line)
        return out

    def _tokens(self, lines: list[Line]) -> list[tuple[str, int]]:
        if self.pattern:
            text, owners = _joined(lines)
            return [(m["value"], owners[m.start("value")]) for m in re.finditer(self.pattern, text)]
        tokens: list[tuple[str, int]] = []
        for line in lines:
            parts = normalize(line.text).split()
            if not parts or not all(is_number_token(p, self.token) for p in parts):
                continue
            if len(parts) >= 3 and tick_run([token_value(p, self.token) for p in parts], min_len=3):
                continue  # an axis printed on one line: '0.0 50.0 100.0'
            tokens.extend((p, line.number) for p in parts)
        return tokens

    def read(self, fig: Figure, lines: list[Line], prior: Sequence[Cell] = ()) -> list[Cell]:
        region = self._region(fig, lines)
        tokens = self._tokens(region)
        values = [token_value(t, self.token) for t, _ in tokens]
        data_idx, _ticks = split_ticks(values)
        tokens = [tokens[i] for i in data_idx]
        label_lines = [_find_label(fig, lines, cat.ja) for cat in self.categories if cat.ja is not None]
        ncat = len(self.categories)
        groups = self._split(fig, tokens, ncat)
        if len(groups) != len(self.series_keys(fig)):
            _fail(
                fig,
                f"found {len(groups)} value series, the description has {len(self.series_keys(fig))}",
                tokens[0][1] if tokens else lines[0].number,
            )
        cells: list[Cell] = []
        for key, group in zip(self.series_keys(fig), groups, strict=False):
            s = fig.series_by_key(key)
            if len(group) > ncat:
                _fail(fig, f"series {key!r}: {len(group)} values for {ncat} categories", group[0][1])
            slots: list = list(group) + [None] * (ncat - len(group))
            note = None
            if len(group) < ncat and self.align_by_weighted_mean:
                slots, note = self._align_short(fig, key, group, groups, prior)
            interleaved = len(groups) == 1 and _interleaved(label_lines, [t[1] for t in group if t])
            for i, cat in enumerate(self.categories):
                tok = slots[i]
                if tok is None:
                    cells.append(Cell(key, cat, None, None, (), status="missing", order=i + 1, note=note))
                else:
                    value = token_value(tok[0], self.token) * s.scale
                    cells.append(
                        Cell(
                            key,
                            cat,
                            tok[0],
                            value,
                            (tok[1],),
                            order=i + 1,
                            note=f"{LAYOUT_NOTE}: the value follows its label" if interleaved else None,
                        )
                    )
        return cells

    def series_keys(self, fig: Figure) -> list[str]:
        return list(self.series)

    def _split(self, fig: Figure, tokens: list, ncat: int) -> list[list]:
        if self.series_split == "order":
            return [tokens[i : i + ncat] for i in range(0, len(tokens), ncat)]
        groups, current, total = [], [], Decimal(0)
        for tok in tokens:
            current.append(tok)
            total += token_value(tok[0], self.token)
            if abs(total - 100) <= Decimal("0.15") and len(current) >= ncat - 1:
                groups.append(current)
                current, total = [], Decimal(0)
        if current:
            _fail(fig, f"{len(current)} trailing values do not sum to 100", current[0][1])
        return groups

    def _align_short(self, fig: Figure, key: str, group: list, groups: list, prior: Sequence[Cell]):
        """Place the gap in a short series where the n-weighted mean of the parts best matches the total.

        The chart drops the label of a bar too small to print; the total series (printed in full)
        and the sample sizes tell which one.
        """
        assert self.align_by_weighted_mean is not None  # the caller's condition
        total_key, parts = self.align_by_weighted_mean
        keys = self.series_keys(fig)
        weights = {}
        for part_key, (n_series, n_cat) in parts:
            found = [c for c in prior if c.series == n_series and c.category.ja == n_cat]
            if len(found) != 1 or found[0].value is None:
                _fail(fig, f"sample size {n_series}/{n_cat} not read")
            weights[part_key] = float(found[0].value)
        full = {k: [float(token_value(t[0], self.token)) for t in g] for k, g in zip(keys, groups, strict=False)}
        ncat = len(self.categories)
        best = None
        for gap in range(ncat):
            vals = [float(token_value(t[0], self.token)) for t in group]
            trial = vals[:gap] + [0.0] + vals[gap:]
            series = {**full, key: trial}
            if any(len(series[k]) != ncat for k, _ in parts) or len(series[total_key]) != ncat:
                continue
            wsum = sum(weights.values())
            err = sum(
                abs(sum(weights[k] * series[k][i] for k, _ in parts) / wsum - series[total_key][i]) for i in range(ncat)
            )
            if best is None or err < best[0]:
                best = (err, gap)
        if best is None:
            return list(group) + [None] * (ncat - len(group)), None
        gap = best[1]
        slots = list(group[:gap]) + [None] + list(group[gap:])
        cat = self.categories[gap].ja
        note = (
            f"not printed; placed at {cat!r} because the n-weighted mean of the parts then matches "
            f"the total best (sum of abs. errors {best[0]:.2f} pp); the printed values already sum to 100"
        )
        return slots, note


def _interleaved(label_lines: list[int], value_lines: list[int]) -> bool:
    """True when each value is printed after its own label and before the next label."""
    if len(label_lines) < 2 or len(label_lines) != len(value_lines):
        return False
    bounds = label_lines[1:] + [10**9]
    return all(lab <= val < nxt for lab, val, nxt in zip(label_lines, value_lines, bounds, strict=False))


@dataclass(frozen=True)
class Combine:
    """Several readers over the same region; later readers see earlier cells (e.g. sample sizes)."""

    readers: tuple

    def read(self, fig: Figure, lines: list[Line], prior: Sequence[Cell] = ()) -> list[Cell]:
        cells: list[Cell] = list(prior)
        for reader in self.readers:
            cells.extend(
                reader.read(fig, lines, prior=cells) if isinstance(reader, (Run, Combine)) else reader.read(fig, lines)
            )
        return cells[len(prior) :]


@dataclass(frozen=True)
class LabelsOnly:
    """Labels printed without any value: each becomes a missing cell, so the gap shows."""

    series: str
    categories: tuple[Cat, ...]

    def read(self, fig: Figure, lines: list[Line]) -> list[Cell]:
        cells = []
        for i, cat in enumerate(self.categories, start=1):
            line = _find_label(fig, lines, cat.ja or "")  # every label-only category has its printed label
            cells.append(
                Cell(
                    self.series,
                    cat,
                    None,
                    None,
                    (line,),
                    status="missing",
                    order=i,
                    note="label printed, value lost in the text extraction",
                )
            )
        return cells


@dataclass(frozen=True)
class Labelled:
    """Label and value printed together ('アパレル, 18.7%', 'レディースアパレル(27.6%)').

    The regex runs over the region text joined by newlines; labels may span lines.
    """

    pattern: str
    series: str
    labels_en: tuple[tuple[str, str], ...] | None  # (label as printed, without blanks) → English; None: as printed
    expected: int | None = None

    def read(self, fig: Figure, lines: list[Line]) -> list[Cell]:
        text, owners = _joined(lines)
        en = dict(self.labels_en) if self.labels_en is not None else None
        s = fig.series_by_key(self.series)
        cells = []
        for i, m in enumerate(re.finditer(self.pattern, text, flags=re.S), start=1):
            label = _clean_label(m["label"])
            if en is not None and label not in en:
                _fail(fig, f"label {label!r} has no English label in the description", owners[m.start("label")])
            try:
                value = parse_quantity(m["value"], default_scale=s.scale).base_value
            except ValueError as exc:
                _fail(fig, str(exc), owners[m.start("value")])
            span = tuple(sorted({owners[m.start("label")], owners[m.end("value") - 1]}))
            cat = Cat(label, en[label] if en is not None else label)
            cells.append(Cell(s.key, cat, m["value"].strip(), value, span, order=i))
        if self.expected is not None and len(cells) != self.expected:
            _fail(fig, f"expected {self.expected} labelled values, found {len(cells)}", lines[0].number)
        return cells


@dataclass(frozen=True)
class Stated:
    """A number stated in the slide's text (a bullet or a callout), found by a regex.

    Each item: (regex with group 'value', series key, category, approx, note). The regex must
    match exactly once in the region.
    """

    items: tuple[tuple, ...]  # (pattern, series, Cat, approx, note[, nth occurrence])

    def read(self, fig: Figure, lines: list[Line]) -> list[Cell]:
        norm, owners = _joined(lines)  # patterns are written against the raw text; values are normalised
        cells = []
        for order, item in enumerate(self.items, start=1):
            pattern, key, cat, approx, note = item[:5]
            nth = item[5] if len(item) > 5 else None
            found = list(re.finditer(pattern, norm))
            if nth is None and len(found) != 1:
                _fail(fig, f"stated value /{pattern}/ matched {len(found)} times (expected once)", lines[0].number)
            if nth is not None and len(found) <= nth:
                _fail(
                    fig,
                    f"stated value /{pattern}/ matched {len(found)} times (expected at least {nth + 1})",
                    lines[0].number,
                )
            m = found[nth or 0]
            s = fig.series_by_key(key)
            try:
                q = parse_quantity(m["value"], default_scale=s.scale)
            except ValueError as exc:
                _fail(fig, str(exc), owners[m.start("value")])
            cells.append(
                Cell(
                    key,
                    cat,
                    m.group(0).strip(),
                    q.base_value,
                    (owners[m.start("value")],),
                    status="stated_in_text",
                    note=note or None,
                    order=order,
                    approx=approx,
                )
            )
        return cells


@dataclass(frozen=True)
class RankList:
    """'1位 香港' lines: a ranking whose value is the rank."""

    pattern: str = r"^(?P<rank>\d+)位 (?P<label>\S+)$"
    expected: int | None = None

    def read(self, fig: Figure, lines: list[Line]) -> list[Cell]:
        key = fig.series[0].key
        cells = []
        for line in lines:
            m = re.match(self.pattern, normalize(line.text))
            if m:
                cells.append(
                    Cell(
                        key,
                        Cat(m["label"], country=fig.countries),
                        m.group(0),
                        Decimal(m["rank"]),
                        (line.number,),
                        order=int(m["rank"]),
                    )
                )
        if self.expected is not None and len(cells) != self.expected:
            _fail(fig, f"expected {self.expected} ranks, found {len(cells)}", lines[0].number)
        return cells


@dataclass(frozen=True)
class TokenTable:
    """Rows of a country label followed by names, split with a lexicon of the names.

    Names may contain blanks ('JD Central', 'HKTV Mall') and wrap over lines ('Dien May \\nXanh'),
    so they are matched greedily, longest first, against the lexicon; a row must be consumed whole.
    """

    row_labels: tuple[str, ...]
    lexicon: tuple[tuple[str, str], ...]  # (name as printed, canonical English name)
    per_row: int

    def read(self, fig: Figure, lines: list[Line]) -> list[Cell]:
        key = fig.series[0].key
        names = sorted(self.lexicon, key=lambda p: -len(p[0]))
        starts = []
        for label in self.row_labels:
            hits = [l for l in lines if normalize(l.text).startswith(label + " ")]
            if len(hits) != 1:
                _fail(fig, f"row {label!r} found {len(hits)} times", lines[0].number)
            starts.append(hits[0].number)
        bounds = starts + [lines[-1].number + 1]
        cells = []
        for label, start, end in zip(self.row_labels, bounds, bounds[1:], strict=False):
            row_lines = [l for l in lines if start <= l.number < end]
            rest = " ".join(normalize(l.text) for l in row_lines)[len(label) :]
            rest = re.sub(r"\s+", " ", rest).strip()
            # the row ends where the next non-table text begins
            rank = 0
            while rest and rank < self.per_row:
                for printed, canonical in names:
                    if rest.startswith(printed) and (len(rest) == len(printed) or rest[len(printed)] == " "):
                        rank += 1
                        cat = Cat(printed, canonical, iso3=resolve(label).iso3)
                        cells.append(Cell(key, cat, printed, Decimal(rank), (start,), order=rank))
                        rest = rest[len(printed) :].strip()
                        break
                else:
                    _fail(fig, f"row {label!r}: cannot read a platform name at {rest[:30]!r}", start)
            if rank != self.per_row:
                _fail(fig, f"row {label!r}: {rank} names, expected {self.per_row}", start)
        return cells


@dataclass(frozen=True)
class TextTable:
    """A table of text cells, read row by row between known row headers.

    Cells of a row are kept as printed; when a row is one line with exactly one token per column
    it is split, otherwise the row text is kept whole and marked unsplit.
    """

    row_headers: tuple[tuple[str, str], ...]  # (header as printed, English)
    columns: tuple[str, ...]

    def read(self, fig: Figure, lines: list[Line]) -> list[Cell]:
        key = fig.series[0].key
        starts = []
        after = 0
        for header, _en in self.row_headers:
            hits = [l for l in lines if l.number > after and normalize(l.text).startswith(header)]
            if not hits:
                _fail(fig, f"row header {header!r} not found", lines[0].number)
            starts.append(hits[0].number)
            after = hits[0].number
        bounds = starts + [lines[-1].number + 1]
        cells = []
        for order, ((header, en), start, end) in enumerate(
            zip(self.row_headers, bounds, bounds[1:], strict=False), start=1
        ):  # noqa: E501 - a data string kept whole
            row = [
                l
                for l in lines
                if start <= l.number < end and l.text.strip() and not l.text.strip().startswith(("出典", "出所"))
            ]
            first = row[0].text.strip()[len(header) :].strip()
            body = " / ".join([first] + [l.text.strip() for l in row[1:]]).strip(" /")
            parts = first.split(" ") if len(row) == 1 else []
            if len(parts) == len(self.columns):
                for col, part in zip(self.columns, parts, strict=False):
                    cells.append(
                        Cell(
                            key,
                            Cat(header, en),
                            None,
                            None,
                            (start,),
                            status="printed",
                            order=order,
                            text=part,
                            column=col,
                        )
                    )
            else:
                cells.append(
                    Cell(
                        key,
                        Cat(header, en),
                        None,
                        None,
                        tuple(range(start, end)),
                        status="printed",
                        order=order,
                        text=body,
                        note="cells not separable in the extracted text",
                    )
                )
        return cells
