"""Test accounts, one per role and scope: the one way every test layer logs in.

AppTests (tests/app/conftest.py ``login_as``) and browser tests
(tests/browser/helpers.py ``login_as``) both create their account here.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

#: The password of every test account.
TEST_PASSWORD = "Edu-test-2026"
#: The township of a township or school test account that names none (明港镇).
DEFAULT_TOWNSHIP = "411503101"


def ensure_test_account(
    role: str = "county",
    *,
    townships: Iterable[str] | None = None,
    schools: Iterable[str] | None = None,
    classes: Iterable[str] | None = None,
    path: Path | None = None,
):
    """The account ``test-<role>[-<codes>]`` in the database at ``path`` (default: EDU_DB),
    created or updated to this scope; returns the :class:`lib.access.auth.Account`.

    ``role`` may join several roles with ``+`` (``"admin+county"``); ``schools`` holds
    at most one school (an account has one); ``classes`` (``7-2``) make a class teacher's
    account of that school.  Writes only when the account differs.
    """
    from lib.access import auth
    from lib.core import store

    roles = role.split("+")
    if "township" in roles and not townships:
        townships = (DEFAULT_TOWNSHIP,)  # a township account always has its township
    if "school" in roles and not schools:
        with store.connect(path) as con:
            schools = con.execute(
                "SELECT min(code) FROM schools WHERE township_code = ?", [DEFAULT_TOWNSHIP]
            ).fetchone()
    school = None
    if schools:
        schools = tuple(schools)
        if len(schools) != 1:
            raise ValueError("an account has one school")
        school = schools[0]
    codes = "-".join([*(townships or ()), *([school] if school else []), *(classes or ())])
    name = f"test-{role.replace('+', '.')}" + (f"-{codes}" if codes else "")
    return auth.ensure_account(
        name[:64],
        roles=roles,
        password=TEST_PASSWORD,
        townships=townships,
        school=school,
        classes=tuple(classes) if classes else None,
        strict_roles=False,
        path=path,
    )
