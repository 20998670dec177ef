"""控辍保学.

rules (pure: case status on a day, moves, detection, escalation, notices), data (scoped
reads), cases (writes: open, act, move; optimistic locking), ledger (the 台账 tables),
monitor (township figures and maps), rosters (帮扶名册), notices (四书), weekly (每周填报
and the weekly report), charts.
"""

from lib.dropout.cases import open_case_for_child

__all__ = ["open_case_for_child"]
