"""Conflict-of-interest matcher: school names, people, areas and the check's outcome."""

from __future__ import annotations

import pytest

from ips_field.domain.conflicts import (
    check_conflicts,
    normalise_area,
    normalise_org,
    normalise_person,
    org_match,
    person_match,
)
from ips_field.domain.records import Interest

# Names a volunteer and an office might type for the same school.
SAME = [
    ("St Mary's C of E Primary School", "Saint Marys CE Primary"),
    ("St. Mary's C.E. Primary", "St Marys Church of England Primary School"),
    ("ST MARY'S COFE PRIMARY", "st marys ce primary"),
    ("St Mary\u2019s CE Primary", "St Mary's CE Primary"),
    ("Saint Mary's Church of England Primary", "St Mary's C of E Primary"),
    ("Our Lady R.C. Primary", "Our Lady Roman Catholic Primary School"),
    ("St Joseph's RC Primary School", "Saint Joseph's Roman Catholic Primary"),
    ("Oakfield Primary School", "Oakfield Primary"),
    ("Oakfield Primary School", "Oakfield Primary Academy"),
    ("Oakfield Primary", "  oakfield   primary  "),
    ("The Radcliffe School", "Radcliffe School"),
    ("Radcliffe School", "The Radcliffe Academy"),
    ("Bishop & Heath Primary", "Bishop and Heath Primary"),
    ("Oakfield Infants School", "Oakfield Infant School"),
    ("Oakfield Juniors", "Oakfield Junior School"),
    ("Oakfield Pre-School", "Oakfield Preschool"),
    ("Ecole Sainte-Thérèse", "Ecole Sainte Therese"),
    ("Bath Community Academy", "Bath Community School"),
    ("St John's C.E. (V.A.) Primary", "St Johns CE VA Primary"),
    ("Walton High", "walton high school"),
    ("St. Andrew's", "Saint Andrews"),
    ("Two Mile Ash School", "Two Mile Ash"),
    # A school's status is not part of which school it is (issue 17): there is never a
    # voluntary aided and a voluntary controlled school of one name in one place.
    ("St John's C.E. (V.A.) Primary", "St John's CE Primary"),
]
# Different schools whose names are close.
DIFFERENT = [
    ("St Mary's", "St Mark's"),
    ("St Mary's C of E Primary", "St Mark's C of E Primary"),
    ("St Mary's RC Primary", "St Mary's CE Primary"),
    ("Oakfield Primary", "Oakfield Secondary"),
    ("Oakfield Primary", "Oakfield Infant"),
    ("Oakfield Primary", "Oakfield Junior"),
    ("Oakfield Infant School", "Oakfield Junior School"),
    ("Oakfield Primary", "Oakfield High"),
    ("Oakfield Primary", "Oakwood Primary"),
    ("Oakfield Primary", "Oak Field Primary"),
    ("Oakfield Nursery", "Oakfield Secondary"),
    ("St Paul's Catholic School", "St Peter's Catholic School"),
    ("Walton High", "Walton Middle"),
    ("Bishop Heath", "Bishop Hill"),
    ("Stantonbury", "Stanton"),
    ("St Andrew's", "St Andrew's and St John's"),
    ("Kingsbridge Primary", "Kings Bridge Primary"),
    ("St Mary's RC", "St Mary's C of E"),
    ("", "Oakfield Primary"),
]
# The same core name, but one side leaves out the phase or denomination: ask, don't assume.
POSSIBLE = [
    ("Oakfield", "Oakfield Primary"),
    ("St Mary's", "St Mary's CE Primary"),
    ("St Mary's Primary", "St Mary's C of E Primary School"),
    ("Oakfield Primary and Nursery School", "Oakfield Primary"),
    ("Oakfield Infant and Junior School", "Oakfield Infant"),
]


@pytest.mark.parametrize(("a", "b"), SAME)
def test_same_school_matches(a: str, b: str) -> None:
    assert normalise_org(a) == normalise_org(b)
    assert org_match(a, b) == "same"
    assert org_match(b, a) == "same"


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_near_misses_do_not_match(a: str, b: str) -> None:
    assert org_match(a, b) == "different"
    assert org_match(b, a) == "different"


@pytest.mark.parametrize(("a", "b"), POSSIBLE)
def test_possible_matches_are_flagged_not_assumed(a: str, b: str) -> None:
    assert org_match(a, b) == "possible"
    assert org_match(b, a) == "possible"


def test_there_are_at_least_forty_name_pairs() -> None:
    assert len(SAME) + len(DIFFERENT) + len(POSSIBLE) >= 40


