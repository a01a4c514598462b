"""How periods and editions name their years (domain/editions.py), the one parser every user calls."""

import pytest

from ecresearch.domain.editions import edition_year, names_year, period_position, year_of


@pytest.mark.parametrize(
    "period, year",
    [
        ("2021", 2021),
        ("2020-06", 2020),
        ("2021Q2", 2021),
        ("2023-01..09", 2023),
        ("2020/21", 2020),
        ("2022-09-22/2022-09-30", 2022),
        ("2025-01 report", 2025),
        ("FY2022-23", 2022),  # India's fiscal year April 2022 - March 2023
        ("FY2022", 2022),
        (" 2019 ", 2019),
        ("unstated", None),
        ("20210", None),  # part of a longer number
        ("1899", None),
        ("", None),
    ],
)
def test_year_of(period, year):
    assert year_of(period) == year


@pytest.mark.parametrize(
    "label, position",
    [
        ("2021", 2021.0),
        ("FY2021", 2021.0),
        ("2020-01", 2020.0),
        ("2020-07", 2020.5),
        ("2021Q2", 2021.25),
        ("2021Q5", None),
        ("2020/21", None),
        ("2023-01..09", None),
        ("中国", None),
    ],
)
def test_period_position(label, position):
    assert period_position(label) == position


@pytest.mark.parametrize(
    "vintage, year",
    [
        ("Digital 2024", 2024),
        ("eMarketer Feb 2023", 2023),
        ("Meritz Securities 2021 (via Aju Business Daily, Feb 2023)", 2023),  # the newest year it names
        ("BMO Capital Markets 2017 (2016 estimates)", 2017),
        ("Tencent 2Q2023 results", 2023),
        ("Analysys 2022Q3", 2022),
        ("NH Investment & Securities (BusinessKorea column, c. 2021)", 2021),
    ],
)
def test_edition_year(vintage, year):
    assert edition_year(vintage) == year and names_year(vintage)


@pytest.mark.parametrize("vintage", ["CNNIC", "CNNIC 46th report", "MIIT", "edition 12019", ""])
def test_an_edition_without_a_year(vintage):
    assert not names_year(vintage)
    assert edition_year(vintage, default=0) == 0
    with pytest.raises(ValueError, match="names no year"):
        edition_year(vintage)


def test_editions_order_by_year():
    vintages = ["Digital 2022", "CNNIC", "Digital 2024", "Digital 2020 (edition inferred)"]
    ordered = sorted(vintages, key=lambda v: edition_year(v, default=0), reverse=True)
    assert ordered == ["Digital 2024", "Digital 2022", "Digital 2020 (edition inferred)", "CNNIC"]
