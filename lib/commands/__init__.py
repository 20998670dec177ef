"""CLI commands by domain; each module registers with :func:`lib.cli.command` (docs/cli.md).

access (the account, Scope and masking a command runs with: ``--user``), ingest (import,
validate, imports, undo), dropout (detect, cases, weekly report), aid (reconcile), roster
(roster-check), risk (risk, risk-backtest), layout (coverage, plan, optimize), briefing,
ops (backup, restore, rollover, retention), users (user add/list/update ...), setup (first
start: demo data and the admin account).
"""
