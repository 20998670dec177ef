"""The Scope: one immutable value every read takes.

Scope = what the user's role allows ∩ the sidebar ∩ the URL.  ``None`` in a
filter means "no restriction"; an empty tuple means "nothing" (e.g. a township
user who asked in the URL for another township sees nothing, not everything).

Attribution rules (docs/scope.md):

* A **student** is inside a township's Scope if they attend a school there or
  live in one of its villages.
* **Enrolment** figures are attributed to the school's township.
* **School-age population** and **dropout cases** are attributed to the home
  village's township.
* A **class** Scope (a 师长's account: its school and ``classes`` such as ``"7-2"``, grade and
  class number) sees only the students of those classes and their cases, never the village
  branch (a class teacher's territory is the class, not where its pupils live).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from lib.core import config


def school_year_of(day: date) -> int:
    """School year that contains ``day`` (a school year starts on 1 September)."""
    return day.year if day.month >= 9 else day.year - 1


def term_of(day: date) -> int:
    """Term of ``day``: 1 autumn (Sept-Jan), 2 spring (Feb-Aug)."""
    return 1 if day.month >= 9 or day.month == 1 else 2


def _intersect(a: tuple[str, ...] | None, b: tuple[str, ...] | None) -> tuple[str, ...] | None:
    if a is None:
        return b
    if b is None:
        return a
    return tuple(x for x in a if x in set(b))


@dataclass(frozen=True)
class Scope:
    """What a read may see, and as of when.

    Parameters
    ----------
    county
        6-digit county code (the store may hold several counties).
    townships, schools, levels
        Restrictions; ``None`` = all, an empty tuple = none.
    classes
        Classes as ``"grade-class_no"`` (``"7-2"``): students are restricted to them (a class
        teacher); ``None`` = every class, an empty tuple = none.
    as_of
        The date the figures are for; no lib function reads the clock.
    school_year
        School year of the figures; defaults to the one containing ``as_of``.
    mask
        Personal fields masked (names, ID numbers, phones).
    user, role
        Who is reading; roles come with the accounts issue.
    """

    county: str = config.COUNTY_CODE
    townships: tuple[str, ...] | None = None
    schools: tuple[str, ...] | None = None
    levels: tuple[str, ...] | None = None
    as_of: date = config.DEMO_AS_OF
    school_year: int | None = None
    mask: bool = True
    user: str = "local"
    role: str = "county"
    extra: tuple[tuple[str, Any], ...] = field(default=())
    classes: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        for name in ("townships", "schools", "levels", "classes"):
            v = getattr(self, name)
            if v is not None and not isinstance(v, tuple):
                object.__setattr__(self, name, tuple(sorted(v)))
        if self.school_year is None:
            object.__setattr__(self, "school_year", school_year_of(self.as_of))

    # -- composition ------------------------------------------------------
    def narrow(
        self,
        *,
        townships: tuple[str, ...] | list[str] | None = None,
        schools: tuple[str, ...] | list[str] | None = None,
        levels: tuple[str, ...] | list[str] | None = None,
        classes: tuple[str, ...] | list[str] | None = None,
        **changes: Any,
    ) -> Scope:
        """This Scope intersected with further restrictions (never widened)."""
        return replace(
            self,
            townships=_intersect(self.townships, tuple(townships) if townships is not None else None),
            schools=_intersect(self.schools, tuple(schools) if schools is not None else None),
            levels=_intersect(self.levels, tuple(levels) if levels is not None else None),
            classes=_intersect(self.classes, tuple(classes) if classes is not None else None),
            **changes,
        )

    @property
    def term(self) -> int:
        return term_of(self.as_of)

    @property
    def is_whole_county(self) -> bool:
        return (
            self.townships is None and self.schools is None and self.levels is None and self.classes is None
        )

    def cache_key(self) -> tuple[Any, ...]:
        """Hashable identity for caches (includes the user: results may depend on it)."""
        return (
            self.county,
            self.townships,
            self.schools,
            self.levels,
            self.as_of.isoformat(),
            self.school_year,
            self.mask,
            self.user,
            self.role,
            self.extra,
            self.classes,
        )

    def describe(self) -> str:
        """A one-line description for titles and the audit log."""
        parts = [self.county]
        if self.townships is not None:
            parts.append("乡镇=" + ",".join(self.townships))
        if self.schools is not None:
            parts.append("学校=" + ",".join(self.schools))
        if self.levels is not None:
            parts.append("学段=" + ",".join(self.levels))
        if self.classes is not None:
            parts.append("班级=" + ",".join(self.classes))
        parts.append(f"截至{self.as_of.isoformat()}")
        return " ".join(parts)

    # -- SQL fragments ------------------------------------------------------
    def school_where(self, alias: str = "sc") -> tuple[str, list[Any]]:
        """WHERE clause selecting the schools in Scope (table ``schools AS alias``)."""
        conds = [f"{alias}.township_code LIKE ?"]
        params: list[Any] = [self.county + "%"]
        for col, values in (
            ("township_code", self.townships),
            ("code", self.schools),
            ("level", self.levels),
        ):
            if values is not None:
                conds.append(_in(f"{alias}.{col}", values, params))
        return " AND ".join(conds), params

    def township_where(self, column: str = "t.code") -> tuple[str, list[Any]]:
        """WHERE clause on a township-code ``column`` (county prefix and township filter)."""
        conds = [f"{column} LIKE ?"]
        params: list[Any] = [self.county + "%"]
        if self.townships is not None:
            conds.append(_in(column, self.townships, params))
        return " AND ".join(conds), params

    def village_where(self, alias: str = "v") -> tuple[str, list[Any]]:
        """WHERE clause selecting the villages in Scope (table ``villages AS alias``).

        Villages are restricted by township only: school and level filters do
        not apply to where children live.
        """
        return self.township_where(f"{alias}.township_code")

    def student_where(self, alias: str = "st") -> tuple[str, list[Any]]:
        """WHERE clause for students visible in Scope (table ``students AS alias``).

        A student is visible if their school is in Scope, or, when the Scope
        restricts only by township, if their home village is in one of them; a class
        Scope keeps only the students of its classes (:meth:`class_where`).
        """
        sw, sp = self.school_where("_sc")
        attends = f"{alias}.school_code IN (SELECT _sc.code FROM schools _sc WHERE {sw})"
        if self.classes is not None:
            cw, cp = self.class_where(alias)
            return f"({attends} AND {cw})", sp + cp
        if self.schools is None and self.levels is None:
            vw, vp = self.village_where("_v")
            lives = f"{alias}.village_code IN (SELECT _v.code FROM villages _v WHERE {vw})"
            return f"({attends} OR {lives})", sp + vp
        return attends, sp

    def class_where(self, alias: str = "st") -> tuple[str, list[Any]]:
        """WHERE clause keeping the students of the Scope's classes (any relation with a
        ``student_id`` as ``alias``: the roll, a past roll, cases, interventions); ``TRUE`` when
        the Scope does not restrict classes.  The class is the one on the roll today: a class
        teacher follows the pupils they teach now.  Use it beside :meth:`school_where` wherever
        students are read through their school.
        """
        if self.classes is None:
            return "TRUE", []
        params: list[Any] = []
        grade_class = "(CAST(_cls.grade AS VARCHAR) || '-' || CAST(_cls.class_no AS VARCHAR))"
        cond = _in(grade_class, self.classes, params)
        return f"{alias}.student_id IN (SELECT _cls.student_id FROM students _cls WHERE {cond})", params


def _in(column: str, values: tuple[str, ...], params: list[Any]) -> str:
    if not values:
        return "FALSE"
    params.extend(values)
    return f"{column} IN ({', '.join('?' * len(values))})"


def default_scope(*, as_of: date | None = None) -> Scope:
    """Until accounts exist, the role is 'whole county, masked'."""
    return Scope(as_of=as_of or config.DEMO_AS_OF)


def role_scope(
    role: str,
    *,
    user: str = "local",
    townships: tuple[str, ...] | None = None,
    schools: tuple[str, ...] | None = None,
    classes: tuple[str, ...] | None = None,
    as_of: date | None = None,
) -> Scope:
    """The widest Scope a role allows (the accounts issue fills in the matrix)."""
    return Scope(
        townships=townships,
        schools=schools,
        classes=classes,
        user=user,
        role=role,
        as_of=as_of or config.DEMO_AS_OF,
        mask=True,
    )
