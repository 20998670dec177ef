"""上线检查: starting a county's own store, and what it holds, what is missing, what each page needs.

A bureau goes live in three moves (docs/golive.md): ``python -m lib.cli init --county CODE``
makes an empty store for one county of 河南省 (its outline from ``data/reference``, a draft 校历
by the national rules, no townships), the imports fill it kind by kind (乡镇边界 first), and
the checklist below says at every moment which kinds are in, with how many rows and as of
when, what is still missing and which pages wait for it.

Pure reads on an open connection, plus :func:`init_store` (one transaction).  No child's
data: counts and dates only, so every role may see the checklist.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from lib.core import calendar, config, i18n, schema, store, storemeta
from lib.core.errors import AppError
from lib.core.scope import school_year_of
from lib.ingest.commit import COMMITTED

#: The province's county outlines with their national division codes (data/reference/README.md).
COUNTIES_FILE = config.REFERENCE_DIR / "henan_counties.geojson"


class GoLiveError(AppError, ValueError):
    """A store cannot be started as asked (message in Chinese)."""


# ------------------------------------------------------------------ what a store is made of
@dataclass(frozen=True)
class Source:
    """One kind of data a county loads, in the order a bureau loads them."""

    kind: str  # import kind (lib.ingest.kinds), or "roster" (学籍核查 page)
    label: str  # 中文, as the checklist and the freshness line say it
    table: str
    short: str  # the freshness line's word (学籍, 缺勤 ...)
    how: str  # where it comes in
    required: bool = False  # the app is live only when every required source is in


SOURCES: tuple[Source, ...] = (
    Source(
        "boundaries", "乡镇(街道)边界", "townships", "乡镇", "import boundaries(GeoJSON 或 Shapefile)", True
    ),
    Source("villages", "行政村(社区)", "villages", "村", "import villages", True),
    Source("schools", "学校", "schools", "学校", "import schools", True),
    Source("students", "学生学籍", "students", "学籍", "import students(学籍系统导出)", True),
    Source("village_population", "学龄人口", "village_population", "人口", "import village_population"),
    Source(
        "enrolment_counts",
        "在校生人数(教育事业统计)",
        "enrolment_counts",
        "事业统计",
        "import enrolment_counts",
    ),
    Source("calendar", "校历", "school_calendar", "校历", "import calendar(未导入时按国家规定草拟)"),
    Source("absences", "缺勤", "absences", "缺勤", "import absences(各校每日上报)"),
    Source("transfers", "学籍异动", "transfers", "异动", "import transfers"),
    Source("roster", "适龄儿童花名册", "school_age_roster", "花名册", "学籍核查页“导入花名册”"),
    Source("contacts", "联系人(六长)", "contacts", "联系人", "import contacts"),
    Source("aid_records", "资助台账", "aid_records", "资助", "import aid_records"),
    Source(
        "dropout_cases",
        "控辍保学台账(已有的)",
        "dropout_cases",
        "台账",
        "import dropout_cases 或在辍学台账页登记",
    ),
    Source("aid_applications", "资助申请", "aid_applications", "资助申请", "import aid_applications"),
    Source("aid_funds", "资助资金下达", "aid_funds", "资金", "import aid_funds"),
    Source(
        "aid_recipients", "非义务教育受助学生", "aid_recipients", "高中及以上受助", "import aid_recipients"
    ),
    Source("aid_donations", "社会捐赠", "aid_donations", "捐赠", "import aid_donations"),
    Source(
        "aid_donation_grants", "捐赠发放", "aid_donation_grants", "捐赠发放", "import aid_donation_grants"
    ),
    Source(
        "aid_campaign_applications",
        "大学新生助学申请",
        "aid_campaign_applications",
        "新生助学",
        "import aid_campaign_applications",
    ),
)
BY_KIND: dict[str, Source] = {s.kind: s for s in SOURCES}

#: url_path of a page -> (kinds it cannot work without, kinds that complete it).  A page whose
#: required kinds are missing says so in words instead of drawing zeros (app.py asks
#: :func:`page_gaps`); the optional ones are named in its freshness line.
PAGE_NEEDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "": (("boundaries", "schools", "students"), ("village_population", "enrolment_counts", "aid_records")),
    "present": (
        ("boundaries", "schools", "students"),
        ("village_population", "enrolment_counts", "aid_records"),
    ),
    "todo": (("students",), ("dropout_cases", "absences")),
    "dropout": (("students",), ("absences", "enrolment_counts", "dropout_cases", "calendar")),
    "dropout_cases": (("students",), ("absences", "calendar", "dropout_cases")),
    "dropout_case": (("students",), ("dropout_cases",)),
    "dropout_weekly": (("schools",), ("dropout_cases",)),
    "dropout_rosters": (("students",), ()),
    "dropout_contacts": (("boundaries",), ("contacts",)),
    "roster_check": (("students",), ("roster", "transfers")),
    "risk": (("students",), ("absences", "aid_records")),
    "aid": (("students", "aid_records"), ("aid_applications", "aid_funds", "aid_recipients")),
    "aid_reconcile": (("students",), ()),
    "layout": (("boundaries", "schools", "villages", "village_population"), ()),
    "planning": (("boundaries", "schools", "villages", "village_population"), ()),
}

#: Rows of each table that belong to the county (``?`` = the county code + '%').
_COUNT_SQL: dict[str, str] = {
    "townships": "SELECT count(*) FROM townships WHERE code LIKE ?",
    "villages": "SELECT count(*) FROM villages WHERE township_code LIKE ?",
    "schools": "SELECT count(*) FROM schools WHERE township_code LIKE ?",
    "students": "SELECT count(*) FROM students s JOIN schools sc ON sc.code = s.school_code "
    "WHERE sc.township_code LIKE ?",
    "village_population": "SELECT count(*) FROM village_population p JOIN villages v ON v.code = p.village_code "
    "WHERE v.township_code LIKE ?",
    "enrolment_counts": "SELECT count(*) FROM enrolment_counts e JOIN schools sc ON sc.code = e.school_code "
    "WHERE sc.township_code LIKE ?",
    "school_age_roster": "SELECT count(*) FROM school_age_roster WHERE township_code LIKE ?",
}

#: A date the rows themselves carry, for data that did not come through an import (the demo).
_OWN_DATE_SQL: dict[str, str] = {
    "absences": "SELECT max(day) FROM absences",
    "dropout_cases": "SELECT max(reported_on) FROM dropout_cases",
    # the last payment recorded: a payment due next term does not make the ledger that fresh
    "aid_records": "SELECT max(paid_date) FROM aid_records",
    "school_age_roster": "SELECT max(loaded_on) FROM school_age_roster",
    "transfers": "SELECT max(transfer_on) FROM transfers",
}


#: How each table of lib/core/schema.py gets its rows: an import kind (``import``), a form of a
#: page (``form``: the module that writes it), a derivation from other tables (``derived``), or
#: the system itself (``system``).  tests/unit/test_golive.py fails for a table with none, and
#: docs/golive.md prints this list for the bureau.
WAYS_IN: dict[str, tuple[str, str, str]] = {
    "meta": ("system", "lib.core.store", "结构版本；init 写入县区代码、是否演示、数据日期"),
    "counties": ("system", "lib.ops.golive", "init --county 从 data/reference 写入县区边界"),
    "townships": ("import", "boundaries", "乡镇边界(GeoJSON/Shapefile)"),
    "villages": ("import", "villages", "行政村(社区)名单"),
    "village_population": ("import", "village_population", "分村分年龄学龄人口"),
    "schools": ("import", "schools", "学校名单"),
    "students": ("import", "students", "学籍系统导出"),
    "student_history": ("derived", "lib.core.history", "每次学籍导入/学年升级时由学生表记下变化"),
    "enrolment_counts_history": ("derived", "lib.core.history", "每次导入在校生人数/学年升级时记下变化"),
    "village_population_history": ("derived", "lib.core.history", "每次导入学龄人口时记下变化"),
    "school_history": ("derived", "lib.core.history", "每次导入、更正学校时记下变化"),
    "enrolments": ("derived", "lib.ops.rollover", "学年升级时由学生表生成的学籍快照"),
    "enrolment_counts": ("import", "enrolment_counts", "教育事业统计(分学年、学校、年级在校生数)"),
    "school_calendar": ("import", "calendar", "本县校历；未导入时 init 按国家规定草拟"),
    "absences": ("import", "absences", "各校缺勤上报"),
    "contacts": ("import", "contacts", "六长联系人；也可在辍学台账页登记"),
    "dropout_cases": ("import", "dropout_cases", "已有台账；新案件在辍学台账页登记"),
    "case_responsibles": ("form", "lib.dropout.cases", "辍学台账页：六长责任人"),
    "case_actions": ("form", "lib.dropout.cases", "辍学台账页：劝返记录"),
    "case_status_log": ("form", "lib.dropout.cases", "辍学台账页：状态变更"),
    "case_versions": ("form", "lib.dropout.cases", "辍学台账页：每次修改前的台账内容(周报按周末状态)"),
    "notices": ("form", "lib.dropout.cases", "辍学台账页：签发文书"),
    "detection_decisions": ("form", "lib.dropout.cases", "辍学台账页：确认或排除缺勤监测提示"),
    "interventions": ("form", "lib.dropout.rosters", "帮扶名册页：一教一帮、送教上门"),
    "intervention_visits": ("form", "lib.dropout.rosters", "帮扶名册页：帮扶记录"),
    "weekly_submissions": ("form", "lib.dropout.weekly", "每周填报页：学校填报"),
    "aid_records": ("import", "aid_records", "资助发放台账；审批发放时也写入"),
    "aid_coverage_summary": (
        "derived",
        "lib.aid.summary",
        "写入学生、学校、乡镇或资助台账时在同一事务中重算",
    ),
    "aid_applications": ("import", "aid_applications", "资助申请；审批在学生资助页"),
    "aid_approval_steps": ("form", "lib.aid.approvals", "学生资助页：审批"),
    "aid_funds": ("import", "aid_funds", "资助资金下达"),
    "aid_recipients": ("import", "aid_recipients", "非义务教育受助学生"),
    "aid_recipient_awards": ("form", "lib.aid.approvals", "学生资助页：审批后发放"),
    "aid_donations": ("import", "aid_donations", "社会捐赠"),
    "aid_donation_grants": ("import", "aid_donation_grants", "捐赠发放"),
    "aid_campaign_applications": ("import", "aid_campaign_applications", "大学新生助学申请"),
    "aid_verification_tasks": ("form", "lib.aid.tasks", "精准识别页：下发核实任务"),
    "imports": ("system", "lib.ingest.commit", "每次导入的记录"),
    "import_snapshots": ("system", "lib.ingest.commit", "导入前快照(撤销用)"),
    "import_keys": ("system", "lib.ingest.commit", "导入写入的行"),
    "import_mappings": ("form", "lib.ingest.commit", "数据导入页：记住列对应关系"),
    "settings": ("form", "lib.core.settings", "系统设置页"),
    "scenarios": ("form", "lib.layout.planning", "布局规划页：保存方案"),
    "school_age_roster": ("form", "lib.roster.register", "学籍核查页：导入花名册"),
    "transfers": ("import", "transfers", "学籍异动；学籍核查页登记对方确认"),
    "study_elsewhere": ("form", "lib.roster.register", "学籍核查页：花名册的异地就读学校、核查登记"),
    "briefing_snapshots": ("form", "lib.overview.briefing", "汇报模式：保存简报"),
    "jobs": ("system", "lib.ops.jobs", "后台任务：核查、比对、回测等长时间运行的任务及其进度"),
    "accounts": ("form", "lib.access.auth", "账号管理页、命令行 user add"),
    "audit_log": ("system", "lib.core.store", "每次查看名单、导出、导入、修改"),
}


# ------------------------------------------------------------------ the county reference
@cache
def _counties() -> dict[str, dict[str, Any]]:
    data = json.loads(COUNTIES_FILE.read_text(encoding="utf-8"))
    return {f["properties"]["code"]: {**f["properties"], "geometry": f["geometry"]} for f in data["features"]}


def county_choices(prefix: str = "") -> pd.DataFrame:
    """Counties of 河南省 (``code``, ``name``, ``city``) whose code starts with ``prefix``."""
    rows = [(c, p["name"], p["city"]) for c, p in sorted(_counties().items()) if c.startswith(prefix)]
    return pd.DataFrame(rows, columns=["code", "name", "city"])


def county_reference(code: str) -> dict[str, Any]:
    """``code``, ``name``, ``city`` and ``geometry`` (WKT, WGS-84) of a county of 河南省.

    Raises
    ------
    GoLiveError
        Not a 6-digit code of the province's counties.
    """
    import shapely.geometry

    code = str(code).strip()
    found = _counties().get(code)
    if found is None:
        near = county_choices(code[:4]) if len(code) >= 4 else pd.DataFrame()
        hint = "；".join(f"{r.code} {r.name}" for r in near.itertuples()) if len(near) else ""
        raise GoLiveError(
            f"县区代码“{code}”不是河南省的县区(6 位国家区划代码，如 411521 罗山县)"
            + (f"。同一市的县区：{hint}" if hint else "")
        )
    shape = shapely.geometry.shape(found["geometry"])
    return {"code": code, "name": found["name"], "city": found["city"], "geometry": shape.wkt}


# ------------------------------------------------------------------ init
#: What ``init`` itself writes: a store holding only these is still empty.
_INIT_TABLES = ("counties", "school_calendar")


def _rows_held(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    held = {}
    for name in schema.DATA_TABLES:
        if name in _INIT_TABLES:
            continue
        n = con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
        if n:
            held[name] = int(n)
    return held


def init_store(
    county: str,
    *,
    path: Path | None = None,
    as_of: date | None = None,
    force: bool = False,
    user: str = "local-operator",
) -> dict[str, Any]:
    """Make an empty store for one county of 河南省.

    The county's outline goes into ``counties``; the school year of the data date gets a draft
    校历 by the national rules (an imported 校历 replaces it); no township is made (the
    ``boundaries`` import makes them).  Meta: ``county_code``, ``demo`` = ``false`` and, with
    ``as_of``, the store's data date (else the store lives in real time: today).

    Parameters
    ----------
    county
        6-digit division code (e.g. ``411521`` 罗山县).
    path
        Database file (default ``EDU_DB``).
    as_of
        The store's data date; default: none stored (today, every day).
    force
        Empty a store that holds data (accounts are kept).

    Returns
    -------
    dict
        ``{"path", "county", "name", "demo": False}``

    Raises
    ------
    GoLiveError
        Unknown county, or the store holds data and ``force`` is not given.
    """
    ref = county_reference(county)
    path = Path(path or config.db_path())
    with store.transaction(path) as con:
        held = _rows_held(con)
        if held and not force:
            biggest = ", ".join(
                f"{schema.TABLES[t].label} {n:,} 行" for t, n in sorted(held.items(), key=lambda x: -x[1])[:3]
            )
            raise GoLiveError(
                f"{path} 已有数据({biggest} …)：不会覆盖。换一个 --out 文件，或确认要清空时加 --force。"
            )
        for name in schema.DATA_TABLES:
            con.execute(f'DELETE FROM "{name}"')
        con.execute("DELETE FROM meta WHERE key NOT IN ('schema_version', 'schema_hash')")
        con.execute("INSERT INTO counties VALUES (?, ?, ?)", [ref["code"], ref["name"], ref["geometry"]])
        day = as_of or storemeta.today()
        draft = calendar.year_calendar(school_year_of(day))
        store.write_table(con, "school_calendar", draft)
        meta = {
            storemeta.COUNTY_KEY: ref["code"],
            storemeta.DEMO_KEY: "false",
            "initialised_on": storemeta.today().isoformat(),
        }
        if as_of is not None:
            meta[storemeta.AS_OF_KEY] = as_of.isoformat()
        for key, value in meta.items():
            store.set_meta(con, key, value)
        store.audit(
            con,
            user=user,
            action="init",
            scope=ref["code"],
            detail=json.dumps(
                {"county": ref["code"], "name": ref["name"], "as_of": as_of, "emptied": held},
                ensure_ascii=False,
                default=str,
            ),
        )
    return {"path": str(path.resolve()), "county": ref["code"], "name": ref["name"], "demo": False}


# ------------------------------------------------------------------ the checklist
@dataclass
class GoLiveStatus:
    """What the store holds, source by source (:data:`SOURCES` order)."""

    county: str
    county_name: str
    demo: bool
    as_of: date
    table: pd.DataFrame  # one row per source
    notes: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def _rows(self) -> dict[str, tuple[bool, Any]]:
        """kind -> (loaded, through): every page's frame asks, on every run."""
        t = self.table
        return dict(zip(t["kind"], zip(t["loaded"], t["through"], strict=True), strict=True))

    def loaded(self, kind: str) -> bool:
        return bool(self._rows.get(kind, (False, None))[0])

    @property
    def missing_required(self) -> list[str]:
        t = self.table
        return t.loc[t["required"] & ~t["loaded"], "kind"].tolist()

    @property
    def live(self) -> bool:
        """Every required source is in."""
        return not self.missing_required

    def through(self, kind: str) -> date | None:
        v = self._rows.get(kind, (False, None))[1]
        return None if v is None or pd.isna(v) else v


