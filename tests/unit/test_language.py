"""Neutral-language checker, with the packaged rules and with small hand-made ones."""

from __future__ import annotations

import pytest

from ips_field.domain.language import (
    LanguageFlag,
    LanguageRule,
    check_text,
    count_flags,
    flags_as_dicts,
)
from ips_field.templates.loader import load_templates

RULES, _ = load_templates()
PACKAGED = RULES.language


def phrases(text: str, rules=PACKAGED) -> list[str]:
    return [" ".join(f.phrase.lower().split()) for f in check_text(text, rules)]


def test_packaged_rules_cover_the_required_phrases() -> None:
    listed = {r.phrase.lower() for r in PACKAGED}
    required = {
        "you should",
        "you must",
        "i recommend",
        "the best option is",
        "the school is wrong",
        "i would",
        "if i were you",
        "you need to",
        "definitely",
        "obviously",
    }
    assert required <= listed
    assert len(PACKAGED) >= 20
    assert all(r.alternative and r.why for r in PACKAGED)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("You should ask for an assessment.", ["you should"]),
        ("YOU MUST reply by Friday", ["you must"]),
        ("I recommend the second school", ["i recommend"]),
        ("Honestly the best option is to appeal", ["the best option is"]),
        ("She said the school is wrong.", ["the school is wrong"]),
        ("If I were you I'd wait", ["if i were you", "i'd"]),
        ("If I were you I\u2019d wait", ["if i were you", "i\u2019d"]),
        ("You need to\nsign this", ["you need to"]),
        ("This will definitely work, obviously.", ["definitely", "obviously"]),
        ("You  should", ["you should"]),
    ],
)
def test_flags_directive_wording(text: str, expected: list[str]) -> None:
    assert phrases(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The parent asked about options for the review.",
        "They waited indefinitely for a reply.",  # 'definitely' inside a word
        "The SENCO explained the graduated approach.",
        "Youshould is not a word.",
        "Her shoulder hurt.",
        "Clearwater Primary was discussed.",  # 'clearly' is not 'clear'
        "",
    ],
)
def test_neutral_text_is_not_flagged(text: str) -> None:
    assert check_text(text, PACKAGED) == []


def test_positions_point_at_the_text_as_written() -> None:
    text = "Notes: Obviously the school is wrong here."
    flags = check_text(text, PACKAGED)
    assert [text[f.start : f.end] for f in flags] == ["Obviously", "the school is wrong"]
    assert flags[0].start == text.index("Obviously")
    assert all(isinstance(f, LanguageFlag) for f in flags)


def test_longest_overlapping_rule_wins_once() -> None:
    rules = [
        LanguageRule("I would", "a", "b"),
        LanguageRule("I would recommend", "c", "d"),
    ]
    flags = check_text("I would recommend this. I would not.", rules)
    assert [(f.phrase, f.alternative) for f in flags] == [
        ("I would recommend", "c"),
        ("I would", "a"),
    ]


def test_rule_with_regex_characters_is_literal() -> None:
    rules = [LanguageRule("a.b (c)", "x", "y")]
    assert count_flags("see a.b (c) here", rules) == 1
    assert count_flags("see aXb (c) here", rules) == 0


def test_count_and_dicts() -> None:
    text = "You should, you must, definitely."
    assert count_flags(text, PACKAGED) == 3
    dicts = flags_as_dicts(check_text(text, PACKAGED))
    assert [d["phrase"] for d in dicts] == ["You should", "you must", "definitely"]
    assert all(set(d) == {"phrase", "alternative", "why", "at"} for d in dicts)
    assert all(isinstance(v, str) for d in dicts for v in d.values())


def test_blank_rule_is_ignored() -> None:
    assert check_text("anything", [LanguageRule("  ", "x", "y")]) == []
