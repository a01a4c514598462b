"""What the deck says about a market: its notes, the JETRO programmes that fit, and the checklist items that
matter. Every item is found in the raw deck text by an anchor (and fails loudly if the text changes), so the
report quotes the deck with line numbers instead of paraphrasing it."""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from ecresearch.countries import EU, MARKET_WORDS, SEA
from ecresearch.deck.slides import Deck, Line
from ecresearch.errors import ExtractionError

ALL = "*"

# The deck's section markers for its three market chapters.
SECTION_MARKERS = {
    "CHN": ("～中国～", "（中国）"),
    "USA": ("～米国～", "（米国）"),
    **{c: ("～東南アジア～",) for c in SEA},
}
BULLET = re.compile(r"^\s*[◼•➢]\s*")


@dataclass(frozen=True)
class Item:
    key: str
    countries: tuple[str, ...] | str
    anchor: str
    en: str
    category: str = ""  # checklist: regulation | certification | payment | logistics | marketing
    # what is quoted: the whole sentence; a table "cell" (from the anchor to its end, never the row's other
    # columns); or one "line" from the anchor (a dated fact printed on a line of its own)
    span: str = "sentence"

    def applies(self, iso3: str) -> bool:
        return self.countries == ALL or iso3 in self.countries


PROGRAMMES = (
    Item(
        "JAPAN STREET",
        ALL,
        "全世界を対象としたジェトロ招待バイヤー専用の商品カタログサイト",
        "Online catalogue seen by JETRO-invited buyers worldwide (B2B); registration free.",
    ),
    Item(
        "JAPAN MALL",
        ALL,
        "2022年度は18カ国・地域にて60案件以上で実施",
        "Overseas e-commerce buyers purchase outright in Japan (domestic delivery and payment in yen); "
        "60+ projects in 18 countries/regions in FY2022.",
    ),
    Item(
        "JAPAN MALL",
        ("CHN",),
        "京東内に「日本酒館」にて日本産酒類を販売",
        "Partner case: Frank Japan sells Japanese sake and food on JD.com.",
    ),
    Item(
        "JAPAN MALL",
        ("KOR", "SGP", "JPN"),
        "韓国を中心に日本、シンガポールでも展開しているECプラットフォーム",
        "Partner case: Qoo10 (Korea, Japan, Singapore), about 16 million members.",
    ),
    Item(
        "JAPAN MALL",
        ("USA",),
        "米ニューヨークで日本産調理器具・食器・食材などを販売するMTC KICHENと連携",
        "Partner case: MTC Kitchen (New York), kitchenware and food.",
    ),
    Item(
        "JAPAN MALL",
        ("CAN",),
        "自社ECおよびAmazon上でも販売するカナダのECサイトIPPINKA",
        "Partner case: IPPINKA (Canada), own site and Amazon.",
    ),
    Item(
        "JAPAN MALL",
        ("THA",),
        "タイで2大総合ECプラットフォーム（LAZADA/Shopee）",
        "Partner case: three Japanese trading houses sell on Lazada, Shopee and Konvy in Thailand.",
    ),
    Item(
        "JAPAN STORE",
        ("USA", "GBR"),
        "Amazon.com（米国）、Amazon.co.uk（英",
        "Listing and promotion on Amazon.com / Amazon.co.uk; basic plan free, premium plan paid.",
    ),
    # the round the deck describes, and its fees: dated facts, shown with their dates (report: ended or not)
    Item(
        "JAPAN STORE",
        ("USA", "GBR"),
        "実施期間：2023年4月1日",
        "The round the deck describes (its period as printed).",
        "round",
        span="line",
    ),
    Item(
        "JAPAN STORE",
        ("USA", "GBR"),
        "プラン設定と費用：米国プレミアムプラン",
        "The fees of that round: US and UK premium plans (tax included).",
        "fees",
        span="line",
    ),
)

