"""Print the median time to read, validate and commit 100,000 student rows (a GBK CSV
with Chinese headers, appended to the district demo) beside ``pandas.read_csv`` of the
same file measured in the same run.

    .venv/bin/python bench/bench_ingest.py [--rows 100000] [--runs 3]

Each run works on a fresh copy of the demo database.  The figure goes into the
README's performance table and docs/ingest.md; it is never a test assertion.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "_out"

HEADERS = {
    "id_number": "身份证号",
    "xueji_number": "学籍号",
    "name": "姓名",
    "sex": "性别",
    "birth_date": "出生日期",
    "grade": "年级",
    "class_no": "班级",
    "school_code": "学校标识码",
    "village_code": "户籍村(社区)",
    "boarding": "是否寄宿",
    "placement": "安置方式",
    "status": "学籍状态",
    "enrolled_on": "入学日期",
    "poverty_category": "困难类别",
    "left_behind": "留守儿童",
    "orphan": "孤儿",
    "disability": "残疾",
    "guardian_name": "监护人",
    "guardian_phone": "监护人电话",
}


def _demo() -> Path:
    from lib.core import store
    from lib.demo import county as demo

    path = OUT / "district.duckdb"
    if not (path.exists() and not store.is_empty(path)):
        OUT.mkdir(parents=True, exist_ok=True)
        demo.build_demo(path)
    return path


def student_file(db: Path, rows: int) -> bytes:
    """``rows`` new students (fresh, valid ID numbers) at the demo's schools, as a GBK CSV."""
    import duckdb
    import numpy as np
    import pandas as pd

    from lib.core import ids

    con = duckdb.connect(str(db), read_only=True)
    try:
        src = con.execute("SELECT * FROM students").df()
    finally:
        con.close()
    rng = np.random.default_rng(8)
    df = src.sample(rows, replace=True, random_state=8).reset_index(drop=True)
    # new people: area 411503, birth dates kept, sequence numbers that no demo ID uses
    body = [f"411503{b:%Y%m%d}" for b in pd.to_datetime(df["birth_date"])]
    seq = rng.permutation(900)[np.arange(rows) % 900] + 100
    idn = []
    seen: set[str] = set(src["id_number"])
    for i, (b, s) in enumerate(zip(body, seq, strict=True)):
        k = 0
        while True:
            first17 = b + f"{(int(s) + k * 7 + i // 900 * 3) % 1000:03d}"
            cand = first17 + ids.check_char(first17)
            if cand not in seen:
                break
            k += 1
        seen.add(cand)
        idn.append(cand)
    df["id_number"] = idn
    df["xueji_number"] = "G" + df["id_number"]
    df["sex"] = [ids.sex_from_id(v) for v in idn]
    out = df[list(HEADERS)].rename(columns=HEADERS)
    for c in ("是否寄宿", "留守儿童", "孤儿", "残疾"):
        out[c] = out[c].map({True: "是", False: "否"})
    return ("平桥区学生学籍导入表\n" + out.to_csv(index=False)).encode("gb18030")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    import pandas as pd

    db = _demo()
    data = student_file(db, args.rows)
    print(f"file: {args.rows:,} student rows, {len(data) / 1e6:.1f} MB (GBK CSV, one title row)")

    base = []
    for _ in range(args.runs):
        t = time.perf_counter()
        pd.read_csv(io.BytesIO(data), dtype=str, skiprows=1, encoding="gb18030")
        base.append(time.perf_counter() - t)

    from lib import ingest
    from lib.core.scope import Scope

    tmp = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    total, read_t = [], []
    try:
        for i in range(args.runs):
            path = tmp / f"run{i}.duckdb"
            shutil.copy(db, path)
            os.environ["EDU_DB"] = str(path)
            t = time.perf_counter()
            parsed = ingest.read_upload(data, "students.csv", kind="students")
            r = time.perf_counter()
            res = ingest.commit(parsed, scope=Scope(user="bench"), mode="append", path=path)
            total.append(time.perf_counter() - t)
            read_t.append(r - t)
            assert res.rows_written == args.rows, res
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    med, med_base, med_read = statistics.median(total), statistics.median(base), statistics.median(read_t)
    print(f"pandas.read_csv (baseline)            median {med_base:6.2f} s")
    print(f"read_upload (bytes -> text cells)     median {med_read:6.2f} s")
    print(
        f"read + validate + commit (append)     median {med:6.2f} s  ({med / med_base:.0f}x read_csv; "
        f"target 10 s)"
    )


if __name__ == "__main__":
    main()
