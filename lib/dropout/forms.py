"""The release's 两表, the 核查反馈 export and the escalation notice list (pure; frames in, frames out).

* **辍学学生登记表**: every child out of school or suspected to be on ``as_of`` (derived status
  疑似辍学 or 辍学): 姓名, 性别, 身份证号, 学校, 年级, 户籍村, 监护人, 联系电话, 辍学(疑似)时间,
  原因, 六长责任人.
* **劝返复学情况表**: every child returned in the school year (a reopened case too): 姓名, 学校,
  年级, 劝返责任人, 劝返日期 (the first persuasion logged), 复学日期, 安置方式, 30 天/90 天巩固情况.
* **核查反馈**: one row per case in the layout of a provincial module's feedback file
  (身份证号, 姓名, 核查结果, 核查说明, 核查人, 核查日期): the layout to adapt when a province
  publishes its own (docs/dropout.md).
* **升级督办通知**: the escalated follow-ups whose responsible person has no account (so 我的待办
  cannot reach them), to print or send.

All are personal data: masked unless the caller passes ``mask=False`` (a role that may unmask,
recorded by the page).  :func:`render_html` prints any of them on A4 (landscape).
"""

from __future__ import annotations

import html
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from lib.core import config, fmt, ids, schema, store
from lib.dropout import rules as dropout

REGISTER_COLUMNS = (
    "姓名",
    "性别",
    "身份证号",
    "学校",
    "年级",
    "户籍村",
    "监护人",
    "联系电话",
    "辍学(疑似)时间",
    "原因",
    "六长责任人",
)
RETURN_COLUMNS = (
    "姓名",
    "学校",
    "年级",
    "劝返责任人",
    "劝返日期",
    "复学日期",
    "安置方式",
    "30天巩固情况",
    "90天巩固情况",
)
FEEDBACK_COLUMNS = ("身份证号", "姓名", "核查结果", "核查说明", "核查人", "核查日期")
ESCALATION_COLUMNS = ("台账编号", "学生", "户籍村", "督办对象", "姓名", "电话", "逾期天数", "待办事项")
#: Derived status -> 核查结果.
CHECK_RESULT: dict[str, str] = {"疑似辍学": "核查中", "辍学": "辍学", "已返校": "已返校", "误报": "在校"}
_CHIEF_ORDER = ("教体局局长", "镇长", "校长", "村长", "家长", "师长")


def _d(value: Any) -> str:
    if value is None or value is pd.NaT or (not isinstance(value, date) and pd.isna(value)):
        return ""
    return (value if isinstance(value, date) else pd.Timestamp(value).date()).isoformat()


def _grade(g: Any) -> str:
    return schema.GRADE_LABELS.get(int(g), "") if g is not None and not pd.isna(g) else "未入学"


def _people(responsibles: pd.DataFrame, *, mask: bool) -> dict[str, str]:
    """Per case, its 六长 as one line: 教体局局长 张三 138…；镇长 …"""
    out: dict[str, list[str]] = {}
    if responsibles.empty:
        return {}
    r = responsibles.assign(_o=responsibles["role"].map({k: i for i, k in enumerate(_CHIEF_ORDER)}))
    for row in r.sort_values(["case_id", "_o"]).itertuples(index=False):
        if row.name is None or pd.isna(row.name) or not str(row.name).strip():
            continue
        name = ids.mask_name(row.name) if mask else row.name
        out.setdefault(row.case_id, []).append(f"{row.role} {name}")
    return {k: "；".join(v) for k, v in out.items()}


