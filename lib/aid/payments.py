"""资助发放: on time and in full, overdue and short payments, the funds ledger.

Pure functions on aid records (``aid_records`` and ``aid_recipient_awards``
share the columns used here: ``programme``, ``school_year``, ``term``,
``standard_amount``, ``paid_amount``, ``due_date``, ``paid_date``,
``funding_source``).  Definitions (docs/aid.md, docs/metrics.md):

* a record is **due** when its due date is on or before ``as_of``;
* **on time and in full** (按时足额): paid by the due date plus the grace
  days, and by ``as_of``, with paid >= standard (the overview's 按时足额发放率);
* **in full** (足额): paid by ``as_of`` with paid >= standard;
* **overdue** (逾期未发): due and not paid by ``as_of``;
* **late** (逾期发放): paid by ``as_of`` but after the due date plus grace;
* **short** (未足额): paid by ``as_of`` but less than the standard.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from lib.core import config, schema

RATE_COLUMNS = ("due", "on_time", "in_full", "overdue", "late", "short")


def _as_date(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series, errors="coerce")


def classify_payments(records: pd.DataFrame, *, as_of: date, grace_days: int | None = None) -> pd.DataFrame:
    """``records`` with boolean ``due``, ``on_time``, ``in_full``, ``overdue``, ``late``,
    ``short`` and ``days_overdue`` / ``shortfall`` (module docstring)."""
    grace = int(config.SETTINGS["aid"]["on_time_grace_days"] if grace_days is None else grace_days)
    day = pd.Timestamp(as_of)
    due_at = _as_date(records["due_date"])
    paid_at = _as_date(records["paid_date"])
    paid_amt = records["paid_amount"].astype("float64").fillna(0.0)
    std = records["standard_amount"].astype("float64")
    due = (due_at <= day).fillna(False)
    paid_by_now = (paid_at <= day).fillna(False)
    full = paid_by_now & (paid_amt >= std - 1e-9)
    in_time = paid_by_now & (paid_at <= due_at + pd.Timedelta(days=grace)).fillna(False)
    out = records.copy()
    out["due"] = due.to_numpy()
    out["in_full"] = (due & full).to_numpy()
    out["on_time"] = (due & full & in_time).to_numpy()
    out["overdue"] = (due & ~paid_by_now).to_numpy()
    out["late"] = (due & paid_by_now & ~in_time).to_numpy()
    out["short"] = (due & paid_by_now & (paid_amt < std - 1e-9)).to_numpy()
    out["days_overdue"] = np.where(out["overdue"], (day - due_at).dt.days, 0)
    out["shortfall"] = np.where(
        out["short"] | out["overdue"], (std - np.where(out["overdue"], 0, paid_amt)), 0.0
    )
    return out


#: Amounts :func:`payment_rates` sums besides the standard and the paid: the standard of the
#: overdue records, and the shortfall of the short ones.
AMOUNT_COLUMNS = ("standard", "paid", "overdue_amount", "short_amount")


def payment_rates(classified: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Counts of due / on-time / in-full / overdue / late / short records, the amounts of
    :data:`AMOUNT_COLUMNS` and the two rates, by ``by``."""
    cols = list(RATE_COLUMNS)
    due = classified[classified["due"]]
    if due.empty:
        return pd.DataFrame(columns=[*by, *cols, *AMOUNT_COLUMNS, "on_time_rate", "in_full_rate"])
    due = due.assign(
        overdue_amount=due["standard_amount"].where(due["overdue"], 0.0),
        short_amount=due["shortfall"].where(due["short"], 0.0),
    )
    g = due.groupby(by, dropna=False, observed=True)
    out = g[cols].sum().astype("int64")
    out["standard"] = g["standard_amount"].sum()
    out["paid"] = g["paid_amount"].sum()
    out["overdue_amount"] = g["overdue_amount"].sum()
    out["short_amount"] = g["short_amount"].sum()
    out = out.reset_index()
    out["on_time_rate"] = out["on_time"] / out["due"].where(out["due"] > 0)
    out["in_full_rate"] = out["in_full"] / out["due"].where(out["due"] > 0)
    return out


def totals(classified: pd.DataFrame) -> dict[str, float | None]:
    """County totals of classified records (:func:`sum_rates` of their one row of rates)."""
    return sum_rates(payment_rates(classified.assign(_all=0), ["_all"]))


