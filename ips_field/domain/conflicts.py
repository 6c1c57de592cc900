"""Conflict-of-interest check between a volunteer's declared interests and a case.

Both policies: a volunteer who is a governor or clerk at a school, works there or has a
child there does not work with families at that school; a volunteer does not assist close
friends or relatives; and where possible works outside their own home area. School names
are typed by hand in many ways ("St Mary's C of E Primary School", "Saint Marys CE
Primary"), so names are normalised before they are compared, while names that differ in a
way that matters (St Mary's / St Mark's, Infant / Junior / Primary) stay apart.

Reasons are stored on the case for the office, so they name the interest type and the
school but never a family member's name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from ips_field.domain.postcode_areas import PLACE_DISTRICTS
from ips_field.domain.records import Interest
from ips_field.domain.vocabulary import INTEREST_TYPES

Outcome = Literal["clear", "warn", "block"]

SCHOOL_INTERESTS = ("governor", "clerk", "staff", "parent_of_pupil", "relative_at_setting")
PERSON_INTERESTS = ("relative", "friend")

# Multi-word phrases rewritten to one token, longest first.
_PHRASES: list[tuple[tuple[str, ...], str]] = [
    (("church", "of", "england"), "ce"),
    (("voluntary", "aided"), "va"),
    (("voluntary", "controlled"), "vc"),
    (("c", "of", "e"), "ce"),
    (("c", "e"), "ce"),
    (("roman", "catholic"), "rc"),
    (("r", "c"), "rc"),
    (("pre", "school"), "preschool"),
    (("day", "nursery"), "nursery"),
    (("all", "through"), "allthrough"),
]
_WORDS = {
    "saint": "st",
    "cofe": "ce",
    "coe": "ce",
    "catholic": "rc",
    "aided": "va",
    "controlled": "vc",
    "infants": "infant",
    "juniors": "junior",
    "nurseries": "nursery",
    "schools": "school",
    "academies": "academy",
    "combined": "primary",  # Milton Keynes' combined schools are primary schools
    "&": "and",
    "mt": "mount",
    "jnr": "junior",
    "jun": "junior",
    "inf": "infant",
    "prim": "primary",
    "sec": "secondary",
}
# Words that say what kind of institution it is but not which one; a school's status
# (voluntary aided or controlled) is not part of which school it is either.
_DROP = {"school", "academy", "the", "sch", "special", "va", "vc"}
# Words a person may leave out when typing a name: denomination and phase.
_OPTIONAL = {
    "ce",
    "rc",
    "primary",
    "secondary",
    "infant",
    "junior",
    "nursery",
    "preschool",
    "first",
    "allthrough",
    "community",
    # A girls' or boys' school is usually not the mixed school of the same name, but the
    # single-sex school is often typed without the word ("Hayesfield School" for Bath's
    # Hayesfield Girls' School): left out, ask; girls against boys, different.
    "girls",
    "boys",
}
_PHASES = {"primary", "secondary", "infant", "junior", "nursery", "preschool", "high", "middle"}
# Words that end a school's name: anything typed after the last of them is a place.
_KIND_WORDS = _PHASES | {"school", "academy", "college", "first", "allthrough"}
# After "church", one of these makes it a Church of England school ("Batheaston Church
# School", "Farmborough Church Primary").
_CHURCH_BEFORE = {"school", "primary", "infant", "junior", "first", "academy", "nursery"}
_TITLES = {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "rev"}
_POSTCODE = re.compile(r"^([a-z]{1,2}\d[a-z\d]?)(\s*\d[a-z]{2})?$")
_FULL_POSTCODE = re.compile(r"\b([a-z]{1,2}\d[a-z\d]?)\s*\d[a-z]{2}\b")
_DISTRICT = re.compile(r"[a-z]{1,2}\d[a-z\d]?")
_BRACKETS = re.compile(r"\(([^()]*)\)")
_PLACE_SEPARATORS = re.compile(r"[,;/()\[\]]|\s[-\u2013\u2014]\s")


def _plain(text: str) -> str:
    """Lower case, accents removed, apostrophes dropped, '&' spaced, other punctuation to spaces."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = re.sub(r"['\u2019\u2018\u02bc`]", "", text)
    text = text.replace("&", " & ")
    # Dotted initials become one word: "C.E." -> "ce", "V.A." -> "va".
    text = re.sub(r"\b[a-z](?:\.[a-z]\b)+\.?", lambda m: m.group(0).replace(".", ""), text)
    return re.sub(r"[^a-z0-9&]+", " ", text)


def _rewrite(tokens: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for phrase, repl in _PHRASES:
            if tuple(tokens[i : i + len(phrase)]) == phrase:
                out.append(repl)
                i += len(phrase)
                break
        else:
            word = _WORDS.get(tokens[i], tokens[i])
            nxt = _WORDS.get(tokens[i + 1], tokens[i + 1]) if i + 1 < len(tokens) else ""
            if word == "church" and nxt in _CHURCH_BEFORE:
                word = "ce"
            elif out and out[-1] == "st" and len(word) > 2:
                word = word.rstrip("s")  # St Mary's, St Marys, St James's, St James
            out.append(word)
            i += 1
    return out


def _status_only(text: str) -> bool:
    """Is a bracketed part only a denomination or status, as in "St John's CE (VA)"?"""
    tokens = _rewrite(_plain(text).split())
    return bool(tokens) and all(t in _DROP | {"ce", "rc"} for t in tokens)


def _split_name(name: str) -> tuple[list[str], list[str]]:
    """A typed school name as (its identifying words, the places typed with it).

    A place is what follows a comma or a dash, what is in brackets (unless the brackets
    hold only a status such as "(V.A.)"), or what is typed after the last word that ends
    a school's name ("St Gregory's Catholic College Bath").
    """
    places = [m.group(1) for m in _BRACKETS.finditer(name) if not _status_only(m.group(1))]
    name = _BRACKETS.sub(lambda m: f" {m.group(1)} " if _status_only(m.group(1)) else " ", name)
    first, *rest = _PLACE_SEPARATORS.split(name)
    places += [p for p in rest if p.strip()]
    tokens = _rewrite(_plain(first).split())
    last_kind = max((i for i, t in enumerate(tokens) if t in _KIND_WORDS), default=-1)
    if 0 < last_kind < len(tokens) - 1:
        places.append(" ".join(tokens[last_kind + 1 :]))
        tokens = tokens[: last_kind + 1]
    return [t for t in tokens if t not in _DROP], [p for p in places if _plain(p).strip()]


def _org_tokens(name: str) -> list[str]:
    return _split_name(name)[0]


def normalise_org(name: str) -> str:
    """A school or setting name reduced to the words that identify it.

    ``St Mary's C of E Primary School`` and ``Saint Marys CE Primary`` both become
    ``st mary ce primary``; "School", "Academy" and a status are dropped, phases kept,
    and a town typed after the name is left out.
    """
    return " ".join(_org_tokens(name))


def _places_differ(a: list[str], b: list[str]) -> bool:
    """Both names give a place, the places can be compared, and none agree."""
    if not a or not b:
        return False
    pa, pb = [_place(p) for p in a], [_place(p) for p in b]
    if any(x.overlaps(y) for x in pa for y in pb):
        return False
    return any(x.comparable(y) for x in pa for y in pb)


def org_match(a: str, b: str) -> Literal["same", "possible", "different"]:
    """``same`` if the names normalise alike; ``possible`` if they differ only because one
    leaves out the denomination or phase ("St Mary's" / "St Mary's CE Primary"), never when
    both give a phase and the phases differ; else ``different``. A town or postcode typed
    with one name is ignored; typed with both, different places mean different schools."""
    (ta, places_a), (tb, places_b) = _split_name(a), _split_name(b)
    if not ta or not tb or _places_differ(places_a, places_b):
        return "different"
    if ta == tb:
        return "same"
    core_a = [t for t in ta if t not in _OPTIONAL and t != "and"]
    core_b = [t for t in tb if t not in _OPTIONAL and t != "and"]
    if not core_a or core_a != core_b:
        return "different"
    extra_a = [t for t in ta if t in _OPTIONAL]
    extra_b = [t for t in tb if t in _OPTIONAL]
    # One side must say everything the other says (no contradicting words).
    if set(extra_a) <= set(extra_b) or set(extra_b) <= set(extra_a):
        return "possible"
    return "different"


def normalise_person(name: str) -> str:
    """A person's name without titles, punctuation or accents: 'Mrs O'Brien-Smith' ->
    'obrien smith'."""
    tokens = [t for t in _plain(name).replace("&", " ").split() if t not in _TITLES]
    return " ".join(tokens)


def person_match(a: str, b: str) -> bool:
    """Same person if the normalised names are equal, or first and last names agree and
    one side just adds middle names."""
    ta, tb = normalise_person(a).split(), normalise_person(b).split()
    if not ta or not tb:
        return False
    if ta == tb:
        return True
    return len(ta) >= 2 and len(tb) >= 2 and ta[0] == tb[0] and ta[-1] == tb[-1]


def normalise_area(area: str) -> str:
    """An area name or postcode reduced for comparison: postcodes to their district
    ('MK6 3AB' -> 'mk6'), names like school names ('Saint Neots' -> 'st neots')."""
    plain = " ".join(_plain(area).split())
    m = _POSTCODE.match(plain)
    if m:
        return m.group(1)
    return " ".join(t for t in _rewrite(plain.split()) if t != "the")


@dataclass(frozen=True)
class Place:
    """What an area as typed says: postcode districts and place names (as word tuples)."""

    districts: frozenset[str]
    names: frozenset[tuple[str, ...]]

    def overlaps(self, other: Place) -> bool:
        """The same district, or one place name inside the other ("West Bletchley" /
        "Bletchley"), or a district one side gives that a place the other names lies in
        ("MK3 6EW" / "Bletchley", see :mod:`postcode_areas`): a neighbourhood warning is
        better given once too often."""
        if self.districts & other.districts:
            return True
        if any(_inside(x, y) or _inside(y, x) for x in self.names for y in other.names):
            return True
        return bool(
            self.districts & other.known_districts() or other.districts & self.known_districts()
        )

    def known_districts(self) -> frozenset[str]:
        """The districts the named places lie in, where the map knows them."""
        out: set[str] = set()
        for name in self.names:
            for place, districts in PLACE_DISTRICTS.items():
                if _inside(place, name):
                    out |= districts
        return frozenset(out)

    def comparable(self, other: Place) -> bool:
        return bool((self.districts and other.districts) or (self.names and other.names))


def _inside(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    n = len(short)
    return any(long[i : i + n] == short for i in range(len(long) - n + 1))


def _place(text: str) -> Place:
    districts: set[str] = set()
    names: set[tuple[str, ...]] = set()
    for chunk in _PLACE_SEPARATORS.split(text):
        plain = " ".join(_plain(chunk).split())
        districts |= {m.group(1) for m in _FULL_POSTCODE.finditer(plain)}
        words: list[str] = []
        for word in _rewrite(_FULL_POSTCODE.sub(" ", plain).split()):
            if _DISTRICT.fullmatch(word):
                districts.add(word)
            elif word != "the":
                words.append(word)
        # A chunk with a number in it is a house or street, not an area.
        if words and not any(ch.isdigit() for w in words for ch in w):
            names.add(tuple(words))
    return Place(frozenset(districts), frozenset(names))


def area_match(a: str, b: str) -> bool:
    """Do two typed areas overlap? An interest typed "Bletchley MK2" (as the wizard invites)
    matches a family in "Bletchley" and one at "MK2 5QR"; "MK3" matches "Bletchley" (West
    Bletchley is MK3) and "MK12" does not (Wolverton)."""
    if not a.strip() or not b.strip():
        return False
    return _place(a).overlaps(_place(b))


@dataclass(frozen=True)
class ConflictResult:
    """``block``: another volunteer should take the case. ``warn``: continue only with a
    recorded reason. ``clear``: no declared interest touches this case."""

    outcome: Outcome
    reasons: list[str] = field(default_factory=list)


def _label(interest_type: str) -> str:
    return INTEREST_TYPES.get(interest_type, interest_type)


def check_conflicts(
    interests: Iterable[Interest],
    *,
    school: str,
    people: Sequence[str],
    area: str,
) -> ConflictResult:
    """Check a volunteer's declared interests against a case's school, family and area.

    ``people`` are the family members' names (parents, child, other relatives); they are
    compared but never copied into the reasons. Ended or deleted interests are ignored.
    """
    blocks: list[str] = []
    warns: list[str] = []
    for interest in interests:
        if not interest.active:
            continue
        kind = interest.interest_type
        if kind in SCHOOL_INTERESTS and school.strip() and interest.organisation.strip():
            match = org_match(interest.organisation, school)
            if match == "same":
                blocks.append(f"{_label(kind)} at {school.strip()}, the case's school or setting")
            elif match == "possible":
                warns.append(
                    f"{_label(kind)} at {interest.organisation.strip()}, which may be the "
                    f"case's school or setting ({school.strip()}): check before continuing"
                )
        elif kind in PERSON_INTERESTS and interest.person.strip():
            if any(person_match(interest.person, p) for p in people if p.strip()):
                blocks.append(f"{_label(kind)} a member of the family (declared interest)")
        elif (
            kind == "home_area"
            and interest.area.strip()
            and area.strip()
            and area_match(interest.area, area)
        ):
            warns.append(
                "Home area is the same as the family's area: continue only with a recorded reason"
            )
    reasons = _unique(blocks + warns)
    outcome: Outcome = "block" if blocks else "warn" if warns else "clear"
    return ConflictResult(outcome, reasons)


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
