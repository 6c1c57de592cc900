"""Fictional demo data: a dozen made-up families for trying the app and for screenshots.

Every name, school and place here is invented. The demo store's passphrase is ``demo`` and
is printed on screen, so its key derivation uses the cheapest cost inside the allowed bounds
(64 MiB, one pass): a stronger cost would protect nothing and only slow the demo down.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

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
from ips_field.store.store import KdfParams, Store

DEMO_PASSPHRASE = "demo"  # noqa: S105 - public by design, printed on screen

FAMILIES = [
    ("Ashdown", "Priya Ashdown", "Leo Ashdown", "Willowbrook Primary School", "Year 3", "Fenwick"),
    (
        "Barraclough",
        "Tom Barraclough",
        "Maisie Barraclough",
        "Kestrel Academy",
        "Year 8",
        "Eastlea",
    ),
    (
        "Cavendish-Obi",
        "Ngozi Cavendish-Obi",
        "Samuel Cavendish-Obi",
        "St Brannoc's C of E Primary",
        "Year 5",
        "Brook End",
    ),
    (
        "Delacourt",
        "Hannah Delacourt",
        "Ivy Delacourt",
        "Little Acorns Nursery",
        "Nursery",
        "Fenwick",
    ),
    (
        "Eastwood",
        "Marek Eastwood",
        "Oscar Eastwood",
        "Harrowgate Secondary School",
        "Year 10",
        "Orchard Rise",
    ),
    (
        "Fairweather",
        "Joy Fairweather",
        "Ruby Fairweather",
        "Willowbrook Primary School",
        "Year 1",
        "Eastlea",
    ),
    ("Grantham", "Ali Grantham", "Zain Grantham", "Moorfield Junior School", "Year 6", "Brook End"),
    ("Holloway", "Claire Holloway", "Finn Holloway", "Kestrel Academy", "Year 7", "Orchard Rise"),
    (
        "Ibbotson",
        "Dee Ibbotson",
        "Poppy Ibbotson",
        "Saint Brannocs CE Primary School",
        "Reception",
        "Fenwick",
    ),
    ("Jepson", "Sanjay Jepson", "Arjun Jepson", "Riverside Special School", "Year 9", "Eastlea"),
    (
        "Kowalczyk",
        "Ewa Kowalczyk",
        "Jan Kowalczyk",
        "Harrowgate Secondary School",
        "Year 11",
        "Brook End",
    ),
    (
        "Lightfoot",
        "Beth Lightfoot",
        "Noah Lightfoot",
        "Moorfield Infant School",
        "Year 2",
        "Orchard Rise",
    ),
]
MEETING_TYPES = [
    "ehc_annual_review",
    "sen_support_review",
    "ehc_needs_assessment",
    "early_years",
    "exclusion",
    "school_transfer",
    "mediation_tribunal",
]
NEEDS = [
    "Speech, language and communication needs",
    "Autism; finds transitions hard",
    "Specific learning difficulty (dyslexia)",
    "Social, emotional and mental health needs",
    "Physical disability; uses a wheelchair",
    "Moderate learning difficulties",
]


def build_demo(repo: Repository, *, today: dt.date, seed: int = 7) -> None:
    """Fill ``repo`` with fictional, deterministic demo records around ``today``."""
    rng = random.Random(seed)  # picks demo data, never keys

    def ago(days: int) -> str:
        return (today - dt.timedelta(days=days)).isoformat()

    with repo.transaction():
        repo.save(
            VolunteerProfile(
                name="Alex Demo",
                service="milton_keynes",
                home_area="Fenwick",
                email="alex@example.org",
            )
        )
        repo.save(Interest(interest_type="home_area", area="Fenwick", declared_on=ago(300)))
        repo.save(
            Interest(
                interest_type="governor",
                organisation="Oakfield Primary School",
                declared_on=ago(300),
            )
        )
        repo.save(
            CpdEntry(
                on=ago(400),
                title="Impartiality in practice",
                provider="IASS Network",
                independent=True,
                hours=3,
                topics=["impartiality"],
            )
        )
        repo.save(
            CpdEntry(
                on=ago(60),
                title="SEND law update",
                provider="IPSEA",
                independent=True,
                hours=6,
                topics=["sen_law"],
            )
        )
        repo.save(
            CpdEntry(
                on=ago(500),
                title="Safeguarding level 1",
                provider="Local authority",
                hours=2.5,
                topics=["safeguarding"],
            )
        )
        repo.save(
            SupervisionEntry(
                on=ago(100),
                supervisor="Sam Office",
                concerns="Workload",
                impartiality_concern=True,
                coaching="Review neutral wording in meeting notes",
                follow_up_on=ago(10),
            )
        )
        repo.save(
            Outreach(
                on=ago(20),
                organisation="Fenwick parents' coffee morning",
                audience="parent_group",
                hours=2,
            )
        )

        for i, (surname, parent, child, school, year, area) in enumerate(FAMILIES):
            opened = ago(20 + i * 25)
            closed = i == 11
            case = repo.save(
                Case(
                    reference=f"DEMO-{i + 1:03d}",
                    assigned_to=repo.node_id,
                    school=school,
                    opened_on=opened,
                    status="closed" if closed else "open",
                    closed_on=ago(5) if closed else None,
                    outcome="Support plan agreed at review" if closed else "",
                    local_authority="Demo Borough Council",
                    la_contacts=[
                        {"name": "Jo Caseworker", "role": "SEN caseworker", "phone": "01632 960000"}
                    ],
                    summary=f"{year}; {NEEDS[i % len(NEEDS)]}",
                )
            )
            repo.save(
                Family(
                    case_id=case.id,
                    family_name=surname,
                    area=area,
                    parents=[
                        {
                            "name": parent,
                            "relationship": "parent",
                            "phone": f"07700 900{100 + i}",
                            "email": "",
                            "language": "English",
                            "access_needs": "",
                        }
                    ],
                )
            )
            repo.save(
                Child(
                    case_id=case.id,
                    name=child,
                    year_group=year,
                    school=school,
                    needs=NEEDS[i % len(NEEDS)],
                    ehcp_status=rng.choice(["none", "final", "assessment", "requested"]),
                )
            )
            repo.save(
                Consent(
                    case_id=case.id,
                    purpose="record",
                    given_by=parent,
                    given_on=opened,
                    how_given="written",
                )
            )
            repo.save(
                Consent(
                    case_id=case.id,
                    purpose="share_office",
                    given_by=parent,
                    given_on=opened,
                    how_given="written",
                )
            )
            if i % 3 == 0:
                repo.save(
                    Consent(
                        case_id=case.id,
                        purpose="represent_views",
                        given_by=parent,
                        given_on=opened,
                        how_given="verbal",
                        expires_on=ago(-20) if i == 3 else None,
                    )
                )
            if i == 4:
                repo.save(
                    Consent(
                        case_id=case.id,
                        purpose="contact_evaluation",
                        given_by=parent,
                        given_on=opened,
                        how_given="verbal",
                        withdrawn_on=ago(3),
                        withdrawal_reason="Parent asked not to be contacted",
                    )
                )
            if closed:
                repo.save(
                    Consent(
                        case_id=case.id,
                        purpose="contact_evaluation",
                        given_by=parent,
                        given_on=opened,
                        how_given="written",
                    )
                )
                repo.save(
                    Evaluation(case_id=case.id, stage="closing", sent_on=ago(4), sent_how="email")
                )
            mtype = MEETING_TYPES[i % len(MEETING_TYPES)]
            upcoming = i < 6
            when = today + dt.timedelta(days=(i * 2 + 1) if upcoming else -(i * 3))
            meeting = repo.save(
                Meeting(
                    case_id=case.id,
                    meeting_type=mtype,
                    title="Annual review" if mtype == "ehc_annual_review" else "",
                    starts_at=f"{when.isoformat()}T{10 + i % 5:02d}:00",
                    place=school,
                    attendees=[
                        {"name": parent, "role": "Parent"},
                        {"name": "Ms R. Senco", "role": "SENCO", "organisation": school},
                        {
                            "name": "Jo Caseworker",
                            "role": "SEN caseworker",
                            "organisation": "Demo Borough Council",
                        },
                    ],
                    volunteer_role="represent" if i % 3 == 0 else "support",
                    parent_views="Would like more help with reading and a quiet space at lunchtime."
                    if i % 2 == 0
                    else "",
                    parent_approved=i % 4 == 0,
                    questions=[
                        "How will progress be measured?",
                        "Who will the parent contact day to day?",
                    ],
                    status="planned" if upcoming else "held",
                )
            )
            if not upcoming:
                notes = [
                    (
                        "ips_role_statement",
                        "I am here to support the parent; I am independent of the school "
                        "and the council.",
                        "",
                    ),
                    (
                        "parent_view",
                        f"{parent} said the mornings are hard and she wants a named adult.",
                        "",
                    ),
                    (
                        "procedure",
                        "Explained that the review must be followed by a decision "
                        "within four weeks.",
                        "",
                    ),
                    (
                        "professional_view",
                        "Reading age has improved by a year since September [assessment attached].",
                        "Ms R. Senco",
                    ),
                    ("option", "A part-time timetable was discussed as one option.", ""),
                ]
                for voice, text, speaker in notes:
                    repo.add_note(
                        Note(
                            case_id=case.id,
                            meeting_id=meeting.id,
                            voice=voice,
                            text=text,
                            speaker=speaker,
                            speaker_role="SENCO" if speaker else "",
                        )
                    )
                repo.add_note(
                    Note(
                        case_id=case.id,
                        meeting_id=meeting.id,
                        voice="agreed_action",
                        text="School to send the updated support plan",
                        owner="SENCO",
                        due_on=ago(-7 + i),
                    )
                )
            repo.save(
                Contact(
                    case_id=case.id,
                    on=ago(i + 2),
                    method="phone",
                    with_whom=parent,
                    summary="Talked through the meeting papers",
                    minutes=20 + i,
                )
            )
            repo.save(
                Signposting(
                    case_id=case.id,
                    source_id="ipsea" if i % 2 else "ace",
                    source_name="IPSEA" if i % 2 else "ACE",
                    on=ago(i + 1),
                )
            )


def check_demo_cases(repo: Repository) -> None:
    """Run the conflict check on every demo case, as the app does when a case is opened."""
    from ips_field.actions.volunteer.conflict_checks import run_conflict_check

    for case in repo.all(Case):
        outcome = run_conflict_check(repo, case.id, trigger="case created")
        if outcome.result.outcome == "warn":
            run_conflict_check(
                repo,
                case.id,
                trigger="case created",
                override_reason="Lives on the other side of the area; agreed with the office",
            )


def create_demo_store(path: Path, *, today: dt.date | None = None) -> Path:
    """Write a new demo store at ``path`` (passphrase ``demo``)."""
    with Store.create(Path(path), DEMO_PASSPHRASE, kdf=KdfParams(64 * 1024, 1, 1)) as store:
        repo = Repository(store)
        build_demo(repo, today=today or repo.time.today())
        from ips_field.demo.timelines import add_demo_key_dates

        add_demo_key_dates(repo, today=today or repo.time.today())
        check_demo_cases(repo)
    return Path(path)
