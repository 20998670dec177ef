"""Demo rows for the 学生资助 tables that lib/demo.py does not fill (演示数据).

:func:`ensure_aid_demo` fills approvals, funds allocations, non-compulsory
recipients and their awards, donations and the August freshman campaign from
what the store already holds (students, schools, villages, aid_records), once,
in one transaction, and only in a demo store (``meta.demo == 'true'``).
Deterministic: a fixed seed, dates anchored to the store's ``as_of``, never the
clock.  :func:`sample_registry` builds an outside list with planted faults, to
try 精准识别 on the demo.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from lib.aid import payments as aid_payments
from lib.aid import rules as aid
from lib.core import config, derived, ids, schema, store
from lib.core.scope import school_year_of, term_of
from lib.demo import county as demo

META_KEY = "aid_demo"
_SEED = (config.DEMO_SEED, 6)

_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈彭吕苏卢蒋蔡余潘杜"
_GIVEN = "子浩宇轩博文俊杰涛明鑫磊欣怡梓涵雨萱佳琪诗雅梦婷悦心语彤馨妍晴思嘉玉静芳颖瑶楠雪"
_REJECT_REASONS = (
    "经入户核实，家庭经济状况不符合认定条件",
    "申请材料不全，请补充户口簿及困难证明",
    "学籍信息与申请信息不一致",
    "已在原就读学校享受本学期资助",
)
_HIGH_SCHOOLS = ("信阳市第一高级中学", "信阳市第五高级中学", "平桥区第一高级中学", "平桥区明港高级中学")
_VOCATIONAL = ("信阳职业技术学院(中职部)", "平桥区职业教育中心", "信阳市中等职业学校")
_UNIVERSITIES = (
    "郑州大学",
    "河南大学",
    "信阳师范大学",
    "河南农业大学",
    "信阳农林学院",
    "华中师范大学",
    "武汉大学",
    "河南理工大学",
    "黄淮学院",
    "南阳师范学院",
)
_DONORS = (
    ("信阳市慈善总会", "社会组织"),
    ("平桥区爱心企业家协会", "社会组织"),
    ("平桥区工会", "社会组织"),
    ("平桥区妇联", "社会组织"),
    ("信阳某建材有限公司", "企业"),
    ("平桥某农业发展有限公司", "企业"),
    ("爱心人士(匿名)", "个人"),
)


def _rng(stage: int) -> np.random.Generator:
    return np.random.default_rng([*_SEED, stage])


def _names(rng: np.random.Generator, n: int) -> list[str]:
    s = np.array(list(_SURNAMES))[rng.integers(0, len(_SURNAMES), n)]
    g1 = np.array(list(_GIVEN))[rng.integers(0, len(_GIVEN), n)]
    g2 = np.array(list(_GIVEN))[rng.integers(0, len(_GIVEN), n)]
    two = rng.random(n) < 0.7
    return [a + b + (c if t else "") for a, b, c, t in zip(s, g1, g2, two, strict=True)]


def make_id(area: str, birth: date, seq: int) -> str:
    """A valid ID number (checksum computed) for a synthetic person."""
    body = f"{area}{birth:%Y%m%d}{seq % 1000:03d}"
    return body + ids.check_char(body)


# ------------------------------------------------------------------ entry point
def needs_aid_demo(con: Any) -> bool:
    """A demo store whose aid tables have not been filled yet."""
    if store.get_meta(con, "demo") != "true" or store.get_meta(con, META_KEY) == "true":
        return False
    return con.execute("SELECT count(*) FROM students").fetchall()[0][0] > 0


def ensure_aid_demo(path: Path | None = None) -> bool:
    """Fill the aid tables of a demo store once (one transaction).  True if it did."""
    with store.connect(path) as con:
        if not needs_aid_demo(con):
            return False
    with store.transaction(path) as con:
        if not needs_aid_demo(con):  # another process did it meanwhile
            return False
        as_of = date.fromisoformat(store.get_meta(con, "as_of") or config.DEMO_AS_OF.isoformat())
        frames = build_frames(con, as_of)
        for name, frame in frames.items():
            store.write_table(con, name, frame, mode="replace")
        derived.changed(con, tuple(frames))
        store.set_meta(con, META_KEY, "true")
    return True


def build_frames(con: Any, as_of: date) -> dict[str, pd.DataFrame]:
    """Every aid demo table, from what the store holds."""
    year, term = school_year_of(as_of), term_of(as_of)
    students = con.execute(
        "SELECT st.student_id, st.grade, st.school_code, sc.township_code, st.boarding, st.poverty_category, "
        "st.orphan, st.unsupported, st.disability, st.disabled_parent, st.martyr_child FROM students st "
        "JOIN schools sc ON sc.code = st.school_code WHERE st.status IN ('在校', '送教上门') ORDER BY st.student_id"
    ).df()
    records = con.execute(
        "SELECT a.*, sc.township_code FROM aid_records a LEFT JOIN schools sc ON sc.code = a.school_code "
        "ORDER BY a.record_id"
    ).df()
    villages = con.execute("SELECT code, township_code FROM villages ORDER BY code").df()
    defect = set(_defect_townships(con))
    apps, steps = _applications(students, records, as_of=as_of, year=year, term=term, defect=defect)
    recipients = _recipients(villages, as_of=as_of)
    awards = _awards(recipients, as_of=as_of, defect=defect)
    r_apps, r_steps = _recipient_applications(recipients, awards, as_of=as_of, year=year)
    donations, grants, campaign = _social(recipients, students, as_of=as_of)
    funds = _funds(
        records, awards.merge(recipients[["recipient_id", "township_code"]], on="recipient_id"), year=year
    )
    return {
        "aid_applications": pd.concat([apps, r_apps], ignore_index=True),
        "aid_approval_steps": pd.concat([steps, r_steps], ignore_index=True),
        "aid_funds": funds,
        "aid_recipients": recipients,
        "aid_recipient_awards": awards,
        "aid_donations": donations,
        "aid_donation_grants": grants,
        "aid_campaign_applications": campaign,
    }


def _defect_townships(con: Any) -> list[str]:
    """The demo's aid-defect townships (named in :mod:`lib.demo.county`)."""
    return list(demo.AID_DEFECT_TOWNSHIPS)


