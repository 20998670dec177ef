"""学生资助.

rules (programmes, standards, priority groups), data (scoped reads), payments, approvals,
social (社会帮扶), tasks (follow-ups), reconcile (精准识别 against outside lists), view
(the page's first view: cards, coverage, approvals), tabs (the payments and social-aid tabs,
read when first opened), reconcile_run (an uploaded list reconciled as a background job),
summary (资助覆盖汇总: coverage counts kept in the store).
"""
