"""The core every wing stands on (imports no domain).

config (every threshold, standard and path), settings (stored overrides), schema (tables,
columns, labels, code lists), store (DuckDB, migrations), scope (the Scope every read takes),
ids (ID numbers, 学籍号, masking), geo (CRS, distances, converters), fmt (numbers and dates as
reports write them), i18n (every label), permissions (the role x action matrix), audit,
calendar (school days by national rules), storemeta (a store's county, demo flag and data
date: the one read of today), history (students and their registered attributes per date),
places (shared reads of townships, schools and enrolment), errors (the AppError base),
secure (owner-only files, key files, confined paths, what static serving may serve), derived
(summaries refreshed in the transaction of every write of their sources), textsets (membership
and lookup of text values hashed in Arrow).
"""
