"""What the screens share once the store is open: repository, templates, today. No Textual."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import cast

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
from ips_field.domain.shown import shown
from ips_field.domain.timelines import CaseMilestone
from ips_field.domain.ukdates import show_date
from ips_field.domain.vocabulary import RETIRED_PURPOSES
from ips_field.store.repository import Repository
from ips_field.templates import ServiceProfile, Templates

# Short words for a purpose in a one-line summary of a case's consent.
PURPOSE_WORDS = {
    "record": "record",
    "share_named_party": "sharing",
    "represent_views": "represent",
    "contact_evaluation": "evaluation",
    "willing_consulted": "consultation",
}
EXPIRY_WINDOW_DAYS = 30


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
        label = f"{case.reference} {family.family_name}" if family else case.reference
        return shown(label)  # for the screen: control and bidi characters escaped

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

    def consent_summary(self, case_id: str, consents: list[Consent] | None = None) -> str:
        """In words: what is missing, withdrawn, expired or expiring; "All current" else."""
        if consents is None:
            consents = self.repo.for_case(Consent, case_id)
        today = self.today()
        latest: dict[str, Consent] = {}
        for c in sorted(consents, key=lambda c: (c.given_on, c.created_at)):
            if not c.deleted and c.purpose not in RETIRED_PURPOSES:
                latest[c.purpose] = c
        parts = []
        if "record" not in latest:
            parts.append("no consent to keep a record")
        for purpose, c in sorted(latest.items(), key=lambda kv: kv[0] != "record"):
            word = PURPOSE_WORDS.get(purpose, purpose.replace("_", " "))
            state = c.state_on(today)
            if state in ("withdrawn", "expired"):
                parts.append(f"{word} {state}")
            elif state == "pending":
                parts.append(f"{word} from {show_date(c.given_on)}")
            elif c.expires_on and dt.date.fromisoformat(c.expires_on) <= today + dt.timedelta(
                days=EXPIRY_WINDOW_DAYS
            ):
                parts.append(f"{word} expires {show_date(c.expires_on)}")
        text = "; ".join(parts) or "all current"
        return text[0].upper() + text[1:]

    def meeting_refusal(self, case_id: str) -> str:
        """Why no meeting can be prepared, held or noted on this case now ("" if it can)."""
        from ips_field.domain import rules

        return rules.meeting_refusal(
            self.repo.get(Case, case_id), self.repo.for_case(Consent, case_id), self.today()
        )

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
            # casts: due.py's protocols declare settable members; these are frozen dataclasses
            profile=cast(due.DueSettings, self.profile),
            cases=r.all(Case),
            meetings=r.all(Meeting),
            notes=r.all(Note),
            consents=r.all(Consent),
            evaluations=r.all(Evaluation),
            cpd=r.all(CpdEntry),
            supervision=r.all(SupervisionEntry),
            sources=cast(
                "list[due.ReviewedSource]", self.templates.signposting_for(self.profile.id)
            ),
            meeting_types=cast("dict[str, due.ChecklistSource]", self.templates.meeting_types),
            started_on=self._started_on(),
            key_dates=r.all(KeyDate),
            timelines=self.templates.timelines,
        )

    def _started_on(self) -> dt.date | None:
        """The day this volunteer's profile was made (the app set up), if known."""
        me = self.repo.profile()
        try:
            return dt.date.fromisoformat(me.created_at[:10]) if me and me.created_at else None
        except ValueError:
            return None
