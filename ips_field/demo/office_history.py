"""The demo office's volunteers and fourteen months of their (fictional) work.

Data tables and the builders that write one volunteer's cases, meetings with attributed
notes, contacts, signposting, CPD and supervision through the repository, as the
volunteer app would. :mod:`ips_field.demo.office` enrols the volunteers and runs the office.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple, Required, TypedDict

from ips_field.actions.note_flags import note_flags
from ips_field.actions.volunteer.conflict_checks import run_conflict_check
from ips_field.demo.volunteer import FAMILIES, MEETING_TYPES, NEEDS
from ips_field.domain.clock import FixedClock
from ips_field.domain.records import (
    Case,
    Child,
    Consent,
    Contact,
    CpdEntry,
    Evaluation,
    Family,
    Interest,
    Meeting,
    Note,
    Outreach,
    Signposting,
    SupervisionEntry,
    VolunteerProfile,
)
from ips_field.store.repository import Repository
from ips_field.templates import Templates

FAMILY_LIST = [
    *FAMILIES,
    (
        "Pemberton-Ashe",
        "Lorna Pemberton-Ashe",
        "Theo Pemberton-Ashe",
        "Kestrel Academy",
        "Year 9",
        "Orchard Rise",
    ),
    ("Quennell", "Rosa Quennell", "Milo Quennell", "Riverside Special School", "Year 4", "Fenwick"),
]
DELACOURT, IBBOTSON, FAIRWEATHER, KOWALCZYK, PEMBERTON = 3, 8, 5, 10, 12


class _Case(NamedTuple):
    family: int  # index into FAMILY_LIST
    opened: int  # days ago
    closed: int | None = None  # days ago
    intake_only: bool = False  # blocked by the conflict check before any meeting
    upcoming: bool = True  # a meeting is planned


class _InterestKw(TypedDict, total=False):
    """The fields a plan gives for one of its volunteer's declared interests."""

    interest_type: Required[str]
    organisation: str
    person: str


@dataclass(frozen=True)
class _Plan:
    name: str
    home_area: str
    interests: tuple[_InterestKw, ...]
    cases: tuple[_Case, ...]
    supervision: tuple[int, ...]  # days ago
    cpd: tuple[int, ...]  # indexes into COURSES


COURSES = [
    # (days ago for the first volunteer, title, provider, independent, hours, topics)
    (420, "Impartiality in practice", "IASS Network", True, 3.0, ["impartiality"]),
    (340, "Safeguarding level 1", "Demo Borough Council", False, 2.5, ["safeguarding"]),
    (230, "SEND law update", "IPSEA", True, 6.0, ["sen_law"]),
    (120, "Data protection for volunteers", "Demo IASS office", False, 1.5, ["data_protection"]),
    (45, "Mediation and tribunal: what parents can expect", "IASS Network", True, 3.0,
     ["mediation", "sen_law"]),
    (70, "Impartiality refresher", "IASS Network", True, 1.5, ["impartiality"]),
]  # fmt: skip

PLANS = (
    _Plan(
        "Alex Demo",
        "Fenwick",
        ({"interest_type": "governor", "organisation": "Oakfield Primary School"},),
        (_Case(9, 410, closed=95), _Case(0, 300), _Case(1, 160), _Case(4, 40)),
        (400, 310, 215, 120, 30),
        (0, 1, 2, 3, 4, 5),
    ),
    _Plan(
        "Sam Rivers",
        "Brook End",
        ({"interest_type": "governor", "organisation": "Kestrel Academy"},),
        (
            _Case(11, 380, closed=60),
            _Case(2, 250),
            _Case(FAIRWEATHER, 120),
            _Case(PEMBERTON, 25, intake_only=True),
        ),
        (390, 300, 205, 110, 20),
        (0, 1, 2, 4, 5),
    ),
    _Plan(
        "Priya Natt",
        "Eastlea",
        (
            {"interest_type": "friend", "person": "Dana Whitlock"},
            {"interest_type": "staff", "organisation": "Little Acorns Nursery"},
        ),
        (_Case(DELACOURT, 330), _Case(IBBOTSON, 210), _Case(6, 90), _Case(13, 30)),
        (380, 285, 190, 95, 10),
        (0, 1, 3),
    ),
    _Plan(
        "Joe Okafor",
        "Orchard Rise",
        ({"interest_type": "parent_of_pupil", "organisation": "Moorfield Junior School"},),
        (_Case(KOWALCZYK, 270, upcoming=False), _Case(7, 75)),
        (370, 280, 200),  # the next session is overdue
        (0, 2),
    ),
)

