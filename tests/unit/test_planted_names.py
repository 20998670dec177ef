"""Planted names: every CLI command, as 局领导 (leader), 规划 (planner) and 乡镇 (township), on a copy
of the demo store whose children of one township carry distinctive names, ID numbers, phones
and addresses (in every table and in free text), prints and writes none of them unmasked;
every ``--json`` parses with a strict parser (no NaN, no Infinity).

The store is built once for the module (tests/privacy_store.py); outside lists, a roster and
an import file with the planted children are written as a bureau would receive them.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from lib import cli
from lib.core import ids, store
from lib.demo import roster as roster_demo
from tests.accounts import ensure_test_account
from tests.privacy_store import TOWNSHIP, Planted, full_demo, plant_identities, valid_id

ROLES = ("leader", "planner", "township")


def _strict(text: str):
    def refuse(constant):
        raise ValueError(f"not JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


@pytest.fixture(scope="module")
def planted(demo_db: Path, tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("planted")
    path = full_demo(demo_db, folder / "edu.duckdb")
    p = plant_identities(path)
    users = {
        "leader": ensure_test_account("leader", path=path).name,
        "planner": ensure_test_account("planner", path=path).name,
        "township": ensure_test_account("township", townships=(TOWNSHIP,), path=path).name,
    }
    with store.connect(path) as con:
        town_name = con.execute("SELECT name FROM townships WHERE code = ?", [TOWNSHIP]).fetchone()[0]
        kids = con.execute(
            "SELECT st.id_number, st.name FROM students st JOIN schools sc ON sc.code = st.school_code "
            "WHERE sc.township_code = ? AND st.student_id IN (SELECT unnest(?)) AND st.status = '在校' "
            "ORDER BY st.student_id LIMIT 40",
            [TOWNSHIP, p.students],
        ).df()
        junior = con.execute(
            "SELECT min(code) FROM schools WHERE level = '初中' AND township_code = ?", [TOWNSHIP]
        ).fetchone()[0]
    # an outside list (精准识别): planted children, ten with their name written differently,
    # five children in no school, a damaged ID and a duplicate
    rows = [
        {"姓名": n, "身份证号码": i, "乡镇": town_name, "与户主关系": "子女"}
        for i, n in kids.itertuples(index=False)
    ]
    for k in range(10):
        rows[k]["姓名"] = rows[k]["姓名"][:-1] + "珏"
        p.names.add(rows[k]["姓名"])
    for k, name in enumerate(("蒿珏铁", "欧阳珏娥", "牛珏", "司马珏柱", "郝珏淼")):
        idn = valid_id(date(2014, 2, 2), 500 + k)
        rows.append({"姓名": name, "身份证号码": idn, "乡镇": town_name, "与户主关系": "子女"})
        p.names.add(name)
        p.ids.add(idn)
    good = rows[11]["身份证号码"]  # a damaged copy: a wrong check character, never by chance the right one
    rows.append({**rows[11], "身份证号码": good[:17] + ("0" if ids.check_char(good[:17]) != "0" else "1")})
    rows.append(dict(rows[12]))
    registry = folder / "脱贫名单.csv"
    pd.DataFrame(rows).to_csv(registry, index=False, encoding="utf-8-sig")
    # the township's roster as 公安 exports it, with its children in no school
    frame, _ = roster_demo.demo_roster(path, townships=(TOWNSHIP,))
    extra = frame.head(3).copy()
    for k in range(3):
        name, idn = f"诸葛珏{'铁柱娥'[k]}", valid_id(date(2015, 4, 4), 300 + k)
        address = f"河南省信阳市平桥区{town_name}新集村{k + 4}组{k + 20}号"
        extra.iloc[k, extra.columns.get_loc("身份证号")] = idn
        extra.iloc[k, extra.columns.get_loc("姓名")] = name
        extra.iloc[k, extra.columns.get_loc("出生日期")] = "2015-04-04"  # as the ID says
        extra.iloc[k, extra.columns.get_loc("户籍地址")] = address
        extra.iloc[k, extra.columns.get_loc("监护人")] = name + "父"
        extra.iloc[k, extra.columns.get_loc("监护人电话")] = f"1993000000{k}"
        p.names |= {name, name + "父"}
        p.ids.add(idn)
        p.addresses.add(address)
        p.phones.add(f"1993000000{k}")
    roster_file = folder / "花名册.csv"
    full = pd.concat([frame, extra], ignore_index=True)
    full.to_csv(roster_file, index=False, encoding="utf-8-sig")
    bad = full.head(30).copy()
    bad.iloc[0, bad.columns.get_loc("身份证号")] = bad.iloc[0]["身份证号"][:-1] + "0"  # a checksum error
    bad_file = folder / "花名册_有错.csv"
    bad.to_csv(bad_file, index=False, encoding="utf-8-sig")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("EDU_DB", str(path))
        yield {
            "planted": p,
            "users": users,
            "folder": folder,
            "registry": registry,
            "roster": roster_file,
            "bad": bad_file,
            "junior": junior,
        }


def _file_text(path: Path) -> str:
    """What a file shows a person: the text of every part of an .xlsx, else the file as text."""
    data = path.read_bytes()
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))
    return data.decode("utf-8-sig", "replace")


def _commands(env: dict) -> list[list[str]]:
    out = env["folder"]
    return [
        ["info"],
        ["reconcile", str(env["registry"])],
        ["reconcile", str(env["registry"]), "--kind", "aid_system"],
        ["roster-check", str(env["roster"])],
        ["validate", "roster", str(env["bad"])],
        ["import", "roster", str(env["bad"])],  # refused (errors): nothing written
        ["undo-import"],
        ["imports"],
        ["weekly-report", "--out", str(out / "周报.xlsx")],
        ["weekly-report", "--out", str(out / "周报.csv")],
        ["dropout-detect"],
        ["dropout-forms", "--form", "辍学学生登记表"],
        ["dropout-forms", "--form", "核查反馈", "--out", str(out / "周_核查反馈.csv")],
        ["dropout-forms", "--form", "劝返复学情况表", "--out", str(out / "简_劝返复学情况表.html")],
        ["coverage"],
        ["risk", "--top", "200"],
        ["risk-backtest"],
        ["plan", "--close", env["junior"], "--level", "junior"],
        ["optimize", "--model", "lscp", "--level", "junior", "--candidates", "schools", "--time-limit", "3"],
        ["briefing", "--out", str(out / "简报.html"), "--xlsx", str(out / "简报.xlsx")],
        ["backup", "--list"],
        ["rollover", "--to", "2027", "--dry-run"],
        ["retention", "--dry-run"],
        ["user", "list"],
    ]


#: Slow commands whose output is aggregates only: run in one mode per role (alternating).
SLOW = {"risk-backtest", "optimize", "plan", "coverage"}


def test_every_cli_command_as_every_role_shows_no_planted_value(planted, capsys):
    env = planted
    p: Planted = env["planted"]
    leaks: dict[str, set[str]] = {}
    ran: dict[str, set[int]] = {}
    for r, role in enumerate(ROLES):
        for k, cmd in enumerate(_commands(env)):
            modes = (["--json"], []) if cmd[0] not in SLOW else ((["--json"],) if (r + k) % 2 else ([],))
            for mode in modes:
                for written in env["folder"].glob("简报*"):
                    written.unlink()
                code = cli.main(["--user", env["users"][role], *cmd, *mode])
                got = capsys.readouterr()
                ran.setdefault(cmd[0], set()).add(code)
                label = f"{role} {' '.join(cmd)} {' '.join(mode)}"
                text = got.out + got.err
                for f in env["folder"].glob("[周简]*"):
                    text += _file_text(f)
                if mode and got.out.strip():
                    _strict(got.out)  # every --json is strict JSON
                if p.found_in(text):
                    leaks[label] = p.found_in(text)
    assert not leaks, leaks
    # the commands did run (not every one refused): as township the named lists are there
    for name in (
        "reconcile",
        "roster-check",
        "weekly-report",
        "dropout-detect",
        "dropout-forms",
        "risk",
        "briefing",
        "coverage",
    ):
        assert 0 in ran[name], name


def test_the_planted_children_are_really_in_the_outputs_masked(planted, capsys):
    """The check above can fail: the township's outputs name the planted children, masked."""
    env = planted
    p: Planted = env["planted"]
    assert cli.main(["--user", env["users"]["township"], "reconcile", str(env["registry"]), "--json"]) == 0
    doc = _strict(capsys.readouterr().out)
    mismatch = doc["rows"]["name_mismatch"]
    assert len(mismatch) == 10 and all("*" in r["name"] and "“" in r["detail"] for r in mismatch)
    assert len(doc["rows"]["not_enrolled"]) == 5
    assert cli.main(["--user", env["users"]["township"], "roster-check", str(env["roster"]), "--json"]) == 0
    doc = _strict(capsys.readouterr().out)
    unaccounted = doc["rows"]["unaccounted"]
    assert {r["name"] for r in unaccounted} >= {"诸**铁", "诸**柱", "诸**娥"}
    # unmasked, the same store does hold them: the values the check looks for are real
    with store.connect() as con:
        held = con.execute("SELECT string_agg(name, ',') FROM students").fetchone()[0]
    assert sum(n in held for n in p.names) > 300
