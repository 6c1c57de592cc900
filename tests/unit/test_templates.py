"""Packaged templates load and make sense; override files merge or fail with file+line+field."""

from __future__ import annotations

import re
import shutil
import string
from pathlib import Path

import pytest

from ips_field.domain.vocabulary import CPD_TOPICS, VOLUNTEER_ROLES
from ips_field.errors import IpsError, TemplateError
from ips_field.templates.loader import PACKAGE_DIR, load_templates
from ips_field.templates.schema import CHECKLIST_SECTIONS, PARTIES, Templates

REQUIRED_TYPES = {
    "sen_support_review",
    "ehc_needs_assessment",
    "ehc_annual_review",
    "exclusion",
    "mediation_tribunal",
    "school_transfer",
    "early_years",
}


@pytest.fixture(scope="module")
def packaged() -> Templates:
    templates, errors = load_templates()
    assert errors == []
    return templates


# --- packaged files --------------------------------------------------------------------


def test_every_packaged_file_loads(packaged: Templates) -> None:
    files = {p.relative_to(PACKAGE_DIR).as_posix() for p in PACKAGE_DIR.rglob("*.yaml")}
    assert {"meeting_types.yaml", "signposting.yaml", "language.yaml"} <= files
    profiles = {f.removeprefix("profiles/").removesuffix(".yaml") for f in files if "/" in f}
    assert profiles == set(packaged.profiles)
    assert {"milton_keynes", "bath_ne_somerset", "generic"} <= profiles


def test_meeting_types_have_grouped_checklists_and_rights(packaged: Templates) -> None:
    assert set(packaged.meeting_types) >= REQUIRED_TYPES
    all_ids: list[str] = []
    for mt in packaged.meeting_types.values():
        assert mt.name and mt.description
        assert {s for s, _ in mt.sections()} == set(CHECKLIST_SECTIONS), mt.id
        assert set(mt.rights) == set(PARTIES)
        assert all(mt.rights[p] for p in PARTIES), mt.id
        for lines in mt.rights.values():
            assert all(len(line) < 200 and "\n" not in line for line in lines)
        all_ids += mt.item_ids()
    assert len(all_ids) == len(set(all_ids)), "checklist ids are unique across meeting types"


def test_rights_checklists_and_role_statements_are_neutral(packaged: Templates) -> None:
    from ips_field.domain.language import check_text

    for mt in packaged.meeting_types.values():
        for lines in mt.rights.values():
            for line in lines:
                assert check_text(line, packaged.language) == [], (mt.id, line)
        for item in mt.checklist:
            assert check_text(item.text, packaged.language) == [], item.id
    for prof in packaged.profiles.values():
        for role in prof.role_statements:
            text = prof.role_statement(role, "V", "P")
            assert check_text(text, packaged.language) == [], (prof.id, role)


def test_profiles_have_role_statements_intervals_and_helpline(packaged: Templates) -> None:
    for prof in packaged.profiles.values():
        assert set(prof.role_statements) == set(VOLUNTEER_ROLES)
        assert prof.supervision_interval_days > 0
        assert prof.midway_evaluation_days > 0
        assert prof.cpd_refreshers["impartiality"] == 12
        assert prof.cpd_refreshers["safeguarding"] == 36
        assert set(prof.cpd_refreshers) <= set(CPD_TOPICS)
        assert prof.retention_days_after_confirmation >= 0
        assert prof.stale_information_days > 0
        assert prof.helpline.how_to_reach
        for template in prof.role_statements.values():
            names = {n for _, n, _, _ in string.Formatter().parse(template) if n}
            assert names <= {"volunteer", "service", "parent"}


@pytest.mark.parametrize("profile_id", ["milton_keynes", "bath_ne_somerset", "generic"])
def test_role_statements_say_who_impartial_role_and_no_decisions(
    packaged: Templates, profile_id: str
) -> None:
    prof = packaged.profiles[profile_id]
    for role in VOLUNTEER_ROLES:
        text = prof.role_statement(role, "Sam Volunteer", "Ms Parent")
        assert "Sam Volunteer" in text
        assert prof.name in text
        assert "impartial" in text and "confidential" in text
        assert "{" not in text
    support = prof.role_statement("support", "Sam", "Ms Parent")
    assert "Ms Parent" in support and "do not make decisions for Ms Parent" in support
    represent = prof.role_statement("represent", "Sam", "Ms Parent")
    assert re.search(r"permission|consent", represent)
    assert "make decisions" in represent


def test_role_statement_inserts_names_literally(packaged: Templates) -> None:
    text = packaged.profiles["generic"].role_statement("support", "A {service}", "B {0}")
    assert "A {service}" in text and "B {0}" in text
    with pytest.raises(KeyError):
        packaged.profiles["generic"].role_statement("chair", "A", "B")


