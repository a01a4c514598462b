"""The catalogue: one description per chart or data table of the deck, in deck order.

Each description says where the figure is (an anchor text on its slide), how to read its tokens
(a reader), what the numbers mean (series with unit, scale and period), which public figures fill
its gaps or check it, and which consistency checks apply. Extraction, validation, charting and the
gallery all read this list; nothing else describes a figure.

Patterns never contain the values they read: they describe the layout around them.
Status: deck (all values from the deck text) | partial (some values lost) |
external (values lost; public figures shown, flagged) | not_reproducible (no values anywhere).
"""

from __future__ import annotations

from decimal import Decimal

from ecresearch.deck.model import (
    Cat,
    DeckFill,
    ExternalCompare,
    ExternalFill,
    Figure,
    GrowthCheck,
    LabelByValue,
    MeanCheck,
    PairTotalCheck,
    PartsCheck,
    RegionMeanCheck,
    Scored,
    Series,
    WeightedMeanCheck,
)
from ecresearch.deck.readers import Combine, Labelled, LabelsOnly, RankList, Rows, Run, Stated, TextTable, TokenTable

TRILLION, BILLION, HUNDRED_MILLION = 10**12, 10**9, 10**8
NOT_PRINTED = "values not in the deck text"


def _cats(*labels: str, country: bool = False) -> tuple[Cat, ...]:
    return tuple(Cat(label, country=country) for label in labels)


def _en(*pairs: tuple[str, str]) -> tuple[Cat, ...]:
    return tuple(Cat(ja, en) for ja, en in pairs)


def _unidentified(n: int) -> tuple[Cat, ...]:
    return tuple(Cat(None) for _ in range(n))


