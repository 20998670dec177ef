"""Uploads parsed in a child process with memory and time limits, so a hostile file cannot
take the server down.

:func:`parse_upload` runs :func:`lib.ingest.read.read_upload` (the one reader, unchanged) in a
fresh Python process: the request (the bytes, the kind, the
mapping, the limits) goes in on stdin, the :class:`~lib.ingest.read.ParsedFile` comes back
pickled on stdout.  The child limits its own address space (``RLIMIT_AS``: what it had after
its imports plus ``ingest.worker_memory_mb``) before it reads the request; the parent kills it
after ``ingest.worker_timeout_s``.  A refusal inside the child (a limit of the reader) comes
back as the same :class:`~lib.ingest.read.IngestError`; running out of memory or time is an
``IngestError`` too (``worker_memory`` / ``worker_timeout``), with a Chinese message naming
the file and the setting.

A subprocess rather than ``multiprocessing``: Streamlit runs page scripts as ``__main__``,
which ``spawn`` and ``forkserver`` children would import again.  The child imports only the
reader (:data:`_BOOT` skips the ``lib.ingest`` package's ``__init__``, which loads the whole
import pipeline); that start (Python, pandas, pyarrow: about 0.6 s of CPU) is hidden in the
server by a spare child started ahead (``warm=True``), waiting for its request.
"""

from __future__ import annotations

import atexit
import logging
import os
import pickle
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from lib.core import config
from lib.ingest import read
from lib.ingest.read import CODES, IngestError, ParsedFile, Problem

_ROOT = Path(__file__).resolve().parents[2]
_LOG = logging.getLogger("edu.ingest.worker")
#: The child's program: the ``lib.ingest`` package stands empty so that importing the reader
#: does not run the package's ``__init__`` (validation, commit, geometry, SciPy: seconds).
_BOOT = (
    "import sys, types, lib\n"
    "pkg = types.ModuleType('lib.ingest')\n"
    "pkg.__path__ = [lib.__path__[0] + '/ingest']\n"
    "sys.modules['lib.ingest'] = pkg\n"
    "from lib.ingest import worker\n"
    "import os\n"
    "os._exit(worker.main())\n"  # no interpreter teardown: pandas' takes longer than a parse
)
_SPARE_LOCK = threading.Lock()
_spare: subprocess.Popen[bytes] | None = None


def _start() -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(p for p in (str(_ROOT), os.environ.get("PYTHONPATH", "")) if p),
        # allocations that respect RLIMIT_AS and fail cleanly: glibc with few arenas, no jemalloc
        "MALLOC_ARENA_MAX": "2",
        "ARROW_DEFAULT_MEMORY_POOL": "system",
        "OMP_NUM_THREADS": "1",
    }
    return subprocess.Popen(
        [sys.executable, "-c", _BOOT],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=_ROOT,
        env=env,
    )


def _child(warm: bool) -> subprocess.Popen[bytes]:
    """A child for this parse: the spare when there is one; with ``warm``, a new spare is started."""
    global _spare
    with _SPARE_LOCK:
        proc, _spare = _spare, None
        if proc is None or proc.poll() is not None:
            proc = _start()
        if warm:
            _spare = _start()
    return proc


@atexit.register
def _stop_spare() -> None:
    global _spare
    with _SPARE_LOCK:
        if _spare is not None and _spare.poll() is None:
            _spare.kill()
            _spare.wait()
        _spare = None


def _effective_settings() -> dict[str, Any]:
    """The settings with an administrator's stored values (the settings file when there is no store)."""
    # lib.core.settings opens the store: imported here so that the child, which never needs
    # it, does not load DuckDB
    import duckdb

    from lib.core import settings as settings_store  # as above: the parent alone reads settings
    from lib.core import store  # as above

    try:
        return settings_store.effective_settings()
    except (store.StoreError, store.StoreBusy, duckdb.Error):
        return config.SETTINGS


def worker_limits(settings: dict[str, Any] | None = None) -> tuple[int, float]:
    """(memory in bytes, seconds) a parse may take: ``ingest.worker_memory_mb``, ``ingest.worker_timeout_s``."""
    conf = (settings or config.SETTINGS)["ingest"]
    d = config.DEFAULTS["ingest"]
    mb = float(conf.get("worker_memory_mb", d["worker_memory_mb"]))
    return int(mb * 1024 * 1024), float(conf.get("worker_timeout_s", d["worker_timeout_s"]))


def _refused(filename: str, code: str, detail: str) -> IngestError:
    return IngestError(Problem(None, None, code, f"{filename}：{CODES[code][1]}：{detail}"))