def test_profiles_follow_their_policy_wording(packaged: Templates) -> None:
    mk = packaged.profiles["milton_keynes"]
    assert "Milton Keynes" in mk.name
    assert "directive advice" in mk.role_statement("support", "V", "P")
    assert "school_choice_adviser" in {s.id for s in mk.local_sources}
    bath = packaged.profiles["bath_ne_somerset"]
    rep = bath.role_statement("represent", "V", "P")
    assert "explaining procedures or discussing options" in rep
    assert "strategic issues" in bath.role_statement("strategic", "V", "P")
    assert "making decisions" in bath.role_statement("decisions", "V", "P")


def test_signposting_directory(packaged: Templates) -> None:
    ids = {s.id for s in packaged.signposting}
    assert {"ace", "ipsea", "contact", "cdc", "iass_network", "local_offer"} <= ids
    for s in packaged.signposting:
        assert s.name and s.helps_with and s.how_to_reach and s.last_reviewed
        assert not s.local


def test_signposting_for_adds_local_sources_and_helpline(packaged: Templates) -> None:
    mk = packaged.signposting_for("milton_keynes")
    by_id = {s.id: s for s in mk}
    assert by_id["service_helpline"].name == packaged.profiles["milton_keynes"].name
    assert by_id["local_offer"].name == "Milton Keynes Local Offer"
    assert by_id["local_offer"].local
    assert "ipsea" in by_id and "school_choice_adviser" in by_id
    assert len(mk) == len(by_id)
    unknown = {s.id for s in packaged.signposting_for("nowhere")}
    assert "service_helpline" in unknown  # falls back to the generic profile


# --- overrides -------------------------------------------------------------------------

