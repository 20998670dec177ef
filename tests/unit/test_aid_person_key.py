"""lib.aid.rules.person_key: the same keys as judging every ID one by one with lib.core.ids."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd

from lib.aid import rules as aid
from lib.core import ids


def _one_by_one(students: pd.DataFrame) -> pd.Series:
    norm = {}
    for v in students["id_number"].dropna().unique():
        n = ids.normalise_id(v) if isinstance(v, str) else None
        norm[v] = n if n and ids.is_valid_id(n) else None
    return students["id_number"].map(norm).fillna(students["student_id"])


def _with_check(body17: str) -> str:
    return body17 + ids.check_char(body17)


def test_tricky_ids_get_the_same_key() -> None:
    good = _with_check("41150320150301002")
    values = [
        good,
        good[:-1] + ("0" if good[-1] != "0" else "1"),  # wrong check character
        _with_check("41150320000229001"),  # 29 February of a leap year (2000)
        _with_check("41150319000229001"),  # 1900 is no leap year
        _with_check("41150320160229001"),  # 2016 is
        _with_check("41150320150229001"),  # 2015 is not
        _with_check("41150320151301001"),  # month 13
        _with_check("41150320150100001"),  # day 0
        _with_check("41150320150431001"),  # 31 April
        _with_check("41150300000101001"),  # year 0
        _with_check("41150399991231001"),  # year 9999
        good.lower(),
        " " + good + " ",
        "G" + good,
        good.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
        "411503150301002",  # a 15-digit ID
        "٤" + good[1:],  # an Arabic-Indic digit: isdigit() but not ASCII
        "4115032015030100",  # too short
        None,
        np.nan,
        41150320150301002,
        "",
    ]
    students = pd.DataFrame(
        {
            "student_id": [f"S{i:03d}" for i in range(len(values))],
            "id_number": pd.Series(values, dtype=object),
        }
    )
    pd.testing.assert_series_equal(aid.person_key(students), _one_by_one(students))


def test_many_random_ids_get_the_same_key() -> None:
    rng = random.Random(7)
    values = []
    for _ in range(3000):
        body = f"411503{rng.randint(1890, 2030):04d}{rng.randint(0, 13):02d}{rng.randint(0, 32):02d}{rng.randint(0, 999):03d}"
        last = ids.check_char(body) if rng.random() < 0.7 else rng.choice("0123456789X")
        values.append(body + last)
    students = pd.DataFrame({"student_id": [f"S{i}" for i in range(len(values))], "id_number": values})
    got = aid.person_key(students)
    pd.testing.assert_series_equal(got, _one_by_one(students))
    assert (got != students["student_id"]).sum() > 500  # many are valid, many are not
    assert (got == students["student_id"]).sum() > 500
