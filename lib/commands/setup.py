"""首次启动 command: ``setup`` (what ``make run`` does before the server starts).

On a new installation the store is empty and there is no account: ``setup`` builds the
demo county with its progress on the terminal (not in a bureau's own store made by
``init``, which its imports fill) and creates the ``admin`` account, whose password it
prints here, at the server's start, and writes to
:func:`lib.core.config.initial_admin_password_file`.  On a store that is ready it only says so.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from lib.cli import EXIT_OK, Handler, command, emit
from lib.core import config, store, storemeta


@command("setup", "首次启动准备：空库时生成演示数据并创建管理员账号 (first start: demo data and admin)")
def _setup_parser(p: argparse.ArgumentParser) -> Handler:
    return cmd_setup


def cmd_setup(args: argparse.Namespace) -> int:
    from lib.access import auth  # when the command runs: a CLI call loads only its own domain
    from lib.demo import county as demo  # when the command runs: a CLI call loads only its own domain

    path = config.db_path()
    built, started = False, time.perf_counter()
    if _needs_demo(path):
        last = {"step": ""}

        def progress(share: float, step: str) -> None:
            if step != last["step"] and not args.json:
                print(f"  [{share * 100:3.0f}%] {step}", file=sys.stderr, flush=True)
                last["step"] = step

        if not args.json:
            print(f"正在生成演示数据：{path}", file=sys.stderr, flush=True)
        demo.build_demo(path, progress=progress)
        built = True
    password = auth.ensure_admin(path=path)  # prints the password to the terminal when created now
    result = {
        "path": str(path),
        "demo_built": built,
        "seconds": round(time.perf_counter() - started, 1),
        "admin_created": password is not None,
        "password_file": str(config.initial_admin_password_file()) if password else None,
    }
    emit(
        args,
        result,
        ("演示数据已生成" if built else "数据库已就绪")
        + f"：{path}"
        + ("" if password else "(已有账号，未创建管理员)" if built else ""),
    )
    return EXIT_OK


def _needs_demo(path: Path) -> bool:
    """No store yet, or an empty one no county was set up in (a bureau's store made by ``init``
    stays empty until its own imports fill it: no demo there)."""
    if store.is_empty(path):
        if not Path(path).exists():
            return True
        with store.connect(path) as con:
            return not storemeta.is_initialised(con)
    return False
