"""One import pipeline for the import page, the CLI and the registry reconciliation.

::

    bytes -> file type (CSV, XLSX) -> encoding (BOM, strict UTF-8, else GB18030)
          -> header row (title, blank and merged rows above it skipped)
          -> column mapping (synonyms; the user's choice overrides, remembered per layout)
          -> types (dates, numbers with commas or 万, yes/no; IDs and codes as text)
          -> validation for the table kind -> Report
          -> commit (one transaction, snapshot for undo) / undo_last_import

The stages live in :mod:`lib.ingest.read` (file to text cells),
:mod:`lib.ingest.types` (cells to values), :mod:`lib.ingest.validate` (rules
and the report) and :mod:`lib.ingest.commit` (the store); the kinds and their
synonyms in :mod:`lib.ingest.kinds`.  This module is the public face: import
from here.  Beside the pipeline: :mod:`lib.ingest.view` (the import page's tables),
:mod:`lib.ingest.explore` (自由探索: any file charted, masked) and
:mod:`lib.ingest.corrections` (更正记录: one record by the import's rules); in front of it all,
:mod:`lib.ingest.gate` (every upload's bytes checked against the size and row limits, zip bombs
refused, before anything parses them) and :func:`parse_upload` (:mod:`lib.ingest.worker`: an
upload parsed by ``read_upload`` in a child process with memory and time limits).  An .xlsx is
opened by :mod:`lib.ingest.xlsx` (the sheet's XML streamed, limits checked while reading,
merged ranges returned) for ``read_upload`` alone.  The report contract and the problem codes are in docs/cli.md, the
behaviour in docs/ingest.md.

Example
-------
>>> parsed = read_upload(data, "学生.csv", kind="students")          # doctest: +SKIP
>>> with store.connect() as con:                                      # doctest: +SKIP
...     report = validate(parsed, "students", con_or_reference=con, scope=scope)
>>> commit(parsed, scope=scope, mode="replace")                       # doctest: +SKIP
"""

from __future__ import annotations

from lib.ingest.commit import (
    FOREIGN_KEYS,
    CommitResult,
    ImportRefused,
    UndoRefused,
    UndoResult,
    commit,
    last_import,
    list_imports,
    may_import,
    remember_mapping,
    remembered_mapping,
    undo_check,
    undo_last_import,
)
from lib.ingest.kinds import KINDS, REGISTRY_KINDS, TABLE_KINDS, Field, Kind, clean_header, get_kind
from lib.ingest.read import (
    CODES,
    ROW,
    IngestError,
    ParsedFile,
    Problem,
    apply_mapping,
    as_kind,
    guess_kind,
    guess_mapping,
    read_upload,
    remap,
    sheet_names,
)
from lib.ingest.validate import (
    CRS,
    MODE_LABELS,
    MODES,
    Reference,
    Report,
    empty_reference,
    load_reference,
    problem_codes,
    to_wgs84,
    validate,
)
from lib.ingest.worker import parse_upload

__all__ = [
    "CODES",
    "CRS",
    "FOREIGN_KEYS",
    "KINDS",
    "MODES",
    "MODE_LABELS",
    "REGISTRY_KINDS",
    "ROW",
    "TABLE_KINDS",
    "CommitResult",
    "Field",
    "ImportRefused",
    "IngestError",
    "Kind",
    "ParsedFile",
    "Problem",
    "Reference",
    "Report",
    "UndoRefused",
    "UndoResult",
    "apply_mapping",
    "as_kind",
    "clean_header",
    "commit",
    "empty_reference",
    "get_kind",
    "guess_kind",
    "guess_mapping",
    "last_import",
    "list_imports",
    "load_reference",
    "may_import",
    "parse_upload",
    "problem_codes",
    "read_upload",
    "remap",
    "remember_mapping",
    "remembered_mapping",
    "sheet_names",
    "to_wgs84",
    "undo_check",
    "undo_last_import",
    "validate",
]
