import pytest

from ecresearch.countries import REGIONS, resolve
from ecresearch.errors import CountryError


@pytest.mark.parametrize(
    "label, iso3",
    [
        ("中国", "CHN"),
        ("アメリカ", "USA"),
        ("イギリス", "GBR"),
        ("日本", "JPN"),
        ("韓国", "KOR"),
        ("インド", "IND"),
        ("ドイツ", "DEU"),
        ("インドネシア", "IDN"),
        ("カナダ", "CAN"),
        ("フランス", "FRA"),
        ("シンガポール", "SGP"),
        ("マレーシア", "MYS"),
        ("タイ", "THA"),
        ("ベトナム", "VNM"),
        ("フィリピン", "PHL"),
        ("香港", "HKG"),
        ("オーストラリア", "AUS"),
        ("オランダ", "NLD"),
        ("ニュージーランド", "NZL"),
        ("IDN", "IDN"),
        ("idn", "IDN"),
        ("ID", "IDN"),
        ("Indonesia", "IDN"),
        ("インドネシア", "IDN"),
        ("United States", "USA"),
        ("Vietnam", "VNM"),
        ("ミャンマー", "MMR"),
    ],
)
def test_resolves(label, iso3):
    assert resolve(label).iso3 == iso3


def test_regions_have_stable_codes():
    assert resolve("西ヨーロッパ").iso3 == "XWE"
    assert resolve("全世界").iso3 == "WLD"
    assert resolve("WLD").is_region
    for code, (ja, en) in REGIONS.items():
        assert resolve(ja).iso3 == code and resolve(en).iso3 == code


def test_withdrawn_codes_are_not_chosen():
    assert resolve("FR").iso3 == "FRA"
    assert resolve("DE").iso3 == "DEU"


@pytest.mark.parametrize("bad", ["XYZ", "Atlantis", "../../etc", "", "  ", "US/../x"])
def test_unknown_labels_raise_naming_the_label(bad):
    with pytest.raises(CountryError) as err:
        resolve(bad)
    assert repr(bad) in str(err.value) or "empty" in str(err.value)


def test_regions_can_be_refused():
    with pytest.raises(CountryError):
        resolve("WLD", allow_regions=False)
