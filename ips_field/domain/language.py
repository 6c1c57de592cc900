"""Neutral-language check: flags directive or partisan wording in notes and summaries.

Both policies say the service gives neutral information and does not offer directive
advice or make decisions for parents. Volunteers write notes under pressure, so the app
points at wording such as "you should" and offers a neutral alternative. The check never
blocks saving: it is a prompt to reflect, not a rule (a note may quote someone else).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

# Straight and typographic apostrophes are the same letter for matching.
_APOSTROPHES = "'\u2019\u2018\u02bc"


@dataclass(frozen=True)
class LanguageRule:
    """One phrase to flag, the neutral wording to offer instead, and why."""

    phrase: str
    alternative: str
    why: str


@dataclass(frozen=True)
class LanguageFlag:
    """Where a rule matched: ``text[start:end] == phrase`` as written in the text."""

    start: int
    end: int
    phrase: str
    alternative: str
    why: str


@lru_cache(maxsize=512)
def _pattern(phrase: str) -> re.Pattern[str]:
    """Whole words only, any case, any run of spaces, any kind of apostrophe."""
    parts: list[str] = []
    for word in phrase.strip().split():
        escaped = "".join(
            f"[{_APOSTROPHES}]" if ch in _APOSTROPHES else re.escape(ch) for ch in word
        )
        parts.append(escaped)
    body = r"\s+".join(parts)
    return re.compile(rf"(?<![\w{_APOSTROPHES}]){body}(?![\w{_APOSTROPHES}])", re.IGNORECASE)


def check_text(text: str, rules: Iterable[LanguageRule]) -> list[LanguageFlag]:
    """Every place in ``text`` where a rule's phrase appears, in reading order.

    Matching is case-insensitive and on word boundaries ("definitely" does not match
    "indefinitely"). When two rules overlap ("I would" inside "I would recommend") the
    longer match wins so the volunteer sees one flag per place.
    """
    if not text:
        return []
    found: list[LanguageFlag] = []
    for rule in rules:
        if not rule.phrase.strip():
            continue
        for m in _pattern(rule.phrase).finditer(text):
            found.append(LanguageFlag(m.start(), m.end(), m.group(0), rule.alternative, rule.why))
    found.sort(key=lambda f: (f.start, -(f.end - f.start)))
    kept: list[LanguageFlag] = []
    for flag in found:
        if kept and flag.start < kept[-1].end:
            continue
        kept.append(flag)
    return kept


def count_flags(text: str, rules: Sequence[LanguageRule]) -> int:
    """How many places in ``text`` were flagged (for a status line or a report)."""
    return len(check_text(text, rules))


def flags_as_dicts(flags: Iterable[LanguageFlag]) -> list[dict[str, str]]:
    """Flags in the shape ``Note.flags`` stores (strings only, no positions needed)."""
    return [
        {"phrase": f.phrase, "alternative": f.alternative, "why": f.why, "at": str(f.start)}
        for f in flags
    ]
