from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecresearch.deck.tokens import (
    is_number_token,
    parse_duration,
    parse_number,
    parse_quantity,
    split_ticks,
    tick_run,
    token_value,
)


@pytest.mark.parametrize(
    "text, value, unit",
    [
        ("$1,042.72", Decimal("1042.72"), "USD"),
        ("$2638.72", Decimal("2638.72"), "USD"),
        ("２.６億人", Decimal("260000000"), "persons"),
        ("４億人", Decimal("400000000"), "persons"),
        ("13.1兆元", Decimal("13100000000000"), "CNY"),
        ("4,000万人", Decimal("40000000"), "persons"),
        ("-6.8%", Decimal("-6.8"), "percent"),
        ("0％", Decimal("0"), "percent"),
        ("7兆USドル", Decimal("7000000000000"), "USD"),
        ("535億", Decimal("53500000000"), None),
        ("3.6百万", Decimal("3600000"), None),
        ("2分", Decimal("2"), "minutes"),
    ],
)
def test_parse_quantity(text, value, unit):
    q = parse_quantity(text)
    assert q.base_value == value
    assert q.unit == unit


def test_default_scale_applies_only_without_a_printed_scale():
    assert parse_quantity("$960.44", default_scale=10**9).base_value == Decimal("960440000000")
    assert parse_quantity("3億", default_scale=10**9).base_value == Decimal("300000000")


@pytest.mark.parametrize("bad", ["", "abc", "1.2.3", "$", "3:75", "億"])
def test_parse_rejects_garbage(bad):
    with pytest.raises(ValueError):
        parse_quantity(bad)


def test_durations():
    assert parse_duration("3:53") == 233
    assert parse_duration("0:45") == 45
    with pytest.raises(ValueError):
        parse_duration("3:60")


@given(st.integers(0, 23), st.integers(0, 59))
def test_duration_roundtrip(h, m):
    assert parse_duration(f"{h}:{m:02d}") == h * 60 + m


@given(st.decimals(min_value=-(10**6), max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_number_with_separators_and_fullwidth(d):
    text = f"{d:,.2f}"
    fullwidth = text.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert parse_number(text) == d
    assert parse_number(fullwidth) == d


def test_token_kinds():
    assert is_number_token("39.6%", "percent") and not is_number_token("39.6", "percent")
    assert is_number_token("3:53", "duration")
    assert is_number_token("２.６億人", "quantity") and not is_number_token("2015", "quantity")
    assert not is_number_token("37%", "quantity")
    assert token_value("3:26", "duration") == 206


def test_ticks_are_split_from_data():
    values = [Decimal(v) for v in "233 211 206 165 144 132 123 102 73 45 0 28 57 86 115 144 172 201 230 259".split()]
    data, ticks = split_ticks(values)
    assert data == list(range(10)) and ticks == list(range(10, 20))


@given(st.lists(st.integers(1, 500), min_size=1, max_size=8), st.integers(2, 60), st.integers(4, 10))
def test_appended_axis_is_always_removed(data, step, n):
    # data that ends by going down, then an axis from 0
    data = sorted(data, reverse=True) + [0]
    values = [Decimal(v) for v in data] + [Decimal(step * i) for i in range(n)]
    kept, ticks = split_ticks(values)
    assert ticks[-n:] == list(range(len(data), len(data) + n))
    assert all(i in kept for i in range(len(data) - 1))


def test_uneven_values_are_not_ticks():
    assert not tick_run([Decimal(v) for v in ("-3.9", "7.4", "9.0", "19.5", "21.2", "22.0")])
