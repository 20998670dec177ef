"""An uploaded roster checked as a background job (:mod:`lib.ops.jobs`), phase by phase.

:func:`check` does what :func:`lib.roster.register.read_file` and the CLI's ``roster-check``
do (read the file in a child process, check its rows, resolve places, classify against the
students), reporting its phases through a progress callback, and opening the store only
while a query runs: the file is parsed and validated with the store closed, so the CLI still
gets in while a big roster is checked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from lib import ingest
from lib.core import store
from lib.core.scope import Scope
from lib.ingest import gate
from lib.roster import register as roster

#: The phases reported (Chinese; the UI translates them).
PHASES = ("读取文件", "核对", "生成报告")


@dataclass(frozen=True)
class RosterCheck:
    """A school-age roster file read, checked and classified (not yet stored).

    ``frame``: its good rows with places resolved (what 导入 stores, unmasked: mask before
    display); ``rows``: rows in the file; ``problems``: rows skipped (Chinese, by row);
    ``counts``: children per :data:`lib.roster.register.CATEGORIES` once the file is stored.
    """

    filename: str
    frame: pd.DataFrame
    rows: int
    problems: list[str]
    counts: dict[str, int] = field(default_factory=dict)


def check(
    data: bytes,
    filename: str,
    scope: Scope,
    progress: Callable[[float, str], None] | None = None,
    *,
    path: Path | None = None,
) -> RosterCheck:
    """Read, check and classify a roster file for ``scope``; ``progress(fraction, phase)``.

    Raises
    ------
    lib.roster.register.RosterError
        The file cannot be read (its Chinese message names the file, row and column).
    """
    say = progress or (lambda fraction, text: None)
    say(0.05, PHASES[0])
    try:
        gate.check_upload(data, filename)  # the settings' size and row limits, zip bombs
        parsed = ingest.parse_upload(data, filename, kind="roster")  # a child process: memory, time
    except (ingest.IngestError, gate.UploadRefused) as exc:
        raise roster.RosterError(str(exc)) from exc
    say(0.35, PHASES[1])
    with store.connect(path) as con:
        reference = ingest.load_reference(con, ingest.KINDS["roster"], scope)
    report = ingest.validate(parsed, "roster", con_or_reference=reference, scope=scope)
    if report.fatal:
        raise roster.RosterError(report.errors[0].message if report.errors else "花名册无法读取。")
    say(0.6, PHASES[1])
    with store.connect(path) as con:
        frame, problems = roster.resolve_places(report.good(), con, scope)
    say(0.75, PHASES[2])
    with store.connect(path) as con:
        classified = roster.classify(con, scope, frame)
    problems = [f"第{e.row}行：{e.message}" for e in report.errors] + problems
    return RosterCheck(filename, frame, report.rows, problems, roster.counts(classified))