def sum_rates(rates: pd.DataFrame) -> dict[str, float | None]:
    """Rows of :func:`payment_rates` (or :func:`lib.aid.data.load_terms`) summed: the counts and
    amounts added, the rates recomputed."""
    got = {c: int(rates[c].sum()) for c in RATE_COLUMNS}  # an empty column sums to 0
    n = got["due"]
    return {
        **got,
        "on_time_rate": got["on_time"] / n if n else None,
        "in_full_rate": got["in_full"] / n if n else None,
        "overdue_amount": float(rates["overdue_amount"].sum()),
        "short_amount": float(rates["short_amount"].sum()),
    }


def problem_payments(classified: pd.DataFrame) -> pd.DataFrame:
    """Overdue, short and late records, the most urgent first (overdue longest, then largest shortfall)."""
    bad = classified[classified["overdue"] | classified["short"] | classified["late"]].copy()
    bad["problem"] = np.select(
        [bad["overdue"], bad["short"] & bad["late"], bad["short"]],
        ["逾期未发", "逾期且未足额", "未足额"],
        "逾期发放",
    )
    bad["rank"] = np.select([bad["overdue"], bad["short"]], [0, 1], 2)
    return bad.sort_values(
        ["rank", "days_overdue", "shortfall"], ascending=[True, False, False], ignore_index=True
    ).drop(columns="rank")


def funds_ledger(allocations: pd.DataFrame, payments: pd.DataFrame, *, as_of: date) -> pd.DataFrame:
    """Allocated, paid (by ``as_of``) and balance by funding source and programme.

    Parameters
    ----------
    allocations
        ``funding_source``, ``programme``, ``amount``, ``allocated_on``
        (allocations after ``as_of`` are not counted yet).
    payments
        Records with ``funding_source``, ``programme``, ``paid_amount``, ``paid_date``.

    Returns
    -------
    DataFrame
        ``funding_source``, ``programme``, ``allocated``, ``paid``, ``balance``,
        ``execution`` (paid ÷ allocated): one row per source and programme, a
        小计 row per source and a 合计 row, sources in :data:`lib.core.schema.FUNDING_SOURCES` order.
    """
    keys = ["funding_source", "programme"]
    day = pd.Timestamp(as_of)
    alloc = allocations[(_as_date(allocations["allocated_on"]) <= day).fillna(False)]
    paid = payments[(_as_date(payments["paid_date"]) <= day).fillna(False)]
    a = alloc.groupby(keys)["amount"].sum().rename("allocated")
    p = paid.groupby(keys)["paid_amount"].sum().rename("paid")
    rows = pd.concat([a, p], axis=1).fillna(0.0).reset_index()
    order = {s: i for i, s in enumerate(schema.FUNDING_SOURCES)}
    rows = rows.sort_values(keys, key=lambda c: c.map(order).fillna(99) if c.name == "funding_source" else c)
    parts = []
    for source, group in rows.groupby("funding_source", sort=False):
        parts.append(group)
        if len(group) > 1:
            parts.append(
                pd.DataFrame(
                    [
                        {
                            "funding_source": source,
                            "programme": "小计",
                            "allocated": group["allocated"].sum(),
                            "paid": group["paid"].sum(),
                        }
                    ]
                )
            )
    parts.append(
        pd.DataFrame(
            [
                {
                    "funding_source": "合计",
                    "programme": "",
                    "allocated": rows["allocated"].sum(),
                    "paid": rows["paid"].sum(),
                }
            ]
        )
    )
    out = pd.concat(parts, ignore_index=True)
    out["balance"] = out["allocated"] - out["paid"]
    out["execution"] = out["paid"] / out["allocated"].where(out["allocated"] > 0)
    return out


def term_series(classified: pd.DataFrame) -> pd.DataFrame:
    """On-time and in-full rates and amounts per (school_year, term), oldest first."""
    rates = payment_rates(classified, ["school_year", "term"])
    if rates.empty:
        return rates.assign(label=pd.Series(dtype=object))
    rates = rates.sort_values(["school_year", "term"], ignore_index=True)
    rates["label"] = term_labels(rates["school_year"], rates["term"])
    return rates


def term_labels(years: pd.Series, terms: pd.Series) -> list[str]:
    """``2025-2026第一学期`` for each (school year, term)."""
    return [f"{y}-{y + 1}第{'一' if t == 1 else '二'}学期" for y, t in zip(years, terms, strict=True)]


def default_due_date(school_year: int, term: int, programme: str | None = None) -> date:
    """When a programme's aid for a term is due (settings ``aid.due_dates``)."""
    dues = config.SETTINGS["aid"]["due_dates"]
    month, day = (int(x) for x in dues.get(programme or "default", dues["default"])[term - 1].split("-"))
    return date(school_year if term == 1 else school_year + 1, month, day)
