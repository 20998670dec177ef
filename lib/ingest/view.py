"""What the 数据导入 page shows, built from the pipeline's objects (pure; no streamlit).

Tables come with Chinese headers, personal columns masked (names, ID numbers,
学籍号, phones, birth dates, disability, poverty and family flags) and colours
from the house palette: red = an error (the row is not imported), amber = a
warning (imported; read it).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from lib import ingest
from lib.core import fmt, ids
from lib.core.i18n import t
from lib.ingest.commit import CommitResult, UndoResult
from lib.ingest.explore import detect_personal, mask_columns
from lib.ingest.kinds import KINDS, TABLE_KINDS, Kind
from lib.ingest.read import CODES, ROW, ParsedFile
from lib.ingest.validate import MODE_LABELS, Report
from lib.present.cards import Card

NOT_IMPORTED = "(不导入)"
KIND_CHOICES: tuple[str, ...] = TABLE_KINDS
PROBLEM_ROWS_SHOWN = 2000


def kind_label(kind: str) -> str:
    return KINDS[kind].label


def kind_help(*, lang: str = "zh") -> str:
    """What each importable kind holds (the kind picker's help), in ``lang``."""
    return t("item_sep", lang).join(
        t("label_value", lang).format(label=t(KINDS[k].label, lang), value=t(KINDS[k].description, lang))
        for k in KIND_CHOICES
    )


def table_height(rows: int, most: int) -> int:
    """Height of a table of ``rows`` rows (no empty band below short tables), at most ``most`` px."""
    return min(35 * (rows + 1) + 3, most)


def drop_label(text: str, report: Report, *, lang: str = "zh") -> str:
    return text + t("imp_drop_counts", lang).format(
        bad=f"{len(report.bad_rows):,}", ok=f"{report.valid_rows:,}"
    )


def truncated_note(report: Report, shown: int, *, lang: str = "zh") -> str:
    return t("imp_truncated", lang).format(shown=f"{shown:,}", n=f"{len(report.problems):,}")


def undo_message(result: UndoResult, *, lang: str = "zh") -> str:
    return t("imp_undone", lang).format(
        id=result.import_id, removed=f"{result.rows_removed:,}", restored=f"{result.rows_restored:,}"
    )


def field_options(kind: str, *, lang: str = "zh") -> dict[str, str]:
    """Choices for a file column: "not imported", then every field of the kind (label and name)."""
    k = KINDS[kind]
    labels = [f.label for f in {f.name: f for f in k.fields}.values()]
    # the label alone; a label two fields share says which is the code and which the name
    both = t("imp_field_kind", lang)
    return {
        NOT_IMPORTED: t(NOT_IMPORTED, lang),
        **{
            f.name: t(f.label, lang)
            if labels.count(f.label) == 1
            else both.format(label=t(f.label, lang), kind=t(_FIELD_TYPES[f.type], lang))
            for f in k.fields
        },
    }


#: What a field holds, in words (when two fields share a label).
_FIELD_TYPES = {
    "text": "文字",
    "id": "证件号",
    "xueji": "学籍号",
    "code": "代码",
    "phone": "电话",
    "date": "日期",
    "int": "整数",
    "float": "数值",
    "bool": "是/否",
}


def needs_mapping(parsed: ParsedFile) -> bool:
    """A required column (or every column of a required group) is not mapped: open the mapping."""
    k = KINDS[parsed.kind]
    have = set(parsed.headers)
    return any(c not in have for c in k.required) or any(not (set(g) & have) for g in k.one_of)


def mode_help(kind: str, *, lang: str = "zh") -> str:
    return t("imp_mode_help", lang).format(partition=t(KINDS[kind].partition_text, lang))


def mapping_rows(parsed: ParsedFile, *, lang: str = "zh") -> list[dict[str, Any]]:
    """One entry per file column: header, masked examples, current field (for the mapping controls)."""
    raw = parsed.raw if parsed.raw is not None else parsed.frame
    personal = detect_personal(raw)
    k = KINDS[parsed.kind] if parsed.kind else None
    for h, canon in parsed.mapping.items():
        if canon and k and k.field(canon).personal and h not in personal:
            personal[h] = "id" if k.field(canon).type in ("id", "xueji") else "name"
    shown = mask_columns(raw[[c for c in parsed.columns if c in raw]], personal)
    out = []
    for i, h in enumerate(parsed.columns):
        ex = shown[h].dropna().astype(str).drop_duplicates().head(2).tolist() if h in shown else []
        out.append(
            {
                "i": i,
                "header": h,
                "examples": t("list_sep", lang).join(ex),
                "field": parsed.mapping.get(h) or NOT_IMPORTED,
            }
        )
    return out


def overrides(parsed: ParsedFile, chosen: dict[str, str]) -> dict[str, str | None]:
    """The user's choices that differ from the current mapping (header -> field or None)."""
    out: dict[str, str | None] = {}
    for h, field in chosen.items():
        want = None if field == NOT_IMPORTED else field
        if parsed.mapping.get(h) != want:
            out[h] = want
    return out


def summary_cards(report: Report, *, lang: str = "zh") -> list[Card]:
    errors, warnings = len(report.errors), len(report.warnings)
    return [
        Card(
            "文件行数",
            fmt.fmt_count(report.rows, lang=lang),
            help=t("imp_header_row", lang).format(row=report.notes.get("header_row", "?")),
        ),
        Card("可导入行", fmt.fmt_count(report.valid_rows), help="没有错误的行"),
        Card("错误", fmt.fmt_count(errors), help="有错误的行不会被导入"),
        Card("警告", fmt.fmt_count(warnings), help="有警告的行会被导入，请核对"),
    ]


def code_table(report: Report) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Problems per code (what to fix first), with its colours: what it means first, the
    code (what ``validate --json`` says) last."""
    df = report.counts_by_code().rename(
        columns={"code": "代码", "severity": "级别", "meaning": "含义", "count": "处数"}
    )[["级别", "含义", "处数", "代码"]]
    df["级别"] = df["级别"].map({"error": "错误", "warning": "警告"})
    colours = pd.DataFrame("none", index=df.index, columns=df.columns)
    colours["级别"] = df["级别"].map({"错误": "red", "警告": "amber"})
    return df, colours


def problem_table(report: Report, *, limit: int = PROBLEM_ROWS_SHOWN) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each problem (row as in the file, column as written, code, message), errors first."""
    df = report.problems_frame().head(limit)
    table = pd.DataFrame(
        {
            "行": df["row"],
            "列": df["column"].fillna("—"),
            "级别": df["severity"].map({"error": "错误", "warning": "警告"}),
            "说明": df["message"],
            "代码": df["code"],
        }
    )
    colours = pd.DataFrame("none", index=table.index, columns=table.columns)
    colours["级别"] = table["级别"].map({"错误": "red", "警告": "amber"})
    return table, colours


def _hide_flags(df: pd.DataFrame, kind: Kind) -> pd.DataFrame:
    out = df.copy()
    for f in kind.fields:
        if f.personal and f.name in out and f.name not in ids.MASKED_COLUMNS:
            if f.type == "date":
                out[f.name] = out[f.name].map(lambda d: f"{str(d)[:4]}-**-**", na_action="ignore")
            else:
                out[f.name] = out[f.name].map(lambda v: "***" if pd.notna(v) and v is not False else v)
    return out


def preview(report: Report, *, mask: bool = True, limit: int = 100) -> pd.DataFrame:
    """The first rows that will be imported, with Chinese headers (personal data masked)."""
    k = KINDS[report.kind]
    good = report.good().head(limit)
    cols = [c for c in (ROW, *report.provided) if c in good]
    df = good[cols].copy()
    for c in df.columns:
        if pd.api.types.is_datetime64_any_dtype(df[c]):
            df[c] = df[c].dt.strftime("%Y-%m-%d")
    if mask:
        df = _hide_flags(ids.mask_frame(df), k)
    labels = {ROW: "文件行号", **{f.name: f.label for f in k.fields}}
    return df.rename(columns=labels)


def commit_message(result: CommitResult, *, lang: str = "zh") -> str:
    k = KINDS[result.kind]
    parts = [
        t("imp_done", lang).format(
            id=result.import_id,
            kind=t(k.label, lang),
            mode=t(MODE_LABELS[result.mode], lang),
            n=f"{result.rows_written:,}",
        ),
        t("imp_done_new", lang).format(n=f"{result.rows_new:,}"),
    ]
    if result.rows_removed:
        parts.append(t("imp_done_removed", lang).format(n=f"{result.rows_removed:,}"))
    if result.rows_skipped:
        parts.append(t("imp_done_skipped", lang).format(n=f"{result.rows_skipped:,}"))
    return t("clause_sep", lang).join(parts) + t("imp_done_undo", lang)


def history_table(imports: pd.DataFrame) -> pd.DataFrame:
    """Recent imports with Chinese headers."""
    if imports.empty:
        return pd.DataFrame(
            columns=[
                "编号",
                "数据类型",
                "方式",
                "文件",
                "写入",
                "新增",
                "删除",
                "跳过",
                "导入人",
                "导入时间",
                "状态",
            ]
        )
    return pd.DataFrame(
        {
            "编号": imports["import_id"],
            "数据类型": imports["kind"].map(lambda k: KINDS[k].label if k in KINDS else k),
            "方式": imports["mode"].map(lambda m: MODE_LABELS.get(m, m)),
            "文件": imports["filename"],
            "写入": imports["rows_written"],
            "新增": imports["rows_new"],
            "删除": imports["rows_removed"],
            "跳过": imports["rows_skipped"],
            "导入人": imports["user_name"],
            "导入时间": pd.to_datetime(imports["committed_at"]).dt.strftime("%Y-%m-%d %H:%M"),
            "状态": imports["status"],
        }
    )


def problem_codes_table() -> pd.DataFrame:
    """The documented codes, for the page's help expander."""
    return pd.DataFrame(
        [("错误" if s == "error" else "警告", m, c) for c, (s, m) in CODES.items()],
        columns=["级别", "含义", "代码"],
    )


def ready_to_commit(report: Report, *, allowed: bool, drop: bool) -> bool:
    """The commit button is live: allowed, nothing fatal, rows to write, errors dropped or none."""
    return allowed and not report.fatal and report.valid_rows > 0 and (drop or not report.errors)


def commit_file(
    data: bytes,
    name: str,
    *,
    kind: str,
    mapping: dict[str, str | None],
    sheet: str | None,
    signature: Any,
    scope: Any,
    mode: str,
    drop_bad_rows: bool,
    crs: str | None,
    progress: Any = None,
    lang: str = "zh",
) -> str:
    """Read, commit (one transaction) and remember the mapping; the message to show (in ``lang``).

    Raises ``ImportRefused`` or ``StoreBusy`` as :func:`lib.ingest.commit` does.
    """

    parsed = ingest.parse_upload(data, name, kind=kind, mapping=mapping, sheet=sheet, warm=True)
    result = ingest.commit(
        parsed, kind, scope=scope, mode=mode, drop_bad_rows=drop_bad_rows, crs=crs, progress=progress
    )
    if mapping:
        ingest.remember_mapping(kind, signature, mapping, scope=scope)
    return commit_message(result, lang=lang)


def undo_file(scope: Any, import_id: str, *, lang: str = "zh") -> str:
    """Undo the last import; the message to show (raises ``UndoRefused`` / ``StoreBusy``)."""

    return undo_message(ingest.undo_last_import(scope=scope, import_id=import_id), lang=lang)
