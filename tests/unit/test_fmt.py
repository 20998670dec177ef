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


def test_fmt_in_english():
    assert fmt.fmt_count(123456, lang="en") == "123,456"
    assert fmt.fmt_date(date(2026, 3, 5), lang="en") == "5 Mar 2026"
    assert fmt.fmt_delta_pct(0.965, 0.961, lang="en") == "+0.4 pp"
