"""Neutral-language checker, with the packaged rules and with small hand-made ones."""

from __future__ import annotations

import dataclasses
import random
import re
import time
from collections.abc import Iterator

import pytest

from ips_field.domain.language import (
    LanguageFlag,
    LanguageRule,
    _compiled,
    _matches,
    check_text,
    count_flags,
    flag_lines,
    flag_mark,
    flags_as_dicts,
)
from ips_field.domain.language_patterns import PatternError, compile_pattern, text_words
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


# -- issue 17, second round: structure, not phrases -------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # Second person, with any adverbs between the one advised and the modal.
        ("You honestly really should ask for the review.", "directive"),
        ("You'd better get the form in.", "directive"),
        ("Mum's got to appeal.", "directive"),
        # First-person recommendations.
        ("I'd recommend asking for a meeting first.", "directive"),
        ("I would suggest she waits for the draft.", "directive"),
        ("I'd push for a specialist place.", "directive"),
        ("I think you should ask for a review.", "directive"),
        ("I'd seriously think about appealing if I were in her shoes.", "directive"),
        # Imperatives at the start of a sentence or clause.
        ("Write to the LA and ask for an assessment.", "directive"),
        ("If the school refuses, complain to the governors.", "directive"),
        ("It is simple: take the place.", "directive"),
        ("Never agree to a reduced timetable.", "directive"),
        ("Insist on a copy of the minutes.", "directive"),
        ("Advised Mrs P to keep her at home until it is sorted.", "directive"),
        # Judgements of a party.
        ("The head is a bully.", "partisan"),
        ("The panel got it wrong.", "partisan"),
        ("The SEN team has been useless throughout.", "partisan"),
        ("The council seems incompetent.", "partisan"),
        ("They were lying about the provision.", "partisan"),
        ("The school is fobbing her off.", "partisan"),
        ("The LA treated the family disgracefully.", "partisan"),
        # Ranking the options, promising, advocacy.
        ("The resource base is the better choice.", "directive"),
        ("Taking the place is a no-brainer.", "directive"),
        ("Dad would be silly to turn it down.", "directive"),
        ("She is bound to win at tribunal.", "directive"),
        ("I'm completely behind mum on this.", "partisan"),
        ("I'm here as mum's advocate.", "partisan"),
        ("He deserves better than this school.", "partisan"),
    ],
)
def test_structural_flags(text: str, kind: str) -> None:
    flags = check_text(text, PACKAGED, "general")
    assert kind in {f.kind for f in flags}, (text, [f.phrase for f in flags])
    assert all(f.why and f.alternative for f in flags)


@pytest.mark.parametrize(
    ("text", "voice"),
    [
        # Statements of procedure.
        ("The only way to appeal a refusal to assess is through the SEND Tribunal.", "procedure"),
        ("The LA must reply within 6 weeks.", "procedure"),
        ("The school should tell the LA within 5 days.", "procedure"),
        ("Told mum the plan must set out the provision in detail.", "procedure"),
        ("Parents can ask for a review; the LA has to respond within 15 days.", "procedure"),
        # Options listed, not told.
        ("Options: accept the plan, ask for changes, or appeal.", "option"),
        ("Mum could write to the LA, or wait for the review.", "option"),
        # Telegraphic records of what was done, nouns that look like verbs.
        ("Wrote to the LA with mum's consent.", "general"),
        ("Asked for the minutes of the meeting.", "general"),
        ("Request for assessment sent on 3 March.", "general"),
        ("Appeal lodged on 3 May.", "general"),
        ("Contact made with the school office.", "general"),
        ("Never heard back from the case officer.", "general"),
        # Reported words, in a volunteer's voice or someone else's.
        ("Mum said the head is a bully.", "general"),
        ("Dad thinks the panel got it wrong.", "general"),
        ("Mum is adamant the school is lying.", "general"),
        ("The school is trying to save money.", "parent_view"),
        ("The SENCO said mum must sign the form first.", "professional_view"),
        # The volunteer's role, said plainly.
        (
            "I'm not here as anyone's advocate; I support mum to give her views.",
            "ips_role_statement",
        ),
        ("I'm not here as mum's advocate; I support her to give her views.", "ips_role_statement"),
        ("I am not on mum's side or the school's side.", "ips_role_statement"),
        ("Mum will make sure the school has the new report.", "general"),
    ],
)
def test_structural_neutral(text: str, voice: str) -> None:
    assert check_text(text, PACKAGED, voice) == [], text


