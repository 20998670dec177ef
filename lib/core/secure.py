"""Private files: the data directory, owner-only modes, key files, confined path settings,
and what static serving may serve.

The store names minors, so every file that holds its data or a secret is readable by
the server's account only: DuckDB files (the store, its log, backups, restored
stores) and key files are mode 0600, their folders 0700.  Secrets live outside the
store, in ``<data directory>/keys/`` (``EDU_KEYS_DIR``): a copy of the store (a backup,
a stolen file) then carries no key with which to forge a login cookie.

A path a user may set (``backup.dir``) is resolved inside the data directory and never
inside ``static/``, which Streamlit serves to anyone; ``serve.py`` serves from
``static/`` only the vendored files listed in ``static/vendor/SHA256SUMS``
(:func:`static_allowed`).
"""

from __future__ import annotations

import os
import secrets
import stat
from functools import lru_cache
from pathlib import Path

from lib.core import config
from lib.core.errors import AppError

#: Owner read/write only (files) and owner only (folders).
FILE_MODE = 0o600
DIR_MODE = 0o700

#: The cookie-signing key and the key that signs backup manifests.
SESSION_KEY = "session.key"
BACKUP_KEY = "backup.key"


class PathNotAllowed(AppError, ValueError):
    """A path setting points outside the data directory (or into the served ``static/``)."""


# ------------------------------------------------------------------ the process and modes
def owner_only_umask() -> None:
    """Make every file this process creates owner-only (DuckDB's log and temporary files
    included, which it creates itself).  Called by the app's and the CLI's entry points."""
    os.umask(0o077)


def data_dir(db: Path | None = None) -> Path:
    """The data directory: the folder of the store's file (``data/`` by default)."""
    return Path(db or config.db_path()).resolve().parent


def is_owner_only(path: Path) -> bool:
    """Does ``path`` give nobody but its owner any access?"""
    return stat.S_IMODE(os.stat(path).st_mode) & 0o077 == 0


def harden_file(path: Path) -> None:
    """Mode 0600 for ``path`` if it exists and is more open (no error if it cannot be changed:
    a file owned by someone else is reported by the health check, not fixed here)."""
    try:
        st = os.stat(path)
        if stat.S_IMODE(st.st_mode) != FILE_MODE:
            os.chmod(path, FILE_MODE)
    except OSError:
        pass


def harden_dir(path: Path) -> None:
    """Mode 0700 for the folder ``path`` (if it exists and can be changed)."""
    try:
        st = os.stat(path)
        if stat.S_IMODE(st.st_mode) != DIR_MODE:
            os.chmod(path, DIR_MODE)
    except OSError:
        pass


