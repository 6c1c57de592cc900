"""Conflict matcher (issue 17): places typed with a school name, areas and postcodes."""

from __future__ import annotations

import pytest

from ips_field.domain.conflicts import area_match, check_conflicts, org_match
from ips_field.domain.records import Interest


def interest(kind: str, **kw: str) -> Interest:
    return Interest(interest_type=kind, declared_on="2026-01-01", **kw)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        # The examples.
        ("St Mary's CofE Primary School, Bletchley", "St Marys C of E Primary School", "same"),
        ("St Gregory's Catholic College", "St Gregorys Catholic College, Bath", "same"),
        # A town in brackets, after a dash, or typed straight after the name.
        ("St Gregory's Catholic College", "St Gregory's Catholic College (Bath)", "same"),
        ("Ousedale School - Olney", "Ousedale School", "same"),
        ("St Gregorys Catholic College Bath", "St Gregory's Catholic College", "same"),
        # Brackets holding only a status are part of the name, not a place.
        ("St John's C.E. (V.A.) Primary", "St Johns CE Primary, Keynsham", "same"),
        # Two different places: two different schools of one name.
        ("St Mary's CE Primary, Bletchley", "St Mary's CE Primary, Timsbury", "different"),
        ("Busy Bees Nursery, MK5 6AA", "Busy Bees Nursery, MK10 9AA", "different"),
        # A place and a postcode cannot be compared: the names decide.
        ("Busy Bees Nursery, Kingston", "Busy Bees Nursery, MK10 9AA", "same"),
        # A place the district map knows, and a district it is not in: still not enough to
        # call them different (the map only ever adds matches).
        ("Busy Bees Nursery, Kingston", "Busy Bees Nursery, MK5 6AA", "same"),
        # Catholic and Church of England, with or without the phase.
        ("St Mary's Catholic Primary", "St Mary's RC Primary School", "same"),
        ("St Mary's Catholic", "St Mary's Roman Catholic Primary", "possible"),
        ("St Mary's Catholic", "St Mary's Church of England", "different"),
        ("Batheaston Church School", "Batheaston CofE School", "same"),
        # Girls' and boys' schools: one name leaving the word out may mean the single-sex
        # school or a mixed one of the same name: ask. Girls against boys: different.
        ("Hayesfield Girls School", "Hayesfield School", "possible"),
        ("Hayesfield Girls' School, Bath", "Hayesfield Girls School", "same"),
        ("Hayesfield Girls' School", "Hayesfield Boys' School", "different"),
        # A "Park" or "Road" that is part of the name stays.
        ("Oldfield Park Junior School", "Oldfield Junior School", "different"),
        ("Summerfield Road Primary", "Summerfield Primary", "different"),
    ],
)
def test_places_in_school_names(a: str, b: str, expected: str) -> None:
    assert org_match(a, b) == expected
    assert org_match(b, a) == expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("Bletchley MK2", "Bletchley", True),
        ("Bletchley MK2", "MK2 5QR", True),
        ("Bletchley MK2", "mk25qr", True),
        ("Bletchley MK2", "12 Queensway, Bletchley, MK2 2HB", True),
        ("Bletchley MK2", "Water Eaton, Bletchley", True),
        ("Bletchley MK2", "West Bletchley", True),
        # Districts against place names, where the place is known (postcode_areas.py):
        # West Bletchley is MK3, so a family at MK3 6EW lives in the volunteer's Bletchley.
        ("Bletchley MK2", "MK3 6EW", True),
        ("MK3", "Bletchley", True),
        ("MK10", "Busy Bees Nursery, Kingston", True),
        ("BA2", "Combe Down", True),
        ("BA2", "Larkhall, Bath", True),  # Bath spans BA1 and BA2
        ("BA3", "Bath", False),
        ("MK12", "Bletchley", False),
        ("MK2", "Wolverton", False),
        # Two named places are compared by name only: both in BA2, but not one another.
        ("Combe Down", "Twerton", False),
        ("Bletchley MK2", "Wolverton", False),
        ("Bletchley MK2", "MK12 5AB", False),
        ("Saint Neots", "St. Neots", True),
        ("BA2", "BA2 4QN", True),
        ("BA2", "BA1 1AA", False),
        ("Bath", "Bathwick", False),
        ("Combe Down, Bath", "Bath", True),
        ("", "Bletchley", False),
        ("12 Queensway", "14 Queensway", False),
    ],
)
def test_area_match(a: str, b: str, expected: bool) -> None:
    assert area_match(a, b) is expected
    assert area_match(b, a) is expected


@pytest.mark.parametrize("family_area", ["Bletchley", "MK2 5QR", "Fenny Stratford, MK2 3AB"])
def test_home_area_typed_with_a_postcode_warns_for_families_there(family_area: str) -> None:
    result = check_conflicts(
        [interest("home_area", area="Bletchley MK2")], school="", people=[], area=family_area
    )
    assert result.outcome == "warn"
    assert "Home area" in result.reasons[0]


def test_home_area_elsewhere_is_clear() -> None:
    result = check_conflicts(
        [interest("home_area", area="Bletchley MK2")], school="", people=[], area="MK10 9AA"
    )
    assert result.outcome == "clear"


def test_governor_at_a_school_typed_with_its_town_is_blocked() -> None:
    result = check_conflicts(
        [interest("governor", organisation="St Gregory's Catholic College")],
        school="St Gregorys Catholic College, Bath",
        people=[],
        area="",
    )
    assert result.outcome == "block"


def test_home_area_typed_as_a_district_warns_for_a_family_named_by_place() -> None:
    for area, family in (("MK3", "Far Bletchley"), ("BA2", "Odd Down, Bath")):
        result = check_conflicts(
            [interest("home_area", area=area)], school="", people=[], area=family
        )
        assert result.outcome == "warn", (area, family)


def test_governor_at_a_school_typed_without_girls_is_warned_not_missed() -> None:
    result = check_conflicts(
        [interest("governor", organisation="Hayesfield School")],
        school="Hayesfield Girls' School",
        people=[],
        area="",
    )
    assert result.outcome == "warn"
