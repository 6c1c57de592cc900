"""Typed, frozen views of the packaged templates (meeting types, profiles, signposting).

The loader builds these from YAML after checking every field; everything else in the app
reads templates only through these classes, never through raw dictionaries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ips_field.domain.language import LanguageRule
from ips_field.domain.timelines import TimelineKind

CHECKLIST_SECTIONS: dict[str, str] = {
    "documents": "Documents to gather",
    "deadlines": "Deadlines to check",
    "questions": "Questions to agree with the parent",
    "attendance": "Who will attend",
    "consent": "Consent needed",
}
PARTIES: dict[str, str] = {
    "parent": "Parent or carer",
    "school": "School or setting",
    "local_authority": "Local authority",
    "ips_volunteer": "IPS volunteer",
}
ROLES = ("support", "represent", "strategic", "decisions")
PLACEHOLDERS = ("volunteer", "service", "parent")
REACH_KEYS = ("website", "phone", "email", "other")

__all__ = [
    "CHECKLIST_SECTIONS",
    "PARTIES",
    "PLACEHOLDERS",
    "REACH_KEYS",
    "ROLES",
    "ChecklistItem",
    "LanguageRule",
    "MeetingType",
    "ServiceProfile",
    "Source",
    "Templates",
]


@dataclass(frozen=True)
class ChecklistItem:
    """One thing to do before a meeting. ``id`` is stable: ``Meeting.checklist`` keys it."""

    id: str
    section: str
    text: str


@dataclass(frozen=True)
class MeetingType:
    """A kind of meeting with its preparation checklist and each party's rights and duties."""

    id: str
    name: str
    description: str
    checklist: list[ChecklistItem]
    rights: dict[str, list[str]]

    def item_ids(self) -> list[str]:
        return [item.id for item in self.checklist]

    def sections(self) -> list[tuple[str, list[ChecklistItem]]]:
        """Checklist items grouped by section, sections in the standard order."""
        out = []
        for section in CHECKLIST_SECTIONS:
            items = [i for i in self.checklist if i.section == section]
            if items:
                out.append((section, items))
        return out


@dataclass(frozen=True)
class Source:
    """An independent source of information a volunteer can signpost a parent to."""

    id: str
    name: str
    helps_with: str
    how_to_reach: dict[str, str]
    last_reviewed: dt.date
    local: bool = False


@dataclass(frozen=True)
class ServiceProfile:
    """One service's wording and intervals (Milton Keynes, Bath & NE Somerset, generic)."""

    id: str
    name: str
    short_name: str
    helpline: Source
    role_statements: dict[str, str]
    supervision_interval_days: int
    midway_evaluation_days: int
    cpd_refreshers: dict[str, int]
    retention_days_after_confirmation: int
    stale_information_days: int
    local_sources: list[Source] = field(default_factory=list)
    policy_note: str = ""

    def role_statement(self, role: str, volunteer: str, parent: str) -> str:
        """The statement the volunteer reads aloud at the start of a meeting.

        Names are inserted as given; they are never parsed as templates themselves.
        """
        try:
            template = self.role_statements[role]
        except KeyError:
            raise KeyError(f"no role statement for role {role!r}") from None
        values = {"volunteer": volunteer, "service": self.name, "parent": parent}
        return template.format_map(values)


@dataclass(frozen=True)
class Templates:
    """Everything the app reads from YAML, after service overrides are applied."""

    meeting_types: dict[str, MeetingType]
    profiles: dict[str, ServiceProfile]
    signposting: list[Source]
    language: list[LanguageRule]
    timelines: dict[str, TimelineKind] = field(default_factory=dict)

    def profile(self, profile_id: str) -> ServiceProfile:
        """The named profile, or ``generic`` if the id is unknown."""
        return self.profiles.get(profile_id) or self.profiles["generic"]

    def signposting_for(self, profile_id: str) -> list[Source]:
        """National sources plus the profile's local ones and its own helpline.

        A local source with the same id as a national one (``local_offer``) replaces it,
        so each service can give its own Local Offer address.
        """
        prof = self.profile(profile_id)
        by_id: dict[str, Source] = {s.id: s for s in self.signposting}
        for local in prof.local_sources:
            by_id[local.id] = local
        by_id[prof.helpline.id] = prof.helpline
        return list(by_id.values())