FIGURES: tuple[Figure, ...] = (
    # ── 1. World ────────────────────────────────────────────────────────────────────────────
    Figure(
        id="world_total_retail",
        section="world",
        title_ja="世界の全小売総額",
        title_en="World total retail sales",
        kind="bar",
        anchor="2020年は新型コロナウイルス感染症拡大の影響で全小売総額が減少",
        until="2025年には世界のEC小売市場",
        series=(Series("total_retail", "全小売総額", "Total retail sales", "USD", "*", TRILLION),),
        reader=None,
        source_ja="eMarketer (2022年12月)",
        status="external",
        iso3="WLD",
        note_en="The chart's values are not in the deck text. Shown: eMarketer's mid-2021 forecast, an older "
        "vintage than the deck's (Dec 2022).",
        fills=(ExternalFill("world_ecommerce", "total retail sales", "total_retail"),),
    ),
    Figure(
        id="world_ec_sales",
        section="world",
        title_ja="世界のEC小売総額の動向・推計",
        title_en="World retail e-commerce sales, share of retail and growth",
        kind="bar",
        anchor="2025年には世界のEC小売市場",
        until="EC小売総額上位10か国",
        unit_ja="兆USドル",
        series=(
            Series("ec_sales", "EC小売総額", "Retail e-commerce sales", "USD", "*", TRILLION),
            Series("ec_share", "小売総額に占める割合", "Share of total retail", "percent", "*"),
            Series("growth", "前年比", "Growth, year on year", "percent", "*"),
        ),
        reader=Stated(
            (
                (
                    r"(?P<value>\d+兆USドル)（約900兆円）を超える",
                    "ec_sales",
                    Cat("2025", "2025"),
                    True,
                    "forecast: 'more than 7 trillion USD' (lower bound)",
                ),
            )
        ),
        source_ja="eMarketer (2022年12月)",
        status="partial",
        iso3="WLD",
        note_en="Only the 2025 forecast is in the deck text. Sales and growth come from two eMarketer vintages "
        "(mid-2021 and early 2023): not comparable across vintages; the share of retail is missing.",
        fills=(
            ExternalFill("world_ecommerce", "retail ecommerce sales", "ec_sales"),
            ExternalFill("world_ecommerce", "retail ecommerce growth", "growth"),
        ),
        chart={"series": ("ec_sales",), "hue": "vintage", "secondary": ("growth",)},
    ),
    Figure(
        id="top10_countries",
        section="world",
        title_ja="EC小売総額上位10か国",
        title_en="Top 10 countries by retail e-commerce sales",
        kind="grouped_bar",
        anchor="EC小売総額上位10か国",
        until="全世界の増加率",
        unit_ja="十億ドル",
        series=(
            Series("sales_2021", "2021", "2021", "USD", "2021", BILLION),
            Series("sales_2022", "2022", "2022", "USD", "2022", BILLION),
            Series("growth_2022", "増加率", "Growth 2022", "percent", "2022"),
        ),
        reader=Rows(
            r"^(?P<rank>\d+) (?P<label>\S+) (?P<sales_2021>\$[\d,.]+) (?P<sales_2022>\$[\d,.]+) (?P<growth_2022>-?[\d.]+%)$",  # noqa: E501 - a data string kept whole
            ("sales_2021", "sales_2022", "growth_2022"),
            expected_rows=10,
        ),
        source_ja="eMarketer (2023年２月)",
        status="deck",
        countries=True,
        checks=(GrowthCheck("growth_2022", "sales_2021", "sales_2022"),),
        compares=(
            ExternalCompare("us_ecommerce", "retail ecommerce sales", "sales_2021"),
            ExternalCompare("ecommerce_growth_2022f", "retail ecommerce growth", "growth_2022"),
            ExternalCompare("ecommerce_growth_2022", "B2C ecommerce growth (METI)", "growth_2022"),
        ),
        chart={"series": ("sales_2021", "sales_2022"), "highlight": True, "secondary": ("growth_2022",)},
        scored=(
            Scored("growth", "ecommerce_growth_2022", "growth_2022", "eMarketer Feb 2023", "2022"),
            Scored("size", "ecommerce_sales_2022", "sales_2022", "eMarketer Feb 2023", "2022"),
        ),
    ),
    Figure(
        id="regional_growth_2022",
        section="world",
        title_ja="地域別EC小売総額増加率(2022年/前年比)",
        title_en="Retail e-commerce growth by region, 2022",
        kind="hbar",
        anchor="全世界の増加率",
        until="◼2020年以降、EC市場が世界的に増加",
        series=(Series("growth_2022", "増加率", "Growth 2022", "percent", "2022"),),
        reader=Combine(
            (
                Stated(
                    ((r"全世界の増加率：(?P<value>-?[\d.]+%)", "growth_2022", Cat("全世界", country=True), False, ""),)
                ),
                Run(
                    "percent",
                    _cats(
                        "西ヨーロッパ",
                        "アジア太平洋",
                        "北米",
                        "中南米",
                        "中央・東ヨーロッパ",
                        "中東・アフリカ",
                        country=True,
                    ),
                    ("growth_2022",),
                ),
            )
        ),
        source_ja="eMarketer (2023年２月)",
        status="deck",
        countries=True,
        note_en="Values and region labels are printed in separate runs; they are paired in printed order.",
        checks=(RegionMeanCheck("北米", "top10_countries", ("USA", "CAN"), "sales_2021", "sales_2022"),),
        compares=(
            ExternalCompare("world_ecommerce", "retail ecommerce growth", "growth_2022"),
            ExternalCompare("ecommerce_growth_2022f", "retail ecommerce growth", "growth_2022"),
        ),
    ),
    # ── China ───────────────────────────────────────────────────────────────────────────────
    Figure(
        id="china_trade_vs_cbec",
        section="china",
        title_ja="一般貿易と越境ECの主な違い",
        title_en="China: general trade vs cross-border e-commerce",
        kind="text_table",
        anchor="一般貿易と越境ECの主な違い",
        series=(
            Series("cell", "内容", "Rule", "text", "2022"),
            Series("limit_per_purchase", "購入者1回あたり上限", "Limit per purchase", "CNY", "2022"),
            Series("limit_annual", "年間上限", "Annual limit per buyer", "CNY", "2022"),
            Series("tariff_rate", "関税率", "Tariff rate (CBEC)", "percent", "2022"),
            Series(
                "vat_share",
                "増値税・消費税（一般貨物比）",
                "VAT and consumption tax, share of general-trade rate",
                "percent",
                "2022",
            ),
        ),
        reader=Combine(
            (
                TextTable(
                    (
                        ("取引限度額", "Transaction limits"),
                        ("税制", "Taxes"),
                        ("10都県規制", "Ban on 10 prefectures (food, feed)"),
                        ("中文ラベル貼付", "Chinese label"),
                        ("取扱い可能商品", "Eligible goods"),
                        ("通関手続き", "Customs documents"),
                    ),
                    ("一般貿易", "越境EC"),
                ),
                Stated(
                    (
                        (
                            r"1回あたり(?P<value>[\d,]+元)",
                            "limit_per_purchase",
                            Cat("越境EC", "Cross-border EC"),
                            False,
                            "",
                        ),
                        (r"年間(?P<value>[\d.]+万元)", "limit_annual", Cat("越境EC", "Cross-border EC"), False, ""),
                        (r"関税率を(?P<value>\d+[%％])", "tariff_rate", Cat("越境EC", "Cross-border EC"), False, ""),
                        (
                            r"一般貨物の(?P<value>\d+[%％])",
                            "vat_share",
                            Cat("越境EC", "Cross-border EC"),
                            False,
                            "VAT and consumption tax at this share of the general-goods rate",
                        ),
                    )
                ),
            )
        ),
        source_ja="各種資料をもとにジェトロ作成",
        status="deck",
        iso3="CHN",
    ),
    Figure(
        id="china_online_retail_sales",
        section="china",
        title_ja="中国EC売上高",
        title_en="China: online retail sales",
        kind="bar",
        anchor="中国EC売上高 越境EC輸入額国・地域別ランキング",
        unit_ja="兆元",
        series=(Series("sales", "EC売上高", "Online retail sales", "CNY", "*", TRILLION),),
        reader=Stated(
            (
                (
                    r"2021年に(?P<value>[\d.]+兆元)",
                    "sales",
                    Cat("2021", "2021"),
                    True,
                    "'13.1兆元以上': at least, as printed",
                ),
            )
        ),
        source_ja="中国商務部「中国電子商務報告2021」",
        status="partial",
        iso3="CHN",
        note_en="Only 2021 is in the deck text. Other years: NBS, MOFCOM and MIIT releases (official statistics, "
        "definitions may differ by year).",
        fills=(ExternalFill("china_online_retail", "online retail sales", "sales"),),
        compares=(ExternalCompare("china_online_retail", "online retail sales", "sales", tolerance=0.01),),
        chart={"series": ("sales",), "hue": "origin"},
    ),
    Figure(
        id="china_cbec_import_ranking",
        section="china",
        title_ja="越境EC輸入額国・地域別ランキング",
        title_en="China: cross-border e-commerce imports by source, ranking",
        kind="ranking_table",
        anchor="中国EC売上高 越境EC輸入額国・地域別ランキング",
        series=(Series("rank", "順位", "Rank", "rank", "2021"),),
        reader=RankList(expected=10),
        source_ja="中国商務部「中国電子商務報告2021」",
        status="deck",
        countries=True,
        iso3="CHN",
        chart={"highlight": True},
    ),
    Figure(
        id="china_cbec_platform_share",
        section="china",
        title_ja="中国越境ECの主なプレーヤー",
        title_en="China: cross-border import e-commerce platform shares",
        kind="pie",
        anchor="Copyright © 2022 JETRO. All rights reserved. 12",
        until="１．地域ごとの特性 ～中国～",
        series=(
            Series("share", "シェア", "Share", "percent", "2022Q3"),
            Series("subtotal", "小計", "Subtotal", "percent", "2022Q3"),
        ),
        reader=Run("percent", _unidentified(8), ("share",)),
        source_ja="Analysys易观「2022年Q3中国跨境进口零售电商市场季度监测报告」",
        status="partial",
        iso3="CHN",
        shares_total=100.0,
        note_en="The eight shares are printed, their platform names are not. The deck's '計59.7％' subtotal is "
        "matched by two slices; the reference file infers they are Tmall Global + Kaola (Alibaba).",
        scored=(Scored("concentration", "hhi", "share", "Analysys 2022Q3", "2022Q3"),),
        checks=(PairTotalCheck("share", Decimal("59.7")),),
        fills=(
            ExternalFill(
                "china_cbec_platform_share",
                "share of cross-border import retail ecommerce",
                "subtotal",
                category_from="entity",
            ),
        ),
        chart={"series": ("share",)},
    ),
    Figure(
        id="china_cbec_buyer_gender",
        section="china",
        title_ja="越境EC購入者層（性別）",
        title_en="China: cross-border e-commerce buyers by gender",
        kind="pie",
        anchor="越境EC購入者層 越境ECで商品を購入する際に",
        series=(Series("share", "割合", "Share", "percent", "2021"),),
        reader=Run("percent", _en(("男性", "Men"), ("女性", "Women")), ("share",)),
        source_ja="iiMedia Research「2020-2021中国进口跨境电商行业研究报告」",
        status="deck",
        iso3="CHN",
        shares_total=100.0,
    ),
    Figure(
        id="china_cbec_buyer_age",
        section="china",
        title_ja="越境EC購入者層（年齢）",
        title_en="China: cross-border e-commerce buyers by age",
        kind="bar",
        anchor="越境EC購入者層 越境ECで商品を購入する際に",
        series=(Series("share", "割合", "Share", "percent", "2021"),),
        reader=None,
        source_ja="iiMedia Research「2020-2021中国进口跨境电商行业研究报告」",
        status="not_reproducible",
        iso3="CHN",
        note_en="No values in the deck text; the slide says buyers are mainly in their late 20s and 30s.",
    ),
    Figure(
        id="china_cbec_purchase_factors",
        section="china",
        title_ja="越境ECで商品を購入する際に消費者が考慮している点",
        title_en="China: what cross-border e-commerce buyers consider",
        kind="hbar",
        anchor="越境EC購入者層 越境ECで商品を購入する際に",
        series=(Series("share", "割合", "Share", "percent", "2021"),),
        reader=None,
        source_ja="iiMedia Research「2020-2021中国进口跨境电商行业研究报告」",
        status="not_reproducible",
        iso3="CHN",
        note_en="No values in the deck text; the slide says buyers care about the brand.",
    ),
    Figure(
        id="china_cbec_purchase_categories",
        section="china",
        title_ja="越境EC購入傾向（商品カテゴリー別）",
        title_en="China: cross-border e-commerce purchases by category",
        kind="hbar",
        anchor="越境EC購入傾向（商品カテゴリー別）",
        series=(Series("share", "割合", "Share", "percent", "2021"),),
        reader=None,
        source_ja="iiMedia Research「2020-2021中国进口跨境电商行业研究报告」",
        status="not_reproducible",
        iso3="CHN",
        note_en="No values in the deck text; the slide names apparel, shoes, bags and cosmetics as the largest "
        "categories and baby/maternity as rising in 2021.",
    ),
    Figure(
        id="china_live_commerce_users",
        section="china",
        title_ja="中国のライブコマース利用者",
        title_en="China: live-commerce users",
        kind="bar",
        anchor="2016年頃より、ライブコマースがEコマースの1つの手法",
        series=(
            Series("user_share", "ネットユーザーに占める割合", "Share of internet users", "percent", "2020-12", 10),
            Series("users", "利用者数", "Live-commerce users", "persons", "*", 10**6),
        ),
        reader=Stated(
            (
                (
                    r"約(?P<value>\d+)割がライブコマースを利用",
                    "user_share",
                    Cat("2020-12", "2020-12"),
                    True,
                    "'約4割' (about four in ten) of internet users",
                ),
            )
        ),
        source_ja="iResearch(艾瑞咨询)「2021年ライブコマース業界研究報告」",
        status="partial",
        iso3="CHN",
        note_en="The chart's values are not in the deck text. User counts: CNNIC reports (2020-03 to 2021-06); "
        "CNNIC's December 2020 share, 39.2%, agrees with the deck's 'about 40%'.",
        fills=(ExternalFill("china_live_commerce", "live-commerce users", "users"),),
        chart={"series": ("users",), "secondary": ("user_share",)},
    ),
    Figure(
        id="china_live_viewers_gender",
        section="china",
        title_ja="ライブコマース視聴者層（性別）",
        title_en="China: live-commerce viewers by gender",
        kind="pie",
        anchor="ライブコマース視聴者層",
        series=(Series("share", "割合", "Share", "percent", "2021Q2"),),
        reader=Run("percent", _en(("男性", "Men"), ("女性", "Women")), ("share",), stop="出典"),
        source_ja="微熱点ビッグデータ研究院「2021年度第2四半期ライブコマース業界ネット注目度分析報告」",
        status="deck",
        iso3="CHN",
        shares_total=100.0,
    ),
    Figure(
        id="china_live_viewers_age",
        section="china",
        title_ja="ライブコマース視聴者層（年齢）",
        title_en="China: live-commerce viewers by age",
        kind="bar",
        anchor="ライブコマース視聴者数は女性の方がやや多く",
        until="出典",
        series=(Series("share", "割合", "Share", "percent", "2021Q2", 10),),
        reader=Stated(
            (
                (
                    r"年齢層は20台が(?P<value>\d+)割",
                    "share",
                    Cat("20代", "20s"),
                    True,
                    "'7割' (about seven in ten), stated in the slide text",
                ),
            )
        ),
        source_ja="微熱点ビッグデータ研究院「2021年度第2四半期ライブコマース業界ネット注目度分析報告」",
        status="partial",
        iso3="CHN",
        note_en="Only the share of viewers in their 20s is stated in the text; the other age groups are lost.",
    ),
    Figure(
        id="china_live_platforms",
        section="china",
        title_ja="主なライブコマースプラットフォーム",
        title_en="China: main live-commerce platforms",
        kind="hbar",
        anchor="主なライブコマースプラットフォーム",
        series=(Series("share", "割合", "Share", "percent", "2021Q2"),),
        reader=None,
        source_ja="微熱点ビッグデータ研究院「2021年度第2四半期ライブコマース業界ネット注目度分析報告」",
        status="not_reproducible",
        iso3="CHN",
        note_en="No values or names in the deck text; the slide says Douyin is the most used.",
    ),
    Figure(
        id="china_live_top_categories",
        section="china",
        title_ja="ライブコマースでの売上上位カテゴリー",
        title_en="China: top live-commerce sales categories",
        kind="hbar",
        anchor="レディースアパレル(27.6%)",
        until="出典：KPMG",
        series=(Series("share", "売上シェア", "Share of sales", "percent", "unstated"),),
        reader=Labelled(
            r"(?P<label>[^、()]+?)\s*\((?P<value>[\d.]+)%\)",
            "share",
            (
                ("レディースアパレル", "Women's apparel"),
                ("食品", "Food"),
                ("バッグ類", "Bags"),
                ("化粧品スキンケア用品", "Cosmetics & skincare"),
                ("メンズアパレル", "Men's apparel"),
            ),
            expected=5,
        ),
        source_ja="KPMG、アリ研究院「1兆元市場に向かうライブコマース」",
        status="deck",
        iso3="CHN",
        note_en="Top five only ('等'); shares of live-commerce sales, period not printed.",
    ),
    # ── United States ───────────────────────────────────────────────────────────────────────
    Figure(
        id="us_ec_sales_share",
        section="usa",
        title_ja="米国のEC小売額とシェア",
        title_en="US retail e-commerce sales and share of retail",
        kind="bar",
        anchor="◼ EC小売市場は拡大傾向",
        unit_ja="億US＄",
        series=(
            Series("ec_sales", "EC小売額", "Retail e-commerce sales", "USD", "*", HUNDRED_MILLION),
            Series("ec_share", "EC化率", "Share of total retail", "percent", "*"),
        ),
        reader=None,
        source_ja="eMarketer(2023年2月）",
        status="partial",
        iso3="USA",
        note_en="The chart's values are not in the deck text. Sales 2021-2022 come from the deck's own top-10 "
        "table (same eMarketer Feb 2023 vintage); shares from eMarketer Jun 2022 (older vintage).",
        deck_fills=(
            DeckFill("top10_countries", "sales_2021", "USA", "ec_sales", "2021"),
            DeckFill("top10_countries", "sales_2022", "USA", "ec_sales", "2022"),
        ),
        fills=(ExternalFill("us_ecommerce", "ecommerce share of total retail", "ec_share"),),
        chart={"series": ("ec_sales",), "hue": "origin", "secondary": ("ec_share",)},
    ),
    Figure(
        id="us_category_share_2022",
        section="usa",
        title_ja="米国の商品カテゴリー別のEC売上シェア（2022年）",
        title_en="US e-commerce sales by category, 2022",
        kind="hbar",
        anchor="アパレル, 18.7%",
        until="１．地域ごとの特性 ～米国～",
        series=(Series("share", "シェア", "Share", "percent", "2022"),),
        reader=Labelled(
            r"(?P<label>[^,%]+?),\s*(?P<value>[\d.]+)%",
            "share",
            (
                ("アパレル", "Apparel & accessories"),
                ("コンピューター、家庭用電気機械器具", "Computers & consumer electronics"),
                ("家具", "Furniture & home furnishings"),
                ("健康・パーソナルケア", "Health, personal care & beauty"),
                ("食料、飲料", "Food & beverage"),
                ("その他", "Other"),
                ("おもちゃ、ホビー", "Toys & hobby"),
                ("自動車・部品", "Auto & parts"),
                ("書籍・音楽・映像", "Books, music & video"),
                ("オフィス用品", "Office equipment & supplies"),
            ),
            expected=10,
        ),
        source_ja="eMarketer（2023年2月）",
        status="deck",
        iso3="USA",
        shares_total=100.0,
    ),
    Figure(
        id="us_category_sales",
        section="usa",
        title_ja="米国の商品カテゴリー別のEC小売額",
        title_en="US e-commerce sales by category over time",
        kind="line",
        anchor="米国の商品カテゴリー別のEC小売額",
        series=(Series("sales", "EC小売額", "Sales", "USD", "*"),),
        reader=None,
        source_ja="eMarketer（2023年2月）",
        status="not_reproducible",
        iso3="USA",
        note_en="No values in the deck text; the slide says food & beverage and health & personal care grew most.",
    ),
    Figure(
        id="us_top15_retailers",
        section="usa",
        title_ja="米国のEC小売シェアトップ15社",
        title_en="US retail e-commerce share, top 15 companies",
        kind="hbar",
        anchor="0.92%",
        until="スマホアプリから商品を選ぶ",
        series=(
            Series("share", "シェア", "Share 2021", "percent", "2021"),
            Series("unassigned", "対応不明の値", "Value with no label", "percent", "2021"),
            Series("share_2022", "シェア（2022年）", "Share 2022", "percent", "2022"),
        ),
        reader=Combine(
            (
                LabelsOnly(
                    "share",
                    _en(
                        *(
                            (n, n)
                            for n in (
                                "Amazon",
                                "Walmart Inc.",
                                "eBay",
                                "Apple",
                                "The Home Depot",
                                "Target",
                                "Best Buy",
                                "Costco",
                                "The Kroger Co.",
                                "Carvana",
                                "Wayfair",
                                "Chewy",
                                "Macy's",
                                "Lowe's",
                                "Etsy Inc.",
                                "Qurate Retail Group",
                            )
                        )
                    ),
                ),
                Run("percent", _unidentified(1), ("unassigned",), stop="Qurate Retail Group"),
                Stated(
                    (
                        (
                            r"Amazonが全体の約(?P<value>\d+[%％])",
                            "share",
                            Cat("Amazon", "Amazon"),
                            True,
                            "'約38％', stated in the title",
                        ),
                    )
                ),
            )
        ),
        source_ja="eMarketer（2022年6月）",
        status="partial",
        iso3="USA",
        note_en="Sixteen company names for a 'top 15' chart and one stray value (0.92%) that no name can be tied "
        "to. Amazon's about 38% is stated in the title. External: eMarketer Jun 2022 shares for 2022.",
        fills=(
            ExternalFill(
                "us_retailer_share", "share of US retail ecommerce", "share_2022", category_from="entity", period="2022"
            ),
        ),
        compares=(ExternalCompare("us_retailer_share", "share of US retail ecommerce", "share"),),
        chart={"series": ("share", "share_2022"), "orient": "h"},
    ),
    Figure(
        id="us_click_collect",
        section="usa",
        title_ja="米国のクリック＆コレクト売上",
        title_en="US click-and-collect sales",
        kind="bar",
        anchor="スマホアプリから商品を選ぶ",
        until="米国でも食品EC市場が形成され",
        series=(
            Series("sales", "売上", "Sales", "USD", "*"),
            Series("growth_2020", "前年比", "Growth 2020", "percent", "2020"),
            Series("multiple_2019_2021", "2019→2021倍率", "Multiple 2019 to 2021", "ratio", "2021"),
            Series("food_online_share", "食品小売のEC比率", "Online share of food retail", "percent", "2021"),
        ),
        reader=Combine(
            (
                Labelled(r"(?P<value>\d+億)\s*USドル\s*(?P<label>\d{4})", "sales", None, expected=3),
                Stated(
                    (
                        (
                            r"前年比で\s*(?P<value>\d+[%％])",
                            "growth_2020",
                            Cat("2020", "2020"),
                            False,
                            "stated beside the chart",
                        ),
                        (
                            r"×(?P<value>\d+)",
                            "multiple_2019_2021",
                            Cat("2021", "2021"),
                            True,
                            "'×2' arrow from 2019 to 2021",
                        ),
                        (
                            r"約(?P<value>\d+[%％])がECでの購入",
                            "food_online_share",
                            Cat("2021", "2021"),
                            True,
                            "'約5％'",
                        ),
                    )
                ),
            )
        ),
        source_ja="eMarketer（2022年6月）",
        status="deck",
        iso3="USA",
        checks=(
            GrowthCheck("growth_2020", "2019", "2020", level_series="sales"),
            GrowthCheck("multiple_2019_2021", "2019", "2021", level_series="sales", tolerance_pp=10.0),
        ),
        chart={"series": ("sales",), "secondary": ("growth_2020",)},
    ),
    # ── Southeast Asia ──────────────────────────────────────────────────────────────────────
    Figure(
        id="sea_population_outlook",
        section="sea",
        title_ja="東南アジアの人口推移",
        title_en="Southeast Asia: population outlook",
        kind="line",
        anchor="タイを除き、2050年頃までに人口増加",
        series=(Series("population", "人口", "Population", "persons", "unstated", 10**6),),
        reader=LabelsOnly(
            "population",
            _cats("インドネシア", "フィリピン", "ベトナム", "タイ", "マレーシア", "シンガポール", country=True),
        ),
        source_ja="United Nations",
        status="external",
        countries=True,
        iso3="SEA",
        note_en="The chart's values are not in the deck text. Shown: UN World Population Prospects 2024 via "
        "secondary sources (the deck's UN edition is not named); Singapore has none.",
        fills=(ExternalFill("sea_population", "population", "population", category_from="iso3"),),
    ),
    Figure(
        id="sea_internet_users",
        section="sea",
        title_ja="東南アジアのインターネットユーザー数",
        title_en="Southeast Asia: internet users",
        kind="bar",
        anchor="この1年で新たに4,000万人がインターネットユーザー",
        until="インドネシア マレーシア フィリピン",
        series=(
            Series("users", "ユーザー数", "Internet users", "persons", "*"),
            Series("new_users", "新規ユーザー", "New users in the year", "persons", "2020"),
        ),
        reader=Combine(
            (
                Run("quantity", _en(("2015", "2015"), ("2019", "2019"), ("2020", "2020")), ("users",)),
                Stated(
                    ((r"新たに(?P<value>[\d,]+万人)", "new_users", Cat("2020", "2020"), False, "stated in the text"),)
                ),
            )
        ),
        source_ja="e-conomy2020 google, TEMASEK,BAIN&COMPANY",
        status="deck",
        iso3="SEA",
        checks=(
            PartsCheck(
                ("sea_internet_users", "new_users", "2020"),
                (("sea_internet_users", "users", "2020"), ("sea_internet_users", "users", "2019")),
                tolerance=1e6,
                relation="difference",
            ),
        ),
        compares=(ExternalCompare("sea_digital", "internet users", "users", tolerance=0.01),),
        chart={"series": ("users",)},
    ),
    Figure(
        id="sea_new_online_shoppers",
        section="sea",
        title_ja="ロックダウン等をきっかけに新たにネットで買い物をはじめた人の割合",
        title_en="Southeast Asia: share of shoppers who started buying online because of lockdowns",
        kind="bar",
        anchor="ロックダウン等をきっかけに新たにネットで買い物をはじめた人の割合",
        region="slide",
        series=(Series("share", "割合", "Share", "percent", "2020"),),
        reader=Run(
            "percent",
            (
                *_cats("インドネシア", "マレーシア", "フィリピン", "シンガポール", "タイ", "ベトナム", country=True),
                Cat("平均", "Average (6)", iso3="SEA"),
            ),
            ("share",),
        ),
        source_ja="e-conomy2020 google, TEMASEK,BAIN&COMPANY",
        status="deck",
        countries=True,
        iso3="SEA",
        note_en="Values and country labels are printed in separate runs; they are paired in printed order.",
        checks=(MeanCheck("share", "平均"),),
        compares=(
            ExternalCompare("sea_digital", "new digital-service consumers due to COVID-19", "share", tolerance=0.5),
        ),
        chart={"highlight": True},
    ),
    Figure(
        id="sns_daily_time",
        section="sea",
        title_ja="1日あたりのSNS平均利用時間",
        title_en="Daily time on social media",
        kind="hbar",
        anchor="1日あたりのSNS平均利用時間が他地域と比べて多い",
        series=(Series("minutes", "利用時間", "Daily time on social media", "minutes", "2020-01"),),
        reader=Run("duration", _unidentified(10), ("minutes",)),
        source_ja=None,
        source_en="no source printed; the reference file identifies DataReportal Digital 2020",
        status="partial",
        countries=True,
        note_en="Bar values are printed, country labels are not. Labels are matched by value to DataReportal "
        "Digital 2020 (Jan 2020) figures; two bars stay unidentified. That 2:24 is the world average is "
        "an inference of the reference file.",
        label_by_value=LabelByValue("sns_time_digital2020", "daily social media time"),
        chart={"highlight": True, "orient": "h"},
        scored=(Scored("sns", "sns_minutes_vs_world", None, "Digital 2020", "2020-01"),),
    ),
    Figure(
        id="sea_top5_platforms",
        section="sea",
        title_ja="EC上位5サイト（国別）",
        title_en="Top 5 e-commerce sites by country",
        kind="ranking_table",
        anchor="Shopee, Lazadaがメインプレイヤー",
        series=(Series("rank", "順位", "Rank", "rank", "unstated"),),
        reader=TokenTable(
            ("シンガポール", "マレーシア", "タイ", "インドネシア", "ベトナム", "香港"),
            (
                ("Shopee", "Shopee"),
                ("Lazada", "Lazada"),
                ("Amazon", "Amazon"),
                ("Qoo10", "Qoo10"),
                ("EZBuy", "ezbuy"),
                ("PGMall", "PG Mall"),
                ("Zalora", "Zalora"),
                ("eBay", "eBay"),
                ("JD Central", "JD Central"),
                ("Central Online", "Central Online"),
                ("Advice", "Advice"),
                ("Tokopedia", "Tokopedia"),
                ("Bukalapak", "Bukalapak"),
                ("Bilibli", "Blibli"),
                ("The gioididong", "Thegioididong"),
                ("TIKI", "Tiki"),
                ("Dien May Xanh", "Dien May Xanh"),
                ("HKTV Mall", "HKTVmall"),
                ("Tmall", "Tmall"),
                ("Fortress", "Fortress"),
                ("Yoho HK", "Yoho"),
                ("Strawberrynet", "Strawberrynet"),
            ),
            per_row=5,
        ),
        source_ja="Similarweb",
        status="deck",
        iso3="SEA",
        note_en="A ranking by web traffic (Similarweb), not by sales; period not printed. 'Bilibli' is printed "
        "for Blibli.",
        chart={"highlight": True},
    ),
    Figure(
        id="sg_shopee_lazada_visits",
        section="sea",
        title_ja="Shopee・Lazadaシンガポールの月間平均訪問者数",
        title_en="Singapore: Shopee and Lazada monthly average visitors",
        kind="bar",
        anchor="Shopeeシンガポール 日別ユニーク訪問者数",
        until="ECを利用または検討していると回答した企業",
        series=(
            Series("monthly_visitors", "月間平均訪問者数", "Monthly average visitors", "visitors", "unstated"),
            Series("minutes_smartphone", "平均滞在時間（スマホ）", "Average visit, smartphone", "minutes", "unstated"),
        ),
        reader=Stated(
            (
                (
                    r"月間平均\s*(?P<value>[\d.]+百万)",
                    "monthly_visitors",
                    Cat("Shopee", "Shopee"),
                    False,
                    "unique visitors",
                    0,
                ),
                (
                    r"月間平均\s*(?P<value>[\d.]+百万)",
                    "monthly_visitors",
                    Cat("Lazada", "Lazada"),
                    False,
                    "visitors",
                    1,
                ),
                (r"スマホ(?P<value>\d+分)", "minutes_smartphone", Cat("Shopee", "Shopee"), False, "PC: '8-10分'", 0),
                (
                    r"スマホ(?P<value>\d+分)",
                    "minutes_smartphone",
                    Cat("Lazada", "Lazada"),
                    False,
                    "PC: '8-10分'; the Lazada slide repeats Shopee's device times word for word",
                    1,
                ),
            )
        ),
        source_ja="Similarweb（全て推計値）",
        status="partial",
        iso3="SGP",
        note_en="The daily visitor charts' values are lost; the monthly averages are printed. Shopee counts unique "
        "visitors, Lazada visitors: not the same measure.",
        chart={"series": ("monthly_visitors",), "secondary": ("minutes_smartphone",)},
    ),
    # ── Japanese firms ──────────────────────────────────────────────────────────────────────
    Figure(
        id="jp_firms_ec_use",
        section="japan",
        title_ja="ECの利用状況（2022年度、規模別）",
        title_en="Japanese firms' use of e-commerce by firm size, FY2022",
        kind="grouped_bar",
        anchor="ECの利用状況（2022年度、規模別）",
        series=(
            Series("large", "大企業", "Large firms", "percent", "FY2022"),
            Series("sme", "中小企業", "SMEs", "percent", "FY2022"),
            Series("all_stated", "全体（本文）", "All firms (stated in text)", "percent", "FY2022"),
            Series("n", "回答企業数", "Respondents", "firms", "FY2022"),
        ),
        reader=Combine(
            (
                Stated(
                    (
                        (r"大企業\s*（n=(?P<value>[\d,]+)）", "n", Cat("大企業", "Large firms"), False, "", 0),
                        (r"中小企業\s*（n=(?P<value>[\d,]+)）", "n", Cat("中小企業", "SMEs"), False, "", 0),
                        (
                            r"(?P<value>[\d.]+％)の企業が海外向け販売",
                            "all_stated",
                            Cat("海外向け販売", "Selling abroad"),
                            False,
                            "stated in the slide text",
                        ),
                    )
                ),
                Run(
                    "decimal",
                    _en(
                        ("日本国内への販売", "Selling in Japan"),
                        ("海外向け販売", "Selling abroad"),
                        ("日本国内から海外への販売（越境EC）", "Cross-border EC from Japan"),
                        ("海外拠点での販売", "Through overseas subsidiaries"),
                        ("代理店等を通じた海外への販売", "Through agents abroad"),
                        ("無回答", "No answer"),
                    ),
                    ("large", "sme"),
                    after="ECの利用状況（2022年度、規模別）",
                    stop="EC販売額に占める海外向けの割合",
                ),
            )
        ),
        source_ja=None,
        source_en="no source printed (a JETRO survey of Japanese firms, FY2022)",
        status="deck",
        iso3="JPN",
        region="slide",
        note_en="Multiple answers. Two value runs and the legend (大企業, 中小企業) are paired in printed order; "
        "the n-weighted mean check confirms it.",
        checks=(
            WeightedMeanCheck(
                None,
                (("large", "大企業"), ("sme", "中小企業")),
                stated_total=("all_stated", "海外向け販売"),
                category="海外向け販売",
            ),
        ),
        chart={"series": ("large", "sme"), "orient": "h"},
    ),
    Figure(
        id="jp_firms_overseas_share",
        section="japan",
        title_ja="EC販売額に占める海外向けの割合（規模別）",
        title_en="Japanese firms: overseas share of e-commerce sales, by firm size",
        kind="grouped_bar",
        anchor="EC販売額に占める海外向けの割合（規模別）",
        series=(
            Series("all", "全体", "All firms", "percent", "FY2022"),
            Series("large", "大企業", "Large firms", "percent", "FY2022"),
            Series("sme", "中小企業", "SMEs", "percent", "FY2022"),
            Series("n", "回答企業数", "Respondents", "firms", "FY2022"),
        ),
        reader=Combine(
            (
                Stated(
                    (
                        (r"全体\s*（n=(?P<value>[\d,]+)）", "n", Cat("全体", "All firms"), False, ""),
                        (r"大企業\s*（n=(?P<value>[\d,]+)）", "n", Cat("大企業", "Large firms"), False, "", 1),
                        (r"中小企業\s*（n=(?P<value>[\d,]+)）", "n", Cat("中小企業", "SMEs"), False, "", 1),
                    )
                ),
                Run(
                    "decimal",
                    _en(
                        ("1％未満", "<1%"),
                        ("1～10％", "1-10%"),
                        ("11～20％", "11-20%"),
                        ("21～30％", "21-30%"),
                        ("31～40％", "31-40%"),
                        ("41～50％", "41-50%"),
                        ("51～60％", "51-60%"),
                        ("61～70％", "61-70%"),
                        ("71～80％", "71-80%"),
                        ("81～90％", "81-90%"),
                        ("91～100％", "91-100%"),
                        ("無回答", "No answer"),
                    ),
                    ("all", "large", "sme"),
                    after="EC販売額に占める海外向けの割合（規模別）",
                    stop="（％）",
                    series_split="sum100",
                    align_by_weighted_mean=("all", (("large", ("n", "大企業")), ("sme", ("n", "中小企業")))),
                ),
            )
        ),
        source_ja=None,
        source_en="no source printed (a JETRO survey of Japanese firms, FY2022)",
        status="partial",
        iso3="JPN",
        shares_total=100.0,
        region="slide",
        note_en="The large-firm series prints 11 values for 12 bands; the gap is placed by the n-weighted mean.",
        checks=(WeightedMeanCheck("all", (("large", "大企業"), ("sme", "中小企業"))),),
        chart={"series": ("all", "large", "sme"), "orient": "h"},
    ),
    Figure(
        id="jp_firms_overseas_share_1to10",
        section="japan",
        title_ja="海外向けの割合「1～10％」の内訳",
        title_en="Japanese firms: the 1-10% band split into 1-5% and 6-10%",
        kind="grouped_bar",
        anchor="EC販売額に占める海外向けの割合（規模別）",
        series=(
            Series("all", "全体", "All firms", "percent", "FY2022"),
            Series("large", "大企業", "Large firms", "percent", "FY2022"),
            Series("sme", "中小企業", "SMEs", "percent", "FY2022"),
        ),
        reader=Run(
            "decimal",
            _en(("1～5％", "1-5%"), ("6～10％", "6-10%")),
            ("all", "large", "sme"),
            after="（％）",
            stop="（注）",
        ),
        source_ja=None,
        source_en="no source printed (a JETRO survey of Japanese firms, FY2022)",
        status="deck",
        iso3="JPN",
        region="slide",
        note_en="No legend is printed for this inset; series are read in the main chart's order (all, large, SME), "
        "which the parts check confirms.",
        checks=tuple(
            PartsCheck(
                ("jp_firms_overseas_share", s, "1～10％"),
                (("jp_firms_overseas_share_1to10", s, "1～5％"), ("jp_firms_overseas_share_1to10", s, "6～10％")),
            )
            for s in ("all", "large", "sme")
        ),
    ),
    # ── JETRO programmes ────────────────────────────────────────────────────────────────────
    Figure(
        id="japan_mall_thailand_regions",
        section="jetro",
        title_ja="JAPAN MALL（タイ）地域別購入回数比率",
        title_en="JAPAN MALL Thailand: purchases by region",
        kind="pie",
        anchor="4-2. JAPAN MALL事業事例（東南アジア/タイ）",
        series=(
            Series("lazada", "LAZADA", "Lazada", "percent", "unstated"),
            Series("shopee", "Shopee", "Shopee", "percent", "unstated"),
            Series("konvy", "Konvy", "Konvy", "percent", "unstated"),
        ),
        reader=Run(
            "percent",
            _unidentified(3),
            ("lazada", "shopee", "konvy"),
            pattern=r"(?P<value>\d+(?:\.\d+)?\s*%)",
            series_split="sum100",
        ),
        source_ja=None,
        source_en="JETRO JAPAN MALL programme data (no source printed)",
        status="partial",
        iso3="THA",
        shares_total=100.0,
        note_en="Shares are printed, region names are not (the slide says about 40% of Lazada purchases come from "
        "outside the capital region). Konvy shows two slices.",
    ),
    Figure(
        id="jetro_programme_comparison",
        section="jetro",
        title_ja="ジェトロのEC事業比較表",
        title_en="JETRO e-commerce programmes compared",
        kind="text_table",
        anchor="4-4．ジェトロのEC事業比較表",
        series=(Series("cell", "内容", "Content", "text", "FY2023"),),
        reader=TextTable(
            (
                ("取引モデル", "Business model"),
                ("概要", "Outline"),
                ("おすすめポイント", "Highlights"),
                ("連絡先/販売先", "Buyers / sales channels"),
                ("出品審査", "Product selection"),
                ("参加費", "Fee"),
                ("取引相手", "Counterparty"),
                ("取引形態", "Transaction"),
                ("実施期間", "Period"),
                ("対象企業", "Eligible firms"),
                ("対象商品", "Eligible products"),
            ),
            ("JAPAN STREET", "JAPAN MALL", "JAPAN STORE"),
        ),
        source_ja=None,
        source_en="JETRO (the deck's own table)",
        status="deck",
        iso3=None,
    ),
)


def by_id(figure_id: str) -> Figure:
    for fig in FIGURES:
        if fig.id == figure_id:
            return fig
    raise KeyError(f"no figure {figure_id!r} in the catalogue")
