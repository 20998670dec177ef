"""系统状态: what an administrator checks first — is the store healthy, backed up,
fed with fresh data, and did anything fail in the last day.

Only aggregates and file facts: no child's data (administrators see none).
Freshness is per township: the newest absence day and the newest aid
payment or due date recorded for its schools, against the data's date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from lib.core import config, permissions, secure, store
from lib.core.scope import Scope
from lib.ingest.commit import COMMITTED
from lib.ops import backup, rollover

#: Audit actions that mean something went wrong.
FAILURE_ACTIONS = ("backup_failed", "login_failed", "account_locked", "password_change_failed")


@dataclass
class Health:
    """The status page's figures."""

    db_path: Path
    db_bytes: int
    wal_bytes: int
    schema_version: int
    school_year: int | None
    as_of: str | None
    restored_from: str | None
    backups: int
    last_backup: datetime | None
    backup_overdue: bool
    imports: pd.DataFrame  # table, last import time, by whom, rows, imports
    freshness: pd.DataFrame  # township, last absence day, last aid date, days behind the data's date
    failures: pd.DataFrame  # action, entries in the last 24 hours
    clock: datetime
    exposure: list[str] = field(default_factory=list)  # files others could read, strays in static/


def _file_size(p: Path) -> int:
    try:
        return p.stat().st_size
    except FileNotFoundError:
        return 0


def system_health(scope: Scope, *, path: Path | None = None, now: datetime | None = None) -> Health:
    """Collect the status figures (freshness against the data's date, ``meta.as_of``).

    Parameters
    ----------
    scope
        Needs ``health``; freshness covers the Scope's townships.
    path
        The store (default ``EDU_DB``).
    now
        The store clock's time to measure "the last day" and backup age from (default: read it).

    Raises
    ------
    lib.core.permissions.NotPermitted
    """
    permissions.require(scope, "health")
    db = Path(path or config.db_path())
    with store.connect(db) as con:
        clock = now or con.execute("SELECT now()::TIMESTAMP").fetchall()[0][0]
        meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
        data_day = date.fromisoformat(meta["as_of"]) if meta.get("as_of") else scope.as_of

        roll_year = rollover.current_year(con)
        imports = con.execute(
            "SELECT table_name AS 表, max(committed_at) AS 最近导入, arg_max(user_name, committed_at) AS 导入人, "
            "arg_max(rows_written, committed_at) AS 写入行数, count(*) AS 导入次数 FROM imports "
            "WHERE status = ? GROUP BY table_name ORDER BY 最近导入 DESC",
            [COMMITTED],
        ).df()
        tw, tp = scope.township_where("t.code")
        freshness = con.execute(
            f"""
            WITH ab AS (SELECT sc.township_code AS code, max(a.day) AS last_absence
                        FROM absences a JOIN students st USING (student_id)
                        JOIN schools sc ON sc.code = st.school_code GROUP BY 1),
                 aid AS (SELECT sc.township_code AS code, max(r.paid_date) AS last_aid
                         FROM aid_records r JOIN schools sc ON sc.code = r.school_code
                         WHERE r.paid_date <= ? GROUP BY 1)
            SELECT t.code, t.name, ab.last_absence, aid.last_aid
            FROM townships t LEFT JOIN ab ON ab.code = t.code LEFT JOIN aid ON aid.code = t.code
            WHERE {tw} ORDER BY t.code
            """,
            [data_day, *tp],
        ).df()
        failures = con.execute(
            f'SELECT action, count(*) AS n FROM audit_log WHERE "at" >= ? AND action IN '
            f"({', '.join('?' for _ in FAILURE_ACTIONS)}) GROUP BY action ORDER BY n DESC",
            [clock - timedelta(days=1), *FAILURE_ACTIONS],
        ).df()
    exposure = exposure_problems(db)
    try:
        folder = backup.backup_dir(db=db)
    except backup.BackupError as exc:
        exposure.append(str(exc))
        folder = secure.data_dir(db) / "backups"
    listed = backup.list_backups(folder)
    last = None if listed.empty else listed.taken_at.iloc[0].to_pydatetime()
    hours = float(backup.backup_settings().get("schedule_hours") or 0)
    as_of = meta.get("as_of")
    return Health(
        db_path=db,
        db_bytes=_file_size(db),
        wal_bytes=_file_size(Path(str(db) + ".wal")),
        schema_version=int(meta.get("schema_version", 0)),
        school_year=roll_year,
        as_of=as_of,
        restored_from=meta.get("restored_from"),
        backups=len(listed),
        last_backup=last,
        backup_overdue=backup.backup_due(last, clock, schedule_hours=hours) if hours > 0 else last is None,
        imports=imports,
        freshness=_freshness(freshness, data_day),
        failures=failures,
        clock=clock,
        exposure=exposure,
    )


