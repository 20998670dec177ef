"""A deterministic synthetic 适龄儿童花名册 for the demo county, with planted faults.

:func:`plant_faults` changes the demo store once (idempotent, recorded in
``meta``): it fills the transfer ledger for the pupils already transferred out
(all confirmed), then plants

* ``double``: pupils enrolled twice (a second record at another school of the
  same level, under a new 学生编号);
* ``unconfirmed``: one transfer out that the receiving school never confirmed,
  older than ``roster.transfer_confirm_days``.

:func:`demo_roster` returns the roster a 公安/户籍 export would give: every
pupil of the county of compulsory age (by home township) plus

* ``never_enrolled``: children with valid IDs who appear in no school;
* ``exempt`` (免缓学 with a reason), ``elsewhere`` (异地就读学校 given) and
  ``placed`` (送教上门 by the roster): accounted for, not faults.

The same seed always gives the same roster.  Column headers are Chinese, as
the public-security export has them.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from lib.core import config, history, ids, store
from lib.core.scope import Scope
from lib.roster import register as roster

SEED = 20261111
META_KEY = "roster_demo_faults"
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
_GIVEN = "子涵浩然欣怡梓轩雨桐宇航思远佳怡俊杰诗琪博文梦瑶"
HEADERS = {
    "id_number": "身份证号",
    "name": "姓名",
    "sex": "性别",
    "birth_date": "出生日期",
    "township": "乡镇",
    "village": "村",
    "address": "户籍地址",
    "guardian_name": "监护人",
    "guardian_phone": "监护人电话",
    "placement": "安置方式",
    "exemption_reason": "免缓学原因",
    "elsewhere_school": "异地就读学校",
    "elsewhere_county": "就读地",
    "elsewhere_confirmed_on": "异地就学确认日期",
}


def _name(rng: np.random.Generator) -> str:
    return rng.choice(list(_SURNAMES)) + "".join(rng.choice(list(_GIVEN), 2))


def make_id(area: str, birth: date, serial: int, sex: str) -> str:
    """A valid 18-digit ID: area code, birth date, a 3-digit serial of the right parity, checksum."""
    seq = (serial * 2 + (1 if sex == "男" else 0)) % 1000
    body = f"{area}{birth:%Y%m%d}{seq:03d}"
    return body + ids.check_char(body)


def plant_faults(path: Path | None = None, *, scope: Scope | None = None) -> dict[str, list[str]]:
    """Plant the store faults once; returns the planted 学生编号 (``double``) and transfer ids."""
    with store.transaction(path) as con:
        got = con.execute("SELECT value FROM meta WHERE key = ?", [META_KEY]).fetchone()
        if got:
            import json

            return json.loads(got[0])
        as_of = _as_of(con, scope)
        days = int(config.SETTINGS.get("roster", {}).get("transfer_confirm_days", 30))
        rng = np.random.default_rng(SEED)
        # the ledger behind the pupils already transferred out: all confirmed
        con.execute(
            "INSERT INTO transfers SELECT 'T' || st.student_id, st.student_id, '转出', st.school_code, NULL, "
            "'外县学校', '外县', coalesce(st.status_date, ?::DATE - 90), "
            "least(coalesce(st.status_date, ?::DATE - 90) + 7, ?::DATE), '对方学校' FROM students st WHERE st.status = '转出' "
            "AND st.student_id NOT IN (SELECT student_id FROM transfers)",
            [as_of, as_of, as_of],
        )
        pupils = con.execute(
            "SELECT st.*, sc.level FROM students st JOIN schools sc ON sc.code = st.school_code "
            "WHERE st.status = '在校' AND st.placement = '普通班' ORDER BY st.student_id"
        ).df()
        pick = rng.choice(len(pupils), 3, replace=False)
        double = []
        for i in pick[:2]:
            p = pupils.iloc[int(i)]
            other = con.execute(
                "SELECT code FROM schools WHERE level = ? AND code <> ? ORDER BY code LIMIT 1",
                [p["level"], p["school_code"]],
            ).fetchone()[0]
            new_id = "SDUP" + p["student_id"][-12:]
            row = p.drop(labels=["level"]).to_dict()
            row.update(student_id=new_id, school_code=other, enrolled_on=as_of - timedelta(days=20))
            cols = list(row)
            con.execute(
                f"INSERT INTO students ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                [None if pd.isna(v) else v for v in row.values()],
            )
            double.append(p["student_id"])
        # one transfer out never confirmed: the pupil leaves the roll, nobody receives them
        q = pupils.iloc[int(pick[2])]
        con.execute(
            "UPDATE students SET status = '转出', status_date = ? WHERE student_id = ?",
            [as_of - timedelta(days=days + 25), q["student_id"]],
        )
        con.execute(
            "INSERT INTO transfers VALUES (?, ?, '转出', ?, NULL, '外县学校', '外县', ?, NULL, NULL)",
            ["TX" + q["student_id"], q["student_id"], q["school_code"], as_of - timedelta(days=days + 25)],
        )
        # problem records: an ID that fails the checksum, a pupil far over age, a person entered twice
        a, b, c = (pupils.iloc[int(i)] for i in rng.choice(len(pupils), 3, replace=False))
        broken = a["id_number"][:17] + ("0" if a["id_number"][17] != "0" else "1")
        con.execute("UPDATE students SET id_number = ? WHERE student_id = ?", [broken, a["student_id"]])
        con.execute(
            "UPDATE students SET grade = 1, birth_date = ? WHERE student_id = ?",
            [date(as_of.year - 11, 3, 1), b["student_id"]],
        )
        twin = c.drop(labels=["level"]).to_dict()
        twin_id = make_id(str(c["id_number"])[:6], c["birth_date"], 777, c["sex"])
        twin.update(student_id="STWN" + c["student_id"][-12:], id_number=twin_id)
        cols = list(twin)
        con.execute(
            f"INSERT INTO students ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
            [None if pd.isna(v) else v for v in twin.values()],
        )
        history.record_students(con, as_of)  # the planted faults are part of the record from today
        planted = {
            "double": double,
            "unconfirmed": ["TX" + q["student_id"]],
            "unconfirmed_student": [q["student_id"]],
            "bad_id": [a["student_id"]],
            "over_age": [b["student_id"]],
            "duplicate": [c["student_id"], twin["student_id"]],
        }
        import json

        con.execute("INSERT INTO meta VALUES (?, ?)", [META_KEY, json.dumps(planted)])
    return planted


def _as_of(con: Any, scope: Scope | None) -> date:
    if scope is not None:
        return scope.as_of
    row = con.execute("SELECT value FROM meta WHERE key = 'as_of'").fetchone()
    return date.fromisoformat(row[0]) if row else config.DEMO_AS_OF


def demo_roster(
    path: Path | None = None, *, scope: Scope | None = None, townships: tuple[str, ...] | None = None
) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """The synthetic roster (Chinese headers) and the planted children's ID numbers by fault.

    Call :func:`plant_faults` first (the double enrolments and the unconfirmed
    transfer are in the store, not in the file).  ``townships`` limits the
    roster to those home townships (smaller files for tests).
    """
    scope = scope or Scope()
    lo, hi = roster.age_bounds(scope)
    with store.connect(path) as con:
        pupils = con.execute(
            "SELECT st.id_number, st.name, st.sex, st.birth_date, v.township_code, t.name AS township, "
            "v.code AS village_code, v.name AS village_name, st.guardian_name, st.guardian_phone "
            "FROM students st JOIN villages v ON v.code = st.village_code JOIN townships t ON t.code = "
            "v.township_code WHERE st.status IN ('在校', '送教上门') AND st.birth_date > ? AND st.birth_date <= ? "
            "AND st.student_id NOT LIKE 'SDUP%' AND st.student_id NOT LIKE 'STWN%' ORDER BY st.id_number",
            [lo, hi],
        ).df()
        vills = con.execute(
            "SELECT v.code, v.name, v.township_code, t.name AS township FROM villages v JOIN townships t "
            "ON t.code = v.township_code WHERE v.township_code LIKE ? ORDER BY v.code",
            [scope.county + "%"],
        ).df()
    if townships is not None:
        pupils = pupils[pupils["township_code"].isin(townships)]
        vills = vills[vills["township_code"].isin(townships)]
    unique = vills.groupby(["township_code", "name"])["code"].transform("size") == 1
    vname = dict(zip(vills["code"], vills["name"].where(unique, vills["code"]), strict=True))
    rng = np.random.default_rng(SEED + 1)
    extra: list[dict[str, Any]] = []
    planted: dict[str, list[str]] = {"never_enrolled": [], "exempt": [], "elsewhere": [], "placed": []}
    kinds = ["never_enrolled"] * 3 + ["exempt"] * 2 + ["elsewhere"] * 2 + ["placed"]
    taken = set(pupils["id_number"])
    for n, kind in enumerate(kinds):
        v = vills.iloc[int(rng.integers(len(vills)))]
        birth = hi - timedelta(days=int(rng.integers(30, 365 * 7)))
        sex = "男" if n % 2 else "女"
        serial = 400 + n
        new = make_id(scope.county, birth, serial, sex)
        while new in taken:
            serial += 1
            new = make_id(scope.county, birth, serial, sex)
        taken.add(new)
        row: dict[str, Any] = {
            "id_number": new,
            "name": _name(rng),
            "sex": sex,
            "birth_date": birth,
            "township": v["township"],
            "village": vname[v["code"]],
            "guardian_name": _name(rng),
            "guardian_phone": f"1390376{n:04d}",
        }
        if kind == "exempt":
            row["exemption_reason"] = "重度残疾，经鉴定暂缓入学"
        elif kind == "elsewhere":
            row.update(
                elsewhere_school="郑州市金水区第一小学",
                elsewhere_county="郑州市金水区",
                elsewhere_confirmed_on=scope.as_of - timedelta(days=400 if n % 2 else 20),
            )
        elif kind == "placed":
            row["placement"] = "送教上门"
        extra.append(row)
        planted[kind].append(new)
    pupils = pupils[pupils["id_number"].map(ids.is_valid_id)].reset_index(drop=True)
    planted["residence"] = []
    for i in rng.choice(len(pupils), min(1, len(pupils)), replace=False):  # 人籍分离: another village
        here = pupils.at[int(i), "village_code"]
        others = vills[
            (vills["township_code"] == pupils.at[int(i), "township_code"]) & (vills["code"] != here)
        ]
        if len(others):
            pupils.at[int(i), "village_code"] = others.iloc[0]["code"]
            planted["residence"].append(pupils.at[int(i), "id_number"])
    base = pd.DataFrame(
        {
            "id_number": pupils["id_number"],
            "name": pupils["name"],
            "sex": pupils["sex"],
            "birth_date": pupils["birth_date"],
            "township": pupils["township"],
            "village": pupils["village_code"].map(vname),
            "guardian_name": pupils["guardian_name"],
            "guardian_phone": pupils["guardian_phone"],
        }
    )
    frame = pd.concat([base, pd.DataFrame(extra)], ignore_index=True)
    frame["address"] = frame["township"] + frame["village"].astype(str)
    frame = frame.reindex(columns=list(HEADERS))
    frame["birth_date"] = pd.to_datetime(frame["birth_date"]).dt.strftime("%Y-%m-%d")
    frame["elsewhere_confirmed_on"] = pd.to_datetime(frame["elsewhere_confirmed_on"]).dt.strftime("%Y-%m-%d")
    return frame.rename(columns=HEADERS), planted


def demo_roster_csv(
    path: Path | None = None, *, scope: Scope | None = None, townships: tuple[str, ...] | None = None
) -> bytes:
    """:func:`demo_roster` as a UTF-8 CSV with BOM (as Excel writes it)."""
    frame, _ = demo_roster(path, scope=scope, townships=townships)
    return frame.to_csv(index=False).encode("utf-8-sig")