_MIXED_WORDS = (
    "you really should mum's got to the school is in the wrong i'd recommend write to the LA "
    "- ; : , no-brainer definitely of course St. Mary's indefinitely self-advocate never "
    "agree the only way is through \u017fhould \u0130'd \u212aeep"  # odd letters, folded
)


def test_rules_are_tried_only_where_they_can_start_and_find_what_a_full_search_finds() -> None:
    words = _MIXED_WORDS.split()
    rng = random.Random(17)
    texts = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 30))) for _ in range(300)]
    full = [dataclasses.replace(r, starts=()) for r in PACKAGED]
    assert sum(bool(r.starts) for r in PACKAGED) >= len(PACKAGED) // 2
    for text in texts:
        where = text_words(text)
        for rule in PACKAGED:
            expected = [m.span() for m in _compiled(rule.regex, rule.phrase).finditer(text)]
            assert [m.span() for m in _matches(rule, text, where)] == expected, (rule.id, text)
        assert check_text(text, PACKAGED) == check_text(text, full)


class _Counting:
    """A compiled rule that counts the places it is tried: ``match`` tries one, ``finditer``
    (a rule tried everywhere) every place in the text."""

    tried = 0

    def __init__(self, regex: re.Pattern[str]) -> None:
        self.regex = regex

    def match(self, text: str, pos: int = 0) -> re.Match[str] | None:
        _Counting.tried += 1
        return self.regex.match(text, pos)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        _Counting.tried += len(text) + 1
        return self.regex.finditer(text)


def test_a_note_is_checked_only_where_a_rule_can_start(monkeypatch) -> None:
    """A note is checked on every key press in a meeting (issue 17): each rule is tried
    only where the note has a word the rule can start with, not at every place. The time
    this saves is measured by ``bench/language_bench.py`` (about 1 ms a check against 5)."""
    from ips_field.domain import language

    note = (
        "Met mum at school with the SENCO. Mum feels the school is not meeting his needs; "
        "the SENCO said the LA must reply within 6 weeks. You really should appeal this. "
        "Explained the options: ask for a review, mediation, or an appeal to the Tribunal. "
        "Mum will decide after half term, once she has read it all again."
    )[:300]
    full = [dataclasses.replace(r, starts=()) for r in PACKAGED]
    compiled = language._compiled
    monkeypatch.setattr(language, "_compiled", lambda *args: _Counting(compiled(*args)))

    def tried(rules: list[LanguageRule]) -> tuple[int, list[LanguageFlag]]:
        _Counting.tried = 0
        flags = check_text(note, rules, "general")
        return _Counting.tried, flags

    (indexed, flags), (everywhere, same_flags) = tried(PACKAGED), tried(full)
    assert flags == same_flags and flags  # the same answer, "should" among it
    patterns = [r for r in PACKAGED if r.regex]  # a fixed phrase is always tried by its word
    assert everywhere >= len(patterns) * (len(note) + 1)
    assert indexed < everywhere / 20, (indexed, everywhere)


@pytest.mark.parametrize(
    "unit",
    ["appeal the ", "if x, ", "mum said you should ", "the school is wrong and ", "x: appeal the "],
)
def test_a_long_note_without_full_stops_is_checked_quickly(unit: str) -> None:
    # The longest note a record takes, with no sentence end: before the sentence reach was
    # bounded, the colon case took about 10 s here; now about 0.4 s.
    text = (unit * (20_000 // len(unit) + 1))[:20_000]
    began = time.perf_counter()  # a duration, not the time of day
    check_text(text, PACKAGED, "general")
    assert time.perf_counter() - began < 2.0