def register_table(
    cases: pd.DataFrame, responsibles: pd.DataFrame, *, as_of: date, mask: bool = True
) -> pd.DataFrame:
    """辍学学生登记表 (:data:`REGISTER_COLUMNS`) of the cases out of school or suspected on ``as_of``."""
    now = dropout.status_on(cases, as_of)
    c = cases[now.isin(dropout.OPEN_DERIVED).to_numpy()].sort_values(
        ["township_code", "reported_on", "case_id"]
    )
    people = _people(responsibles, mask=mask)
    since = [
        _d(v if isinstance(v, date) and not pd.isna(v) else r)
        for v, r in zip(c["verified_on"], c["reported_on"], strict=True)
    ]
    out = pd.DataFrame(
        {
            "姓名": c["name"].to_numpy(),
            "性别": c["sex"].to_numpy(),
            "身份证号": c["id_number"].to_numpy(),
            "学校": c["school_name"].fillna("(未入学)").to_numpy(),
            "年级": [_grade(g) for g in c["grade"]],
            "户籍村": (c["township_name"].fillna("") + c["village_name"].fillna("")).to_numpy(),
            "监护人": c["guardian_name"].to_numpy(),
            "联系电话": c["guardian_phone"].to_numpy(),
            "辍学(疑似)时间": since,
            "原因": c["reason"].to_numpy(),
            "六长责任人": c["case_id"].map(people).fillna("").to_numpy(),
        }
    )
    if mask:
        out = ids.mask_frame(
            out, columns={"姓名": "name", "身份证号": "id", "监护人": "name", "联系电话": "phone"}
        )
    return out.reset_index(drop=True)


def return_table(
    cases: pd.DataFrame,
    responsibles: pd.DataFrame,
    actions: pd.DataFrame,
    presence: pd.DataFrame,
    *,
    year_start: date,
    as_of: date,
    mask: bool = True,
) -> pd.DataFrame:
    """劝返复学情况表 (:data:`RETURN_COLUMNS`): children returned from ``year_start`` to ``as_of``
    (their latest return), with who persuaded them and the 30/90-day checks (``presence``:
    ``student_id``, ``present``)."""
    back = pd.to_datetime(
        cases["returned_on"].where(cases["returned_on"].notna(), cases.get("first_returned_on"))
    )
    keep = ((back >= pd.Timestamp(year_start)) & (back <= pd.Timestamp(as_of))).to_numpy()
    c = cases[keep].assign(_back=back[keep].dt.date).sort_values(["_back", "case_id"])
    acts = actions[actions["action"] != "发放通知书"] if len(actions) else actions
    persuaders: dict[str, str] = {}
    last_act: dict[str, date] = {}
    if len(acts):
        # the persuasion before the (latest) return, not the follow-up visits after it
        until = dict(zip(c["case_id"], c["_back"], strict=True))
        acts = acts[acts["case_id"].isin(until)]
        # a bool array: an empty list would select columns, not rows
        before = [d <= until[k] for k, d in zip(acts["case_id"], acts["acted_on"], strict=True)]
        acts = acts[np.array(before, dtype=bool)]
        for case_id, g in acts.sort_values("acted_on").groupby("case_id"):
            who = [a for a in dict.fromkeys(g["actor"].dropna()) if a]
            persuaders[case_id] = "、".join(ids.mask_name(a) if mask else a for a in who[:3])
            last_act[case_id] = g["acted_on"].iloc[0]  # when persuasion began
    people = _people(responsibles, mask=mask)
    present = dict(zip(presence["student_id"], presence["present"], strict=True)) if len(presence) else {}
    checks = [
        dropout.retention_status(b, as_of, present=bool(present.get(s, False)))
        for b, s in zip(c["_back"], c["student_id"], strict=True)
    ]
    out = pd.DataFrame(
        {
            "姓名": c["name"].to_numpy(),
            "学校": c["school_name"].fillna("(未入学)").to_numpy(),
            "年级": [_grade(g) for g in c["grade"]],
            "劝返责任人": [persuaders.get(k) or people.get(k, "") for k in c["case_id"]],
            "劝返日期": [_d(last_act.get(k)) for k in c["case_id"]],
            "复学日期": [_d(b) for b in c["_back"]],
            "安置方式": c["return_placement"].fillna("原校(未登记)").to_numpy()
            if "return_placement" in c
            else "原校(未登记)",
            "30天巩固情况": [ch.get(30, "") for ch in checks],
            "90天巩固情况": [ch.get(90, "") for ch in checks],
        }
    )
    if mask:
        out = ids.mask_frame(out, columns={"姓名": "name"})
    return out.reset_index(drop=True)


