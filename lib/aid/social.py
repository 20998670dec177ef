"""社会帮扶: donations and the August campaign for university freshmen.

Donations (donor, amount, date, purpose) are granted to students or to
non-compulsory recipients; every August the bureau asks donors to help
freshmen from poor families enter university (大学新生助学).  Pure functions.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from lib.core import config

CAMPAIGN_STATUS = ("已申请", "已资助", "未资助")


def campaign_year(as_of: date) -> int:
    """The latest August campaign on or before ``as_of``."""
    month = int(config.SETTINGS["aid"]["freshman_campaign"]["month"])
    return as_of.year if as_of.month >= month else as_of.year - 1


def donations_ledger(donations: pd.DataFrame, grants: pd.DataFrame, *, as_of: date) -> pd.DataFrame:
    """Each donation received by ``as_of`` with what was granted from it (by ``as_of``),
    the balance and the number of recipients, newest first.

    ``grants`` may be restricted to the Scope: then ``granted`` is what reached
    the Scope's recipients.
    """
    day = pd.Timestamp(as_of)
    don = donations[pd.to_datetime(donations["received_on"]) <= day]
    g = grants[pd.to_datetime(grants["granted_on"]) <= day]
    person = g["student_id"].fillna(g["recipient_id"])
    per = (
        g.assign(person=person)
        .groupby("donation_id")
        .agg(granted=("amount", "sum"), recipients=("person", "nunique"))
    )
    out = don.merge(per, left_on="donation_id", right_index=True, how="left")
    out[["granted", "recipients"]] = out[["granted", "recipients"]].fillna(0)
    out["recipients"] = out["recipients"].astype("int64")
    out["balance"] = out["amount"] - out["granted"]
    return out.sort_values(["received_on", "donation_id"], ascending=[False, True], ignore_index=True)


def campaign_table(
    applications: pd.DataFrame, recipients: pd.DataFrame, grants: pd.DataFrame, *, year: int
) -> pd.DataFrame:
    """Who applied in the campaign of ``year`` and what each received.

    Returns
    -------
    DataFrame
        One row per application: ``application_id``, ``recipient_id``,
        ``name``, ``id_number`` (unmasked: mask before display), ``township_code``,
        ``poverty_category``, ``university``, ``applied_on``, ``status``,
        ``amount`` (received, 0 if none), ``granted_on``, ``donor_id``.
    """
    apps = applications[applications["campaign_year"] == year]
    rec = recipients[["recipient_id", "name", "id_number", "township_code", "poverty_category"]]
    g = grants[["grant_id", "donation_id", "amount", "granted_on"]]
    out = apps.merge(rec, on="recipient_id", how="left").merge(g, on="grant_id", how="left")
    out["amount"] = out["amount"].fillna(0.0)
    return out.sort_values(["status", "applied_on", "application_id"], ignore_index=True)


def campaign_summary(table: pd.DataFrame) -> dict[str, float]:
    """Applied, funded, not funded and the total granted in one campaign."""
    return {
        "applied": len(table),
        "funded": int((table["status"] == "已资助").sum()),
        "waiting": int((table["status"] == "已申请").sum()),
        "refused": int((table["status"] == "未资助").sum()),
        "amount": float(table["amount"].sum()),
    }