GOOD_TYPE = """\
meeting_types:
  exclusion:
    name: Exclusion (local wording)
    description: Local version.
    checklist:
      - {id: local.one, section: documents, text: Letter}
    rights:
      parent: [a]
      school: [b]
      local_authority: [c]
      ips_volunteer: [d]
  transport:
    name: Home to school transport
    description: Transport appeal.
    checklist:
      - {id: transport.docs, section: documents, text: Policy}
    rights:
      parent: [a]
      school: [b]
      local_authority: [c]
      ips_volunteer: [d]
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_override_replaces_and_adds_entries(tmp_path: Path, packaged: Templates) -> None:
    write(tmp_path, "meeting_types.yaml", GOOD_TYPE)
    write(
        tmp_path,
        "language.yaml",
        "rules:\n  - {phrase: definitely, alternative: local alt, why: local why}\n"
        "  - {phrase: trust me, alternative: here is the source, why: checkable}\n",
    )
    write(
        tmp_path,
        "signposting.yaml",
        "sources:\n  - id: ace\n    name: ACE (checked)\n    helps_with: Advice\n"
        "    how_to_reach: {website: https://example.org}\n    last_reviewed: 2027-01-01\n",
    )
    templates, errors = load_templates(tmp_path)
    assert errors == []
    assert templates.meeting_types["exclusion"].name == "Exclusion (local wording)"
    assert "transport" in templates.meeting_types
    assert "ehc_annual_review" in templates.meeting_types
    rules = {r.phrase: r for r in templates.language}
    assert rules["definitely"].alternative == "local alt"
    assert "trust me" in rules and len(templates.language) == len(packaged.language) + 1
    ace = next(s for s in templates.signposting if s.id == "ace")
    assert ace.name == "ACE (checked)" and str(ace.last_reviewed) == "2027-01-01"
    assert len(templates.signposting) == len(packaged.signposting)


def test_override_adds_a_service_profile(tmp_path: Path) -> None:
    text = (PACKAGE_DIR / "profiles" / "generic.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "name: SEND Information, Advice and Support Service\nshort_name",
        "name: Anytown SENDIASS\nshort_name",
    )
    write(tmp_path, "profiles/anytown.yaml", text)
    templates, errors = load_templates(tmp_path)
    assert errors == []
    assert templates.profiles["anytown"].name == "Anytown SENDIASS"
    assert "Anytown SENDIASS" in templates.profiles["anytown"].role_statement("support", "V", "P")
    assert "generic" in templates.profiles


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


BROKEN = [
    # (file, text, expected message pattern)
    (
        "meeting_types.yaml",
        GOOD_TYPE.replace(
            "    checklist:\n      - {id: transport.docs, section: documents, text: Policy}\n", ""
        ),
        r"^meeting_types\.yaml line 12: field 'checklist' is missing$",
    ),
    (
        "meeting_types.yaml",
        GOOD_TYPE.replace("section: documents, text: Letter", "section: documents"),
        r"^meeting_types\.yaml line 6: field 'text' is missing$",
    ),
    (
        "meeting_types.yaml",
        GOOD_TYPE.replace("      school: [b]\n", "      school: b\n", 1),
        r"^meeting_types\.yaml line 9: field 'school' must be a list$",
    ),
    (
        "meeting_types.yaml",
        GOOD_TYPE.replace("section: documents, text: Policy", "section: paperwork, text: Policy"),
        r"^meeting_types\.yaml line 16: field 'section' must be one of",
    ),
    (
        "meeting_types.yaml",
        GOOD_TYPE.replace("    description: Local version.\n", "    descripton: Local version.\n"),
        r"^meeting_types\.yaml line 2: field 'description' is missing$",
    ),
    (
        "meeting_types.yaml",
        "meeting_types:\n  exclusion: [\n",
        r"^meeting_types\.yaml line 3: not valid YAML",
    ),
    (
        "language.yaml",
        "rules:\n  - phrase: you should\n    alternative: x\n",
        r"^language\.yaml line 2: field 'why' is missing$",
    ),
    (
        "signposting.yaml",
        "sources:\n  - id: ace\n    name: ACE\n    helps_with: x\n"
        "    how_to_reach: {website: x}\n    last_reviewed: soon\n",
        r"^signposting\.yaml line 6: field 'last_reviewed' must be a date",
    ),
    (
        "signposting.yaml",
        "sources: {}\n",
        r"^signposting\.yaml line 1: field 'sources' must be a list$",
    ),
    ("language.yaml", "", r"^language\.yaml line 1: the file is empty$"),
    (
        "language.yaml",
        "rules:\n  - {phrase: a, alternative: b, why: c}\n"
        "  - {phrase: A, alternative: b, why: c}\n",
        r"^language\.yaml line 3: field 'phrase' 'A' is listed twice$",
    ),
]


@pytest.mark.parametrize(("name", "text", "pattern"), BROKEN)
def test_broken_override_gives_one_error_and_keeps_packaged(
    tmp_path: Path, packaged: Templates, name: str, text: str, pattern: str
) -> None:
    write(tmp_path, name, text)
    templates, errors = load_templates(tmp_path)
    assert len(errors) == 1
    err = errors[0]
    assert isinstance(err, TemplateError) and isinstance(err, IpsError)
    assert re.search(pattern, str(err)), str(err)
    assert "\n" not in str(err)
    assert templates == packaged


def test_missing_field_line_points_at_the_entry(tmp_path: Path) -> None:
    text = GOOD_TYPE.replace(
        "    checklist:\n      - {id: transport.docs, section: documents, text: Policy}\n", ""
    )
    write(tmp_path, "meeting_types.yaml", text)
    _, errors = load_templates(tmp_path)
    assert f"line {_line_of(text, 'transport:')}:" in str(errors[0])


@pytest.mark.parametrize(
    ("old", "new", "pattern"),
    [
        (
            "supervision_interval_days: 90",
            "supervision_interval_days: ninety",
            r"field 'supervision_interval_days' must be a whole number",
        ),
        (
            "supervision_interval_days: 90",
            "supervision_interval_days: 0",
            r"field 'supervision_interval_days' must be at least 1",
        ),
        ("  impartiality: 12", "  knitting: 12", r"field 'knitting' is not a CPD topic"),
        (
            "{volunteer} and I am",
            "{volunteer.__class__} and I am",
            r"field 'support' may only use the placeholders",
        ),
        ("stale_information_days: 365\n", "", r"field 'stale_information_days' is missing"),
    ],
)
def test_broken_profile_override(tmp_path: Path, old: str, new: str, pattern: str) -> None:
    text = (PACKAGE_DIR / "profiles" / "generic.yaml").read_text(encoding="utf-8")
    assert old in text
    broken = text.replace(old, new, 1)
    write(tmp_path, "profiles/generic.yaml", broken)
    templates, errors = load_templates(tmp_path)
    assert len(errors) == 1
    message = str(errors[0])
    assert message.startswith("profiles/generic.yaml line ")
    assert re.search(pattern, message), message
    if new:
        needle = new.strip().splitlines()[0]
        if "{" in needle:
            needle = "support: >-"  # a block scalar's position is its key's line
        assert f"line {_line_of(broken, needle)}:" in message
    assert templates.profiles["generic"].supervision_interval_days == 90


def test_one_error_per_broken_file_and_good_files_still_apply(tmp_path: Path) -> None:
    write(tmp_path, "meeting_types.yaml", GOOD_TYPE)
    write(tmp_path, "language.yaml", "rules: 5\n")
    write(tmp_path, "signposting.yaml", "sources:\n  - id: [\n")
    templates, errors = load_templates(tmp_path)
    assert [str(e).split(" ")[0] for e in errors] == ["signposting.yaml", "language.yaml"]
    assert "transport" in templates.meeting_types


def test_yaml_tags_cannot_build_objects(tmp_path: Path, packaged: Templates) -> None:
    write(tmp_path, "language.yaml", "rules: !!python/object/apply:os.system ['true']\n")
    templates, errors = load_templates(tmp_path)
    assert len(errors) == 1 and str(errors[0]).startswith("language.yaml line 1:")
    assert templates.language == packaged.language


def test_missing_override_folder_is_reported(tmp_path: Path, packaged: Templates) -> None:
    templates, errors = load_templates(tmp_path / "nope")
    assert len(errors) == 1
    assert templates == packaged


def test_copy_of_packaged_folder_is_a_valid_override(tmp_path: Path, packaged: Templates) -> None:
    shutil.copytree(
        PACKAGE_DIR, tmp_path / "t", ignore=shutil.ignore_patterns("*.py", "__pycache__")
    )
    templates, errors = load_templates(tmp_path / "t")
    assert errors == []
    assert templates == packaged
