"""精准识别 of an uploaded list as a background job's work (lib.aid.reconcile_run), on a county made
by hand (tests/small_county.py): rows whose category is known on paper, and the phases."""

from __future__ import annotations

import pandas as pd

from lib.aid import reconcile_run
from lib.core.scope import Scope
from tests import small_county as sc

SCOPE = Scope(county=sc.COUNTY, as_of=sc.AS_OF, user="t", role="county")


def test_a_list_reconciled_phase_by_phase(tmp_path):
    db = sc.build(tmp_path / "small.duckdb")
    pupils = sc.pupils()
    first, second = pupils.iloc[0], pupils.iloc[1]
    bad = first["id_number"][:-1] + ("0" if first["id_number"][-1] != "0" else "1")  # checksum broken
    data = (
        pd.DataFrame(
            {
                "身份证号码": [first["id_number"], second["id_number"], bad],
                "姓名": [first["name"], second["name"], "某某"],
            }
        )
        .to_csv(index=False)
        .encode("utf-8-sig")
    )
    phases: list[str] = []
    got = reconcile_run.run(data, "名单.csv", "poverty", SCOPE, lambda f, t: phases.append(t), path=db)
    assert got.counts["matched"] == 2 and got.counts["invalid_id"] == 1
    assert len(got.rows) == 3
    assert phases == ["读取文件", "核对", "核对", "生成报告"]
