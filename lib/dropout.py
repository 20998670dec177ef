"""控辍保学: dropout cases and their status on any date.

The foundation ships the one rule every count of cases depends on: a case's
status on a given day, derived from its dates, so that "as of" figures and
"change since last week" come from the same definition.  The dropout issue
builds monitoring, detection and the ledger on top of it.
"""

from __future__ import annotations

from datetime import date

#: SQL expression: status of case row ``c`` on the date bound to ``?``
#: (NULL when the case had not been reported yet).  Uses the case's dates:
#: reported_on -> verified_on -> returned_on, and closed_on for 误报.
#: A case closed as 误报 is 误报 from its closing date; before it, 疑似辍学.
def status_at_sql(alias: str = "c") -> str:
    """SQL CASE giving a case's status on the day bound to the three ``?``."""
    a = alias
    return (
        f"CASE WHEN {a}.reported_on > ?::DATE THEN NULL "
        f"WHEN {a}.status = '误报' AND {a}.closed_on <= ?::DATE THEN '误报' "
        f"WHEN {a}.returned_on IS NOT NULL AND {a}.returned_on <= ?::DATE THEN '已返校' "
        f"WHEN {a}.verified_on IS NOT NULL AND {a}.verified_on <= ?::DATE THEN '辍学' "
        f"ELSE '疑似辍学' END"
    )


def status_at_params(day: date) -> list[str]:
    """Parameters for :func:`status_at_sql` (one per placeholder)."""
    return [day.isoformat()] * 4
