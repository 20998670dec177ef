"""控辍保学.

rules (pure: case status on a day, moves, detection, escalation, notices), data (scoped
reads), cases (writes: open, act, move; optimistic locking), ledger (the 台账 tables),
monitor (township figures and maps), homes (巩固率 by home township, the 村 breakdown),
presence (is a returned child in school), rosters (帮扶名册 and 帮扶成效), notices (四书), forms
(两表, 核查反馈, 升级督办通知), weekly (每周填报 and the weekly report), charts.
"""

from lib.dropout.cases import open_case_for_child

__all__ = ["open_case_for_child"]