def test_normalise_org_shape() -> None:
    assert normalise_org("St Mary's C of E Primary School") == "st mary ce primary"
    assert normalise_org("St Gregorys Catholic College, Bath") == "st gregory rc college"
    assert normalise_org("Oakfield Infant") == "oakfield infant"
    assert normalise_org("Oakfield Junior") == "oakfield junior"


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Jane Smith", "jane smith", True),
        ("Mrs Jane Smith", "Jane Smith", True),
        ("Jane Ann Smith", "Jane Smith", True),
        ("Siân O'Brien-Smith", "Sian OBrien Smith", True),
        ("Jane Smith", "John Smith", False),
        ("Jane Smith", "Jane Smithson", False),
        ("Smith", "Jane Smith", False),
        ("", "Jane Smith", False),
    ],
)
def test_person_match(a: str, b: str, same: bool) -> None:
    assert person_match(a, b) is same
    assert person_match(b, a) is same


def test_normalise_person_and_area() -> None:
    assert normalise_person("Dr. Amy  O'Neill") == "amy oneill"
    assert normalise_area("MK6 3AB") == normalise_area("mk6") == "mk6"
    assert normalise_area("BA2 4QN") != normalise_area("BA1 1AA")
    assert normalise_area("Saint Neots") == normalise_area("St. Neots")
    assert normalise_area("Bletchley") != normalise_area("Fenny Stratford")


def interest(kind: str, **kw: str) -> Interest:
    return Interest(interest_type=kind, declared_on="2026-01-01", **kw)


SCHOOL = "St Mary's C of E Primary School"
FAMILY = ["Jane Smith", "Tom Smith"]


@pytest.mark.parametrize(
    "kind", ["governor", "clerk", "staff", "parent_of_pupil", "relative_at_setting"]
)
def test_school_interests_block_and_name_type_and_school(kind: str) -> None:
    result = check_conflicts(
        [interest(kind, organisation="Saint Marys CE Primary")],
        school=SCHOOL,
        people=FAMILY,
        area="MK6",
    )
    assert result.outcome == "block"
    assert len(result.reasons) == 1
    reason = result.reasons[0]
    assert SCHOOL in reason
    label = {
        "governor": "Governor",
        "clerk": "Clerk",
        "staff": "staff",
        "parent_of_pupil": "Parent of a pupil",
        "relative_at_setting": "Relative",
    }[kind]
    assert label in reason
    assert "\n" not in reason


def test_other_school_is_clear() -> None:
    result = check_conflicts(
        [interest("governor", organisation="St Mark's CE Primary")],
        school=SCHOOL,
        people=FAMILY,
        area="MK6",
    )
    assert result.outcome == "clear"
    assert result.reasons == []


def test_possible_school_match_warns() -> None:
    result = check_conflicts(
        [interest("governor", organisation="St Mary's")], school=SCHOOL, people=[], area=""
    )
    assert result.outcome == "warn"
    assert "may be" in result.reasons[0]


@pytest.mark.parametrize("kind", ["relative", "friend"])
def test_family_links_block_without_naming_family(kind: str) -> None:
    result = check_conflicts(
        [interest(kind, person="Mrs Jane A. Smith")], school=SCHOOL, people=FAMILY, area=""
    )
    assert result.outcome == "block"
    text = " ".join(result.reasons).lower()
    assert "jane" not in text and "smith" not in text
    assert ("related" in text) if kind == "relative" else ("friend" in text)


def test_unrelated_person_is_clear() -> None:
    result = check_conflicts(
        [interest("friend", person="Jane Smithson")], school=SCHOOL, people=FAMILY, area=""
    )
    assert result.outcome == "clear"


def test_home_area_warns_without_naming_area() -> None:
    result = check_conflicts(
        [interest("home_area", area="mk6 3ab")], school=SCHOOL, people=FAMILY, area="MK6"
    )
    assert result.outcome == "warn"
    assert "recorded reason" in result.reasons[0]
    assert "mk6" not in result.reasons[0].lower()


def test_other_area_is_clear() -> None:
    result = check_conflicts(
        [interest("home_area", area="MK5")], school=SCHOOL, people=FAMILY, area="MK6"
    )
    assert result.outcome == "clear"


def test_ended_and_deleted_interests_are_ignored() -> None:
    ended = interest("governor", organisation=SCHOOL).replace(ended_on="2026-02-01")
    deleted = interest("staff", organisation=SCHOOL).replace(deleted=True)
    result = check_conflicts([ended, deleted], school=SCHOOL, people=FAMILY, area="MK6")
    assert result.outcome == "clear"


def test_block_wins_over_warn_and_all_reasons_kept() -> None:
    result = check_conflicts(
        [
            interest("home_area", area="MK6"),
            interest("clerk", organisation=SCHOOL),
            interest("friend", person="Tom Smith"),
        ],
        school=SCHOOL,
        people=FAMILY,
        area="MK6",
    )
    assert result.outcome == "block"
    assert len(result.reasons) == 3


def test_empty_school_or_area_never_matches() -> None:
    result = check_conflicts(
        [interest("governor", organisation="Oakfield"), interest("home_area", area="MK6")],
        school="",
        people=[],
        area="",
    )
    assert result.outcome == "clear"