CHECKLIST = (
    Item(
        "export",
        ALL,
        "自社で取り扱っている商品は、相手国に輸出できるか？",
        "Can the product be exported to the country?",
        "regulation",
    ),
    Item(
        "certification",
        ALL,
        "商品を販売するために事前に取得する必要のある認証",
        "Which certifications and regulations apply before selling?",
        "certification",
    ),
    Item("fda", ("USA",), "米国向け：FDA（食品、化粧品）", "US: FDA registration (food, cosmetics).", "certification"),
    Item("euhaccp", EU, "EU向け：EUHACCP（水産物等）", "EU: EU-HACCP (seafood etc.).", "certification"),
    Item("nmpa", ("CHN",), "中国向け：NMPA（化粧品）", "China: NMPA (cosmetics).", "certification"),
    Item(
        "positive_list",
        ("CHN",),
        "越境ECポジティブリストに掲載され",
        "Cross-border e-commerce: only goods on the positive list.",
        "regulation",
    ),
    Item(
        "limits",
        ("CHN",),
        "・購入者1回あたり5,000元",
        "Limits per buyer: 5,000 yuan per purchase, 26,000 yuan a year.",
        "regulation",
        span="cell",
    ),
    Item(
        "ten_prefectures",
        ("CHN",),
        "原発関連で10都県は不可",
        "Food and feed from ten prefectures are banned (Niigata rice excepted).",
        "regulation",
    ),
    Item(
        "sns_links",
        ("CHN",),
        "SNSから商品販売ページにリンクを貼る",
        "Links from social media to sales pages are not allowed: promotion must lead to search.",
        "marketing",
    ),
    Item(
        "uk_vat",
        ("GBR",),
        "Amazon.co.uk（英国）でのご出品ではVAT登録が必要です",
        "UK: VAT registration needed.",
        "regulation",
    ),
    Item(
        "uk_hfss",
        ("GBR",),
        "脂肪、塩分、糖分が多い食品は",
        "UK: foods high in fat, salt or sugar are restricted.",
        "regulation",
    ),
    Item(
        "site_rules",
        ALL,
        "出品する海外ECサイトで販売出来るか？",
        "Can the product be sold on the chosen site?",
        "regulation",
    ),
    Item(
        "payment",
        ALL,
        "決済手段、配送方法の不安を解消",
        "Remove buyers' worries about payment and delivery.",
        "payment",
    ),
    Item(
        "trust",
        ALL,
        "販売者や決済の信頼性",
        "Buyers worry about the seller's and the payment's reliability.",
        "payment",
    ),
    Item("shipping", ALL, "配送コスト、配送に時間がかかる", "Shipping cost and time.", "logistics"),
    Item(
        "duties",
        ALL,
        "関税等追加コストの発生/情報不足",
        "Duties and other extra costs; lack of information.",
        "logistics",
    ),
    Item("lead_time", ALL, "配送方法・リード", "Check delivery method, lead time and return conditions.", "logistics"),
)


# The social networks the deck names per market, found by the sentence that names them (anchor) and what the
# deck says they are used for; the names are read from that sentence by their spellings in the deck.
NETWORK_SPELLINGS = {
    "Weibo (微博)": ("微博（Weibo）",),
    "RED (小紅書)": ("小紅書（RED）",),
    "WeChat (微信)": ("微信（WeChat）",),
    "Douyin": ("Douyin",),
    "Facebook": ("Facebook",),
    "Instagram": ("Instagram",),
    "Pinterest": ("Pinterest",),
}
NETWORK_ANCHORS = (
    ("CHN", "記事配信で多く使われるプラットフォー", "articles"),
    ("CHN", "動画配信で多く使われるプラットフォー", "video"),
    ("CHN", "ライブコマースのプラットフォームとしては、Douyin", "live_commerce"),
    ("USA", "Facebook, Instagram, Pinterestなどのメディアとコマースの融合", "social_commerce"),
)


def network_rows(deck: Deck) -> list[dict]:
    """One row per network the deck names for a market and use (kind 'network', key = the network, category =
    the use), with the sentence that names it."""
    rows = []
    for iso3, anchor, use in NETWORK_ANCHORS:
        hits = deck.find(anchor)
        if not hits:
            raise ExtractionError(f"network:{use}", f"anchor text {anchor!r} not found", file=deck.file)
        text, first, last = sentence(deck, hits[0])
        found = sorted(
            (min(text.index(sp) for sp in spellings if sp in text), name)
            for name, spellings in NETWORK_SPELLINGS.items()
            if any(sp in text for sp in spellings)
        )
        if not found:
            raise ExtractionError(f"network:{use}", f"no network named in {text!r}", file=deck.file)
        for _, name in found:
            rows.append(
                {
                    "kind": "network",
                    "key": name,
                    "iso3": iso3,
                    "category": use,
                    "text_ja": text,
                    "en": None,
                    "slide": _slide_of(deck, first),
                    "line_start": first,
                    "line_end": last,
                }
            )
    return rows


