"""文书: the notices a 控辍保学 case issues, as printable Chinese documents (HTML, A4).

The configured list (``dropout.notices``: 入学通知书, 限期复学通知书, 行政处罚告知书,
行政处罚决定书 by default) has one template each here; a kind added in settings
without a template gets the general one.  The child's and guardian's details
are filled in from the case, so a document is personal data: the page offers
it only to a user who may unmask, and records every print in the audit log.
"""

from __future__ import annotations

import html
from datetime import date
from typing import Any

import pandas as pd

from lib.core import config, fmt, ids, schema

BUREAU = f"{config.CITY_NAME}{config.COUNTY_NAME}教育体育局"

#: Body paragraphs per kind; ``{field}`` placeholders from :func:`notice_fields`.
TEMPLATES: dict[str, tuple[str, ...]] = {
    "入学通知书": (
        "{guardian}（家长/监护人）：",
        "您的子女（被监护人）{name}（性别：{sex}，身份证号：{id_number}，{birth}出生），户籍所在地为"
        "{township}{village}，属于应当接受义务教育的适龄儿童少年，目前尚未入学。",
        "根据《中华人民共和国义务教育法》第五条、第十一条的规定，适龄儿童、少年的父母或者其他法定监护人"
        "应当依法保证其按时入学接受并完成义务教育。请您于{deadline}前，送其到{school}办理入学手续。",
        "如有特殊情况不能按时入学，请及时与学校或所在乡镇(街道)、村(社区)联系。",
    ),
    "限期复学通知书": (
        "{guardian}（家长/监护人）：",
        "您的子女（被监护人）{name}（性别：{sex}，身份证号：{id_number}），系{school}{grade}学生，"
        "自{reported}前后起未到校上课，经核实已辍学。",
        "根据《中华人民共和国义务教育法》第五条的规定，适龄儿童、少年的父母或者其他法定监护人应当依法保证其"
        "按时入学接受并完成义务教育。现责令您于{deadline}前送其返回{school}复学。",
        "逾期仍不送其复学的，将依照《中华人民共和国义务教育法》第五十八条的规定予以批评教育、责令限期改正，"
        "并依法追究相应责任。",
    ),
    "行政处罚告知书": (
        "{guardian}（家长/监护人）：",
        "经查，您的子女（被监护人）{name}（身份证号：{id_number}）系适龄儿童少年，自{reported}前后起未接受"
        "义务教育。经下达{previous}后，您至今未送其入学或复学，违反了《中华人民共和国义务教育法》第五条的规定。",
        "依据《中华人民共和国义务教育法》第五十八条的规定，本机关拟对您作出批评教育、责令限期改正的处理决定。",
        "根据《中华人民共和国行政处罚法》第四十四条、第四十五条的规定，您有权进行陈述和申辩。请于{deadline}前"
        "向本机关提出；逾期未提出的，视为放弃上述权利。",
    ),
    "行政处罚决定书": (
        "{guardian}（家长/监护人）：",
        "经查，您的子女（被监护人）{name}（身份证号：{id_number}）系适龄儿童少年，您未依法保证其接受义务教育，"
        "经下达{previous}并告知陈述、申辩权利后，仍未送其入学或复学。",
        "依据《中华人民共和国义务教育法》第五条、第五十八条的规定，本机关决定：对您予以批评教育，并责令您立即"
        "送其到{school}入学或复学，接受并完成义务教育。",
        "如不服本决定，可以依法申请行政复议或者提起行政诉讼。",
    ),
}
GENERAL_TEMPLATE: tuple[str, ...] = (
    "{guardian}（家长/监护人）：",
    "关于您的子女（被监护人）{name}（身份证号：{id_number}）接受义务教育一事，特此通知。",
    "请您依法保证其按时入学接受并完成义务教育，并于{deadline}前与{school}联系。",
)

_CSS = """
@page { size: A4; margin: 20mm 20mm 16mm; }
body { font-family: "SimSun", "Songti SC", "Noto Serif CJK SC", serif; font-size: 14.5pt; line-height: 1.75;
       color: #000; max-width: 170mm; margin: 0 auto; }
h1 { font-family: "SimHei", "Noto Sans CJK SC", sans-serif; text-align: center; font-size: 21pt; margin: 0 0 0.2em; }
.no { text-align: center; font-size: 12pt; margin-bottom: 0.8em; }
p { text-indent: 2em; margin: 0.25em 0; }
p.to { text-indent: 0; }
.sign { text-align: right; margin-top: 1.4em; }
/* the receipt is cut off and returned: it stays with the notice, on the same page */
.receipt { border-top: 1px dashed #000; margin-top: 1.6em; padding-top: 0.6em; font-size: 12pt;
           line-height: 1.6; page-break-inside: avoid; }
.receipt p { text-indent: 0; }
.note { font-size: 10pt; color: #555; margin-top: 1.5em; }
@media print { .note { display: none; } }
"""


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "________"


