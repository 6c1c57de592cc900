"""Directive or partisan wording on notes: the flags a note carries and the notes that
carry them (the volunteer's summary and supervision, the office's case review)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from ips_field.domain import notes as notes_rules
from ips_field.domain.language import LanguageRule, check_text, flags_as_dicts
from ips_field.domain.records import Note
from ips_field.store.repository import Repository


def note_flags(
    text: str, rules: Iterable[LanguageRule], voice: str | None = None
) -> list[dict[str, str]]:
    """The flags to store on a note when it is written, checked in the note's own voice
    (stored at write and never recomputed: notes never change; see docs/templates.md)."""
    return flags_as_dicts(check_text(text, rules, voice))


def flagged_notes(repo: Repository, since: dt.date | None = None) -> list[Note]:
    """Current notes with neutral-language flags, for supervision."""
    superseded = notes_rules.superseded_ids(repo.all(Note))
    out = []
    for n in repo.all(Note):
        if (
            n.flags
            and n.id not in superseded
            and (since is None or n.written_at[:10] >= since.isoformat())
        ):
            out.append(n)
    return sorted(out, key=lambda n: n.written_at)
