"""Neutral-language checker, with the packaged rules and with small hand-made ones."""

from __future__ import annotations

import time

import pytest

from ips_field.domain.language import (
    LanguageFlag,
    LanguageRule,
    check_text,
    count_flags,
    flag_lines,
    flag_mark,
    flags_as_dicts,
)
from ips_field.domain.language_patterns import PatternError, compile_pattern
from ips_field.templates.loader import load_templates

RULES, _ = load_templates()
PACKAGED = RULES.language


def phrases(text: str, rules=PACKAGED, voice: str | None = None) -> list[str]:
    return [" ".join(f.phrase.lower().split()) for f in check_text(text, rules, voice)]


def test_packaged_rules_have_why_and_alternative_and_both_kinds() -> None:
    assert len(PACKAGED) >= 40
    assert all(r.alternative and r.why for r in PACKAGED)
    assert {r.kind for r in PACKAGED} == {"directive", "partisan"}
    assert any(r.voices == "all" for r in PACKAGED)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # The examples in issue 17.
        ("You really should appeal this decision", "directive"),
        ("You definitely need to ask for a review", "directive"),
        ("The school is in the wrong here", "partisan"),
        ("The LA is trying to save money", "partisan"),
        ("The best thing to do is complain to the governors", "directive"),
        ("I'm on your side", "partisan"),
        # Imperatives to the parent, rankings and predictions.
        ("Appeal the decision now.", "directive"),
        ("Don't sign anything yet.", "directive"),
        ("Honestly, just refuse the placement.", "directive"),
        ("The only real choice is mediation.", "directive"),
        ("If I were you I'd wait.", "directive"),
        ("You will win at tribunal.", "directive"),
        ("We'll fight this together.", "partisan"),
        ("YOU MUST reply by Friday", "directive"),
        ("You  should", "directive"),
        ("You need to\nsign this", "directive"),
    ],
)
def test_flags_directive_and_partisan_wording(text: str, kind: str) -> None:
    flags = check_text(text, PACKAGED)
    assert flags, text
    assert kind in {f.kind for f in flags}
    assert all(f.why and f.alternative for f in flags)


@pytest.mark.parametrize(
    "text",
    [
        "The parent asked about options for the review.",
        "They waited indefinitely for a reply.",  # 'definitely' inside a word
        "The SENCO explained the graduated approach.",
        "Youshould is not a word.",
        "Her shoulder hurt.",
        "Clearwater Primary was discussed.",
        # Procedure is not directive.
        "The local authority must reply within 6 weeks.",
        "The LA has to issue the final plan within 20 weeks.",
        "You do not have to accept the draft plan; you can ask for changes.",
        "You have the right to appeal within two months.",
        "Clearly explained how the timescale is worked out.",
        # Someone else's words reported in a volunteer's note.
        "Mum said there was a fight at lunch.",
        "Mum feels the school is in the wrong.",
        "Dad asked whether he should complain.",
        "I can't tell you what you should do, but I can explain the options.",
        "I would be happy to come to the next meeting.",
        "",
    ],
)
def test_neutral_text_is_not_flagged(text: str) -> None:
    assert check_text(text, PACKAGED) == [], text


@pytest.mark.parametrize("voice", ["parent_view", "professional_view"])
def test_someone_elses_words_are_not_the_volunteers_advice(voice: str) -> None:
    assert check_text("a fight at lunch", PACKAGED, voice) == []  # the false flag
    for text in (
        "We will fight the school on this",
        "The school is in the wrong",
        "You should get the request in before Christmas",
        "The best option is weekly sessions",
    ):
        assert check_text(text, PACKAGED, voice) == [], (voice, text)
        assert check_text(text, PACKAGED, "general"), text  # the volunteer's own words


def test_the_volunteers_own_words_inside_someone_elses_voice_are_still_flagged() -> None:
    cases = {
        "Mum is unsure; I told her she really should go.": "directive",
        "Mum feels unheard, and I agree the school is in the wrong.": "partisan",
        "The SENCO said the budget is tight, which is just an excuse.": "partisan",
        "Mum wants to appeal; advised her to do it straight away.": "directive",
    }
    for text, kind in cases.items():
        flags = check_text(text, PACKAGED, "parent_view")
        assert [f.kind for f in flags] == [kind], text


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


def test_count_dicts_marks_and_lines() -> None:
    text = "You should, you must, definitely. The school is in the wrong."
    assert count_flags(text, PACKAGED) == 4
    dicts = flags_as_dicts(check_text(text, PACKAGED))
    assert [d["phrase"] for d in dicts] == [
        "You should",
        "you must",
        "definitely",
        "The school is in the wrong",
    ]
    assert all(set(d) == {"phrase", "alternative", "why", "at", "kind"} for d in dicts)
    assert all(isinstance(v, str) for d in dicts for v in d.values())
    assert flag_mark(dicts) == "directive? takes sides?"
    assert flag_mark(dicts[:1]) == "directive?"
    assert flag_mark([]) == ""
    # Notes stored before flags had a kind read as directive.
    assert flag_mark([{"phrase": "you should", "alternative": "a", "why": "b"}]) == "directive?"
    lines = flag_lines(dicts)
    assert len(lines) == 4 and lines[0].startswith('"You should" directive? ')
    assert f'try "{dicts[0]["alternative"]}"' in lines[0] and dicts[0]["why"] in lines[0]


def test_blank_rule_is_ignored() -> None:
    assert check_text("anything", [LanguageRule("  ", "x", "y")]) == []


LISTS = {"party": ["the school", "the LA"], "bad": []}


@pytest.mark.parametrize(
    ("pattern", "hits", "misses"),
    [
        ("you ~2 should", ["you really should", "You should", "you most certainly should"], []),
        ("<party> is wrong", ["The LA is wrong", "the  school is wrong"], ["the council is wrong"]),
        ("recommend*", ["recommended", "Recommends"], ["unrecommended"]),
        ("i [strongly] advise", ["I advise", "I strongly advise"], ["I quietly advise"]),
        (
            "^ appeal it",
            ["Appeal it.", "Honestly, appeal it", "No. Appeal it"],
            ["so you appeal it"],
        ),
        ("dont|don't worry", ["Don\u2019t worry"], ["do not worry"]),
        (", which is silly", ["he left, which is silly"], ["which is silly"]),
    ],
)
def test_pattern_language(pattern: str, hits: list[str], misses: list[str]) -> None:
    regex, start = compile_pattern(pattern, LISTS)
    rule = LanguageRule(pattern, "x", "y", regex=regex, sentence_start=start)
    for text in hits:
        assert check_text(text, [rule]), (pattern, text)
    for text in misses:
        assert not check_text(text, [rule]), (pattern, text)


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [
        ("", "is empty"),
        ("~2 should", "may not start or end"),
        ("you ~9 should", "~1 to ~4"),
        ("you <nope>", "not defined"),
        ("you <bad>", "is empty"),
        ("you ^ should", "only as its first"),
        ("you (should)", "is not a word"),
        ("you a||b", "empty choice"),
        ("[you]", "not optional"),
    ],
)
def test_bad_patterns_are_explained(pattern: str, problem: str) -> None:
    with pytest.raises(PatternError, match=problem.replace("^", r"\^")):
        compile_pattern(pattern, LISTS)


def test_long_hostile_text_is_checked_quickly() -> None:
    text = ("you you you you you " * 2000) + "should " + ("a, " * 3000) + "the the " * 2000
    began = time.perf_counter()  # a duration, not the time of day
    check_text(text, PACKAGED)
    assert time.perf_counter() - began < 2.0
