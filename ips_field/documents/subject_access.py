"""The subject access pack for one family: everything held, readable, by section, each
record dated and with who recorded it; the raw JSON as an annex on request.

It is built from ``ips_field.actions.office.family_data.subject_access``
(the same data as the JSON export), so
the pack and the JSON cannot disagree about what is held.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from ips_field.documents.model import Document, Heading, Paragraph, Table
from ips_field.domain.dates import uk_date, uk_time
from ips_field.domain.vocabulary import (
    APPROVAL_HOW,
    CONSENT_PURPOSES,
    INTEREST_TYPES,
    REFERRAL_SOURCES,
    VOICES,
    VOLUNTEER_ROLES,
)

SECTIONS = {
    "case": "The case",
    "family": "The family",
    "child": "Children",
    "consent": "Consents",
    "meeting": "Meetings",
    "note": "Notes",
    "contact": "Contacts",
    "signposting": "Signposting",
    "evaluation": "Evaluations",
    "conflict_check": "Conflict of interest checks",
    "sync_conflict": "Differences between copies, for the office to resolve",
}
HIDDEN = {"id", "kind", "origin", "clocks", "created_at", "updated_at", "case_id", "meeting_id"}
HIDDEN |= {"supersedes", "deleted", "flags", "record_id", "volunteer_id", "assigned_to"}
HIDDEN |= {"prev", "source_id"}  # sync bookkeeping and internal ids
SINGULAR = {
    "case": "The case",
    "family": "The family",
    "child": "Child",
    "consent": "Consent",
    "meeting": "Meeting",
    "contact": "Contact",
    "signposting": "Signposting",
    "evaluation": "Evaluation",
    "conflict_check": "Conflict of interest check",
    "sync_conflict": "Difference",
}
WORDS = {
    "purpose": CONSENT_PURPOSES,
    "voice": VOICES,
    "volunteer_role": VOLUNTEER_ROLES,
    "interest_type": INTEREST_TYPES,
    "parent_approved_how": APPROVAL_HOW,
    "referral_source": REFERRAL_SOURCES,
}
LABELS = {
    "la_contacts": "Local authority contacts",
    "ehcp_status": "EHC plan status",
    "sen_knowledge": "Knowledge of SEN",
    "starts_at": "Date and time",
    "role_stated_at": "Role statement read out",
    "parent_approved": "Parent approved their views",
    "parent_approved_on": "Approved on",
    "parent_approved_how": "How approved",
}


def _label(name: str) -> str:
    return LABELS.get(name, name.replace("_", " ").capitalize())


def _when(value: str) -> str:
    day, time = uk_date(value), uk_time(value)
    return f"{day} at {time}" if day and time else day


def _value(name: str, value: Any, words: dict[str, dict[str, str]] = WORDS) -> str:
    if name == "checklist" and isinstance(value, dict) and value:
        return f"{sum(bool(v) for v in value.values())} of {len(value)} items done"
    if value is None or value == "" or value == [] or value == {}:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if name in words and isinstance(value, str):
        return words[name].get(value, value)
    if isinstance(value, str):
        if len(value) >= 10 and value[4:5] == "-" and _when(value):
            return _when(value)
        return value
    if isinstance(value, list):
        return "; ".join(_value(name, v, words) for v in value if _value(name, v, words))
    if isinstance(value, dict) and str(value.get("name", "")).strip():  # a person
        rest = [_value(k, v, words) for k, v in value.items() if k != "name"]
        rest = [r for r in rest if r]
        return f"{value['name']} ({', '.join(rest)})" if rest else str(value["name"])
    if isinstance(value, dict):
        parts = [
            f"{_label(k)}: {_value(k, v, words)}" for k, v in value.items() if _value(k, v, words)
        ]
        return ", ".join(parts)
    return str(value)


def subject_access_document(
    data: dict[str, Any],
    *,
    names: Callable[[str], str],
    meeting_types: dict[str, str] | None = None,
    annex: bool = False,
    made_at: dt.datetime | None = None,
) -> Document:
    """``names`` turns a node id (``origin``) into the name of whoever recorded it;
    ``meeting_types`` meeting type ids into their names."""
    words = {**WORDS, "meeting_type": meeting_types or {}}
    ref = str(data.get("subject_access_export", ""))
    records: dict[str, list[dict[str, Any]]] = data.get("records", {})
    doc = Document(
        "Subject access: the information we hold",
        subtitle=f"Case {ref}, as held on {uk_date(data.get('exported_at'))}",
        footer=f"Subject access pack, case {ref}. Personal information: keep it safe.",
        made_at=made_at,
    )
    total = sum(len(v) for v in records.values())
    doc.add(
        Paragraph(
            f"This pack holds everything the service keeps about this family: {total} "
            "records, in sections below. Each record says when it was made and who recorded "
            "it. A note that was corrected appears in both versions, with the reason."
        )
    )
    for kind in [*SECTIONS, *(k for k in records if k not in SECTIONS)]:
        docs = records.get(kind)
        if not docs:
            continue
        doc.add(Heading(SECTIONS.get(kind, _label(kind)), 1))
        for n, record in enumerate(docs, 1):
            made = _when(str(record.get("created_at", "")))
            who = names(str(record.get("origin", "")))
            title = SINGULAR.get(kind, _label(kind))
            if len(docs) > 1:
                title = f"{title} {n}"
            if kind == "note":
                title = f"{VOICES.get(record.get('voice', ''), 'Note')} {n}"
            doc.add(Heading(title, 2))
            status = " (deleted; kept as a marker)" if record.get("deleted") else ""
            doc.add(Paragraph(f"Recorded on {made} by {who}{status}.", "note"))
            rows = [
                [_label(k), shown]
                for k, v in record.items()
                if k not in HIDDEN and (shown := _value(k, v, words))
            ]
            if rows:
                doc.add(Table(["", "What we hold"], rows, widths=[0.3, 0.7]))
    if annex:
        doc.add(Heading("Annex: the records as held (JSON)", 1))
        doc.add(Paragraph(json.dumps(data, indent=1, ensure_ascii=False), "note"))
    return doc
