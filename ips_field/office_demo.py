"""``ips-office demo``: a fictional office with four volunteers, its history and a full inbox.

Everything is invented: volunteers, families (those of :mod:`ips_field.demo` plus two),
schools and places. The demo grows the way a real office does, through the real code:

1. the master record and its offline recovery key (both with the passphrase ``demo``);
2. four volunteers, each with an encrypted store of their own (``volunteers/<name>.ipsf``,
   passphrase ``demo``), enrolled by invitation, reply and fingerprint check;
3. fourteen months of each volunteer's work (cases, families, consents, meetings with
   attributed notes, contacts, signposting, CPD, supervision) sealed into bundles and
   imported at the office;
4. the office's own work: a blocked case reassigned, returned evaluations typed in, two
   corrections the volunteers overwrote without seeing them (open sync conflicts), and
   bundles back to every volunteer;
5. three newer bundles from volunteers waiting, not imported, in ``inbox/``.

Dates are relative to ``today``, so one day always gives the same content; record ids and
sync clock stamps are fresh on each run. The passphrases are public (printed on screen).
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import click

from ips_field.cli_common import kdf_choice, one_line_errors
from ips_field.demo import FAMILIES, MEETING_TYPES, NEEDS
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
from ips_field.errors import IpsError
from ips_field.services.impartiality import note_flags, run_conflict_check
from ips_field.store import osdeps
from ips_field.store.repository import Repository
from ips_field.store.store import KdfParams, Store
from ips_field.templates import Templates, load_templates
from sync import audit
from sync import office as off
from sync.exchange import export_bundle, import_bundle
from sync.node import SyncNode
from sync.oversight import record_returned_evaluation

DEMO_PASSPHRASE = "demo"  # noqa: S105 - public by design, printed on screen
RECOVERY_FILE = "office-recovery.key"
UNLOCK_HINT = "This is the demo office of fictional families: its passphrase is  demo"
PROG = "ips-office"

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


@dataclass(frozen=True)
class _Plan:
    name: str
    home_area: str
    interests: tuple[dict[str, str], ...]
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


@dataclass(frozen=True)
class DemoVolunteer:
    id: str
    name: str
    store: Path


@dataclass(frozen=True)
class OfficeDemo:
    """Where the demo was written, and who its volunteers are."""

    store: Path
    recovery_key: Path
    inbox: Path
    volunteers: tuple[DemoVolunteer, ...]

    @property
    def volunteer_ids(self) -> list[str]:
        return [v.id for v in self.volunteers]

    @property
    def names(self) -> dict[str, str]:
        return {v.id: v.name for v in self.volunteers}


# -- building ------------------------------------------------------------------------------


class _Days:
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


def _history(repo: Repository, plan: _Plan, days: _Days, tpl: Templates) -> dict[int, str]:
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
            cases[spec.family] = _case(repo, plan, spec, days, tpl)
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


def _case(repo: Repository, plan: _Plan, spec: _Case, days: _Days, tpl: Templates) -> str:
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
        _meeting(repo, plan.name, fi, cid, m, ago, days, tpl, represent=represent)
    if closed is None and spec.upcoming:
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


def _meeting(
    repo: Repository,
    volunteer: str,
    fi: int,
    cid: str,
    m: int,
    ago: int,
    days: _Days,
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
                flags=note_flags(fields["text"], tpl.language),
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


class _Office:
    """The office and its volunteers while the demo is being built."""

    def __init__(self, node: SyncNode, root: Path, inbox: Path) -> None:
        self.node = node
        self.transit = Path(tempfile.mkdtemp(prefix=".transit-", dir=root))
        self.inbox = inbox
        self.nodes: dict[str, SyncNode] = {}
        self.names: dict[str, str] = {}

    def audit(self, action: str, detail: str, *, case_id: str = "") -> None:
        audit.append(self.node, action, detail, case_id=case_id)

    def enrol(self, name: str, store: Store) -> SyncNode:
        """The real flow: invitation and code, reply, fingerprints compared in person."""
        invite, code, vid = off.enrol(self.node, name)
        reply, volunteer_fp, office_fp = off.volunteer_enrol(store, invite, code)
        if office_fp != self.node.identity.fingerprint():
            raise IpsError("demo enrolment: the office fingerprint does not match")
        public = off.read_enrolment_reply(self.node, reply)
        off.confirm_enrolment(self.node, public, volunteer_fp)
        self.audit("enrol", name)
        vnode = SyncNode(store, "volunteer")
        self.nodes[vid], self.names[vid] = vnode, name
        self.to_volunteer(vid)  # the first office bundle: signed roster and recovery key
        return vnode

    def to_volunteer(self, vid: str) -> None:
        path = off.export_for(self.node, vid, self.transit)
        _check(import_bundle(self.nodes[vid], path, self.transit / "quarantine"))
        path.unlink()

    def from_volunteer(self, vid: str) -> None:
        """A bundle through the inbox, imported and filed as the office app does."""
        path = export_bundle(self.nodes[vid], self.node.node_id, self.inbox)
        _check(import_bundle(self.node, path, self.inbox / "quarantine"))
        self.audit("import", f"{path.name}: imported from {self.names[vid]}")
        done = self.inbox / "imported"
        done.mkdir(exist_ok=True)
        shutil.move(str(path), done / path.name)

    def waiting(self, vid: str) -> Path:
        """A bundle left in the inbox for the supervisor to import."""
        return export_bundle(self.nodes[vid], self.node.node_id, self.inbox)


def _check(result: Any) -> None:
    if result.status != "imported":
        raise IpsError(f"demo bundle was not imported: {result.summary}")


def _office_work(o: _Office, ids: dict[str, dict[int, str]], days: _Days) -> None:
    """Reassign the blocked case, type in returned evaluations, make two conflicts."""
    node = o.node
    by_name = {name: vid for vid, name in o.names.items()}
    sam, priya, joe = by_name["Sam Rivers"], by_name["Priya Natt"], by_name["Joe Okafor"]
    blocked = ids[sam][PEMBERTON]
    reason = "Sam is a governor at the school; Joe lives nearby but does not know the family"
    case = off.assign_case(node, blocked, joe, reason=reason)
    o.audit("assign", f"{case.reference} to Joe Okafor (reason: {reason})", case_id=blocked)
    returned = [
        (ids[by_name["Alex Demo"]][9], "closing", "parent", 75,
         {"impartiality": 5, "demeanour": 5},
         "Felt listened to; the volunteer explained every option without pushing."),
        (ids[sam][11], "closing", "parent", 40, {"information_quality": 3},
         "Helpful, although I wanted more phone updates."),
        (ids[by_name["Alex Demo"]][0], "midway", "professional", 120, {"preparation": 5},
         "The volunteer kept to the parent's views and the process."),
    ]  # fmt: skip
    for case_id, stage, respondent, ago, scores, comments in returned:
        record_returned_evaluation(
            node,
            case_id,
            respondent=respondent,
            stage=stage,
            returned_on=days.iso(ago),
            scores=dict.fromkeys(Evaluation.SCORE_NAMES, 4) | scores,
            impartial=True,
            comments=comments,
        )
    # Office corrections that the volunteers overwrite before they see them.
    ibbotson = node.repo.get(Case, ids[priya][IBBOTSON])
    fairweather = node.repo.get(Case, ids[sam][FAIRWEATHER])
    assert ibbotson is not None and fairweather is not None
    with node.store.transaction():
        node.repo.save(ibbotson.replace(school="St Brannoc's C of E Primary"))
        node.repo.save(
            fairweather.replace(
                safeguarding=f"{days.iso(9)}: office safeguarding lead checked; "
                "the school is handling the transport worry."
            )
        )
        off.route(node)
    pv = o.nodes[priya].repo
    mine = pv.get(Case, ids[priya][IBBOTSON])
    assert mine is not None
    pv.save(mine.replace(school="St Brannoc's CE Primary School"))
    sv = o.nodes[sam].repo
    theirs = sv.get(Case, ids[sam][FAIRWEATHER])
    assert theirs is not None
    sv.save(
        theirs.replace(
            safeguarding=f"{days.iso(8)}: parent raised a worry about the school bus escort; "
            "passed to the school's safeguarding lead."
        )
    )
    o.from_volunteer(priya)
    o.from_volunteer(sam)
    for vid in o.nodes:
        o.to_volunteer(vid)
    o.audit("export", f"{len(o.nodes)} bundles")


def _inbox_changes(o: _Office, ids: dict[str, dict[int, str]], days: _Days, tpl: Templates) -> None:
    """Newer work from three volunteers, sealed into the inbox and not imported."""
    by_name = {name: vid for vid, name in o.names.items()}
    alex, priya, joe = by_name["Alex Demo"], by_name["Priya Natt"], by_name["Joe Okafor"]
    # Alex: a meeting held yesterday, with its notes.
    repo = o.nodes[alex].repo
    with repo.transaction():
        _meeting(repo, "Alex Demo", 4, ids[alex][4], 1, 1, days, tpl, represent=False)
    # Priya: consent to represent renewed before the review, and a note of it.
    repo = o.nodes[priya].repo
    cid = ids[priya][DELACOURT]
    parent = FAMILY_LIST[DELACOURT][1]
    with repo.transaction():
        repo.save(
            Consent(
                case_id=cid,
                purpose="represent_views",
                given_by=parent,
                given_on=days.iso(2),
                how_given="written",
                expires_on=days.iso(-363),
            )
        )
        repo.add_note(
            Note(
                case_id=cid,
                voice="general",
                text="Consent to represent the parent's views renewed in writing for a year.",
                written_at=days.at(2, 14),
            )
        )
        repo.save(
            Contact(
                case_id=cid,
                on=days.iso(2),
                method="visit",
                with_whom=parent,
                summary="Home visit to renew consent",
                minutes=40,
            )
        )
    # Joe: a case closed with an evaluation sent, and a first call on the reassigned case.
    repo = o.nodes[joe].repo
    closing = repo.get(Case, ids[joe][KOWALCZYK])
    assert closing is not None
    with repo.transaction():
        repo.add_note(
            Note(
                case_id=closing.id,
                voice="agreed_action",
                text="Parent to contact the service again if the plan is not followed",
                owner="Parent",
                written_at=days.at(1, 11),
            )
        )
        repo.save(
            closing.replace(
                status="closed", closed_on=days.iso(1), outcome="Plan amended; parent satisfied"
            )
        )
        repo.save(
            Evaluation(case_id=closing.id, stage="closing", sent_on=days.iso(0), sent_how="email")
        )
        moved = ids[by_name["Sam Rivers"]][PEMBERTON]
        parent = FAMILY_LIST[PEMBERTON][1]
        repo.add_note(
            Note(
                case_id=moved,
                voice="parent_view",
                text=f"{parent} would like help to prepare for the transfer review.",
                written_at=days.at(3, 16),
            )
        )
        repo.save(
            Contact(
                case_id=moved,
                on=days.iso(3),
                method="phone",
                with_whom=parent,
                summary="First call after the case was passed on by the office",
                minutes=30,
            )
        )
    for vid in (alex, priya, joe):
        o.waiting(vid)


def create_office_demo(
    path: Path, *, today: dt.date | None = None, kdf: KdfParams | None = None
) -> OfficeDemo:
    """Write the demo office at ``path`` with its volunteers' stores and inbox beside it."""
    path = Path(path)
    days = _Days(today or dt.date.today())
    root = path.parent
    key_file, vol_dir, inbox = root / RECOVERY_FILE, root / "volunteers", root / "inbox"
    for existing in (path, key_file, vol_dir, inbox):
        if existing.exists():
            raise IpsError(f"{existing.name} already exists in {root}; nothing was changed")
    # The passphrase is public ("demo"): the cheapest cost the store accepts, as for the
    # volunteer demo, keeps start-up quick.
    kdf = kdf or KdfParams(64 * 1024, 1, 1)
    tpl, _ = load_templates()
    osdeps.make_private_dir(root)
    node = off.init_office(path, DEMO_PASSPHRASE, DEMO_PASSPHRASE, key_file, kdf=kdf)
    osdeps.make_private_dir(inbox)
    o = _Office(node, root, inbox)
    stores: list[Store] = [node.store]
    try:
        node.save_state(inbox=str(inbox))
        people: list[DemoVolunteer] = []
        ids: dict[str, dict[int, str]] = {}
        for plan in PLANS:
            vpath = vol_dir / f"{plan.name.split()[0].lower()}.ipsf"
            store = Store.create(vpath, DEMO_PASSPHRASE, kdf=kdf)
            stores.append(store)
            vnode = o.enrol(plan.name, store)
            ids[vnode.node_id] = _history(vnode.repo, plan, days, tpl)
            o.from_volunteer(vnode.node_id)
            people.append(DemoVolunteer(vnode.node_id, plan.name, vpath))
        _office_work(o, ids, days)
        _inbox_changes(o, ids, days, tpl)
    finally:
        shutil.rmtree(o.transit, ignore_errors=True)
        for store in stores:
            store.close()
    return OfficeDemo(path, key_file, inbox, tuple(people))


