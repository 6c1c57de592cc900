"""Search across the volunteer's own notes, on every case in their store.

Only current notes are searched (a correction replaces the note it corrects), case
blind (``casefold``), every word of the query having to appear in the note's text or in
who it is attributed to. Results are newest first and carry the case, so that a screen
can open the case on that note. What a screen shows of them is the screen's to escape
(``domain/shown.py``); nothing here is shown or logged.
"""

from __future__ import annotations

from dataclasses import dataclass

from ips_field.domain import notes as notes_rules
from ips_field.domain.records import Case, Family, Note
from ips_field.store.repository import Repository

MAX_HITS = 200
MAX_QUERY = 200  # characters: a search box, not a document


@dataclass(frozen=True)
class NoteHit:
    note: Note
    case: Case
    family_name: str = ""


def _words(query: str) -> list[str]:
    return [w.casefold() for w in query[:MAX_QUERY].split()]


def matches(note: Note, words: list[str]) -> bool:
    """Every word appears (case blind) in the note's text, speaker or owner."""
    hay = " ".join((note.text, note.speaker, note.speaker_role, note.owner)).casefold()
    return all(w in hay for w in words)


def search_notes(repo: Repository, query: str, *, limit: int = MAX_HITS) -> list[NoteHit]:
    """The current notes on the volunteer's cases that match ``query``, newest first;
    an empty query finds nothing."""
    words = _words(query)
    if not words:
        return []
    cases = {c.id: c for c in repo.all(Case)}
    families = {f.case_id: f.family_name for f in repo.all(Family)}
    found = [
        n for n in notes_rules.current(repo.all(Note)) if n.case_id in cases and matches(n, words)
    ]
    found.sort(key=lambda n: (n.written_at, n.id), reverse=True)
    return [
        NoteHit(n, cases[n.case_id], families.get(n.case_id, "")) for n in found[: max(0, limit)]
    ]
