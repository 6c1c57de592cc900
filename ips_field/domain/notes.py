"""The rules of notes, in one place (DESIGN.md §4: notes are append-only).

A note never changes once made: ``FIXED`` are the fields no later save or sync operation may
alter. A correction is a new note that ``supersedes`` the old one (of the same case), with a
reason; a note is *current* while no correction supersedes it. Used by the repository, the
sync merge and authorisation, the dashboard, the reports and the office search alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from ips_field.domain.records import Note
from ips_field.domain.ukdates import show_date

FIXED = frozenset({"case_id", "meeting_id", "voice", "text", "speaker", "written_at"})

N = TypeVar("N", Note, Mapping[str, Any])


def _supersedes(note: Note | Mapping[str, Any]) -> Any:
    return note.get("supersedes") if isinstance(note, Mapping) else note.supersedes


def _id(note: Note | Mapping[str, Any]) -> Any:
    return note.get("id") if isinstance(note, Mapping) else note.id


def superseded_ids(notes: Iterable[Note | Mapping[str, Any]]) -> set[str]:
    """Ids of the notes a correction among ``notes`` supersedes."""
    return {old for n in notes if isinstance(old := _supersedes(n), str) and old}


def current(notes: Iterable[N]) -> list[N]:
    """The notes no correction among them supersedes (as given: objects or documents)."""
    notes = list(notes)
    gone = superseded_ids(notes)
    return [n for n in notes if _id(n) not in gone]


def in_order(notes: Iterable[Note]) -> list[Note]:
    """Oldest first (ties by id, so the order is the same on every computer)."""
    return sorted(notes, key=lambda n: (n.written_at, n.id))


# The order a summary reads the voices in: the role first, then what the parent said, then
# procedure, options and professionals' views, then what was agreed.
VOICE_ORDER = (
    "ips_role_statement",
    "parent_view",
    "procedure",
    "option",
    "professional_view",
    "agreed_action",
    "general",
)


def attribution(note: Note) -> str:
    """Who a note's words are attributed to, as a summary and the case review show it."""
    if note.voice == "professional_view":
        return f"{note.speaker} ({note.speaker_role})" if note.speaker_role else note.speaker
    if note.voice == "agreed_action":
        return f"{note.owner}, by {show_date(note.due_on)}" if note.due_on else note.owner
    if note.voice == "parent_view":
        return "parent"
    if note.voice in ("procedure", "ips_role_statement"):
        return "IPS volunteer"
    return ""
