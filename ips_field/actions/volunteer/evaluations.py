"""Evaluation forms: whether the family may be contacted, and a form sent."""

from __future__ import annotations

import datetime as dt

from ips_field.domain.records import Evaluation
from ips_field.store.repository import Repository


def may_contact_for_evaluation(repo: Repository, case_id: str, today: dt.date) -> bool:
    return repo.has_consent(case_id, "contact_evaluation", today)


def record_evaluation_sent(
    repo: Repository, case_id: str, *, stage: str, how: str, on: dt.date
) -> Evaluation:
    return repo.save(Evaluation(case_id=case_id, stage=stage, sent_on=on.isoformat(), sent_how=how))