def make_private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) if missing; a folder created here is 0700."""
    path = Path(path)
    if not path.exists():
        path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
        harden_dir(path)
    return path


def harden_store(db: Path) -> None:
    """Owner-only modes for a DuckDB file and its log; its folder too when it is the app's own
    ``data/`` (a store the operator placed in a shared folder such as /tmp keeps that folder's
    mode: the health check reports it)."""
    db = Path(db)
    harden_file(db)
    harden_file(Path(str(db) + ".wal"))
    if db.parent.resolve() == config.DATA_DIR.resolve():
        harden_dir(db.parent)


# ------------------------------------------------------------------ keys
def keys_dir(db: Path | None = None) -> Path:
    """Where key files live: ``EDU_KEYS_DIR``, else ``keys/`` in the data directory."""
    env = os.environ.get("EDU_KEYS_DIR")
    return Path(env).resolve() if env else data_dir(db) / "keys"


def key_path(name: str, db: Path | None = None) -> Path:
    return keys_dir(db) / name


def _write_key_file(path: Path, key: bytes, *, replace: bool) -> None:
    make_private_dir(path.parent)
    harden_dir(path.parent)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
        os.write(fd, key.hex().encode("ascii") + b"\n")
        os.fsync(fd)
    finally:
        os.close(fd)
    if replace:
        os.replace(tmp, path)
        return
    try:
        os.link(tmp, path)  # atomic "create if absent": two first uses agree on one key
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)


def read_key(name: str, *, db: Path | None = None, create: bool = True) -> bytes:
    """The 32-byte key ``name`` from its 0600 file, made on first use.

    Raises
    ------
    AppError
        The key file is missing (and ``create`` is False) or damaged.
    """
    path = key_path(name, db)
    if not path.exists():
        if not create:
            raise AppError(f"密钥文件不存在：{path.name}")
        _write_key_file(path, secrets.token_bytes(32), replace=False)
    harden_file(path)
    try:
        key = bytes.fromhex(path.read_text(encoding="ascii").strip())
    except (ValueError, UnicodeDecodeError) as exc:
        raise AppError(f"密钥文件已损坏：{path.name}") from exc
    if len(key) < 32:
        raise AppError(f"密钥文件已损坏：{path.name}")
    return key


def replace_key(name: str, *, db: Path | None = None) -> bytes:
    """A new random key ``name`` in place of the old one (atomically); returns it."""
    key = secrets.token_bytes(32)
    _write_key_file(key_path(name, db), key, replace=True)
    return key


# ------------------------------------------------------------------ confined paths
def _inside(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
        return True
    except ValueError:
        return False


def confine(value: str, *, base: Path, what: str) -> Path:
    """The folder a path setting names, resolved inside ``base`` (symbolic links followed).

    A relative value is taken from ``base``; an absolute one must lie inside it.

    Raises
    ------
    PathNotAllowed
        The path leaves ``base`` (``..``, an absolute path elsewhere, a link out), is
        ``base`` itself, or lies inside the web-served ``static/`` folder.
    """
    base = Path(base).resolve()
    raw = Path(str(value).strip()).expanduser()
    target = (raw if raw.is_absolute() else base / raw).resolve()
    if _inside(target, config.STATIC_DIR.resolve()):
        raise PathNotAllowed(f"{what}不能设在网页静态目录 static/ 内（其中的文件任何人都能下载）。")
    if target == base or not _inside(target, base):
        raise PathNotAllowed(f"{what}必须是数据目录 {base} 下的子目录（填相对路径，如 backups）。")
    return target


def refuse_static(path: Path, *, what: str) -> Path:
    """``path`` unless it lies inside the web-served ``static/`` folder (then PathNotAllowed)."""
    resolved = Path(path).expanduser().resolve()
    if _inside(resolved, config.STATIC_DIR.resolve()):
        raise PathNotAllowed(f"{what}不能设在网页静态目录 static/ 内（其中的文件任何人都能下载）。")
    return resolved


# ------------------------------------------------------------------ static serving
@lru_cache(maxsize=1)
def vendored_files() -> frozenset[str]:
    """Paths under ``static/`` that may be served: the vendored files listed in
    ``static/vendor/SHA256SUMS`` and the favicon."""
    listed = config.STATIC_DIR / "vendor" / "SHA256SUMS"
    names = {"favicon.png"}
    if listed.exists():
        for line in listed.read_text(encoding="utf-8").splitlines():
            parts = line.split(maxsplit=1)
            if len(parts) == 2:
                names.add("vendor/" + parts[1].strip().lstrip("*"))
    return frozenset(names)


def static_allowed(url_path: str) -> bool:
    """May the request path (``/app/static/<rel>``, or ``<rel>``) be served?  Only the
    vendored files are; anything else in ``static/`` (a backup, a stray file) is not."""
    rel = url_path.split("?", 1)[0]
    prefix = "/app/static/"
    if rel.startswith(prefix):
        rel = rel[len(prefix) :]
    elif "/app/static/" in rel:  # behind a base URL path
        rel = rel.split("/app/static/", 1)[1]
    return rel in vendored_files()


def stray_static_files() -> list[str]:
    """Files in ``static/`` that are not vendored assets (the health check lists them)."""
    allowed = vendored_files()
    root = config.STATIC_DIR
    out = []
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        if p.is_file() and rel not in allowed and rel not in ("vendor/SHA256SUMS", "vendor/README.md"):
            out.append(rel)
    return out