def feedback_table(cases: pd.DataFrame, *, as_of: date, mask: bool = True) -> pd.DataFrame:
    """核查反馈 (:data:`FEEDBACK_COLUMNS`): one row per case reported by ``as_of``."""
    now = dropout.status_on(cases, as_of)
    c = cases[now.notna().to_numpy()].assign(now_status=now[now.notna()])
    notes = []
    for row in c.itertuples(index=False):
        if row.now_status == "误报":
            notes.append(f"误报：{row.dismiss_reason or ''}".rstrip("："))
        elif row.now_status == "已返校":
            notes.append(f"已返校，安置方式：{getattr(row, 'return_placement', None) or '原校'}")
        else:
            notes.append(f"辍学原因：{row.reason}")
    last = [
        max((_d(v) for v in (r, ve, ret, cl) if _d(v)), default="")
        for r, ve, ret, cl in zip(
            c["reported_on"], c["verified_on"], c["returned_on"], c["closed_on"], strict=True
        )
    ]
    out = pd.DataFrame(
        {
            "身份证号": c["id_number"].to_numpy(),
            "姓名": c["name"].to_numpy(),
            "核查结果": c["now_status"].map(CHECK_RESULT).to_numpy(),
            "核查说明": notes,
            "核查人": c["updated_by"].to_numpy(),
            "核查日期": last,
        }
    )
    if mask:
        out = ids.mask_frame(out, columns={"姓名": "name", "身份证号": "id"})
    return out.reset_index(drop=True)


def escalation_notices(
    cases: pd.DataFrame,
    responsibles: pd.DataFrame,
    *,
    as_of: date,
    mask: bool = True,
    settings: dict[str, Any] | None = None,
) -> pd.DataFrame:
    """升级督办通知 (:data:`ESCALATION_COLUMNS`): open cases whose follow-up escalated to a person
    without an account (those with one get the task in 我的待办), most overdue first."""
    live = cases[cases["status"].isin((*schema.OPEN_CASE_STATUS, "已返校"))]
    esc = dropout.escalation(live["next_followup_on"], as_of=as_of, settings=settings)
    live = live.assign(role=esc["responsible"].to_numpy(), overdue=esc["overdue_days"].to_numpy())
    live = live[esc["escalated"].to_numpy()]
    r = responsibles.set_index(["case_id", "role"]) if len(responsibles) else None

    def person(case_id: str, role: str) -> tuple[Any, Any, Any]:
        if r is None or (case_id, role) not in r.index:
            return None, None, None
        row = r.loc[(case_id, role)]
        return row["name"], row["phone"], row.get("account")

    people = [person(c, role) for c, role in zip(live["case_id"], live["role"], strict=True)]
    no_account = np.array([not (isinstance(p[2], str) and p[2]) for p in people], dtype=bool)
    live, people = live[no_account], [p for p, keep in zip(people, no_account, strict=True) if keep]
    todo = np.where(
        live["status"] == "疑似辍学",
        "核实是否辍学",
        np.where(live["status"] == "已返校", "返校巩固回访", "劝返"),
    )
    out = pd.DataFrame(
        {
            "台账编号": live["case_id"].to_numpy(),
            "学生": live["name"].to_numpy(),
            "户籍村": (live["township_name"].fillna("") + live["village_name"].fillna("")).to_numpy(),
            "督办对象": live["role"].to_numpy(),
            "姓名": [p[0] if isinstance(p[0], str) else "（未填，请补齐六长）" for p in people],
            "电话": [p[1] for p in people],
            "逾期天数": live["overdue"].astype("Int64").to_numpy(),
            "待办事项": todo,
        }
    )
    if mask:
        out = ids.mask_frame(out, columns={"学生": "name", "电话": "phone"})
        out["姓名"] = out["姓名"].map(lambda n: n if n.startswith("（") else ids.mask_name(n))
    return out.sort_values(["逾期天数", "台账编号"], ascending=[False, True], ignore_index=True)