NEW_ITEM = re.compile(r"^\s*(?:[◼•➢■●・※]|[0-9０-９①-⑳]+[.．、）)]|出所|出典|Source)")
PASSAGE_SCHEMA = {
    "kind": pl.String,
    "key": pl.String,
    "iso3": pl.String,
    "category": pl.String,
    "text_ja": pl.String,
    "en": pl.String,
    "slide": pl.Int32,
    "line_start": pl.Int32,
    "line_end": pl.Int32,
}


def sentence_start(deck: Deck, line: Line, max_lines: int = 3) -> Line:
    """The line where the sentence containing ``line`` begins: an anchor may fall on a wrapped continuation line
    ("る株式会社…"), so go back while the previous line is text that has not ended its sentence."""
    current = line
    for _ in range(max_lines):
        if NEW_ITEM.match(current.text) or current.number < 2:
            break
        prev = deck.lines[current.number - 2]
        body = prev.text.strip()
        if not body or body.endswith(("。", "）", ")", "？", "?")):
            break
        current = prev
        if prev.text.startswith(" "):  # a slide's first line: nothing before it belongs to the sentence
            break
    return current


def sentence(deck: Deck, start: Line, max_lines: int = 4) -> tuple[str, int, int]:
    """The whole sentence around ``start``: back to where it begins, then forward through wrapped lines until it
    ends (。), a blank line, or a line that starts a new item. Returns the text, first and last line numbers."""
    first = sentence_start(deck, start)
    text = "".join(BULLET.sub("", ln.text).strip() for ln in deck.lines[first.number - 1 : start.number])
    last = start.number
    for line in deck.lines[start.number : start.number + max_lines]:
        if text.endswith(("。", "）", ")")) or NEW_ITEM.match(line.text):
            break
        if not line.text.strip():
            # the extraction sometimes puts a blank line inside a word (「最大手の化粧」 / 「品専門…。」): join the
            # next line only when it is a plain continuation that ends the sentence
            nxt = deck.lines[line.number] if line.number < len(deck.lines) else None
            if (
                nxt is None
                or NEW_ITEM.match(nxt.text)
                or nxt.text.startswith(" ")
                or not nxt.text.strip().endswith("。")
            ):
                break
            text += nxt.text.strip()
            last = nxt.number
            break
        text += line.text.strip()
        last = line.number
    return text, first.number, last


def cell_text(line: Line, anchor: str, deck: Deck) -> tuple[str, int, int]:
    """A table cell quoted from its anchor through its wrapped lines (up to a blank line), so the row's label and
    the other columns on the same line are left out."""
    text = line.text[line.text.index(anchor) :].strip().lstrip("・")
    last = line.number
    for nxt in deck.lines[line.number :]:
        if not nxt.text.strip():
            break
        text += nxt.text.strip()
        last = nxt.number
    return text, line.number, last


def about_other_market(text: str, iso3: str) -> bool:
    """True when the sentence names another market and not this one."""
    mine = MARKET_WORDS.get(iso3, ())
    names_other = any(w in text for c, words in MARKET_WORDS.items() if c != iso3 for w in words)
    return names_other and not any(w in text for w in mine)


def _slide_of(deck: Deck, number: int) -> int:
    for slide in deck.slides:
        if slide.first_line <= number <= slide.lines[-1].number:
            return slide.number
    return 0


def _item_rows(deck: Deck, items, kind: str) -> list[dict]:
    rows = []
    for item in items:
        hits = deck.find(item.anchor)
        if not hits:
            raise ExtractionError(f"passage:{item.key}", f"anchor text {item.anchor!r} not found", file=deck.file)
        if item.span == "sentence":
            text, first, last = sentence(deck, hits[0])
        elif item.span == "cell":
            text, first, last = cell_text(hits[0], item.anchor, deck)
        else:
            line = hits[0]
            text, first, last = line.text[line.text.index(item.anchor) :].strip(), line.number, line.number
        countries = ["*"] if item.countries == ALL else list(item.countries)
        for c in countries:
            rows.append(
                {
                    "kind": kind,
                    "key": item.key,
                    "iso3": c,
                    "category": item.category or None,
                    "text_ja": text,
                    "en": item.en,
                    "slide": _slide_of(deck, first),
                    "line_start": first,
                    "line_end": last,
                }
            )
    return rows


