"""精准识别 of an uploaded list as a background job (:mod:`lib.ops.jobs`), phase by phase.

:func:`run` does what the page and the CLI's ``reconcile`` do (:func:`lib.aid.reconcile.read_registry`,
then :func:`~lib.aid.reconcile.reconcile` against the students and places), reporting its
phases through a progress callback and opening the store only to read the students and the
places: the list is read and matched with the store closed, so the CLI still gets in.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from lib.aid import reconcile
from lib.core import store
from lib.core.scope import Scope

#: The phases reported (Chinese; the UI translates them).
PHASES = ("读取文件", "核对", "生成报告")


def run(
    data: bytes,
    filename: str,
    kind: str,
    scope: Scope,
    progress: Callable[[float, str], None] | None = None,
    *,
    path: Path | None = None,
) -> reconcile.ReconcileResult:
    """The list ``data`` (``kind``: :data:`lib.core.schema.REGISTRY_KINDS`) reconciled for ``scope``.

    Raises
    ------
    lib.core.errors.AppError
        The list cannot be read (its Chinese message names the file, row and column).
    """
    say = progress or (lambda fraction, text: None)
    say(0.05, PHASES[0])
    frame = reconcile.read_registry(data, filename, kind=kind)
    say(0.4, PHASES[1])
    with store.connect(path) as con:
        students = reconcile.load_students(con, scope)
        places = reconcile.load_places(con, scope)
    say(0.6, PHASES[1])
    result = reconcile.reconcile(frame, students, places, scope, kind=kind, source=filename)
    say(0.95, PHASES[2])
    return result