def parse_upload(
    data: bytes,
    filename: str,
    *,
    kind: str | None,
    mapping: dict[str, str | None] | None = None,
    sheet: str | None = None,
    settings: dict[str, Any] | None = None,
    memory_bytes: int | None = None,
    timeout_s: float | None = None,
    warm: bool = False,
) -> ParsedFile:
    """:func:`lib.ingest.read.read_upload` in a child process with memory and time limits.

    Parameters
    ----------
    data, filename, kind, mapping, sheet
        As :func:`lib.ingest.read.read_upload`.
    settings
        The settings whose ``ingest`` limits apply (default: the effective settings, an
        administrator's stored values included).
    memory_bytes, timeout_s
        Override ``ingest.worker_memory_mb`` / ``ingest.worker_timeout_s`` (tests).
    warm
        Keep a spare child ready for the next upload (the server; a one-off command does not).

    Returns
    -------
    ParsedFile

    Raises
    ------
    IngestError
        Whatever the reader refuses, and ``worker_memory`` / ``worker_timeout`` when the
        child runs out of memory or time (it is killed; the server is untouched).
    """
    settings = settings or _effective_settings()
    limits = read.read_limits(settings)
    memory, timeout = worker_limits(settings)
    memory = memory_bytes or memory
    timeout = timeout_s or timeout
    read.check_size(data, filename, limits)  # the cheapest refusal needs no process
    request = pickle.dumps(
        {
            "data": data,
            "filename": filename,
            "kind": kind,
            "mapping": mapping,
            "sheet": sheet,
            "limits": limits,
            "memory": memory,
        },
        protocol=pickle.HIGHEST_PROTOCOL,
    )
    t0 = time.monotonic()
    proc = _child(warm)
    try:
        out, err = proc.communicate(request, timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise _refused(
            filename,
            "worker_timeout",
            f"超过 {timeout:g} 秒仍未读完，已停止(设置 ingest.worker_timeout_s)。请检查文件，或另存为 CSV",
        ) from None
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    try:
        status, value = pickle.loads(out) if out else ("crash", None)
    except (pickle.UnpicklingError, EOFError, MemoryError):
        status, value = "crash", None
    if status == "ok":
        return value
    if status == "refused":
        raise IngestError(value)
    if status == "error":
        raise RuntimeError(f"读取 {filename} 时出错：{value}")
    _LOG.warning(
        "parse of %s ended: status %s, exit %s after %.1f s: %s",
        filename,
        status,
        proc.returncode,
        time.monotonic() - t0,
        err[-2000:].decode("utf-8", "replace"),
    )
    if _out_of_memory(status, proc.returncode, err):
        raise _refused(
            filename,
            "worker_memory",
            f"读取时所需内存超过 {memory / 1024 / 1024:,.0f} MB，已停止(设置 ingest.worker_memory_mb)。"
            "请检查文件，或拆分后再上传",
        )
    raise _refused(  # a fault of the program or its installation, not of the file: the log has it
        filename,
        "worker_crash",
        f"退出码 {proc.returncode}。请重试；仍失败请联系系统管理员(服务器日志有详情)",
    )


def _out_of_memory(status: str, returncode: int | None, err: bytes) -> bool:
    """Whether a child that sent no result ran out of its memory limit: it said so, a signal
    ended it (an allocation failing inside C code aborts), or its last words were MemoryError."""
    if status == "memory" or (returncode is not None and returncode < 0):
        return True
    tail = err[-4000:]
    return b"MemoryError" in tail or b"Cannot allocate memory" in tail or b"bad_alloc" in tail


def _address_space() -> int:
    """The process's current virtual size in bytes (0 where /proc is not available)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 0
    return pages * os.sysconf("SC_PAGE_SIZE")


def _limit_memory(extra: int) -> None:
    base = _address_space()
    if base:
        resource.setrlimit(resource.RLIMIT_AS, (base + extra, base + extra))


def main() -> int:
    """The child: a request on stdin, ``(status, value)`` pickled on stdout."""
    # the reader's lazy imports, done while a spare waits and before the limit, so that the
    # limit bounds the parse alone
    import openpyxl.styles.numbers
    import openpyxl.utils.datetime  # noqa: F401
    import pyarrow.compute
    import pyarrow.csv  # noqa: F401

    try:
        request = pickle.load(sys.stdin.buffer)
    except EOFError:  # a spare whose server ended
        return 0
    _limit_memory(int(request.pop("memory")))
    try:
        parsed = read.read_upload(
            request["data"],
            request["filename"],
            kind=request["kind"],
            mapping=request["mapping"],
            sheet=request["sheet"],
            limits=request["limits"],
        )
        result: tuple[str, Any] = ("ok", parsed)
    except IngestError as exc:
        result = ("refused", exc.problem)
    except MemoryError:
        result = ("memory", None)
    except Exception as exc:  # a bug, reported to the parent (which raises it) rather than lost
        result = ("error", f"{type(exc).__name__}: {exc}")
    del request
    try:
        payload = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        payload = pickle.dumps(("memory", None))
    sys.stdout.buffer.write(payload)
    sys.stdout.buffer.flush()
    return 0
