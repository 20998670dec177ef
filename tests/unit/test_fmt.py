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


def test_console_tables_align_chinese_and_never_print_nan():
    import pandas as pd

    frame = pd.DataFrame(
        {
            "用户名": ["wang", "li"],
            "角色": ["县级业务", "局领导"],
            "最近登录": [pd.NaT, None],
            "n": [1234, float("nan")],
        }
    )
    text = fmt.text_table(frame)
    lines = text.splitlines()
    assert "NaN" not in text and "NaT" not in text and "None" not in text
    assert lines[2].split() == ["wang", "县级业务", "—", "1,234"]
    # every line has its columns at the same terminal width (a Chinese character is two columns)
    starts = {
        fmt._width(line[: line.index(word)])
        for line, word in zip(lines[2:], ("县级业务", "局领导"), strict=True)
    }
    assert len(starts) == 1
    assert fmt.text_table([]) == "(无)"


def test_cli_user_list_is_a_formatted_table(demo_db, capsys):
    from lib import cli
    from tests.accounts import ensure_test_account

    ensure_test_account("county", path=demo_db)
    assert cli.main(["user", "list"]) == 0
    out = capsys.readouterr().out
    assert "用户名" in out and "县级业务" in out and "NaT" not in out and "NaN" not in out
    assert cli.main(["user", "list", "--json"]) == 0
    import json

    rows = json.loads(capsys.readouterr().out)["accounts"]
    assert all(r["locked_until"] is None or "T" in r["locked_until"] for r in rows)


@pytest.mark.parametrize(
    ("value", "kind", "signed", "text"),
    [
        (56522, "count", False, "56,522"),
        (0.503, "km", False, "0.50"),
        (-0.031, "km", True, "-0.03"),
        (0.001, "km", True, "±0.00"),
        (12, "count", True, "+12"),
        (0, "count", True, "±0"),
        (0.9634, "pct", False, "96.3%"),
        (None, "count", False, "—"),
    ],
)
def test_table_cells_are_written_like_the_cards(value, kind, signed, text):
    assert fmt.fmt_value(value, kind, signed=signed) == text


def test_planning_tables_are_written_like_the_cards():
    import pandas as pd

    from lib.layout import planning

    county = pd.DataFrame(
        {
            "指标": ["学龄儿童", "平均距离(km)"],
            "现状": [56522, 0.503],
            "方案": [56522, 0.53],
            "变化": [0, 0.027],
        }
    )
    html = planning.compare_view(county).to_html()
    assert ">56,522<" in html and ">±0<" in html and ">0.50<" in html and ">+0.03<" in html
    assert "56522" not in html
    towns = pd.DataFrame({"乡镇": ["甲"], "有变化": ["是"], "学校数": [12], "学校数变化": [-1]})
    assert ">-1<" in planning.compare_townships_view(towns).to_html()


def test_md_text_keeps_the_asterisks_of_a_masked_name():
    assert fmt.md_text("欧**花") == r"欧\*\*花"
    assert fmt.md_text("411503********2255") == "411503" + r"\*" * 8 + "2255"
    assert fmt.md_text("平桥区第七小学") == "平桥区第七小学"