PARENT_VIEWS = [
    "{parent} said mornings are the hardest part and would like a named adult at the gate.",
    "{parent} feels the current support is not reaching {child} in lessons and wants it "
    "written into the plan.",
    "{parent} wants {child} to stay with friends and is worried about a long journey.",
    "{parent} said {child} is happier since the quiet room started at lunchtime.",
]
PROCEDURES = [
    "Explained that after an annual review the council must tell the parent its decision "
    "within four weeks.",
    "Explained the six-week deadline to decide whether to carry out a needs assessment.",
    "Explained that the parent can ask for a particular school to be named in the plan.",
    "Explained how to request mediation and that the certificate is needed before an appeal.",
]
PROFESSIONALS = [
    ("Ms R. Senco", "SENCO", "Reading age has improved by a year since September."),
    ("Mr D. Hale", "Educational psychologist", "Recommends small-group teaching for maths."),
    ("Jo Caseworker", "SEN caseworker", "The panel meets on the first Thursday of the month."),
    ("Mrs K. Bell", "Class teacher", "Settles well after a visual timetable at the start."),
]
OPTIONS = [
    "A part-time timetable for four weeks was discussed as one option.",
    "Extra speech and language therapy sessions were discussed as one option.",
    "A phased transfer with extra visits was discussed as one option.",
    "Keeping the current support and reviewing in six weeks was discussed as one option.",
]
ACTIONS = [
    ("SENCO", "School to send the updated support plan"),
    ("Local authority", "Council to confirm the decision in writing"),
    ("Parent", "Parent to send the letter from the paediatrician"),
    ("Class teacher", "Teacher to share the visual timetable with home"),
]
DIRECTIVE = "You should accept the placement at Riverside; I would not wait for another offer."
OUTCOMES = {9: "Placement agreed at the review", 11: "Support plan agreed with the school"}


class Days:
    """Dates and times relative to ``today``."""

    def __init__(self, today: dt.date) -> None:
        self.today = today

    def day(self, ago: int) -> dt.date:
        return self.today - dt.timedelta(days=ago)

    def iso(self, ago: int) -> str:
        return self.day(ago).isoformat()

    def at(self, ago: int, hour: int, minute: int = 0) -> str:
        moment = dt.datetime.combine(self.day(ago), dt.time(hour, minute)).astimezone()
        return moment.isoformat(timespec="seconds")


@contextlib.contextmanager
def as_of(repo: Repository, moment: str) -> Iterator[None]:
    """Write as the volunteer did on the day (ISO ``moment``): the consent and conflict
    rules are checked against that day, as they were when the meeting was held."""
    saved = repo.time
    repo.time = FixedClock(dt.datetime.fromisoformat(moment), step=dt.timedelta(seconds=1))
    try:
        yield
    finally:
        repo.time = saved


def write_history(repo: Repository, plan: _Plan, days: Days, tpl: Templates) -> dict[int, str]:
    """A volunteer's fourteen months; returns family index -> case id."""
    first = plan.name.split()[0]
    cases: dict[int, str] = {}
    with repo.transaction():
        repo.save(
            VolunteerProfile(
                name=plan.name,
                home_area=plan.home_area,
                email=f"{first.lower()}@example.org",
            )
        )
        repo.save(
            Interest(interest_type="home_area", area=plan.home_area, declared_on=days.iso(425))
        )
        for i, kw in enumerate(plan.interests):
            ended = days.iso(200) if kw["interest_type"] == "staff" else None
            repo.save(Interest(**kw, declared_on=days.iso(425 - i), ended_on=ended))
        shift = PLANS.index(plan) * 6
        for n in plan.cpd:
            ago, title, provider, independent, hours, topics = COURSES[n]
            repo.save(
                CpdEntry(
                    on=days.iso(ago - shift),
                    title=title,
                    provider=provider,
                    independent=independent,
                    hours=hours,
                    topics=topics,
                )
            )
        if PLANS.index(plan) % 2 == 0:
            repo.save(
                Outreach(
                    on=days.iso(150 + shift),
                    organisation=f"{plan.home_area} parents' coffee morning",
                    audience="parent_group",
                    hours=2,
                )
            )
        for spec in plan.cases:
            cases[spec.family] = write_case(repo, plan, spec, days, tpl)
        for ago in plan.supervision:
            concern = plan.name == "Alex Demo" and ago == 30
            repo.save(
                SupervisionEntry(
                    on=days.iso(ago),
                    supervisor="Morgan Office",
                    case_ids=[cases[1]] if concern else [],
                    concerns="A meeting note gave the parent directive advice" if concern else "",
                    impartiality_concern=concern,
                    coaching="Go through the neutral-language prompts together" if concern else "",
                    follow_up_on=days.iso(2) if concern else None,
                    followed_up_on=None,
                )
            )
    for case_id in cases.values():
        outcome = run_conflict_check(repo, case_id, trigger="case created")
        if outcome.result.outcome == "warn":
            run_conflict_check(
                repo,
                case_id,
                trigger="case created",
                override_reason="Lives on the other side of the area; agreed with the office",
            )
    return cases


