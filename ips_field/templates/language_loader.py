"""Reading ``language.yaml``: word lists, word patterns and fixed phrases.

A service's override file may add entries to a packaged list (``party: [the trust]``),
add or replace a pattern (by ``id``) and add or replace a phrase (by ``phrase``, any case).
Every pattern is compiled while its file is read, so a mistake is reported with the
file, line and field, and the packaged rules are kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import yaml

from ips_field.domain.language import KINDS, VOICE_SCOPES, LanguageRule
from ips_field.domain.language_patterns import (
    PatternError,
    compile_pattern,
    first_words,
    literal_regex,
    phrase_regex,
)
from ips_field.templates.nodes import Reader

PATTERN_FIELDS = ("id", "match", "alternative", "why")
PATTERN_OPTIONAL = (
    "kind",
    "voices",
    "unless_before",
    "unless_after",
    "unless_negated",
    "unless_then",
)
RULE_OPTIONAL = ("kind", "voices")


@dataclass(frozen=True)
class PatternSpec:
    """One pattern as written in the file; compiled once all lists are known."""

    id: str
    match: str
    alternative: str
    why: str
    kind: str = "directive"
    voices: str = "own"
    unless_before: tuple[str, ...] = ()
    unless_after: tuple[str, ...] = ()
    unless_negated: bool = False
    unless_then: str = ""


@dataclass
class LanguageFile:
    lists: dict[str, list[str]] = field(default_factory=dict)
    patterns: dict[str, PatternSpec] = field(default_factory=dict)
    rules: dict[str, LanguageRule] = field(default_factory=dict)


def _choice(r: Reader, f: dict[str, yaml.Node], name: str, allowed: tuple[str, ...]) -> str:
    if name not in f:
        return allowed[0]
    value = r.text(f[name], name)
    if value not in allowed:
        raise r.fail(f[name], name, f"must be one of: {', '.join(allowed)}")
    return value


def _words(r: Reader, f: dict[str, yaml.Node], name: str) -> tuple[str, ...]:
    if name not in f:
        return ()
    words = r.text_list(f[name], name)
    for node, word in zip(r.sequence(f[name], name), words, strict=True):
        if len(word.split()) != 1:
            raise r.fail(node, name, f"'{word}' must be one word")
    return tuple(w.lower() for w in words)


def _lists(node: yaml.Node, r: Reader) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, value in r.mapping(node, "lists").items():
        if not name.replace("_", "").isalnum() or not name.islower() or not name[0].isalpha():
            raise r.fail(value, name, "is not a list name like 'party'")
        entries = r.text_list(value, name)
        for item, entry in zip(r.sequence(value, name), entries, strict=True):
            try:
                phrase_regex(entry)
            except PatternError as err:
                raise r.fail(item, name, f"entry {err}") from None
        out[name] = entries
    return out


def merged_lists(
    base: Mapping[str, list[str]], extra: Mapping[str, list[str]]
) -> dict[str, list[str]]:
    """Packaged lists with an override's entries added (nothing is removed)."""
    out = {name: list(entries) for name, entries in base.items()}
    for name, entries in extra.items():
        known = {e.lower() for e in out.get(name, [])}
        out.setdefault(name, []).extend(e for e in entries if e.lower() not in known)
    return out


def parse_language(
    root: yaml.Node, r: Reader, base_lists: Mapping[str, list[str]] | None = None
) -> LanguageFile:
    """One ``language.yaml``; ``base_lists`` are the packaged lists an override may use."""
    top = r.fields(root, "rules", [], ["lists", "patterns", "rules"])
    out = LanguageFile()
    if "lists" in top:
        out.lists = _lists(top["lists"], r)
    if "patterns" not in top and "rules" not in top:
        raise r.fail(root, "rules", "is missing (give rules, patterns or both)")
    lists = merged_lists(base_lists or {}, out.lists)
    for node in r.sequence(top["patterns"], "patterns") if "patterns" in top else []:
        f = r.fields(node, "patterns", PATTERN_FIELDS, PATTERN_OPTIONAL)
        pid = r.text(f["id"], "id")
        if pid in out.patterns:
            raise r.fail(f["id"], "id", f"'{pid}' is used twice")
        match = r.text(f["match"], "match")
        try:
            compile_pattern(match, lists)
        except PatternError as err:
            raise r.fail(f["match"], "match", str(err)) from None
        unless_then = r.text(f["unless_then"], "unless_then") if "unless_then" in f else ""
        if unless_then:
            try:
                compile_pattern(unless_then, lists)
            except PatternError as err:
                raise r.fail(f["unless_then"], "unless_then", str(err)) from None
        out.patterns[pid] = PatternSpec(
            id=pid,
            match=match,
            alternative=r.text(f["alternative"], "alternative"),
            why=r.text(f["why"], "why"),
            kind=_choice(r, f, "kind", KINDS),
            voices=_choice(r, f, "voices", VOICE_SCOPES),
            unless_before=_words(r, f, "unless_before"),
            unless_after=_words(r, f, "unless_after"),
            unless_negated=(
                r.boolean(f["unless_negated"], "unless_negated") if "unless_negated" in f else False
            ),
            unless_then=unless_then,
        )
    for node in r.sequence(top["rules"], "rules") if "rules" in top else []:
        f = r.fields(node, "rules", ["phrase", "alternative", "why"], RULE_OPTIONAL)
        phrase = r.text(f["phrase"], "phrase")
        if phrase.lower() in out.rules:
            raise r.fail(f["phrase"], "phrase", f"'{phrase}' is listed twice")
        try:
            literal_regex(phrase)
        except PatternError as err:
            raise r.fail(f["phrase"], "phrase", str(err)) from None
        out.rules[phrase.lower()] = LanguageRule(
            phrase,
            r.text(f["alternative"], "alternative"),
            r.text(f["why"], "why"),
            kind=_choice(r, f, "kind", KINDS),
            voices=_choice(r, f, "voices", VOICE_SCOPES),
        )
    return out


def merge_language(base: LanguageFile, extra: LanguageFile) -> LanguageFile:
    """An override's lists extend, its patterns (by id) and phrases replace or add."""
    return LanguageFile(
        lists=merged_lists(base.lists, extra.lists),
        patterns={**base.patterns, **extra.patterns},
        rules={**base.rules, **extra.rules},
    )


def language_rules(file: LanguageFile) -> list[LanguageRule]:
    """The fixed phrases, then every pattern compiled against the (merged) lists. Where a
    phrase and a pattern flag the same words, the phrase (listed first) is the one shown,
    so a service that rewords a phrase's alternative sees its own wording."""
    out: list[LanguageRule] = list(file.rules.values())
    for spec in file.patterns.values():
        regex, sentence_start = compile_pattern(spec.match, file.lists)
        out.append(
            LanguageRule(
                spec.match,
                spec.alternative,
                spec.why,
                kind=spec.kind,
                voices=spec.voices,
                regex=regex,
                sentence_start=sentence_start,
                unless_before=spec.unless_before,
                unless_after=spec.unless_after,
                unless_negated=spec.unless_negated,
                id=spec.id,
                starts=first_words(spec.match, file.lists),
                unless_then=compile_pattern(spec.unless_then, file.lists)[0]
                if spec.unless_then
                else "",
            )
        )
    return out