# -- command line --------------------------------------------------------------------------


def register(main: click.Group) -> None:
    """Add ``demo`` to the ``ips-office`` group."""

    @main.command()
    @click.option(
        "--store",
        "store_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Where to write the demo master record (default: a new temporary folder).",
    )
    @click.option("--create-only", is_flag=True, help="Write the demo office and exit.")
    @one_line_errors(PROG)
    def demo(store_path: Path | None, create_only: bool) -> None:
        """A demo office of fictional families (passphrase: demo), opened in the office app."""
        if create_only and store_path is None:
            raise IpsError("--create-only needs --store PATH")
        if store_path is not None and store_path.exists():
            raise IpsError(f"{store_path} already exists; nothing was changed")
        run_office = None
        if not create_only:
            try:
                from ips_field.tui.office.app import run_office
            except ImportError:
                raise IpsError("the office app is not available in this version") from None
        path = store_path or Path(tempfile.mkdtemp(prefix="ips-office-demo-")) / "office.ipsf"
        click.echo("Writing the demo office and four volunteers' stores...", err=True)
        made = create_office_demo(path, kdf=kdf_choice())
        click.echo(f"Demo office (fictional families) written to {made.store}")
        click.echo("Its passphrase is: demo")
        click.echo(f"Offline recovery key: {made.recovery_key} (its passphrase is: demo)")
        click.echo(f"Volunteers' stores (passphrase: demo): {made.store.parent / 'volunteers'}")
        click.echo(f"Bundles waiting in the inbox: {made.inbox}")
        if run_office is not None:
            run_office(made.store, UNLOCK_HINT)
