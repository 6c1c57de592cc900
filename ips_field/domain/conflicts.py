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

from ips_field.domain.records import INTEREST_TYPES, Interest

Outcome = Literal["clear", "warn", "block"]

SCHOOL_INTERESTS = ("governor", "clerk", "staff", "parent_of_pupil", "relative_at_setting")
PERSON_INTERESTS = ("relative", "friend")

# Multi-word phrases rewritten to one token, longest first.
_PHRASES: list[tuple[tuple[str, ...], str]] = [
    (("church", "of", "england"), "ce"),
    (("c", "of", "e"), "ce"),
    (("c", "e"), "ce"),
    (("roman", "catholic"), "rc"),
    (("r", "c"), "rc"),
    (("pre", "school"), "preschool"),
]
_WORDS = {
    "saint": "st",
    "cofe": "ce",
    "infants": "infant",
    "juniors": "junior",
    "nurseries": "nursery",
    "&": "and",
    "mt": "mount",
    "jnr": "junior",
    "jun": "junior",
    "inf": "infant",
    "prim": "primary",
    "sec": "secondary",
}
# Words that say what kind of institution it is but not which one.
_DROP = {"school", "academy", "the", "sch"}
# Words a person may leave out when typing a name: denomination and phase.
_OPTIONAL = {
    "ce",
    "rc",
    "va",
    "vc",
    "primary",
    "secondary",
    "infant",
    "junior",
    "nursery",
    "community",
}
_PHASES = {"primary", "secondary", "infant", "junior", "nursery", "preschool", "high", "middle"}
_TITLES = {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "rev"}
_POSTCODE = re.compile(r"^([a-z]{1,2}\d[a-z\d]?)(\s*\d[a-z]{2})?$")


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
            out.append(_WORDS.get(tokens[i], tokens[i]))
            i += 1
    return out


def _org_tokens(name: str) -> list[str]:
    return [t for t in _rewrite(_plain(name).split()) if t not in _DROP]


def normalise_org(name: str) -> str:
    """A school or setting name reduced to the words that identify it.

    ``St Mary's C of E Primary School`` and ``Saint Marys CE Primary`` both become
    ``st marys ce primary``; "School" and "Academy" are dropped, phases kept.
    """
    return " ".join(_org_tokens(name))


def org_match(a: str, b: str) -> Literal["same", "possible", "different"]:
    """``same`` if the names normalise alike; ``possible`` if they differ only because one
    leaves out the denomination or phase ("St Mary's" / "St Mary's CE Primary"), never when
    both give a phase and the phases differ; else ``different``."""
    ta, tb = _org_tokens(a), _org_tokens(b)
    if not ta or not tb:
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
            and normalise_area(interest.area) == normalise_area(area)
        ):
            warns.append(
                "Home area is the same as the family's area: continue only with a recorded reason"
            )
    reasons = _unique(blocks + warns)
    outcome: Outcome = "block" if blocks else "warn" if warns else "clear"
    return ConflictResult(outcome, reasons)


def _unique(items: list[str]) -> list[str]:
    seen: set[str] = set()
    return [x for x in items if not (x in seen or seen.add(x))]
