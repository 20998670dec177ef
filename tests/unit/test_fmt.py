from datetime import date

import pytest

from lib.core import fmt


@pytest.mark.parametrize(
    ("value", "text"), [(12345, "12,345"), (123456, "12.3万"), (None, "—"), (float("nan"), "—")]
)
def test_fmt_count(value, text):
    assert fmt.fmt_count(value) == text


def test_fmt_pct_and_date():
    assert fmt.fmt_pct(0.96345) == "96.3%"
    assert fmt.fmt_date(date(2026, 11, 20)) == "2026年11月20日"
    assert fmt.fmt_delta_pct(0.965, 0.961) == "+0.4个百分点"
    assert fmt.fmt_delta_count(10, 12) == "-2"
    assert fmt.fmt_delta_count(10, None) is None


def test_no_change_has_no_sign_so_no_arrow():
    assert fmt.fmt_delta_count(12, 12) == "±0" and fmt.is_flat("±0 较上周")
    assert fmt.fmt_delta_count(12.4, 12) == "±0"  # rounds to nothing
    assert fmt.fmt_delta_pct(0.9612, 0.9608) == "±0.0个百分点"
    assert fmt.fmt_delta_count(13, 12) == "+1" and not fmt.is_flat("+1 较上周") and not fmt.is_flat(None)


def test_dates_in_the_ui_and_in_files():
    from datetime import datetime

    import pandas as pd

    assert fmt.fmt_date(pd.Timestamp("2026-09-04 13:05")) == "2026年9月4日"
    assert fmt.fmt_date(pd.NaT) == "—" and fmt.fmt_datetime(None) == "—"
    assert fmt.fmt_datetime(datetime(2026, 11, 20, 8, 5)) == "2026年11月20日 08:05"
    assert fmt.fmt_iso(date(2026, 9, 4)) == "2026-09-04" and fmt.fmt_iso(pd.NaT) == ""
