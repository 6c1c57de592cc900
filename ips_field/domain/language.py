"""Neutral-language check: flags directive or partisan wording in notes and summaries.

Both policies say the service gives neutral information, does not offer directive advice,
does not make decisions for parents and does not take sides. Volunteers write notes under
pressure, so the app points at wording that tells the parent what to do, ranks the options
for them, judges a party or takes a side, says why, and offers neutral wording. A flag
never blocks saving: it is a prompt to reflect, not a rule.

The rules live in ``templates/language.yaml`` (fixed phrases and word patterns, see
:mod:`ips_field.domain.language_patterns`). The check knows who is speaking: a note in the
parent's-view or professional's-view voice records someone else's words, so only rules
marked ``voices: all`` (the volunteer's own words slipping in: "I told her she must",
"and rightly so") apply there. In the volunteer's own voices, words reported from someone
else in the same sentence ("Mum feels the school is in the wrong") are theirs, not the
volunteer's, and are not flagged either.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from ips_field.domain.language_patterns import (
    APOSTROPHES,
    bounded,
    literal_regex,
    phrase_first_word,
    text_words,
)

KINDS = ("directive", "partisan")
KIND_MARKS = {"directive": "directive?", "partisan": "takes sides?"}
# Voices that record someone else's words (DESIGN.md section 4).
OTHERS_VOICES = frozenset({"parent_view", "professional_view"})
VOICE_SCOPES = ("own", "all")
NEGATIONS = frozenset({"not", "never", "no"})

_WORD = re.compile(rf"[\w{APOSTROPHES}-]+")
# Words a sentence may open with before an instruction: "Honestly, just appeal it."
_FILLERS = frozenset(
    {
        "honestly",
        "just",
        "so",
        "personally",
        "frankly",
        "look",
        "and",
        "but",
        "then",
        "please",
        "pls",
        "plz",
        "strongly",
        "firmly",
        "gently",
        "really",
    }
)
# "<someone> said / feels / thinks ...": what follows in the sentence is their view. The
# one reporting is a word that can be a speaker: not an adverb ("I'd seriously think"),
# not the volunteer ("I think you should", "I'd say").
_REPORTED = re.compile(
    rf"(?<![\w{APOSTROPHES}])([\w{APOSTROPHES}]+)\s+(?:said|says|say|feel|feels|felt|think|"
    r"thinks|thought|believe|believes|believed|want|wants|wanted|asked|asks|reported|"
    r"reports|explained|recommended|recommends|would\s+like|is\s+worried|was\s+worried|"
    r"worries|view\s+is|views\s+are|view\s+was|view:|hopes|hoped|told\s+me|told\s+us|"
    r"argued|argues|insisted|insists|claimed|claims|maintains|suggested|suggests|"
    r"is\s+adamant|was\s+adamant|is\s+convinced|was\s+convinced|is\s+sure|was\s+sure|"
    r"wrote|writes|complained|complains|accused|accuses)"
    rf"(?![\w{APOSTROPHES}])",
    re.IGNORECASE,
)
_NOT_REPORTERS = frozenset(
    {"i", "i'd", "i'll", "i'm", "we", "we'd", "you", "you'd", "really", "just", "would", "and"}
)
# Where a clause opens for an instruction: a sentence, or the words after a colon or a
# dash ("It's simple: take the place", "Don't wait - write today").
_CLAUSE_BREAK = re.compile(r"[.!?;:\n]|\s[-\u2013\u2014]\s|\u2014|\u2013")
# A leading "if/when ... ," clause leaves the instruction after the comma at the start:
# "If the school refuses, write to the governors".
_LEADING = frozenset(
    {"if", "when", "once", "unless", "otherwise", "before", "after", "whatever", "either"}
)


@dataclass(frozen=True)
class LanguageRule:
    """One rule: a fixed ``phrase`` (or, for a pattern rule, its pattern text with the
    compiled ``regex``), the neutral wording to offer instead, and why.

    ``kind`` is ``directive`` or ``partisan``; ``voices`` is ``own`` (the volunteer's own
    words only) or ``all`` (also in notes that record someone else's words).
    ``sentence_start``: the match must open a sentence. ``unless_before`` /
    ``unless_after``: a word just before / after the match cancels it ("what you should
    do"). ``unless_negated``: a "not" inside the match cancels it ("you don't have to").
    ``unless_then``: a compiled pattern that, found later in the same sentence, cancels the
    match ("the only way to appeal is through the Tribunal" is a statement of procedure).
    ``starts``: the words a match can start with (:func:`first_words`), so the pattern is
    tried only there; empty for a regex of unknown shape: the whole text is searched.
    """

    phrase: str
    alternative: str
    why: str
    kind: str = "directive"
    voices: str = "own"
    regex: str = ""
    sentence_start: bool = False
    unless_before: tuple[str, ...] = ()
    unless_after: tuple[str, ...] = ()
    unless_negated: bool = False
    id: str = ""
    unless_then: str = ""
    starts: tuple[str, ...] = ()


@dataclass(frozen=True)
class LanguageFlag:
    """Where a rule matched: ``text[start:end]`` is ``phrase`` as written in the text."""

    start: int
    end: int
    phrase: str
    alternative: str
    why: str
    kind: str = "directive"


@lru_cache(maxsize=1024)
def _compiled(rule_regex: str, phrase: str) -> re.Pattern[str]:
    source = rule_regex or bounded(literal_regex(phrase))
    return re.compile(source, re.IGNORECASE)


def _fold(word: str) -> str:
    return re.sub(f"[{APOSTROPHES}]", "'", word.lower())


# Words before a colon that introduce a list of options, not an instruction.
_LISTING = frozenset(
    {"option", "options", "choice", "choices", "route", "routes", "ways", "steps", "either"}
)


# How far the check looks back or on for a sentence's start or end: a sentence longer
# than this is cut there, so a long note without full stops (a hostile one, or one typed
# in a hurry) costs time in proportion to its length, not its length squared.
SENTENCE_REACH = 300


def _sentence_start(text: str, start: int) -> int:
    """Where the sentence holding ``start`` begins (at most ``SENTENCE_REACH`` back)."""
    reach = max(0, start - SENTENCE_REACH)
    found = max(text.rfind(ch, reach, start) for ch in ".!?;\n")
    return found + 1 if found >= 0 else reach


def _sentence_end(text: str, end: int) -> int:
    reach = min(len(text), end + SENTENCE_REACH)
    ends = [i for i in (text.find(ch, end, reach) for ch in ".!?;\n") if i >= 0]
    return min(ends) if ends else reach


def _clause_start(text: str, start: int) -> int:
    """Where the clause holding ``start`` begins: the sentence, or after a colon or dash
    inside it, or after the comma that closes a leading "if ..." clause."""
    begin = _sentence_start(text, start)
    breaks = list(_CLAUSE_BREAK.finditer(text, begin, start))
    if breaks:
        lead = {_fold(w) for w in _WORD.findall(text, begin, breaks[-1].start())}
        if not lead & _LISTING:  # "Options: accept the plan, or appeal" lists, not tells
            begin = breaks[-1].end()
    words = _WORD.findall(text, begin, start)
    if words and _fold(words[0]) in _LEADING:
        comma = text.rfind(",", begin, start)
        if comma >= 0:
            begin = comma + 1
    return begin


def _opens_sentence(text: str, start: int) -> bool:
    before = text[_clause_start(text, start) : start]
    return all(_fold(w) in _FILLERS for w in _WORD.findall(before))


def _reported(text: str, start: int) -> bool:
    """Is the match inside words reported from someone other than the volunteer?"""
    before = text[_sentence_start(text, start) : start]
    return any(
        _fold(m.group(1)) not in _NOT_REPORTERS and not _fold(m.group(1)).endswith("ly")
        for m in _REPORTED.finditer(before)
    )


def _neighbour(text: str, start: int, end: int, *, after: bool) -> str:
    if after:
        m = _WORD.search(text, end)
        gap = text[end : m.start()] if m else ""
    else:
        window = max(0, start - 80)  # a word and its spaces; never the whole note again
        words = list(_WORD.finditer(text, window, start))
        m = words[-1] if words else None
        gap = text[m.end() : start] if m else ""
    if m is None or gap.strip():  # punctuation in between: not a neighbour
        return ""
    return _fold(m.group(0))


def _keeps(rule: LanguageRule, text: str, m: re.Match[str]) -> bool:
    if rule.sentence_start and not _opens_sentence(text, m.start()):
        return False
    if rule.unless_before:
        stop = {_fold(w) for w in rule.unless_before}
        # Just before the match, or inside its gap: "what you should", "you what you should".
        inside = {_fold(w) for w in _WORD.findall(m.group(0))[1:]}
        if _neighbour(text, m.start(), m.end(), after=False) in stop or inside & stop:
            return False
    if rule.unless_after and _neighbour(text, m.start(), m.end(), after=True) in {
        _fold(w) for w in rule.unless_after
    }:
        return False
    if rule.unless_negated:
        words = {_fold(w) for w in _WORD.findall(m.group(0))}
        if words & NEGATIONS or any(w.endswith("n't") for w in words):
            return False
    if rule.unless_then and _compiled(rule.unless_then, "").search(
        text, m.end(), _sentence_end(text, m.end())
    ):
        return False
    return not (rule.voices == "own" and _reported(text, m.start()))


def applies(rule: LanguageRule, voice: str | None) -> bool:
    """Rules for the volunteer's own words do not apply to notes of someone else's."""
    return rule.voices == "all" or voice not in OTHERS_VOICES


def _starts(rule: LanguageRule) -> tuple[str, ...]:
    if rule.regex:
        return rule.starts
    return phrase_first_word(rule.phrase)


def _matches(rule: LanguageRule, text: str, words: dict[str, list[int]]) -> Iterator[re.Match[str]]:
    """What ``finditer`` would give, trying the rule only where a word it can start with
    starts (a note is checked on every key press in a meeting: this is most of the speed)."""
    regex = _compiled(rule.regex, rule.phrase)
    keys = _starts(rule)
    if not keys:
        yield from regex.finditer(text)
        return
    places: set[int] = set()
    for key in keys:
        if key.endswith("*"):
            stem = key[:-1]
            for word, at in words.items():
                if word.startswith(stem):
                    places.update(at)
        else:
            places.update(words.get(key, ()))
    end = 0
    for place in sorted(places):
        if place < end:
            continue
        m = regex.match(text, place)
        if m is not None:
            yield m
            end = m.end()


def check_text(
    text: str, rules: Iterable[LanguageRule], voice: str | None = None
) -> list[LanguageFlag]:
    """Every place in ``text`` where a rule matches, in reading order.

    ``voice`` is the note's voice (``None``: the volunteer's own words, as in a summary or a
    preparation). Matching is case-insensitive and on word boundaries ("definitely" does
    not match "indefinitely"). When two matches overlap the longer wins, so the volunteer
    sees one flag per place.
    """
    if not text:
        return []
    found: list[LanguageFlag] = []
    words = text_words(text)
    for rule in rules:
        if not (rule.regex or rule.phrase.strip()) or not applies(rule, voice):
            continue
        for m in _matches(rule, text, words):
            if _keeps(rule, text, m):
                found.append(
                    LanguageFlag(
                        m.start(), m.end(), m.group(0), rule.alternative, rule.why, rule.kind
                    )
                )
    found.sort(key=lambda f: (f.start, -(f.end - f.start)))
    kept: list[LanguageFlag] = []
    for flag in found:
        if kept and flag.start < kept[-1].end:
            continue
        kept.append(flag)
    return kept


def count_flags(text: str, rules: Sequence[LanguageRule], voice: str | None = None) -> int:
    """How many places in ``text`` were flagged (for a status line or a report)."""
    return len(check_text(text, rules, voice))


def flags_as_dicts(flags: Iterable[LanguageFlag]) -> list[dict[str, str]]:
    """Flags in the shape ``Note.flags`` stores (strings only). ``kind`` is new in issue
    17; notes stored before it have no ``kind`` and are read as directive."""
    return [
        {
            "phrase": f.phrase,
            "alternative": f.alternative,
            "why": f.why,
            "at": str(f.start),
            "kind": f.kind,
        }
        for f in flags
    ]


def flag_mark(flags: Iterable[dict[str, str]]) -> str:
    """A short marker for a list column: ``directive?``, ``takes sides?`` or both."""
    kinds = {f.get("kind") or "directive" for f in flags}
    return " ".join(KIND_MARKS[k] for k in KINDS if k in kinds)


def flag_lines(flags: Iterable[dict[str, str]]) -> list[str]:
    """One line per stored flag: what was flagged, why, and the neutral wording."""
    out = []
    for f in flags:
        mark = KIND_MARKS.get(f.get("kind") or "directive", "directive?")
        why = f.get("why", "").strip()
        alternative = f.get("alternative", "").strip()
        out.append(f'"{f.get("phrase", "")}" {mark} {why} — try "{alternative}"')
    return out
