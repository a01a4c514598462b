"""Country names (Japanese or English, as printed) and codes → ISO 3166-1 alpha-3.

Names come from Babel's CLDR territory names in Japanese and English; CLDR's territory aliases map
alpha-3 to alpha-2. A short reviewed alias list covers the deck's everyday forms (アメリカ, 韓国,
香港 ...) that differ from CLDR's formal names. Regions and the world get stable codes of our own,
outside ISO 3166-1's assigned space.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

from babel import Locale
from babel.core import get_global

from ecresearch.errors import CountryError

# Reviewed aliases: label as printed → alpha-2. Each differs from CLDR's ja/en name.
ALIASES: dict[str, str] = {
    "アメリカ": "US",
    "米国": "US",
    "米": "US",
    "英国": "GB",
    "香港": "HK",
    "韓国": "KR",
    "中国": "CN",
    "台湾": "TW",
    "USA": "US",
    "UK": "GB",
    "United States": "US",
    "South Korea": "KR",
    "Korea": "KR",
    "Hong Kong": "HK",
    "Vietnam": "VN",
    "Viet Nam": "VN",
    "Taiwan": "TW",
}

# Regions and aggregates: code → (Japanese as printed in the deck, English). Not ISO 3166-1 codes.
REGIONS: dict[str, tuple[str, str]] = {
    "WLD": ("全世界", "World"),
    "SEA": ("東南アジア", "Southeast Asia"),
    "XWE": ("西ヨーロッパ", "Western Europe"),
    "XAP": ("アジア太平洋", "Asia-Pacific"),
    "XNA": ("北米", "North America"),
    "XLA": ("中南米", "Latin America"),
    "XCE": ("中央・東ヨーロッパ", "Central & Eastern Europe"),
    "XME": ("中東・アフリカ", "Middle East & Africa"),
}
REGION_ALIASES: dict[str, str] = {"世界": "WLD", "World average": "WLD", "Southeast Asia (6)": "SEA"}

# Market groups the deck's programmes and checklist address.
SEA = ("SGP", "MYS", "THA", "IDN", "VNM", "PHL")
EU = (
    "AUT",
    "BEL",
    "BGR",
    "HRV",
    "CYP",
    "CZE",
    "DNK",
    "EST",
    "FIN",
    "FRA",
    "DEU",
    "GRC",
    "HUN",
    "IRL",
    "ITA",
    "LVA",
    "LTU",
    "LUX",
    "MLT",
    "NLD",
    "POL",
    "PRT",
    "ROU",
    "SVK",
    "SVN",
    "ESP",
    "SWE",
)
# Names that mark a sentence as being about another market than the report's.
MARKET_WORDS = {
    "CHN": ("中国",),
    "USA": ("米国", "アメリカ"),
    "HKG": ("香港", "HKTV"),
    "KOR": ("韓国",),
    "SGP": ("シンガポール",),
    "MYS": ("マレーシア",),
    "THA": ("タイ",),
    "IDN": ("インドネシア",),
    "VNM": ("ベトナム",),
    "PHL": ("フィリピン",),
    "TWN": ("台湾",),
    "GBR": ("英国", "イギリス"),
    "CAN": ("カナダ",),
    "IND": ("インド",),
}
# Withdrawn alpha-3 codes that CLDR still lists as aliases (Burma, Zaire, GDR, France métropolitaine...).
_WITHDRAWN_ALPHA3 = {"BUR", "ZAR", "DDR", "FXX", "TMP", "YMD"}

# Everyday short names used in labels, where CLDR's are formal (アメリカ合衆国, 中華人民共和国香港特別行政区).
SHORT_NAMES: dict[str, tuple[str, str]] = {
    "US": ("アメリカ", "United States"),
    "GB": ("イギリス", "United Kingdom"),
    "KR": ("韓国", "South Korea"),
    "HK": ("香港", "Hong Kong"),
    "CN": ("中国", "China"),
    "TW": ("台湾", "Taiwan"),
}


@dataclass(frozen=True)
class Country:
    iso3: str
    iso2: str | None
    name_ja: str
    name_en: str

    @property
    def is_region(self) -> bool:
        return self.iso2 is None


def _key(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip().casefold()


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(alpha3 → alpha2, alpha2 → alpha3, lookup key → alpha2) for ISO countries."""
    a3_to_a2: dict[str, str] = {}
    ja, en = Locale("ja").territories, Locale("en").territories
    for code, targets in get_global("territory_aliases").items():
        if code in _WITHDRAWN_ALPHA3 or not (len(code) == 3 and code.isalpha()):
            continue
        if len(targets) == 1 and len(targets[0]) == 2 and targets[0] in en:
            a3_to_a2.setdefault(code, targets[0])
    a2_to_a3 = {a2: a3 for a3, a2 in sorted(a3_to_a2.items())}
    names: dict[str, str] = {}
    for a2 in a2_to_a3:
        for table in (en, ja):
            if a2 in table:
                names.setdefault(_key(table[a2]), a2)
                # 'ミャンマー (ビルマ)', 'Myanmar (Burma)': also the name without the bracket
                names.setdefault(_key(re.sub(r"\s*[（(].*?[)）]", "", table[a2])), a2)
    for alias, a2 in ALIASES.items():
        names[_key(alias)] = a2
    return a3_to_a2, a2_to_a3, names


