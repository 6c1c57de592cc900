"""Fictional key dates for the demo cases, so the statutory timelines have something to show.

Kept apart from :func:`ips_field.demo.build_demo` (whose records other screens' snapshots
depend on); call :func:`add_demo_key_dates` after it.
"""

from __future__ import annotations

import datetime as dt

from ips_field.domain.records import Case, KeyDate
from ips_field.store.repository import Repository

# (case reference, which, days before today or a year) -> around any "today".
DEMO_KEY_DATES: list[tuple[str, str, int]] = [
    ("DEMO-001", "assessment_requested", 174),
    ("DEMO-001", "decision_to_assess", 135),
    ("DEMO-001", "draft_plan_issued", 53),
    ("DEMO-002", "decision_letter", 55),
    ("DEMO-003", "review_meeting_held", 33),
    ("DEMO-003", "review_report_sent", 23),
]


def add_demo_key_dates(repo: Repository, *, today: dt.date) -> None:
    cases = {c.reference: c.id for c in repo.all(Case)}
    with repo.transaction():
        for ref, which, days in DEMO_KEY_DATES:
            if ref in cases:
                on = (today - dt.timedelta(days=days)).isoformat()
                repo.save(KeyDate(case_id=cases[ref], which=which, on=on))
        if "DEMO-004" in cases:
            repo.save(
                KeyDate(case_id=cases["DEMO-004"], which="phase_transfer_year", year=today.year + 1)
            )
