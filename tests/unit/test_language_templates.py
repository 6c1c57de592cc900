"""language.yaml as a service can extend it: lists, patterns, phrases, and the errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from ips_field.domain.language import check_text
from ips_field.templates.loader import load_templates

PACKAGED = load_templates()[0].language


def override(tmp_path: Path, text: str):
    (tmp_path / "language.yaml").write_text(text, encoding="utf-8")
    return load_templates(tmp_path)


def test_a_service_extends_a_packaged_list_and_adds_a_pattern(tmp_path: Path) -> None:
    assert not check_text("The academy trust was right", PACKAGED)
    templates, errors = override(
        tmp_path,
        "lists:\n"
        "  party: [the academy trust, Ofsted]\n"
        "  praise: [wonderful, brilliant]\n"
        "patterns:\n"
        "  - id: praise\n"
        "    match: <party> ~1 <praise>\n"
        "    kind: partisan\n"
        "    alternative: (leave it out)\n"
        "    why: Praise of a party takes a side too.\n",
    )
    assert errors == []
    # The packaged pattern now knows the service's own party...
    flags = check_text("The academy trust was right", templates.language)
    assert [f.kind for f in flags] == ["partisan"]
    # (a new first word too: the packaged patterns are tried where the service's words are)
    assert [f.kind for f in check_text("Ofsted was wrong", templates.language)] == ["partisan"]
    # ...and the new pattern uses both packaged and new lists.
    flags = check_text("The school was brilliant", templates.language)
    assert [f.why for f in flags] == ["Praise of a party takes a side too."]
    assert len(templates.language) == len(PACKAGED) + 1


def test_a_service_pattern_can_let_a_statement_of_procedure_through(tmp_path: Path) -> None:
    templates, errors = override(
        tmp_path,
        "patterns:\n"
        "  - id: opt-for\n"
        "    match: opt for\n"
        "    unless_then: through|via the <party>\n"
        "    alternative: one option is ...\n"
        "    why: Tells the parent what to do.\n",
    )
    assert errors == []
    assert check_text("Opt for it.", templates.language)
    assert not check_text("Opt for a review through the council.", templates.language)


def test_a_pattern_with_the_same_id_replaces_the_packaged_one(tmp_path: Path) -> None:
    templates, errors = override(
        tmp_path,
        "patterns:\n"
        "  - id: on-side\n"
        "    match: on <side_of> side\n"
        "    kind: partisan\n"
        "    alternative: here to help you put your views\n"
        "    why: local wording\n",
    )
    assert errors == []
    assert len(templates.language) == len(PACKAGED)
    flags = check_text("I'm on your side", templates.language)
    assert [f.alternative for f in flags] == ["here to help you put your views"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "patterns:\n  - id: x\n    match: you <nolist>\n    alternative: a\n    why: b\n",
            "language.yaml line 3: field 'match' uses the list <nolist>, which is not defined",
        ),
        (
            "patterns:\n  - id: x\n    match: you ~7 go\n    alternative: a\n    why: b\n",
            "language.yaml line 3: field 'match' '~7' must be ~1 to ~4",
        ),
        (
            "patterns:\n  - id: x\n    match: you go\n    kind: rude\n    alternative: a\n"
            "    why: b\n",
            "language.yaml line 4: field 'kind' must be one of: directive, partisan",
        ),
        (
            "patterns:\n  - id: x\n    match: you go\n    voices: some\n    alternative: a\n"
            "    why: b\n",
            "language.yaml line 4: field 'voices' must be one of: own, all",
        ),
        (
            "patterns:\n  - id: x\n    match: you go\n    alternative: a\n",
            "language.yaml line 2: field 'why' is missing",
        ),
        (
            "patterns:\n  - id: x\n    match: you go\n    alternative: a\n    why: b\n"
            "    unless_before: [two words]\n",
            "language.yaml line 6: field 'unless_before' 'two words' must be one word",
        ),
        (
            "patterns:\n  - id: x\n    match: you go\n    alternative: a\n    why: b\n"
            "    unless_negated: maybe\n",
            "language.yaml line 6: field 'unless_negated' must be true or false",
        ),
        (
            "patterns:\n  - id: x\n    match: you go\n    alternative: a\n    why: b\n"
            "    unless_then: through <nolist>\n",
            "language.yaml line 6: field 'unless_then' uses the list <nolist>, which is not "
            "defined",
        ),
        (
            "lists:\n  party: [the (trust)]\n",
            "language.yaml line 2: field 'party' entry '(trust)' is not a word",
        ),
        (
            "lists:\n  Party: [x]\nrules: []\n",
            "language.yaml line 2: field 'Party' is not a list name like 'party'",
        ),
        (
            "lists:\n  party: [x]\n",
            "language.yaml line 1: field 'rules' is missing (give rules, patterns or both)",
        ),
        (
            "patterns:\n  - {id: x, match: go, alternative: a, why: b}\n"
            "  - {id: x, match: go, alternative: a, why: b}\n",
            "language.yaml line 3: field 'id' 'x' is used twice",
        ),
    ],
)
def test_a_mistake_names_file_line_and_field_and_keeps_the_packaged_rules(
    tmp_path: Path, text: str, expected: str
) -> None:
    templates, errors = override(tmp_path, text)
    assert [str(e) for e in errors] == [expected]
    assert templates.language == PACKAGED