_CSS = """
@page { size: A4 landscape; margin: 12mm 10mm; }
body { font-family: "SimSun", "Noto Serif CJK SC", serif; font-size: 10.5pt; color: #000; }
h1 { font-family: "SimHei", "Noto Sans CJK SC", sans-serif; font-size: 16pt; text-align: center; margin: 0 0 2mm; }
.meta { text-align: center; font-size: 10pt; margin-bottom: 3mm; }
table { border-collapse: collapse; width: 100%; table-layout: auto; }
th, td { border: 0.6pt solid #000; padding: 1mm 1.2mm; vertical-align: top; }
th { background: #eee; white-space: nowrap; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; }
.sign { margin-top: 5mm; display: flex; justify-content: space-between; }
"""


def render_html(title: str, table: pd.DataFrame, *, scope_text: str, as_of: date) -> str:
    """One of these tables as a printable HTML document (A4 landscape, the header row on every page)."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in ["序号", *table.columns])
    rows = "\n".join(
        "<tr>"
        + f"<td>{i}</td>"
        + "".join(
            f"<td>{html.escape('' if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v))}</td>"
            for v in r
        )
        + "</tr>"
        for i, r in enumerate(table.itertuples(index=False), start=1)
    )
    unit = f"{config.CITY_NAME}{config.COUNTY_NAME}教育体育局"
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{html.escape(title)}</title><style>{_CSS}</style></head>
<body><h1>{html.escape(title)}</h1>
<div class="meta">{html.escape(unit)} · {html.escape(scope_text)} · 截至{fmt.fmt_date(as_of)} · 共 {len(table)} 人</div>
<table><thead><tr>{head}</tr></thead><tbody>
{rows}
</tbody></table>
<div class="sign"><span>填表人：__________</span><span>审核人：__________</span><span>填报日期：{fmt.fmt_date(as_of)}</span></div>
</body></html>"""


# ------------------------------------------------------------------ reading (one unit of work)
FORMS: dict[str, str] = {
    "register": "辍学学生登记表",
    "returns": "劝返复学情况表",
    "feedback": "核查反馈",
    "escalations": "升级督办通知",
}


def build_forms(con: Any, scope: Any, *, mask: bool = True) -> dict[str, pd.DataFrame]:
    """Every table of :data:`FORMS` for ``scope`` on its ``as_of``."""
    # the reads: imported here so that importing the pure tables above stays light
    from lib.dropout import data as dropout_data  # scoped reads of cases and actions
    from lib.dropout import presence as dropout_presence  # is a returned child in school

    cases = dropout_data.cases(con, scope)
    ids_ = cases["case_id"].tolist()
    responsibles = store.frame(
        con,
        "SELECT case_id, role, name, phone, account FROM case_responsibles WHERE case_id IN (SELECT unnest(?::VARCHAR[]))",
        [ids_],
    )
    actions = dropout_data.actions(con, scope, ids_)
    here = dropout_presence.presence(con, cases["student_id"].dropna().tolist(), as_of=scope.as_of)
    year_start = date(int(scope.school_year), 9, 1)
    return {
        "register": register_table(cases, responsibles, as_of=scope.as_of, mask=mask),
        "returns": return_table(
            cases, responsibles, actions, here, year_start=year_start, as_of=scope.as_of, mask=mask
        ),
        "feedback": feedback_table(cases, as_of=scope.as_of, mask=mask),
        "escalations": escalation_notices(cases, responsibles, as_of=scope.as_of, mask=mask),
    }
