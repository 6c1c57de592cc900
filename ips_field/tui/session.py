"""What the screens share once the store is open: repository, templates, today. No Textual."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ips_field.domain import due, statutory
from ips_field.domain.records import (
    Case,
    Child,
    Consent,
    CpdEntry,
    Evaluation,
    Family,
    KeyDate,
    Meeting,
    Note,
    SupervisionEntry,
)
from ips_field.domain.timelines import CaseMilestone
from ips_field.store.repository import Repository
from ips_field.templates import ServiceProfile, Templates


@dataclass
class Session:
    repo: Repository
    store: object
    templates: Templates

    def today(self) -> dt.date:
        """The service's local date, from the repository's clock."""
        return self.repo.time.today()

    @property
    def profile(self) -> ServiceProfile:
        me = self.repo.profile()
        return self.templates.profile(me.service if me else "generic")

    @property
    def volunteer_name(self) -> str:
        me = self.repo.profile()
        return me.name if me else "your volunteer"

    def family(self, case_id: str) -> Family | None:
        found = self.repo.for_case(Family, case_id)
        return found[0] if found else None

    def child(self, case_id: str) -> Child | None:
        found = self.repo.for_case(Child, case_id)
        return found[0] if found else None

    def parent_names(self, case_id: str) -> str:
        family = self.family(case_id)
        if not family:
            return "the parent"
        return (
            " and ".join(p.get("name", "") for p in family.parents if p.get("name")) or "the parent"
        )

    def case_label(self, case: Case) -> str:
        family = self.family(case.id)
        return f"{case.reference} {family.family_name}" if family else case.reference

    def consent_badges(
        self, case_id: str, consents: list[Consent] | None = None
    ) -> list[tuple[str, str]]:
        """(purpose, state) for the latest consent per purpose: current, expired, withdrawn."""
        if consents is None:
            consents = self.repo.for_case(Consent, case_id)
        latest: dict[str, Consent] = {}
        for c in sorted(consents, key=lambda c: c.given_on):
            latest[c.purpose] = c
        return [(p, c.state_on(self.today())) for p, c in sorted(latest.items())]

    def labels(self) -> dict[str, str]:
        """Case id → "reference family name", built in one pass (for long lists)."""
        families = {f.case_id: f.family_name for f in self.repo.all(Family)}
        return {
            c.id: f"{c.reference} {families[c.id]}" if c.id in families else c.reference
            for c in self.repo.all(Case)
        }

    def consents_by_case(self) -> dict[str, list[Consent]]:
        out: dict[str, list[Consent]] = {}
        for c in self.repo.all(Consent):
            out.setdefault(c.case_id, []).append(c)
        return out

    def milestones(self, case_id: str) -> list[CaseMilestone]:
        """The case's statutory milestones with their status today."""
        key_dates = self.repo.for_case(KeyDate, case_id)
        return statutory.for_case(key_dates, self.templates.timelines, self.today())

    def checklist_dates(self, case_id: str) -> dict[str, CaseMilestone]:
        """Meeting checklist item id -> the statutory milestone it should show the date of."""
        return statutory.checklist_dates(self.milestones(case_id), self.templates.timelines)

    def due_items(self) -> list[due.DueItem]:
        r = self.repo
        return due.due_items(
            today=self.today(),
            profile=self.profile,
            cases=r.all(Case),
            meetings=r.all(Meeting),
            notes=r.all(Note),
            consents=r.all(Consent),
            evaluations=r.all(Evaluation),
            cpd=r.all(CpdEntry),
            supervision=r.all(SupervisionEntry),
            sources=self.templates.signposting_for(self.profile.id),
            meeting_types=self.templates.meeting_types,
            key_dates=r.all(KeyDate),
            timelines=self.templates.timelines,
        )
