"""Whom to consult next in outreach work."""

from __future__ import annotations

import datetime as dt

from ips_field.actions.volunteer.conflict_checks import family_people
from ips_field.domain.records import Case, Consent
from ips_field.store.repository import Repository


def consultation_list(repo: Repository, today: dt.date) -> list[tuple[str, str]]:
    """(case reference, parent names) for families with current 'willing to be consulted'."""
    out = []
    for consent in repo.all(Consent):
        if consent.purpose == "willing_consulted" and consent.current_on(today):
            case = repo.get(Case, consent.case_id)
            if case is None:
                continue
            names = ", ".join(family_people(repo, case.id)[:1]) or consent.given_by
            out.append((case.reference, names))
    return sorted(set(out))