# ------------------------------------------------------------------ approvals
def _steps_for(
    app_id: str, stages: list[str], days: list[date], actors: list[str], rejected: str | None = None
) -> list[dict[str, Any]]:
    rows = []
    for i, (stage, day, actor) in enumerate(zip(stages, days, actors, strict=True), start=1):
        last = rejected is not None and i == len(stages)
        rows.append(
            {
                "step_id": f"{app_id}-{i:02d}",
                "application_id": app_id,
                "stage": stage,
                "decision": "退回" if last else "通过",
                "reason": rejected if last else None,
                "actor": actor,
                "acted_on": day,
            }
        )
    return rows


_ACTORS = {
    "已申请": "学生家长",
    "学校初审": "学校资助专干",
    "资助中心核对": "区资助中心",
    "已批准": "区教体局",
    "已发放": "区资助中心",
}


def _applications(
    students: pd.DataFrame, records: pd.DataFrame, *, as_of: date, year: int, term: int, defect: set[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = _rng(1)
    owed = aid.eligibility(students, school_year=year, term=term, nutrition_schools=set())
    owed = owed[owed["programme"].isin([aid.LIVING_SUBSIDY, aid.PROVINCIAL])]
    owed = owed.merge(students[["student_id", "township_code"]], on="student_id")
    cur = records[(records["school_year"] == year) & (records["term"] == term)]
    cur = cur.drop_duplicates(["student_id", "programme"])
    listed = {
        (sid, p): (None if pd.isna(d) else pd.Timestamp(d).date())
        for sid, p, d in zip(cur["student_id"], cur["programme"], cur["paid_date"], strict=True)
    }
    start = aid.term_start(year, term)
    stages = list(schema.AID_STAGES)
    apps: list[dict[str, Any]] = []
    steps: list[dict[str, Any]] = []
    u = rng.random((len(owed), 6))
    gaps = rng.integers(1, 8, (len(owed), 5))
    for i, r in enumerate(owed.itertuples(index=False)):
        app_id = f"A{year}{term}{i + 1:06d}"
        applied = start + timedelta(days=int(3 + u[i, 0] * 12))
        key = (r.student_id, r.programme)
        bad = r.township_code in defect
        if key in listed:
            paid = listed[key]
            reached = stages if paid is not None and paid <= as_of else stages[:-1]
        else:
            if u[i, 1] < (0.35 if bad else 0.5):
                continue  # never applied: the gap list says so
            waits = (stages[:1], stages[:2], stages[:3])
            pick = u[i, 2]
            reached = list(
                waits[0] if pick < (0.5 if bad else 0.35) else waits[1] if pick < 0.75 else waits[2]
            )
            if u[i, 3] < 0.25:
                reached = [*reached, schema.AID_REJECTED]
        days = [applied]
        if key in listed:
            for k in range(1, len(reached)):
                days.append(days[-1] + timedelta(days=int(gaps[i, k - 1] * (3 if bad else 1))))
        else:  # still moving (or turned down): the last step some days or weeks ago
            last = max(applied, as_of - timedelta(days=int(u[i, 5] * (60 if bad else 20))))
            n = len(reached)
            days = [applied + (last - applied) * (k / max(n - 1, 1)) for k in range(n)]
        if reached[-1] == stages[-1]:
            days[-1] = max(paid, days[-2] + timedelta(days=1)) if paid else days[-1]
        days = [min(d, as_of) for d in days]
        reason = (
            _REJECT_REASONS[int(u[i, 4] * len(_REJECT_REASONS))]
            if reached[-1] == schema.AID_REJECTED
            else None
        )
        status = reached[-1]
        step_stages = [*reached[:-1], _rejected_stage(reached)] if reason else reached
        apps.append(
            {
                "application_id": app_id,
                "student_id": r.student_id,
                "recipient_id": None,
                "school_code": r.school_code,
                "township_code": r.township_code,
                "programme": r.programme,
                "school_year": year,
                "term": term,
                "amount": r.standard_amount,
                "status": status,
                "applied_on": applied,
                "stage_on": days[-1],
                "reject_reason": reason,
                "version": 1,
                "updated_by": "demo",
            }
        )
        steps += _steps_for(
            app_id, step_stages, days, [_ACTORS.get(s, "区资助中心") for s in step_stages], reason
        )
    return pd.DataFrame(apps), pd.DataFrame(steps)


def _rejected_stage(reached: list[str]) -> str:
    """The stage at which a rejected application was turned down (the one after the last passed)."""
    return aid.next_stage(reached[-2])


# ------------------------------------------------------------------ non-compulsory recipients
def _recipients(villages: pd.DataFrame, *, as_of: date) -> pd.DataFrame:
    rng = _rng(2)
    county_villages = villages[villages["code"].str.startswith(config.COUNTY_CODE)]
    n = 1200
    year = school_year_of(as_of)
    stage = rng.choice(list(schema.AID_RECIPIENT_STAGES), n, p=[0.45, 0.2, 0.35])
    span = np.where(stage == "大学", 4, 3)
    entry = year - (rng.random(n) * span).astype(int)
    age_at_entry = np.where(stage == "大学", 18, 15)
    birth_year = entry - age_at_entry
    v = county_villages.iloc[rng.integers(0, len(county_villages), n)]
    cats = rng.choice(["脱贫户", "监测对象", "低保", "特困", None], n, p=[0.5, 0.2, 0.15, 0.05, 0.1])
    sex = rng.choice(["男", "女"], n)
    inst = [
        (_UNIVERSITIES if s == "大学" else _VOCATIONAL if s == "中职" else _HIGH_SCHOOLS)[
            k
            % 10
            % (len(_UNIVERSITIES) if s == "大学" else len(_VOCATIONAL) if s == "中职" else len(_HIGH_SCHOOLS))
        ]
        for s, k in zip(stage, rng.integers(0, 1000, n), strict=True)
    ]
    ids_ = []
    for i in range(n):
        b = date(int(birth_year[i]), int(rng.integers(1, 13)), int(rng.integers(1, 29)))
        seq = int(rng.integers(0, 50)) * 20 + (1 if sex[i] == "男" else 2) + 500
        ids_.append(make_id(config.COUNTY_CODE, b, seq))
    return pd.DataFrame(
        {
            "recipient_id": [f"R{i + 1:05d}" for i in range(n)],
            "id_number": ids_,
            "name": _names(rng, n),
            "sex": sex,
            "stage": stage,
            "institution": inst,
            "entry_year": entry,
            "village_code": v["code"].to_numpy(),
            "township_code": v["township_code"].to_numpy(),
            "poverty_category": cats,
            "phone": ["1" + "".join(map(str, rng.integers(0, 10, 10))) for _ in range(n)],
        }
    )


def _awards(recipients: pd.DataFrame, *, as_of: date, defect: set[str]) -> pd.DataFrame:
    rng = _rng(3)
    y0 = school_year_of(as_of)
    rows: list[dict[str, Any]] = []
    for r in recipients.itertuples(index=False):
        bad = r.township_code in defect
        for year in range(max(r.entry_year, y0 - 2), y0 + 1):
            for term in (1, 2):
                due = aid_payments.default_due_date(year, term, "助学金")
                if aid.term_start(year, term) > as_of:
                    continue
                progs = []
                if r.poverty_category:
                    progs.append("助学金")
                    if r.stage != "大学":
                        progs.append("学费减免")
                if term == 1 and r.stage == "大学" and rng.random() < 0.35:
                    progs.append("生源地信用助学贷款")
                if term == 1 and r.stage == "大学" and r.poverty_category and rng.random() < 0.08:
                    progs.append("奖学金")
                for p in progs:
                    yearly = aid.other_standard(p, year, r.stage) or 0.0
                    std = yearly if p in aid.BY_APPLICATION else yearly / 2
                    u = rng.random(3)
                    if year == y0 and u[0] < (0.12 if bad else 0.03):
                        continue  # an eligible recipient left out this term (a coverage gap)
                    late = u[1] < (0.25 if bad else 0.04)
                    paid_on = (
                        due + timedelta(days=int(10 + u[2] * 30))
                        if late
                        else due - timedelta(days=int(u[2] * 25))
                    )
                    short = u[2] < (0.1 if bad else 0.01)
                    if paid_on > as_of:
                        paid_on, paid = None, 0.0
                    else:
                        paid = std * (0.5 if short else 1.0)
                    rows.append(
                        {
                            "recipient_id": r.recipient_id,
                            "programme": p,
                            "school_year": year,
                            "term": term,
                            "standard_amount": std,
                            "paid_amount": paid,
                            "due_date": due,
                            "paid_date": paid_on,
                            "funding_source": "中央" if p != "学费减免" else "省级",
                        }
                    )
    out = pd.DataFrame(rows)
    out.insert(0, "award_id", [f"W{i + 1:06d}" for i in range(len(out))])
    return out


def _recipient_applications(
    recipients: pd.DataFrame, awards: pd.DataFrame, *, as_of: date, year: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """This term's grant applications of recipients (most paid, some still moving)."""
    rng = _rng(4)
    term = term_of(as_of)
    cur = awards[
        (awards["school_year"] == year) & (awards["term"] == term) & (awards["programme"] == "助学金")
    ]
    paid = set(cur.loc[cur["paid_amount"] > 0, "recipient_id"])
    poor = recipients[recipients["poverty_category"].notna()]
    stages = list(schema.AID_STAGES)
    apps, steps = [], []
    start = aid.term_start(year, term)
    for i, r in enumerate(poor.itertuples(index=False)):
        app_id = f"B{year}{term}{i + 1:05d}"
        reached = stages if r.recipient_id in paid else stages[: 1 + int(rng.integers(0, 4))]
        days = [start + timedelta(days=int(5 + 3 * k + rng.integers(0, 4))) for k in range(len(reached))]
        days = [min(d, as_of) for d in days]
        amount = (aid.other_standard("助学金", year, r.stage) or 0.0) / 2
        apps.append(
            {
                "application_id": app_id,
                "student_id": None,
                "recipient_id": r.recipient_id,
                "school_code": None,
                "township_code": r.township_code,
                "programme": "助学金",
                "school_year": year,
                "term": term,
                "amount": amount,
                "status": reached[-1],
                "applied_on": days[0],
                "stage_on": days[-1],
                "reject_reason": None,
                "version": 1,
                "updated_by": "demo",
            }
        )
        steps += _steps_for(app_id, reached, days, [_ACTORS[s] for s in reached])
    return pd.DataFrame(apps), pd.DataFrame(steps)


# ------------------------------------------------------------------ social aid
def _social(
    recipients: pd.DataFrame, students: pd.DataFrame, *, as_of: date
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    rng = _rng(5)
    grant_yuan = float(config.SETTINGS["aid"]["freshman_campaign"]["grant_yuan"])
    last = as_of.year if as_of.month >= 8 else as_of.year - 1
    donations, grants, campaign = [], [], []
    for cy in range(last - 2, last + 1):
        freshmen = recipients[
            (recipients["stage"] == "大学")
            & (recipients["entry_year"] == cy)
            & recipients["poverty_category"].notna()
        ]
        funded_ids = []
        status = []
        for _ in freshmen.itertuples(index=False):
            u = rng.random()
            status.append("已资助" if u < 0.82 else "未资助" if u < 0.94 else "已申请")
        if cy != last:
            status = ["已资助" if s == "已申请" else s for s in status]
        need = sum(s == "已资助" for s in status) * grant_yuan
        donors = rng.choice(len(_DONORS), 3, replace=False)
        shares = rng.dirichlet(np.ones(3))
        don_ids = []
        for k, (d, share) in enumerate(zip(donors, shares, strict=True)):
            did = f"D{cy}08{k + 1:02d}"
            don_ids.append(did)
            donations.append(
                {
                    "donation_id": did,
                    "donor": _DONORS[d][0],
                    "donor_kind": _DONORS[d][1],
                    "amount": float(np.ceil(need * share * 1.1 / 1000) * 1000),
                    "received_on": date(cy, 8, int(3 + 6 * k)),
                    "purpose": "大学新生助学",
                    "campaign_year": cy,
                    "recorded_by": "区资助中心",
                }
            )
        room = [d["amount"] for d in donations[-3:]]  # fill one donation after another
        k = 0
        for j, (r, s) in enumerate(zip(freshmen.itertuples(index=False), status, strict=True)):
            app_id = f"F{cy}{j + 1:04d}"
            gid = None
            if s == "已资助":
                while k < 2 and room[k] < grant_yuan:
                    k += 1
                room[k] -= grant_yuan
                gid = f"G{cy}F{j + 1:04d}"
                grants.append(
                    {
                        "grant_id": gid,
                        "donation_id": don_ids[k],
                        "student_id": None,
                        "recipient_id": r.recipient_id,
                        "township_code": r.township_code,
                        "amount": grant_yuan,
                        "granted_on": date(cy, 8, 28),
                    }
                )
                funded_ids.append(r.recipient_id)
            campaign.append(
                {
                    "application_id": app_id,
                    "campaign_year": cy,
                    "recipient_id": r.recipient_id,
                    "applied_on": date(cy, 8, int(1 + rng.integers(0, 20))),
                    "university": r.institution,
                    "status": s,
                    "grant_id": gid,
                    "note": "已获其他资助或材料不全" if s == "未资助" else None,
                }
            )
        # a winter-clothes donation to poor compulsory-school students
        poor = students[students["poverty_category"].isin(["特困", "低保"])]
        take = poor.iloc[rng.choice(len(poor), min(60, len(poor)), replace=False)] if len(poor) else poor
        did = f"D{cy}1201"
        winter = date(cy, 12, 10)
        if winter <= as_of:
            donor = _DONORS[int(rng.integers(0, 6))]
            donations.append(
                {
                    "donation_id": did,
                    "donor": donor[0],
                    "donor_kind": donor[1],
                    "amount": float(len(take) * 500),
                    "received_on": winter,
                    "purpose": "困难学生冬衣与学习用品",
                    "campaign_year": None,
                    "recorded_by": "区资助中心",
                }
            )
            for k, s in enumerate(take.itertuples(index=False)):
                grants.append(
                    {
                        "grant_id": f"G{cy}W{k + 1:04d}",
                        "donation_id": did,
                        "student_id": s.student_id,
                        "recipient_id": None,
                        "township_code": s.township_code,
                        "amount": 500.0,
                        "granted_on": winter + timedelta(days=5),
                    }
                )
    return pd.DataFrame(donations), pd.DataFrame(grants), pd.DataFrame(campaign)


# ------------------------------------------------------------------ funds
def _funds(records: pd.DataFrame, awards: pd.DataFrame, *, year: int) -> pd.DataFrame:
    """Allocations per township, programme and source: each term's need, slightly off."""
    rng = _rng(6)
    cols = ["township_code", "programme", "funding_source", "term", "standard_amount"]
    rec = pd.concat(
        [records[records["school_year"] == year][cols], awards[awards["school_year"] == year][cols]],
        ignore_index=True,
    )
    # term 2 of the current year is not in the ledger yet: allocate it like term 1
    t2 = rec[rec["term"] == 1].assign(term=2) if not (rec["term"] == 2).any() else rec.iloc[0:0]
    need = pd.concat([rec, t2], ignore_index=True)
    need = need.groupby(["township_code", "programme", "funding_source", "term"], as_index=False)[
        "standard_amount"
    ].sum()
    rows = []
    for i, r in enumerate(need.itertuples(index=False)):
        factor = 0.97 + rng.random() * 0.08
        rows.append(
            {
                "allocation_id": f"F{year}{i + 1:05d}",
                "school_year": year,
                "programme": r.programme,
                "funding_source": r.funding_source,
                "township_code": r.township_code,
                "amount": float(round(r.standard_amount * factor / 100) * 100),
                "allocated_on": date(year, 9, 10) if r.term == 1 else date(year + 1, 3, 10),
                "document_no": f"平财教〔{year if r.term == 1 else year + 1}〕{10 + i % 40}号",
            }
        )
    return pd.DataFrame(rows)


# ------------------------------------------------------------------ a list to try 精准识别 on
def sample_registry(
    con: Any,
    *,
    kind: str = "poverty",
    as_of: date | None = None,
    n: int | None = None,
    leave_out: int = 12,
    with_truth: bool = False,
) -> pd.DataFrame:
    """A synthetic outside list of ``kind`` drawn from the store, with planted faults.

    Columns as a bureau receives them (序号, 姓名, 身份证号码, 乡镇, 与户主关系): the
    enrolled students flagged in the category (the first ``n`` by student ID,
    all by default) except ``leave_out`` of them, plus: an ID in scientific
    notation, one whose last three digits Excel turned into 000, two name
    variants, an ID written with spaces and a lower-case x or full-width
    digits (still matched), a duplicate row, adults and an infant of the
    households, a child of another county and two children of the county who
    are not students.

    With ``with_truth`` the frame has an ``_expected`` column (each row's
    category) and ``attrs["not_in_registry"]`` (the student IDs missing from
    the list): for tests.
    """
    rng = _rng(7)
    as_of = as_of or config.DEMO_AS_OF
    cond = {
        "poverty": "st.poverty_category IN ('脱贫户', '监测对象')",
        "minimal_living": "st.poverty_category IN ('低保', '特困')",
        "disability": "st.disability",
        "aid_system": aid.priority_group_sql("st"),
    }[kind]
    base = con.execute(
        f"SELECT st.student_id, st.id_number, st.name, t.name AS township FROM students st "
        f"JOIN villages v ON v.code = st.village_code JOIN townships t ON t.code = v.township_code "
        f"WHERE st.status IN ('在校', '送教上门') AND {cond} AND st.id_number IS NOT NULL "
        f"ORDER BY st.student_id" + (f" LIMIT {int(n)}" if n else "")
    ).df()
    taken = {i for i in con.execute("SELECT id_number FROM students").df()["id_number"] if i}
    drop = rng.choice(len(base), min(leave_out, max(len(base) - 10, 0)), replace=False)
    missing = set(base["student_id"].iloc[drop])
    base = base.drop(index=base.index[drop]).reset_index(drop=True)
    rows = [
        {
            "姓名": nm,
            "身份证号码": idn,
            "乡镇": town,
            "与户主关系": "子女",
            "_expected": "matched",
            "_sid": sid,
        }
        for sid, idn, nm, town in base.itertuples(index=False)
    ]
    picks = iter(rng.permutation(len(rows)))
    i = next(picks)
    rows[i].update(
        {"身份证号码": f"{int(rows[i]['身份证号码'][:6]) / 1e5:.5f}E+17", "_expected": "invalid_id"}
    )
    missing.add(rows[i]["_sid"])
    for i in picks:
        zeros = rows[i]["身份证号码"][:15] + "000"
        if not ids.is_valid_id(zeros):
            rows[i].update({"身份证号码": zeros, "_expected": "invalid_id"})
            missing.add(rows[i]["_sid"])
            break
    for variant in ("晓", "小"):
        i = next(picks)
        nm = rows[i]["姓名"]
        rows[i].update({"姓名": nm[0] + variant + nm[1:], "_expected": "name_mismatch"})
    i = next(picks)
    idn = rows[i]["身份证号码"]
    rows[i]["身份证号码"] = " ".join([idn[:6], idn[6:14], idn[14:].lower()])
    i = next(picks)
    rows[i]["身份证号码"] = rows[i]["身份证号码"].translate(
        str.maketrans("0123456789", "０１２３４５６７８９")
    )
    dup = dict(rows[next(picks)])
    rows.append({**dup, "_expected": "duplicate" if dup["_expected"] != "invalid_id" else "invalid_id"})
    towns = [r["乡镇"] for r in rows[:3]] or ["平桥区"]

    def person(name: str, idn: str, town: str, rel: str, expected: str) -> dict[str, Any]:
        return {
            "姓名": name,
            "身份证号码": idn,
            "乡镇": town,
            "与户主关系": rel,
            "_expected": expected,
            "_sid": None,
        }

    y = as_of.year
    names = _names(rng, 8)
    rows.append(
        person(
            names[0], make_id(config.COUNTY_CODE, date(y - 41, 3, 5), 111), towns[0], "户主", "out_of_scope"
        )
    )
    rows.append(
        person(
            names[1], make_id(config.COUNTY_CODE, date(y - 38, 7, 9), 122), towns[0], "配偶", "out_of_scope"
        )
    )
    rows.append(
        person(
            names[2], make_id(config.COUNTY_CODE, date(y - 67, 1, 20), 131), towns[1], "父母", "out_of_scope"
        )
    )
    rows.append(
        person(
            names[3], make_id(config.COUNTY_CODE, date(y - 1, 6, 1), 142), towns[1], "子女", "out_of_scope"
        )
    )
    rows.append(
        person(names[4], make_id("411521", date(y - 10, 5, 5), 153), "罗山县周党镇", "子女", "out_of_scope")
    )
    for k, town in enumerate(towns[:2]):
        seq = 164 + 10 * k
        while make_id(config.COUNTY_CODE, date(y - 11 + k, 4, 4), seq) in taken:
            seq += 2
        rows.append(
            person(
                names[5 + k],
                make_id(config.COUNTY_CODE, date(y - 11 + k, 4, 4), seq),
                town,
                "子女",
                "not_enrolled",
            )
        )
    out = pd.DataFrame(rows)
    out.insert(0, "序号", range(1, len(out) + 1))
    if with_truth:
        out.attrs["not_in_registry"] = sorted(missing)
        return out.drop(columns="_sid")
    return out.drop(columns=["_expected", "_sid"])
