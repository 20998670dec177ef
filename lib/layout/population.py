"""School-age population: children of a band by village, and a cohort projection.

The 0-5 year-olds of today are the pupils of the next years: a child aged ``a``
in year ``y`` is aged ``a + 1`` in year ``y + 1`` (ages on 1 September of the
school year).  Each year a township's net migration rate scales its cohorts;
births of future years (needed only for age 0, which no band reaches within
five years) are held at the last observed number, scaled the same way.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from lib.core import schema

MAX_AGE = 15


def band_children(population: pd.DataFrame, *, band: str, year: int) -> pd.Series:
    """Children of ``band`` ages per village in ``year`` (index village_code, 0 when absent).

    Parameters
    ----------
    population : pandas.DataFrame
        ``village_code``, ``year``, ``age``, ``persons``.
    """
    lo, hi = schema.BAND_AGES[band]
    rows = population[(population["year"] == year) & population["age"].between(lo, hi)]
    return rows.groupby("village_code")["persons"].sum().astype(float)


def project_population(
    population: pd.DataFrame,
    *,
    base_year: int,
    years: int = 5,
    migration: Mapping[str, float] | None = None,
    village_township: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Cohort projection of persons by village and single age, ``base_year`` .. ``base_year + years``.

    Parameters
    ----------
    population : pandas.DataFrame
        Observed ``village_code``, ``year``, ``age``, ``persons`` (ages 0-15).
    base_year : int
        The last observed year the projection starts from (kept as observed).
    years : int, default 5
        Years projected beyond ``base_year``.
    migration : Mapping[str, float], optional
        Net migration rate per year by township code (0.01 = +1 % a year); default 0.
    village_township : Mapping[str, str], optional
        Village code to township code (needed with ``migration``).

    Returns
    -------
    pandas.DataFrame
        ``village_code``, ``year``, ``age``, ``persons`` (float), ``projected`` (bool).
    """
    base = population[population["year"] == base_year]
    if base.empty:
        raise ValueError(f"no population observed in {base_year}")
    grid = base.pivot_table(index="village_code", columns="age", values="persons", aggfunc="sum")
    grid = grid.reindex(columns=range(MAX_AGE + 1)).fillna(0.0).astype(float)
    rate = np.zeros(len(grid))
    if migration:
        towns = pd.Series(grid.index).map(village_township or {})
        rate = towns.map(migration).fillna(0.0).to_numpy(float)
    frames = [_long(grid, base_year, projected=False)]
    current = grid.to_numpy()
    for step in range(1, years + 1):
        nxt = np.empty_like(current)
        nxt[:, 1:] = current[:, :-1]
        nxt[:, 0] = current[:, 0]  # births held at the last observed level
        nxt *= (1.0 + rate)[:, None]
        current = nxt
        frames.append(
            _long(
                pd.DataFrame(current, index=grid.index, columns=grid.columns),
                base_year + step,
                projected=True,
            )
        )
    return pd.concat(frames, ignore_index=True)


def _long(grid: pd.DataFrame, year: int, *, projected: bool) -> pd.DataFrame:
    out = grid.stack().rename("persons").reset_index()
    out.columns = ["village_code", "age", "persons"]
    out["year"] = year
    out["projected"] = projected
    return out[["village_code", "year", "age", "persons", "projected"]]


def township_decline(
    projection: pd.DataFrame,
    village_township: Mapping[str, str],
    *,
    band: str,
    base_year: int,
    last_year: int,
    share: float,
) -> pd.DataFrame:
    """Townships whose ``band`` population changes from ``base_year`` to ``last_year``.

    Returns
    -------
    pandas.DataFrame
        ``code``, ``children_now``, ``children_then``, ``change`` (share, negative = fall)
        and ``flag`` (the fall exceeds ``share``).
    """
    rows = []
    for year in (base_year, last_year):
        kids = band_children(projection, band=band, year=year)
        by_town = kids.groupby(kids.index.map(village_township)).sum()
        rows.append(by_town.rename(year))
    table = pd.concat(rows, axis=1).fillna(0.0)
    table.columns = ["children_now", "children_then"]
    table["change"] = np.where(
        table["children_now"] > 0,
        table["children_then"] / table["children_now"].where(table["children_now"] > 0) - 1,
        np.nan,
    )
    table["flag"] = table["change"] < -share
    return table.rename_axis("code").reset_index()


def project_enrolment(
    enrolled: pd.DataFrame,
    catchment: pd.DataFrame,
    projection: pd.DataFrame,
    *,
    band: str,
    base_year: int,
    years: int,
) -> pd.DataFrame:
    """Projected enrolment of each school's ``band`` grades: today's pupils scaled by its catchment.

    A school's catchment is the villages whose nearest band school it is; its
    enrolment in year ``y`` is today's enrolment x (catchment children in ``y`` /
    catchment children today).  A school with no children in its catchment today
    keeps today's enrolment.

    Parameters
    ----------
    enrolled : pandas.DataFrame
        ``school_code``, ``enrolled`` (pupils of the band's grades today).
    catchment : pandas.DataFrame
        ``code`` (village), ``school_code`` (from :func:`lib.core.geo.village_reach`).
    projection : pandas.DataFrame
        From :func:`project_population`.

    Returns
    -------
    pandas.DataFrame
        ``school_code``, ``year``, ``enrolled`` (float) for base_year .. base_year + years.
    """
    link = catchment.set_index("code")["school_code"]
    out = []
    base = None
    for year in range(base_year, base_year + years + 1):
        kids = band_children(projection, band=band, year=year)
        by_school = kids.groupby(kids.index.map(link)).sum()
        if base is None:
            base = by_school
        factor = (by_school / base.where(base > 0)).reindex(enrolled["school_code"]).fillna(1.0).to_numpy()
        out.append(
            pd.DataFrame(
                {
                    "school_code": enrolled["school_code"].to_numpy(),
                    "year": year,
                    "enrolled": enrolled["enrolled"].to_numpy(float) * factor,
                }
            )
        )
    return pd.concat(out, ignore_index=True)