def _when(value: Any) -> str:
    if value is None or (not isinstance(value, date) and pd.isna(value)):
        return "________"
    return fmt.fmt_date(value if isinstance(value, date) else pd.Timestamp(value).date())


def notice_fields(
    case: dict[str, Any], notice: dict[str, Any], *, previous: str | None = None
) -> dict[str, str]:
    """The values a notice fills in, from the case (unmasked) and the notice row."""
    guardian = case.get("guardian_name") or (case.get("responsibles") or {}).get("家长", (None, None))[0]
    id_number = case.get("id_number")
    birth = case.get("birth_date")
    if (birth is None or pd.isna(birth)) and ids.is_valid_id(id_number):
        birth = ids.birth_date_from_id(id_number)
    grade = case.get("grade")
    return _Blank(
        {
            "guardian": guardian or "________",
            "name": case.get("name") or "________",
            "sex": case.get("sex") or "____",
            "id_number": id_number or "________",
            "birth": _when(birth),
            "township": case.get("township_name") or "",
            "village": case.get("village_name") or "",
            "school": case.get("school_name") or "户籍所在地学区学校",
            "grade": schema.GRADE_LABELS.get(int(grade), "")
            if grade is not None and not pd.isna(grade)
            else "",
            "reported": _when(case.get("reported_on")),
            "deadline": _when(notice.get("deadline_on")),
            "previous": previous or "限期复学通知",
        }
    )


def render_notice(case: dict[str, Any], notice: dict[str, Any], *, previous: str | None = None) -> str:
    """The notice as a complete HTML document (print from the browser, A4).

    Parameters
    ----------
    case
        The case, unmasked, with place names (:func:`lib.dropout.data.one_case`).
    notice
        ``notice_id``, ``kind``, ``issued_on``, ``deadline_on``.
    previous
        The earlier notice this one follows, e.g. 《限期复学通知书》(WS...-01).
    """
    kind = notice["kind"]
    values = {k: html.escape(str(v)) for k, v in notice_fields(case, notice, previous=previous).items()}
    paras = TEMPLATES.get(kind, GENERAL_TEMPLATE)
    body = "\n".join(
        f'<p class="{"to" if i == 0 else ""}">{p.format_map(_Blank(values))}</p>' for i, p in enumerate(paras)
    )
    issued = notice.get("issued_on")
    year = issued.year if isinstance(issued, date) else ""
    no = html.escape(f"{config.COUNTY_NAME}教体控辍〔{year}〕{notice['notice_id']}号")
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{html.escape(kind)} {html.escape(notice["notice_id"])}</title>
<style>{_CSS}</style></head>
<body>
<h1>{html.escape(kind)}</h1>
<div class="no">{no}</div>
{body}
<div class="sign">{html.escape(BUREAU)}（盖章）<br>{_when(issued)}</div>
<div class="receipt"><p>送达回执：《{html.escape(kind)}》({no}) 已收到。</p>
<p>受送达人(签名)：____________　　送达日期：______年____月____日</p>
<p>送达人：____________　　见证人(村/社区)：____________</p></div>
<div class="note">本文书由控辍保学系统按模板生成，签发前请核对内容并加盖公章。</div>
</body></html>"""


def previous_notice(issued: pd.DataFrame, kind: str) -> str | None:
    """How a later notice names the one before it: 《限期复学通知书》(WS...)."""
    if issued.empty:
        return None
    earlier = issued[issued["kind"] != kind].sort_values("issued_on")
    if earlier.empty:
        return None
    last = earlier.iloc[-1]
    return f"《{last['kind']}》({last['notice_id']})"


def documents(case: dict[str, Any], issued: pd.DataFrame) -> list[dict[str, str]]:
    """Every issued notice of a case as a printable document: ``notice_id``, ``label``,
    ``file_name``, ``html`` (personal data: offer only to a user who may unmask)."""
    out = []
    for n in issued.sort_values("issued_on").to_dict("records"):
        earlier = previous_notice(issued[issued["issued_on"] <= n["issued_on"]], n["kind"])
        out.append(
            {
                "notice_id": n["notice_id"],
                "label": f"打印《{n['kind']}》{n['notice_id']}",
                "file_name": f"{n['notice_id']}.html",
                "html": render_notice(case, n, previous=earlier),
            }
        )
    return out