def exposure_problems(db: Path) -> list[str]:
    """What another account on the server, or anyone on the web, could read (Chinese, one line each):
    the store, its folder and the key files not owner-only, files in ``static/`` that are not
    vendored assets (``serve.py`` does not serve them; plain ``streamlit run app.py`` would)."""
    out = []
    checks = [(db, "数据库文件"), (db.parent, "数据目录"), (secure.keys_dir(db), "密钥目录")]
    checks += [(p, "密钥文件") for p in sorted(secure.keys_dir(db).glob("*.key"))]
    for p, what in checks:
        try:
            if p.exists() and not secure.is_owner_only(p):
                out.append(f"{what} {p} 其他账号可读（应为 {'0700' if p.is_dir() else '0600'}）。")
        except OSError:
            pass
    strays = secure.stray_static_files()
    if strays:
        out.append(
            f"static/ 中有非前端资源的文件：{'、'.join(strays[:5])}（请移走；serve.py 不会提供它们）。"
        )
    return out


def _freshness(df: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Days between the data's date and each township's newest absence / aid date (stalest first)."""
    out = df.copy()
    for col, label in (("last_absence", "缺勤"), ("last_aid", "资助发放")):
        day = pd.to_datetime(out[col])
        out[f"{label}滞后天数"] = (pd.Timestamp(as_of) - day).dt.days.astype("Int64")
        out[col] = day.dt.strftime("%Y-%m-%d").where(day.notna(), "—")
    worst = out[["缺勤滞后天数", "资助发放滞后天数"]].max(axis=1).fillna(10**6)  # no data: first
    out = out.assign(_w=worst).sort_values(["_w", "code"], ascending=[False, True]).drop(columns="_w")
    out = out.reset_index(drop=True)
    return out.rename(
        columns={
            "code": "乡镇代码",
            "name": "乡镇",
            "last_absence": "最近缺勤记录",
            "last_aid": "最近资助发放",
        }
    )


def freshness_colours(table: pd.DataFrame, *, amber_days: int = 7, red_days: int = 30) -> pd.DataFrame:
    """Colour names (red/amber/green/grey) for the lag columns of :func:`_freshness`'s table."""
    colours = pd.DataFrame("none", index=table.index, columns=table.columns)
    for col in ("缺勤滞后天数", "资助发放滞后天数"):
        lag = table[col]
        colours[col] = [
            "grey" if pd.isna(v) else "red" if v > red_days else "amber" if v > amber_days else "green"
            for v in lag
        ]
    return colours


def summary(h: Health) -> dict[str, Any]:
    """JSON-ready figures (for a CLI or a test)."""
    return {
        "db_path": str(h.db_path),
        "db_bytes": h.db_bytes,
        "wal_bytes": h.wal_bytes,
        "schema_version": h.schema_version,
        "school_year": h.school_year,
        "as_of": h.as_of,
        "restored_from": h.restored_from,
        "backups": h.backups,
        "last_backup": h.last_backup.isoformat() if h.last_backup else None,
        "backup_overdue": h.backup_overdue,
        "failures_last_day": dict(zip(h.failures["action"], h.failures["n"].astype(int), strict=True)),
        "exposure": list(h.exposure),
    }