def _last_imports(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(
        "SELECT kind, count(*) AS imports, max(as_of) AS as_of, arg_max(filename, seq) AS filename, "
        "arg_max(user_name, seq) AS user_name, max(committed_at) AS committed_at FROM imports "
        "WHERE status = ? GROUP BY kind",
        [COMMITTED],
    ).df()


def _counts(con: duckdb.DuckDBPyConnection, tables: list[str], county: str) -> dict[str, int]:
    """Rows of each of ``tables`` in the county, in one query (one round trip, not one each)."""
    tables = list(dict.fromkeys(tables))
    parts, params = [], []
    for table in tables:
        sql = _COUNT_SQL.get(table)
        parts.append(f"({sql})" if sql else f'(SELECT count(*) FROM "{table}")')
        params += [county + "%"] if sql else []
    row = con.execute("SELECT " + ", ".join(parts), params).fetchall()[0]
    return {t: int(n) for t, n in zip(tables, row, strict=True)}


def _own_dates(con: duckdb.DuckDBPyConnection, tables: list[str]) -> dict[str, Any]:
    """The latest date the rows of each of ``tables`` carry (:data:`_OWN_DATE_SQL`), in one query."""
    tables = [t for t in dict.fromkeys(tables) if t in _OWN_DATE_SQL]
    if not tables:
        return {}
    row = con.execute("SELECT " + ", ".join(f"({_OWN_DATE_SQL[t]})" for t in tables)).fetchall()[0]
    return dict(zip(tables, row, strict=True))


def _as_date(v: Any) -> date | None:
    if v is None or (not isinstance(v, date) and pd.isna(v)):
        return None
    return pd.Timestamp(v).date()


def golive_status(con: duckdb.DuckDBPyConnection, *, as_of: date | None = None) -> GoLiveStatus:
    """The checklist: for each source, rows in the county, loaded or not, the last import and
    the date its data runs to (``through``); which pages wait for it.

    ``through`` is the date the last import said its file describes (``import --as-of``); for
    rows that no import wrote (the demo), the rows' own latest date, else the store's data date.
    The 校历 is "草拟" while no 校历 was imported (the draft by the national rules).
    """
    county = storemeta.county_code(con)
    day = as_of or storemeta.data_as_of(con)
    imports = _last_imports(con).set_index("kind")
    needed_by: dict[str, list[str]] = {}
    for page, (req, opt) in PAGE_NEEDS.items():
        for k in (*req, *opt):
            needed_by.setdefault(k, []).append(page or "overview")
    rows = []
    counts = _counts(con, [src.table for src in SOURCES], county)
    dated = {k for k, v in imports["as_of"].items() if _as_date(v) is not None}
    own = _own_dates(con, [src.table for src in SOURCES if counts[src.table] and src.kind not in dated])
    for i, src in enumerate(SOURCES, start=1):
        n = counts[src.table]
        last = imports.loc[src.kind] if src.kind in imports.index else None
        through = _as_date(last["as_of"]) if last is not None else None
        if through is None and n and src.table in own:
            through = _as_date(own[src.table])
        if through is None and n and src.kind != "calendar":
            through = day
        state = "已导入" if n else "未导入"
        if src.kind == "calendar" and n and last is None:
            state = "草拟"  # the national-rules draft, until the county's own 校历 is imported
        rows.append(
            {
                "step": i,
                "kind": src.kind,
                "label": src.label,
                "short": src.short,
                "table": src.table,
                "required": src.required,
                "rows": n,
                "loaded": bool(n),
                "state": state,
                "through": through,
                "imports": int(last["imports"]) if last is not None else 0,
                "last_file": last["filename"] if last is not None else None,
                "last_user": last["user_name"] if last is not None else None,
                "last_at": last["committed_at"] if last is not None else None,
                "how": src.how,
                "pages": needed_by.get(src.kind, []),
            }
        )
    return GoLiveStatus(
        county=county,
        county_name=storemeta.county_name(con, county),
        demo=storemeta.is_demo(con),
        as_of=day,
        table=pd.DataFrame(rows),
    )


def page_gaps(status: GoLiveStatus, url_path: str) -> tuple[list[str], list[str]]:
    """(required kinds missing, optional kinds missing) for the page at ``url_path``."""
    req, opt = PAGE_NEEDS.get(url_path.strip("/"), ((), ()))
    return [k for k in req if not status.loaded(k)], [k for k in opt if not status.loaded(k)]


def freshness(status: GoLiveStatus, kinds: tuple[str, ...] | list[str]) -> list[tuple[str, date | None]]:
    """(short label, the date its data runs to or None when not loaded) for each kind, in order."""
    out = []
    for k in kinds:
        src = BY_KIND.get(k)
        if src is None or src.kind == "calendar":
            continue
        out.append((src.short, status.through(k) if status.loaded(k) else None))
    return out


def page_sources(url_path: str) -> tuple[str, ...]:
    """Every kind a page reads (required first)."""
    req, opt = PAGE_NEEDS.get(url_path.strip("/"), ((), ()))
    return (*req, *opt)


def next_step(status: GoLiveStatus) -> Source | None:
    """The first source not yet loaded (required ones first)."""
    t = status.table
    for want_required in (True, False):
        left = t[(t["required"] == want_required) & ~t["loaded"]]
        if len(left):
            return BY_KIND[left["kind"].iloc[0]]
    return None


def freshness_text(
    status: GoLiveStatus, kinds: tuple[str, ...] | list[str], *, lang: str = "zh"
) -> str | None:
    """One line saying how fresh each source is: ``数据：学籍 截至 09-15 · 缺勤 截至 11-20 · 资助 未导入``
    (the month and day when in the data date's year); None when the page reads no source."""
    parts = []
    for short, through in freshness(status, kinds):
        label = i18n.t(short, lang)
        if through is None:
            parts.append(f"{label} {'未导入' if lang == 'zh' else 'not imported'}")
        else:
            when = f"{through:%m-%d}" if through.year == status.as_of.year else through.isoformat()
            parts.append(f"{label} {'截至' if lang == 'zh' else 'to'} {when}")
    if not parts:
        return None
    return ("数据：" if lang == "zh" else "Data: ") + " · ".join(parts)


def pages_table(status: GoLiveStatus) -> pd.DataFrame:
    """What each page needs: ``page`` (url_path; ``""`` the overview), ``needs`` and ``better``
    (labels of the required and the completing kinds), ``missing`` (required ones not in), ``ready``."""
    rows = []
    for page, (req, opt) in PAGE_NEEDS.items():
        if page == "dropout_case":
            continue  # opened from the ledger, not from the menu
        missing, _ = page_gaps(status, page)
        rows.append(
            {
                "page": page,
                "needs": "、".join(BY_KIND[k].label for k in req),
                "better": "、".join(BY_KIND[k].label for k in opt),
                "missing": "、".join(BY_KIND[k].label for k in missing),
                "ready": not missing,
            }
        )
    return pd.DataFrame(rows)


#: Overview measures and the kind each is made of: without that kind the measure is not 0, it is
#: not known (the page says 未导入 instead of a 0 % or a red cell).
MEASURE_SOURCES: dict[str, str] = {
    "population": "village_population",
    "consolidation": "enrolment_counts",
    "aid_coverage": "aid_records",
    "aid_on_time": "aid_records",
}


def unknown_measures(status: GoLiveStatus) -> frozenset[str]:
    """Overview measures whose source is not imported (:data:`MEASURE_SOURCES`)."""
    return frozenset(m for m, kind in MEASURE_SOURCES.items() if not status.loaded(kind))