def note_rows(deck: Deck) -> list[dict]:
    """The bullets of the deck's market chapters, as whole sentences, for each market they speak of."""
    rows = []
    for iso3, markers in SECTION_MARKERS.items():
        for slide in deck.slides:
            if not any(m in "".join(line.text for line in slide.lines) for m in markers):
                continue
            heading = ""  # the text a bullet stands under: a bullet under another market's heading is about it
            for line in slide.lines:
                if not re.match(r"^\s*[◼•]", line.text):
                    if line.text.strip() and not line.text.startswith(" "):
                        heading = line.text
                    continue
                text, first, last = sentence(deck, line)
                if about_other_market(text, iso3) or (
                    line.text.lstrip().startswith("•") and about_other_market(heading, iso3)
                ):
                    continue
                rows.append(
                    {
                        "kind": "note",
                        "key": "note",
                        "iso3": iso3,
                        "category": None,
                        "text_ja": text,
                        "en": None,
                        "slide": slide.number,
                        "line_start": line.number,
                        "line_end": last,
                    }
                )
    return rows


# The deck's own notices that every page repeats: its disclaimer (last slide, from its heading to the contact
# line) and its copyright footer.
DISCLAIMER = ("ご注意", "ご質問は")
COPYRIGHT = re.compile(r"Copyright\s*(?:©|\(C\))\s*(\d{4})\s*JETRO\.\s*All rights reserved\.")


def _notice(key: str, text: str, first: int, last: int, deck: Deck) -> dict:
    return {
        "kind": "notice",
        "key": key,
        "iso3": ALL,
        "category": None,
        "text_ja": text,
        "en": None,
        "slide": _slide_of(deck, first),
        "line_start": first,
        "line_end": last,
    }


def notice_rows(deck: Deck) -> list[dict]:
    """The disclaimer as one text (its wrapped lines joined) and the newest copyright footer of the deck."""
    start = next((ln for ln in deck.find(DISCLAIMER[0]) if BULLET.match(ln.text)), None)
    end = next((ln for ln in deck.find(DISCLAIMER[1]) if start and ln.number > start.number), None)
    if start is None or end is None:
        raise ExtractionError(
            "passage:disclaimer", f"the deck's disclaimer ({DISCLAIMER[0]}) not found", file=deck.file
        )
    body = [ln for ln in deck.lines[start.number : end.number - 1] if ln.text.strip()]
    text = "".join(ln.text.strip() for ln in body)
    footers = [(int(m.group(1)), ln, m.group(0)) for ln in deck.lines if (m := COPYRIGHT.search(ln.text))]
    if not footers:
        raise ExtractionError("passage:copyright", "no 'Copyright © YYYY JETRO' footer found", file=deck.file)
    year, line, copyright_text = max(footers, key=lambda f: (f[0], -f[1].number))
    return [
        _notice("disclaimer", text, body[0].number, body[-1].number, deck),
        {**_notice("copyright", copyright_text, line.number, line.number, deck), "en": str(year)},
    ]


def passages(deck: Deck) -> pl.DataFrame:
    """Every deck passage a report quotes: market notes, JETRO programmes and checklist items, each with the
    market it applies to ('*' = every market), slide and raw lines; and the deck's notices (kind 'notice')."""
    rows = note_rows(deck) + _item_rows(deck, PROGRAMMES, "programme") + _item_rows(deck, CHECKLIST, "checklist")
    rows += notice_rows(deck) + network_rows(deck)
    return pl.DataFrame(rows, schema=PASSAGE_SCHEMA, orient="row").unique(
        ["kind", "key", "iso3", "line_start"], keep="first", maintain_order=True
    )


def for_market(table: pl.DataFrame, iso3: str, kind: str) -> pl.DataFrame:
    """The passages of one kind that apply to a market, in deck order, each sentence once."""
    rows = table.filter((pl.col("kind") == kind) & pl.col("iso3").is_in([iso3, "*"])).sort("line_start", "key")
    return rows.unique("text_ja", keep="first", maintain_order=True)
