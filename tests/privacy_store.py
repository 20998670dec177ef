"""Stores for the privacy tests: the demo with every wing's rows, and planted identities.

:func:`full_demo` copies the demo store and fills what the app fills on first use (aid and
控辍保学 demo rows, the planted roster faults, a stored 花名册).  :func:`plant_identities`
then gives a township's children distinctive names, ID numbers, phones and addresses, in
every table that holds them and in free text, so that a test can look for them in
everything the app and the CLI put out.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from lib.core import ids, store
from lib.core.scope import Scope

#: The township whose children get planted identities (明港镇: the township test accounts' default).
TOWNSHIP = "411503101"
#: Distinctive given names and surnames (a 复姓, common and rare single surnames, a ·-name).
_SURNAMES = ("欧阳", "司马", "郝", "牛", "蒿", "诸葛")
_GIVEN = "翠铁柱娥犇鑫淼焱垚嫣妁娴"


def full_demo(src: Path, dst: Path) -> Path:
    """A copy of the demo store at ``dst`` with the aid and 控辍保学 demo rows and a stored roster."""
    from lib.demo import aid as aid_demo
    from lib.demo import dropout as dropout_demo
    from lib.demo import roster as roster_demo
    from lib.roster import register as roster

    shutil.copy(src, dst)
    aid_demo.ensure_aid_demo(dst)
    dropout_demo.ensure_dropout_demo(dst)
    scope = Scope(user="test-setup", role="county")
    roster_demo.plant_faults(dst, scope=scope)
    data = roster_demo.demo_roster_csv(dst, scope=scope)
    with store.connect(dst) as con:
        frame, _, _ = roster.read_file(data, "roster.csv", con, scope)
    roster.save(frame, scope, path=dst)
    return dst


def valid_id(birth: date, serial: int, *, area: str = "411503") -> str:
    body = f"{area}{birth:%Y%m%d}{serial % 1000:03d}"
    return body + ids.check_char(body)


@dataclass
class Planted:
    """What was planted: every full value that must never leave unmasked."""

    names: set[str] = field(default_factory=set)
    ids: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)
    addresses: set[str] = field(default_factory=set)
    students: list[str] = field(default_factory=list)

    @property
    def values(self) -> set[str]:
        return self.names | self.ids | self.phones | self.addresses

    def found_in(self, text: str) -> set[str]:
        """The planted values that occur in ``text`` in full (ID numbers also without 18th char case)."""
        return {v for v in self.values if v in text or v.lower() in text}


def _names(n: int, offset: int = 0) -> list[str]:
    out = []
    for i in range(offset, offset + n):
        sur = _SURNAMES[i % len(_SURNAMES)]
        a, b = _GIVEN[(i // len(_SURNAMES)) % len(_GIVEN)], _GIVEN[(i // 7 + 3) % len(_GIVEN)]
        out.append(sur + a + (b if i % 5 else ""))  # every fifth a two-character (or 复姓 three) name
    return out


def plant_identities(path: Path, *, township: str = TOWNSHIP, n: int = 400) -> Planted:
    """Give ``n`` children of ``township`` (those in cases, on the risk list's top and the rest)
    distinctive names, IDs, 学籍号, guardians, phones and addresses everywhere they are held."""
    p = Planted()
    with store.transaction(path) as con:
        pupils = con.execute(
            "SELECT st.student_id, st.id_number, st.birth_date FROM students st "
            "JOIN schools sc ON sc.code = st.school_code WHERE sc.township_code = ? "
            "ORDER BY (st.student_id IN (SELECT student_id FROM dropout_cases)) DESC, "
            "(st.student_id IN (SELECT student_id FROM absences)) DESC, st.student_id LIMIT ?",
            [township, n],
        ).df()
        names = _names(len(pupils))
        names[0] = "阿依古丽·买买提"
        guardians = _names(len(pupils), offset=97)
        rows = []
        for i, r in enumerate(pupils.itertuples(index=False)):
            birth = pd.Timestamp(r.birth_date).date() if pd.notna(r.birth_date) else date(2014, 5, 1)
            idn = valid_id(birth, 900 + i % 100)
            guardian = guardians[i] + "父" if i % 2 else guardians[i]
            phone = f"1990{i:07d}"
            rows.append((r.student_id, r.id_number, idn, names[i], guardian, phone))
        for sid, old_id, idn, name, guardian, phone in rows:
            con.execute(
                "UPDATE students SET id_number = ?, xueji_number = 'G' || ?, name = ?, guardian_name = ?, "
                "guardian_phone = ? WHERE student_id = ?",
                [idn, idn, name, guardian, phone, sid],
            )
            con.execute(
                "UPDATE dropout_cases SET id_number = ?, name = ? WHERE student_id = ?", [idn, name, sid]
            )
            con.execute(
                "UPDATE case_responsibles SET name = ?, phone = ? WHERE role = '家长' AND case_id IN "
                "(SELECT case_id FROM dropout_cases WHERE student_id = ?)",
                [guardian, phone, sid],
            )
            con.execute(
                "UPDATE case_actions SET result = ? WHERE case_id IN "
                "(SELECT case_id FROM dropout_cases WHERE student_id = ?)",
                [f"入户家访，家长{guardian}表示同意送{name}返校；监护人电话{phone}", sid],
            )
            con.execute(
                "UPDATE interventions SET note = ? WHERE student_id = ?", [f"与{name}谈心，每周辅导两次", sid]
            )
            con.execute(
                "UPDATE school_age_roster SET id_number = ?, name = ?, guardian_name = ?, guardian_phone = ?, "
                "address = address || ? WHERE id_number = ?",
                [idn, name, guardian, phone, f"新集村{len(name)}组{len(guardian)}号", old_id],
            )
            p.names |= {name, guardian}
            p.ids.add(idn)
            p.phones.add(phone)
            p.students.append(sid)
        # the roster's addresses as they now stand (township + village + 组 + 号)
        p.addresses |= {
            a
            for (a,) in con.execute(
                "SELECT address FROM school_age_roster WHERE id_number IN (SELECT id_number FROM students "
                "WHERE student_id IN (SELECT unnest(?)))",
                [p.students],
            ).fetchall()
            if a
        }
        # children of the township's roster who are in no school (去向不明), 异地就学, a recipient
        for i, name in enumerate(_names(6, offset=300)):
            idn = valid_id(date(2015, 3, 1), 800 + i)
            con.execute(
                "INSERT INTO school_age_roster SELECT * REPLACE (? AS id_number, ? AS name, ? AS guardian_name, "
                "? AS guardian_phone, ? AS address) FROM school_age_roster WHERE township_code = ? LIMIT 1",
                [
                    idn,
                    name,
                    name + "母",
                    f"1991{i:07d}",
                    f"河南省信阳市平桥区明港镇新集村{i + 1}组{i + 7}号",
                    township,
                ],
            )
            p.names |= {name, name + "母"}
            p.ids.add(idn)
            p.phones.add(f"1991{i:07d}")
            p.addresses.add(f"河南省信阳市平桥区明港镇新集村{i + 1}组{i + 7}号")
        elsewhere = _names(2, offset=400)
        for i, name in enumerate(elsewhere):
            idn = valid_id(date(2016, 6, 1), 700 + i)
            con.execute(
                "INSERT INTO study_elsewhere SELECT * REPLACE (? AS id_number, ? AS name) FROM study_elsewhere LIMIT 1",
                [idn, name],
            )
            p.names.add(name)
            p.ids.add(idn)
        for i, (rid,) in enumerate(
            con.execute(
                "SELECT recipient_id FROM aid_recipients WHERE township_code = ? ORDER BY 1 LIMIT 20",
                [township],
            ).fetchall()
        ):
            name, idn, phone = (
                _names(1, offset=500 + i)[0],
                valid_id(date(2008, 1, 2), 600 + i),
                f"1992{i:07d}",
            )
            con.execute(
                "UPDATE aid_recipients SET name = ?, id_number = ?, phone = ? WHERE recipient_id = ?",
                [name, idn, phone, rid],
            )
            p.names.add(name)
            p.ids.add(idn)
            p.phones.add(phone)
    return p
