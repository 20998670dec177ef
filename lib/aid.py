"""学生资助 (provisional): who is eligible, who is covered, what is paid on time.

Formulas (docs/metrics.md):

* **资助覆盖率** = enrolled students of the priority groups with a 生活补助
  record for the current term and an amount paid > 0, divided by the enrolled
  students of the priority groups; attributed to the school's township.
* **按时足额发放率** = aid records of the current school year due on or before
  ``as_of`` that were paid in full (paid >= standard) by the due date (plus the
  configured grace days), divided by all such records.

The aid issue owns this module and refines eligibility per programme.
"""

from __future__ import annotations

from lib import config

#: SQL predicate: student row ``st`` belongs to a priority group (DESIGN.md §4)
#: and so is eligible for the compulsory-education living subsidy.
def priority_group_sql(alias: str = "st") -> str:
    a = alias
    return (
        f"({a}.poverty_category IS NOT NULL OR {a}.orphan OR {a}.unsupported OR {a}.disability "
        f"OR {a}.disabled_parent OR {a}.martyr_child)"
    )


LIVING_SUBSIDY = "生活补助"


def on_time_full_sql(alias: str = "a") -> str:
    """SQL predicate: aid record ``a`` was paid in full by its due date (+ grace)."""
    grace = int(config.SETTINGS["aid"]["on_time_grace_days"])
    return (
        f"({alias}.paid_date IS NOT NULL AND {alias}.paid_date <= {alias}.due_date + INTERVAL {grace} DAY "
        f"AND {alias}.paid_amount >= {alias}.standard_amount)"
    )
