"""Read every generated page as a user's browser would: links resolve, nothing executable came from data, the
language is declared right, no raw floats, and English pages carry no untranslated generated text."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
RAW_FLOAT = re.compile(r"(?<![\w.])\d+\.\d{5,}(?![\w.])")


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lang = None
        self.links: list[str] = []
        self.scripts = 0
        self.handlers: list[str] = []
        self.text: list[str] = []
        self.headings: list[str] = []
        self._stack: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag == "script":
            self.scripts += 1
        self.handlers += [k for k in a if k.lower().startswith("on")]
        if tag in ("style", "script", "svg"):
            self._skip += 1
        self._stack.append(tag)

    def handle_endtag(self, tag):
        if tag in ("style", "script", "svg"):
            self._skip = max(0, self._skip - 1)
        if self._stack and self._stack[-1] == tag:
            self._stack.pop()

    def handle_data(self, data):
        if self._skip:
            return
        self.text.append(data)
        if self._stack and self._stack[-1] in ("h1", "h2", "h3", "th"):
            self.headings.append(data.strip())


def check_page(path: Path) -> list[str]:
    p = Page()
    p.feed(path.read_text(encoding="utf-8"))
    problems = []
    want = "en" if "/en/" in path.as_posix() else ("ja" if "/ja/" in path.as_posix() else None)
    if path.name.endswith(".ja.html"):  # the Japanese index and scores page
        want = "ja"
    elif path.name == "index.html":  # the English index (one language per page)
        want = "en"
    if want and p.lang != want:
        problems.append(f"{path}: <html lang={p.lang!r}>, expected {want!r}")
    if p.scripts:
        problems.append(f"{path}: {p.scripts} <script> element(s)")
    if p.handlers:
        problems.append(f"{path}: event attributes {sorted(set(p.handlers))}")
    for href in p.links:
        if href.startswith(("http://", "https://", "#", "mailto:")):
            continue
        if ":" in href.split("/")[0]:
            problems.append(f"{path}: link with scheme {href!r}")
            continue
        target = (path.parent / href.split("#")[0]).resolve()
        if not target.exists():
            problems.append(f"{path}: broken link {href!r}")
    text = " ".join(p.text)
    html = path.read_text(encoding="utf-8")
    dated = "/countries/" in path.as_posix() or path.name in ("index.html", "index.ja.html", "scores.html")
    if dated and ('<p class="asof">' not in html or "正確性を保証するものではありません" not in html):
        problems.append(f"{path}: no data-as-of date, attribution or the deck's disclaimer")
    for m in RAW_FLOAT.findall(text):
        problems.append(f"{path}: raw float {m}")
    if want == "en":
        for h in p.headings:
            if JAPANESE.search(h):
                problems.append(f"{path}: untranslated heading {h!r}")
    return problems


def check_site(reports: Path) -> list[str]:
    problems = []
    pages = sorted(reports.rglob("*.html"))
    for page in pages:
        problems += check_page(page)
    return problems + check_reports(reports)


# ── a report page as a client reads it: one language, dated and attributed, rules current, the scored set ──

REPORT = re.compile(r"/countries/([A-Z]{3})/(ja|en)/report\.html$")
KANA_KANJI = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
# the catalogue sections whose words a report page generates (its title, tables, summary, rules, dating)
GENERATED = ("report", "summary", "rule_status", "rule_topic", "hhi_band", "measure", "network_use",
             "checklist_category", "report_unit", "attribution", "nav", "pillar", "pillar_short", "origin")  # fmt: skip


class LangText(HTMLParser):
    """The page's text, each run with the language it is declared in (the nearest lang attribute)."""

    VOID = {"br", "img", "meta", "link", "input", "hr", "source", "col", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.runs: list[tuple[str, str]] = []
        self._stack: list[tuple[str, str | None]] = []
        self._skip = 0

    def _lang(self) -> str | None:
        return next((lang for _, lang in reversed(self._stack) if lang), None)

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script", "svg"):
            self._skip += 1
        if tag not in self.VOID:
            self._stack.append((tag, dict(attrs).get("lang")))

    def handle_endtag(self, tag):
        if tag in ("style", "script", "svg"):
            self._skip = max(0, self._skip - 1)
        for i in range(len(self._stack) - 1, -1, -1):
            if self._stack[i][0] == tag:
                del self._stack[i:]
                break

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.runs.append((self._lang() or "", data))


def _catalogue_phrases(lang: str) -> list[str]:
    """The catalogue's generated phrases in ``lang`` long enough never to be a data value by chance."""
    from ecresearch.domain.labels import catalogue

    out = set()
    for key, texts in catalogue().items():
        if key.split(".", 1)[0] not in GENERATED or texts["ja"] == texts["en"]:
            continue
        for part in re.split(r"\{[^}]*\}", texts[lang]):
            part = part.strip(" :：,、。.;()（）「」")
            if (lang == "en" and len(part) >= 14 and " " in part) or (
                lang == "ja" and len(part) >= 5 and KANA_KANJI.search(part)
            ):
                out.add(part)
    return sorted(out)


def data_names(processed: Path) -> list[str]:
    """The names data brings onto a page (sources, editions, players, metrics): never generated text."""
    import polars as pl

    cols = {
        "external_figures": ("source_title", "vintage", "entity", "metric"),
        "market_rules": ("source_title", "vintage"),
        "scored_data_sets": ("source", "vintage", "entity", "metric"),
        "deck_figures": ("source", "vintage", "category_ja", "category_en", "series_ja", "series_en"),
    }
    names: set[str] = set()
    for table, columns in cols.items():
        df = pl.read_parquet(processed / f"{table}.parquet")
        for c in columns:
            if c in df.columns:
                names |= set(df[c].drop_nulls().cast(pl.String).to_list())
    return sorted((n for n in names if n.strip()), key=len, reverse=True)


def wrong_language(html: str, lang: str, names: list[str] = ()) -> list[str]:
    """Generated text of the other language outside the elements that declare it (a labelled quote is one);
    ``names``: what data brings (a source's title, a player), taken out first."""
    p = LangText()
    p.feed(html)
    other = "en" if lang == "ja" else "ja"
    runs = []
    for declared, text in p.runs:  # one text node at a time: a name is never cut by the page's markup
        if declared not in ("", lang):
            continue
        text = re.sub(r"https?://\S+", " ", text)
        for n in names:
            text = text.replace(n, " ")
        runs.append(text)
    phrases = _catalogue_phrases(other)
    return sorted({f"{other} phrase {w!r}" for t in runs for w in phrases if w in t})


def ended_shown_as_current(html: str, lang: str, as_of: str) -> list[str]:
    """A rule listed as current whose end date is before as_of, or whose badge says it has ended."""
    from ecresearch.domain.labels import label

    current = re.split(r"<ul class=[\"']ended[\"']>", html, maxsplit=1)[0]
    ended_badge = re.search(r"class=[\"']rule-ended[\"']", current)
    found = ["an ended rule's badge among the current rules"] if ended_badge else []
    before, _, after = label("report.valid_until", lang, date="\0").partition("\0")
    for date in re.findall(re.escape(before) + r"(\d{4}-\d{2}-\d{2})" + re.escape(after), current):
        if date < as_of:
            found.append(f"a rule that ended on {date} shown as current (as of {as_of})")
    return found


def _cells(table: str) -> list[list[str]]:
    import html as _html

    return [
        [_html.unescape(re.sub(r"<[^>]+>", "", c)) for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)
    ]


def marked_platforms(html: str, lang: str) -> list[str] | None:
    """The platforms the page's platforms table marks as scored (None: the page has no such table)."""
    from ecresearch.domain.labels import label

    for table in re.findall(r"<table[^>]*>.*?</table>", html, re.S):
        rows = _cells(table)
        if (
            rows
            and rows[0]
            and rows[0][-1] == label("report.scored", lang)
            and rows[0][0] == label("report.platform", lang)
        ):
            return [r[0] for r in rows[1:] if r[-1] == label("report.yes", lang)]
    return None


def scored_names(data: Path, iso3: str, lang: str) -> list[str]:
    """The players of the data set this market's concentration was scored on, named as a report names them."""
    import polars as pl

    from ecresearch.domain.labels import label

    sets = pl.read_parquet(data / "scored_data_sets.parquet").filter(
        (pl.col("iso3") == iso3) & (pl.col("pillar") == "concentration") & (pl.col("role") == "member")
    )
    return [
        label("report.unnamed_platform", lang, i=r["position"])
        if r["origin"] == "deck" and r["entity"] == "unidentified"
        else r["entity"]
        for r in sets.sort("position").iter_rows(named=True)
    ]


def check_report(path: Path, html: str, lang: str, as_of: str, scored: list[str], names: list[str] = ()) -> list[str]:
    """Every check of a report page: dated and attributed, one language, no ended rule as current, the
    platforms marked as scored exactly the scored set."""
    from ecresearch.site.attribution import notice

    n = notice(lang, as_of)
    plain = unescape(html)
    problems = [f"{path}: missing {k}" for k in ("as_of", "jetro") if n[k] not in plain]
    problems += [f"{path}: {w}" for w in wrong_language(html, lang, names)]
    problems += [f"{path}: {w}" for w in ended_shown_as_current(html, lang, as_of)]
    marked = marked_platforms(html, lang)
    if marked is None:
        problems.append(f"{path}: no platforms table")
    elif sorted(marked) != sorted(scored):
        problems.append(f"{path}: platforms marked as scored {marked}, the scored set is {scored}")
    return problems


def check_reports(reports: Path) -> list[str]:
    """check_report over every report page under ``reports`` (the main build and its scenarios), each against
    its own output set's scored data sets and the project's as-of date."""
    from ecresearch.params import load_pages

    root = reports.parent
    as_of = load_pages(root / "params.toml", root / "data" / "raw").as_of
    names = data_names(root / "data" / "processed")
    problems = []
    for page in sorted(reports.rglob("report.html")):
        m = REPORT.search(page.as_posix())
        if not m:
            continue
        iso3, lang = m.groups()
        base = page.parents[3]  # reports/ or reports/scenarios/<name>/
        data = root / "data" / "processed" if base == reports else base / "data"
        text = page.read_text(encoding="utf-8")
        problems += check_report(page, text, lang, as_of, scored_names(data, iso3, lang), names)
    return problems
