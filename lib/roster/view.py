"""学籍核查 presentation (pure): coverage by township, the roster's rows for the screen,
exports and the CLI (masked), the page's cards and pickers."""

from __future__ import annotations

from typing import Any

import pandas as pd

from lib.core import fmt, ids, schema
from lib.present.cards import Card
from lib.roster import register as roster
from lib.roster.register import CATEGORIES

#: Rows a list shows on the page (the download has them all).
MAX_ROWS = 2000
DISPLAY_LABELS: dict[str, str] = {
    "category_label": "类别",
    "name": "姓名",
    "id_number": "身份证号",
    "sex": "性别",
    "age": "年龄",
    "township_name": "户籍乡镇",
    "village_name": "户籍村(社区)",
    "school_name": "就读学校",
    "grade": "年级",
    "detail": "说明",
    "guardian_name": "监护人",
    "guardian_phone": "监护人电话",
}

HELP: dict[str, str] = {
    "enrolled": "身份证号与全县某校在校学生一致。",
    "suspended": "经批准休学(学籍状态为休学，或学籍异动中已批准的休学之后未复学)：到期复学时核实。",
    "elsewhere": "有异地就学记录(外县学校)，或转出县外且对方学校已确认。",
    "placed": "特教学校就读或送教上门。",
    "exempt": "花名册注明免缓学原因(须有鉴定或批准)。",
    "unaccounted": "既不在县内就读，也无异地就学、特教/送教或免缓学记录：须入户查明去向，可建立控辍保学台账。",
    "out_of_scope": "身份证号属于您范围以外的学生：不显示其任何信息；如有疑问请联系县级业务人员。",
}


def cards(data: dict[str, pd.DataFrame]) -> list[Card]:
    """The roster categories, then the other lists' counts."""
    counts = roster.counts(data["roster"])
    out = [
        Card(roster.CATEGORIES[c], fmt.fmt_count(counts[c]), None, HELP[c], False) for c in roster.CATEGORIES
    ]
    ew = data["elsewhere"]
    out += [
        Card(
            "转学逾期未确认",
            fmt.fmt_count(len(data["overdue"])),
            None,
            "转出后超过期限仍未获转入学校确认。",
            False,
        ),
        Card(
            "重复在籍",
            fmt.fmt_count(data["double"]["id_number"].nunique()),
            None,
            "同一身份证号同时在县内两所学校在籍。",
            False,
        ),
        Card(
            "异地就学待核查",
            fmt.fmt_count(int(ew["to_check"].sum()) if len(ew) else 0),
            None,
            "本学期尚未确认在读情况。",
            False,
        ),
        Card(
            "问题学籍",
            fmt.fmt_count(len(data["problems"])),
            None,
            "空挂学籍、人籍分离、身份证号错误、疑似重复人员、超龄。",
            False,
        ),
    ]
    return out


def child_labels(rows: pd.DataFrame, *, mask: bool) -> dict[str, str]:
    """ID number -> picker label (masked as the page shows it)."""
    name = rows["name"].map(ids.mask_name) if mask else rows["name"]
    idn = rows["id_number"].map(ids.mask_id) if mask else rows["id_number"]
    place = rows["township_name"].fillna("") + rows["village_name"].fillna("")
    return dict(zip(rows["id_number"], name + "（" + idn + "，" + place + "）", strict=True))


def transfer_labels(rows: pd.DataFrame, *, mask: bool) -> dict[str, str]:
    """学生编号 -> picker label for the overdue transfers."""
    name = rows["name"].map(ids.mask_name) if mask else rows["name"]
    return dict(
        zip(
            rows["student_id"],
            name + "（" + rows["school_name"] + "，转出 " + rows["transfer_on"].astype(str) + "）",
            strict=True,
        )
    )


def elsewhere_labels(rows: pd.DataFrame, *, mask: bool) -> dict[str, str]:
    """ID number -> picker label for the children studying elsewhere (to check first)."""
    rows = rows.sort_values("to_check", ascending=False)
    name = rows["name"].map(ids.mask_name) if mask else rows["name"]
    last = rows["confirmed_on"].map(lambda d: d.isoformat() if hasattr(d, "isoformat") else "从未确认")
    return dict(
        zip(
            rows["id_number"],
            name + "（" + rows["school_name"].fillna("") + "，最近确认 " + last + "）",
            strict=True,
        )
    )


def by_township(classified: pd.DataFrame) -> pd.DataFrame:
    """Coverage by township: children of compulsory age per category, the share accounted for."""
    cols = list(CATEGORIES)
    if classified.empty:
        return pd.DataFrame(columns=["乡镇", *CATEGORIES.values(), "合计", "已掌握去向"])
    table = classified.pivot_table(
        index="township_name", columns="category", values="id_number", aggfunc="count", fill_value=0
    ).reindex(columns=cols, fill_value=0)
    table["合计"] = table.sum(axis=1)
    table.loc["合计"] = table.sum()
    table["已掌握去向"] = ((table["合计"] - table["unaccounted"]) / table["合计"]).round(4)
    return table.rename(columns=CATEGORIES).reset_index(names="乡镇")


def display(classified: pd.DataFrame, *, mask: bool = True) -> pd.DataFrame:
    """Rows for the screen and exports (Chinese headers), masked unless ``mask`` is False."""
    out = classified.assign(
        category_label=classified["category"].map(CATEGORIES),
        school_name=classified["school_name"].fillna(""),
        grade=classified["grade"].map(lambda g: schema.GRADE_LABELS.get(int(g), "") if pd.notna(g) else ""),
        detail=classified.apply(_detail, axis=1) if len(classified) else pd.Series(dtype=object),
    )
    if mask:
        out = ids.mask_frame(
            out,
            columns={"name": "name", "id_number": "id", "guardian_name": "name", "guardian_phone": "phone"},
        )
    return out.reindex(columns=list(DISPLAY_LABELS)).rename(columns=DISPLAY_LABELS)


def _detail(row: pd.Series) -> str:
    if row["category"] == "exempt":
        return f"免缓学：{row['exemption_reason']}"
    if row["category"] == "placed" and isinstance(row.get("placement"), str):
        return row["placement"]
    if row["category"] == "elsewhere" and isinstance(row.get("elsewhere_school"), str):
        return row["elsewhere_school"]
    if row["category"] == "unaccounted":
        if isinstance(row.get("open_case"), str):
            return f"已建立控辍保学台账 {row['open_case']}"
        return "建议：入户核实去向，必要时建立控辍保学台账"
    return ""


def rows_json(classified: pd.DataFrame) -> dict[str, list[dict[str, Any]]]:
    """The CLI's ``rows``: per category, masked rows (IDs and names always masked)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for c in CATEGORIES:
        part = classified[classified["category"] == c]
        # column by column (tolist), not itertuples: iterating Arrow-backed text cell by cell
        # took seconds on an 81k-row roster
        out[c] = [
            {
                "id_number": ids.mask_id(idn),
                "name": ids.mask_name(name),
                "township": town,
                "village": village,
                "age": int(age),
                "school": school if isinstance(school, str) else None,
            }
            for idn, name, town, village, age, school in zip(
                part["id_number"].tolist(),
                part["name"].tolist(),
                part["township_name"].tolist(),
                part["village_name"].tolist(),
                part["age"].tolist(),
                part["school_name"].tolist(),
                strict=True,
            )
        ]
    return out
