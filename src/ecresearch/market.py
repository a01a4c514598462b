"""What the deck says about a market: its notes, the JETRO programmes that fit, and the checklist items that
matter. Every item is found in the raw deck text by an anchor (and fails loudly if the text changes), so the
report quotes the deck with line numbers instead of paraphrasing it."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .deck.slides import Deck
from .errors import ExtractionError

SEA = ("SGP", "MYS", "THA", "IDN", "VNM", "PHL")
EU = ("AUT", "BEL", "BGR", "HRV", "CYP", "CZE", "DNK", "EST", "FIN", "FRA", "DEU", "GRC", "HUN", "IRL", "ITA", "LVA",
      "LTU", "LUX", "MLT", "NLD", "POL", "PRT", "ROU", "SVK", "SVN", "ESP", "SWE")
ALL = "*"

# The deck's section markers for its three market chapters.
SECTION_MARKERS = {"CHN": ("～中国～", "（中国）"), "USA": ("～米国～", "（米国）"), **{c: ("～東南アジア～",) for c in SEA}}
BULLET = re.compile(r"^\s*[◼•➢]\s*")


@dataclass(frozen=True)
class Item:
    key: str
    countries: tuple[str, ...] | str
    anchor: str
    en: str
    category: str = ""  # checklist: regulation | certification | payment | logistics | marketing

    def applies(self, iso3: str) -> bool:
        return self.countries == ALL or iso3 in self.countries


PROGRAMMES = (
    Item("JAPAN STREET", ALL, "全世界を対象としたジェトロ招待バイヤー専用の商品カタログサイト",
         "Online catalogue seen by JETRO-invited buyers worldwide (B2B); registration free."),
    Item("JAPAN MALL", ALL, "2022年度は18カ国・地域にて60案件以上で実施",
         "Overseas e-commerce buyers purchase outright in Japan (domestic delivery and payment in yen); "
         "60+ projects in 18 countries/regions in FY2022."),
    Item("JAPAN MALL", ("CHN",), "京東内に「日本酒館」にて日本産酒類を販売",
         "Partner case: Frank Japan sells Japanese sake and food on JD.com."),
    Item("JAPAN MALL", ("KOR", "SGP", "JPN"), "韓国を中心に日本、シンガポールでも展開しているECプラットフォーム",
         "Partner case: Qoo10 (Korea, Japan, Singapore), about 16 million members."),
    Item("JAPAN MALL", ("USA",), "米ニューヨークで日本産調理器具・食器・食材などを販売するMTC KICHENと連携",
         "Partner case: MTC Kitchen (New York), kitchenware and food."),
    Item("JAPAN MALL", ("CAN",), "自社ECおよびAmazon上でも販売するカナダのECサイトIPPINKA",
         "Partner case: IPPINKA (Canada), own site and Amazon."),
    Item("JAPAN MALL", ("THA",), "タイで2大総合ECプラットフォーム（LAZADA/Shopee）",
         "Partner case: three Japanese trading houses sell on Lazada, Shopee and Konvy in Thailand."),
    Item("JAPAN STORE", ("USA", "GBR"), "Amazon.com（米国）、Amazon.co.uk（英",
         "Listing and promotion on Amazon.com / Amazon.co.uk; basic plan free, premium plan paid."),
)

CHECKLIST = (
    Item("export", ALL, "自社で取り扱っている商品は、相手国に輸出できるか？", "Can the product be exported to the country?",
         "regulation"),
    Item("certification", ALL, "商品を販売するために事前に取得する必要のある認証",
         "Which certifications and regulations apply before selling?", "certification"),
    Item("fda", ("USA",), "米国向け：FDA（食品、化粧品）", "US: FDA registration (food, cosmetics).", "certification"),
    Item("euhaccp", EU, "EU向け：EUHACCP（水産物等）", "EU: EU-HACCP (seafood etc.).", "certification"),
    Item("nmpa", ("CHN",), "中国向け：NMPA（化粧品）", "China: NMPA (cosmetics).", "certification"),
    Item("positive_list", ("CHN",), "越境ECポジティブリストに掲載され",
         "Cross-border e-commerce: only goods on the positive list.", "regulation"),
    Item("limits", ("CHN",), "・購入者1回あたり5,000元", "Limits per buyer: 5,000 yuan per purchase, 26,000 yuan a year.",
         "regulation"),
    Item("ten_prefectures", ("CHN",), "原発関連で10都県は不可",
         "Food and feed from ten prefectures are banned (Niigata rice excepted).", "regulation"),
    Item("sns_links", ("CHN",), "SNSから商品販売ページにリンクを貼る",
         "Links from social media to sales pages are not allowed: promotion must lead to search.", "marketing"),
    Item("uk_vat", ("GBR",), "Amazon.co.uk（英国）でのご出品ではVAT登録が必要です", "UK: VAT registration needed.",
         "regulation"),
    Item("uk_hfss", ("GBR",), "脂肪、塩分、糖分が多い食品は",
         "UK: foods high in fat, salt or sugar are restricted.", "regulation"),
    Item("site_rules", ALL, "出品する海外ECサイトで販売出来るか？", "Can the product be sold on the chosen site?",
         "regulation"),
    Item("payment", ALL, "決済手段、配送方法の不安を解消", "Remove buyers' worries about payment and delivery.",
         "payment"),
    Item("trust", ALL, "販売者や決済の信頼性", "Buyers worry about the seller's and the payment's reliability.",
         "payment"),
    Item("shipping", ALL, "配送コスト、配送に時間がかかる", "Shipping cost and time.", "logistics"),
    Item("duties", ALL, "関税等追加コストの発生/情報不足", "Duties and other extra costs; lack of information.",
         "logistics"),
    Item("lead_time", ALL, "配送方法・リード", "Check delivery method, lead time and return conditions.", "logistics"),
)


@dataclass(frozen=True)
class Quote:
    key: str
    text: str  # the deck line as printed
    line: int
    en: str
    category: str = ""


def _quote(deck: Deck, item: Item) -> Quote:
    hits = deck.find(item.anchor)
    if not hits:
        raise ExtractionError(f"market:{item.key}", f"anchor text {item.anchor!r} not found", file=deck.file)
    line = hits[0]
    text = BULLET.sub("", line.text).strip()
    return Quote(item.key, text, line.number, item.en, item.category)


def programmes(deck: Deck, iso3: str) -> list[Quote]:
    return [_quote(deck, p) for p in PROGRAMMES if p.applies(iso3)]


def checklist(deck: Deck, iso3: str) -> list[Quote]:
    return [_quote(deck, c) for c in CHECKLIST if c.applies(iso3)]


def deck_notes(deck: Deck, iso3: str) -> list[Quote]:
    """The bullets (◼, •) of the deck's slides about this market, as printed."""
    markers = SECTION_MARKERS.get(iso3, ())
    out: list[Quote] = []
    for slide in deck.slides:
        text = "".join(l.text for l in slide.lines)
        if not any(m in text for m in markers):
            continue
        for line in slide.lines:
            if re.match(r"^\s*[◼•]", line.text):
                body = BULLET.sub("", line.text).strip()
                # a bullet wrapped onto the next non-empty line continues without a marker, up to its 。
                if not body.endswith("。"):
                    nxt = [l for l in slide.lines if line.number < l.number <= line.number + 2 and l.text.strip()]
                    if nxt and not re.match(r"^\s*[◼•➢１２３４]", nxt[0].text) and nxt[0].text.strip().endswith("。"):
                        body += nxt[0].text.strip()
                out.append(Quote("note", body, line.number, ""))
    return out