@cache  # babel's Locale is slow to make; a Country is immutable
def _country(a2: str) -> Country:
    _, a2_to_a3, _ = _tables()
    ja, en = Locale("ja").territories, Locale("en").territories
    name_ja, name_en = SHORT_NAMES.get(a2, (ja.get(a2, a2), en.get(a2, a2)))
    return Country(a2_to_a3[a2], a2, name_ja, name_en)


@lru_cache(maxsize=1)
def _region_keys() -> dict[str, str]:
    """Lookup key of a region's ja or en name → its code (the first region in REGIONS order wins)."""
    keys: dict[str, str] = {}
    for code, names in REGIONS.items():
        for name in names:
            keys.setdefault(_key(name), code)
    return keys


def region(code: str) -> Country:
    ja, en = REGIONS[code]
    return Country(code, None, ja, en)


def resolve(label: str, *, allow_regions: bool = True) -> Country:
    """Resolve a code (alpha-3, alpha-2) or a name (ja/en, CLDR or alias) to one country.

    Raises CountryError naming the label when it matches nothing.
    """
    if not isinstance(label, str) or not label.strip():
        raise CountryError(f"empty country label: {label!r}")
    return _resolve(label, allow_regions)


@lru_cache(maxsize=4096)  # labels repeat (every row of a table, every validation of the candidates)
def _resolve(label: str, allow_regions: bool) -> Country:
    text = unicodedata.normalize("NFKC", label).strip()
    a3_to_a2, a2_to_a3, names = _tables()
    if allow_regions:
        upper = text.upper()
        if upper in REGIONS:
            return region(upper)
        code = _region_keys().get(_key(text))
        if code:
            return region(code)
        if text in REGION_ALIASES:
            return region(REGION_ALIASES[text])
    if re.fullmatch(r"[A-Za-z]{3}", text) and text.upper() in a3_to_a2:
        return _country(a3_to_a2[text.upper()])
    if re.fullmatch(r"[A-Za-z]{2}", text) and text.upper() in a2_to_a3:
        return _country(text.upper())
    a2 = names.get(_key(text))
    if a2:
        return _country(a2)
    raise CountryError(f"unknown country {label!r}: not an ISO 3166-1 code, a CLDR name (ja/en) or a reviewed alias")


def known_codes() -> frozenset[str]:
    """Every ISO 3166-1 alpha-3 code and region code a data row may use."""
    a3_to_a2, _, _ = _tables()
    return frozenset(a3_to_a2) | frozenset(REGIONS)
