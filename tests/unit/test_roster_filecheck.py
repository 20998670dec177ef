"""学籍核查 of an uploaded roster as a background job's work (lib.roster.filecheck), on a county made
by hand (tests/small_county.py): three rows whose fate is known on paper, the phases reported,
and a file that cannot be read failing with its message."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from lib.core.scope import Scope
from lib.roster import filecheck
from lib.roster import register as roster
from tests import small_county as sc

SCOPE = Scope(county=sc.COUNTY, as_of=sc.AS_OF, user="t", role="county")


@pytest.fixture
def county(tmp_path):
    return sc.build(tmp_path / "small.duckdb")


def _csv(rows: list[dict]) -> bytes:
    return pd.DataFrame(rows).to_csv(index=False).encode("utf-8-sig")


def test_three_rows_checked_phase_by_phase(county):
    pupil = sc.pupils().iloc[0]  # 学生01, A 小学 grade 1, 在校
    stranger = sc.make_id(date(2018, 5, 1), 901, True)  # 8 years old, no pupil record anywhere
    data = _csv(
        [
            {
                "身份证号": pupil["id_number"],
                "姓名": pupil["name"],
                "出生日期": pupil["birth_date"],
                "乡镇": "城关镇",
            },
            {"身份证号": stranger, "姓名": "林小木", "出生日期": "2018-05-01", "乡镇": "长竹园乡"},
            {
                "身份证号": sc.make_id(date(2017, 2, 2), 902, False),
                "姓名": "周某",
                "出生日期": "2017-02-02",
                "乡镇": "不存在乡",
            },
        ]
    )
    phases: list[tuple[float, str]] = []
    got = filecheck.check(data, "花名册.csv", SCOPE, lambda f, t: phases.append((f, t)), path=county)
    assert got.rows == 3 and len(got.frame) == 2
    assert got.problems == ["第4行：找不到户籍乡镇“不存在乡”"]  # the header is row 1
    assert got.counts["enrolled"] == 1 and got.counts["unaccounted"] == 1
    assert sum(got.counts.values()) == 2
    assert [t for _, t in phases] == ["读取文件", "核对", "核对", "生成报告"]
    assert [f for f, _ in phases] == sorted(f for f, _ in phases)


def test_a_file_that_is_not_a_roster_fails_with_a_chinese_message(county):
    with pytest.raises(roster.RosterError) as err:
        filecheck.check(_csv([{"品名": "粉笔", "数量": 3}]), "库存.csv", SCOPE, path=county)
    assert str(err.value).startswith("库存.csv：") and "身份证号" in str(err.value)  # the file, what it lacks
