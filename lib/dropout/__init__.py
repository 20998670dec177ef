"""控辍保学.

rules (pure: case status on a day, moves, detection, escalation, notices), data (scoped
reads), cases (writes: open, act, move; optimistic locking), ledger (the 台账 tables),
monitor (township figures and maps), rosters (帮扶名册), notices (四书), weekly (每周填报
and the weekly report), charts, presence (is a child in school: the 巩固 checks and
reopening), homes (巩固率 by home township and the 村 breakdown), forms (the 两表, the 核查反馈
export, the escalation notice list).
"""

from lib.dropout.cases import open_case_for_child

__all__ = ["open_case_for_child"]