def write_case(repo: Repository, plan: _Plan, spec: _Case, days: Days, tpl: Templates) -> str:
    fi = spec.family
    surname, parent, child, school, year, area = FAMILY_LIST[fi]
    vid = repo.node_id
    closed = spec.closed
    case = repo.save(
        Case(
            reference=f"DEMO-{fi + 1:03d}",
            school=school,
            opened_on=days.iso(spec.opened),
            status="closed" if closed is not None else "open",
            closed_on=days.iso(closed) if closed is not None else None,
            outcome=OUTCOMES.get(fi, "Support agreed") if closed is not None else "",
            local_authority="Demo Borough Council",
            la_contacts=[{"name": "Jo Caseworker", "role": "SEN caseworker"}],
            summary=f"{year}; {NEEDS[fi % len(NEEDS)]}",
            assigned_to=vid,
        )
    )
    cid = case.id
    repo.save(
        Family(
            case_id=cid,
            family_name=surname,
            area=area,
            parents=[
                {
                    "name": parent,
                    "relationship": "parent",
                    "phone": f"07700 900{100 + fi}",
                    "email": "",
                    "language": "English",
                    "access_needs": "",
                }
            ],
        )
    )
    repo.save(
        Child(
            case_id=cid,
            name=child,
            year_group=year,
            school=school,
            needs=NEEDS[fi % len(NEEDS)],
            ehcp_status=("final", "assessment", "none", "requested")[fi % 4],
        )
    )
    opened = days.iso(spec.opened)
    for purpose in ("record", "share_office"):
        repo.save(
            Consent(
                case_id=cid, purpose=purpose, given_by=parent, given_on=opened, how_given="written"
            )
        )
    represent = fi % 3 == 0
    if represent:
        expires = days.iso(6) if fi == DELACOURT else days.iso(spec.opened - 365)
        repo.save(
            Consent(
                case_id=cid,
                purpose="represent_views",
                given_by=parent,
                given_on=opened,
                how_given="verbal",
                expires_on=expires,
            )
        )
    if closed is not None or fi % 2 == 0:
        repo.save(
            Consent(
                case_id=cid,
                purpose="contact_evaluation",
                given_by=parent,
                given_on=opened,
                how_given="written",
                withdrawn_on=days.iso(20) if fi == 6 else None,
                withdrawal_reason="Parent asked not to be contacted" if fi == 6 else "",
            )
        )
    repo.save(
        Contact(
            case_id=cid,
            on=opened,
            method="phone",
            with_whom=parent,
            summary="First call: listened to the concerns and explained the service",
            minutes=35,
        )
    )
    sources = tpl.signposting
    first_source = sources[fi % len(sources)]
    repo.save(
        Signposting(
            case_id=cid,
            source_id=first_source.id,
            source_name=first_source.name,
            on=days.iso(spec.opened - 3),
        )
    )
    if spec.intake_only:
        return cid
    last = closed if closed is not None else 1
    held = [ago for ago in (spec.opened - 21, spec.opened - 130, spec.opened - 250) if ago > last]
    for m, ago in enumerate(held):
        with as_of(repo, days.at(ago, 8)):
            write_meeting(repo, plan.name, fi, cid, m, ago, days, tpl, represent=represent)
    if closed is None and spec.upcoming:
        # an expired consent to represent means support at the next meeting
        represent = represent and repo.has_consent(cid, "represent_views")
        ahead = 2 + (fi * 5) % 19
        mtype = MEETING_TYPES[(fi + len(held)) % len(MEETING_TYPES)]
        repo.save(
            Meeting(
                case_id=cid,
                meeting_type=mtype,
                title="Annual review" if mtype == "ehc_annual_review" else "",
                starts_at=days.at(-ahead, 9 + fi % 6)[:16],
                place=school,
                attendees=[{"name": parent, "role": "Parent"}],
                volunteer_role="represent" if represent else "support",
                parent_views=PARENT_VIEWS[fi % 4].format(parent=parent, child=child),
                parent_approved=fi % 2 == 0,
                questions=["How will progress be measured?", "Who is the contact day to day?"],
            )
        )
    if closed is not None:
        repo.save(
            Evaluation(case_id=cid, stage="closing", sent_on=days.iso(closed - 2), sent_how="email")
        )
    elif spec.opened > 200 and fi % 3 == 0:
        repo.save(
            Evaluation(
                case_id=cid, stage="midway", sent_on=days.iso(spec.opened // 2), sent_how="post"
            )
        )
    return cid


def write_meeting(
    repo: Repository,
    volunteer: str,
    fi: int,
    cid: str,
    m: int,
    ago: int,
    days: Days,
    tpl: Templates,
    *,
    represent: bool,
) -> None:
    """A held meeting ``ago`` days back: role statement first, then attributed notes."""
    _, parent, child, school, _, _ = FAMILY_LIST[fi]
    hour = 9 + (fi + m) % 6
    role = "represent" if represent else "support"
    statement = tpl.profile("generic").role_statement(role, volunteer, parent)
    mtype = MEETING_TYPES[(fi + m) % len(MEETING_TYPES)]
    speaker, speaker_role, said = PROFESSIONALS[(fi + m) % 4]
    view = PARENT_VIEWS[(fi + m) % 4].format(parent=parent, child=child)
    meeting = repo.save(
        Meeting(
            case_id=cid,
            meeting_type=mtype,
            title="Annual review" if mtype == "ehc_annual_review" else "",
            starts_at=days.at(ago, hour)[:16],
            place=school,
            attendees=[
                {"name": parent, "role": "Parent"},
                {"name": speaker, "role": speaker_role},
            ],
            volunteer_role=role,
            role_statement=statement,
            parent_views=view,
            parent_approved=True,
            questions=["How will progress be measured?"],
            status="held",
            role_stated_at=days.at(ago, hour, 1),
        )
    )
    owner, action = ACTIONS[(fi + m) % 4]
    notes: list[dict[str, Any]] = [
        {"voice": "ips_role_statement", "text": statement},
        {"voice": "parent_view", "text": view},
        {"voice": "procedure", "text": PROCEDURES[(fi + m) % 4]},
        {
            "voice": "professional_view",
            "text": said,
            "speaker": speaker,
            "speaker_role": speaker_role,
        },
        {"voice": "option", "text": OPTIONS[(fi + m) % 4]},
    ]
    if fi == 1 and m == 0:  # a slip the office's neutral-language review should catch
        notes.append({"voice": "general", "text": DIRECTIVE})
    notes.append(
        {"voice": "agreed_action", "text": action, "owner": owner, "due_on": days.iso(ago - 14)}
    )
    for minute, fields in enumerate(notes, start=2):
        repo.add_note(
            Note(
                case_id=cid,
                meeting_id=meeting.id,
                written_at=days.at(ago, hour, minute * 4),
                flags=note_flags(fields["text"], tpl.language, fields.get("voice")),
                **fields,
            )
        )
    repo.save(
        Contact(
            case_id=cid,
            on=days.iso(ago + 2),
            method="email",
            with_whom=parent,
            summary="Sent the meeting papers and checked the parent's views",
            minutes=15,
        )
    )
    if ago > 4:
        repo.save(
            Contact(
                case_id=cid,
                on=days.iso(ago - 3),
                method="phone",
                with_whom=parent,
                summary="Went through what was agreed at the meeting",
                minutes=20 + fi,
            )
        )


# -- the office ----------------------------------------------------------------------------
