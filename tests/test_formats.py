"""domain/formats.py: each formatter's output, and where two of them differ on purpose."""

from __future__ import annotations

import math

import pytest

from ecresearch.domain import formats as f


def test_missing_values():
    for fn in (f.num, f.as_printed, f.pct):
        assert fn(None) == "—" and fn(math.nan) == "—"
    assert f.fixed(None) == f.fixed(math.nan) == f.stated(None) == ""
    assert f.cell(None) == "" and f.cell(None, missing="—") == "—"
    assert f.compact(None) == "—"


def test_page_numbers_follow_the_locale():
    assert f.num(1234.5, "en", 1) == "1,234.5"
    assert f.num(1234.5, "en", 0) == "1,234"  # Babel rounds half to even
    assert f.as_printed(37.8) == "37.8" and f.as_printed(46.0) == "46"
    assert f.pct(0.125, "en", 1) == "12.5%"
    assert f.money(1.04e12, "USD") == "1.04 tn USD"
    assert f.money(3.2e8, "JPY", "ja") == "3.2億 JPY"


def test_rank_band_on_a_page_and_plain():
    assert f.rank_band(3.25, 2.0, 5.0) == "3.2 (2–5)"
    assert f.rank_band(3.25, 2.0, 5.0, plain=True) == "3.25 (2-5)"


@pytest.mark.parametrize(
    ("value", "report", "diff"),
    [
        (True, "yes", "yes"),
        (7, "7", "7"),
        ("IDN", "IDN", "IDN"),
        (1234.5678, "1,235", "1235"),
        (12.3456, "12.35", "12.35"),
        (0.123456, "0.123", "0.1235"),
        (2.5e9, "2,500,000,000", "2.5000e+09"),
    ],
)
def test_cell_in_the_report_and_in_the_diff(value, report, diff):
    assert f.cell(value) == report
    assert f.cell(value, missing="—", significant=4) == diff


def test_compact_scales_only_scaled_units():
    assert f.compact(1.2345e12, scaled=True) == "1.234 tn"
    assert f.compact(2.5e9, scaled=True) == "2.5 bn"
    assert f.compact(3e6, scaled=True) == "3 m"
    assert f.compact(3e6) == "3e+06"
    assert f.compact(12345.678) == "12,345.7"


def test_chart_labels():
    assert f.fixed(1234.5) == "1,234"  # Python rounds the binary value: not Babel's half-even on decimals
    assert f.fixed(2.675, 2) == "2.67"
    assert f.fixed(0) == "0.0" and f.fixed(0.456) == "0.46" and f.fixed(12.34) == "12.3"
    assert f.decimals_of(7.0) == 0 and f.decimals_of(13.1) == 1 and f.decimals_of(1 / 3) == 2
    assert f.common_decimals([7.0, 13.1, 2.25]) == 2 and f.common_decimals([]) == 0


def test_stated_values_keep_their_printed_precision():
    assert f.stated(70.0, "approx") == "≈70"
    assert f.stated(7.0, "lower_strict") == "> 7"
    assert f.stated(13.1, "lower") == "13.1+"
    assert f.stated(13.1, "", 2) == "13.10"
    assert f.stated(1234.0) == "1,234"
