"""``ips-office demo``: a fictional office with four volunteers, its history and a full inbox.

Everything is invented: volunteers, families (those of :mod:`ips_field.demo.volunteer` plus two),
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
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from ips_field.actions import office as off
from ips_field.actions.office import record_returned_evaluation
from ips_field.cli.common import explicit_store_first, kdf_choice, one_line_errors
from ips_field.demo.office_history import (
    DELACOURT,
    FAIRWEATHER,
    FAMILY_LIST,
    IBBOTSON,
    KOWALCZYK,
    PEMBERTON,
    PLANS,
    Days,
    write_history,
    write_meeting,
)
from ips_field.domain.clock import default_clock
from ips_field.domain.records import (
    Case,
    Consent,
    Contact,
    Evaluation,
    Note,
)
from ips_field.errors import IpsError
from ips_field.store import osdeps
from ips_field.store.store import KdfParams, Store
from ips_field.templates import Templates, load_templates
from sync import audit, routing
from sync.exchange import export_bundle, import_bundle
from sync.node import SyncNode

DEMO_PASSPHRASE = "demo"  # noqa: S105 - public by design, printed on screen
RECOVERY_FILE = "office-recovery.key"
UNLOCK_HINT = "This is the demo office of fictional families: its passphrase is  demo"
PROG = "ips-office"


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
        path.unlink(missing_ok=True)  # import_bundle deletes what it imported

    def from_volunteer(self, vid: str) -> None:
        """A bundle through the inbox, imported (and so deleted) as the office app does."""
        path = export_bundle(self.nodes[vid], self.node.node_id, self.inbox)
        _check(import_bundle(self.node, path, self.inbox / "quarantine"))
        self.audit("import", f"{path.name}: imported from {self.names[vid]}")

    def waiting(self, vid: str) -> Path:
        """A bundle left in the inbox for the supervisor to import."""
        return export_bundle(self.nodes[vid], self.node.node_id, self.inbox)


def _check(result: Any) -> None:
    if result.status != "imported":
        raise IpsError(f"demo bundle was not imported: {result.summary}")


def _office_work(o: _Office, ids: dict[str, dict[int, str]], days: Days) -> None:
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
        routing.route(node)
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


def _inbox_changes(o: _Office, ids: dict[str, dict[int, str]], days: Days, tpl: Templates) -> None:
    """Newer work from three volunteers, sealed into the inbox and not imported."""
    by_name = {name: vid for vid, name in o.names.items()}
    alex, priya, joe = by_name["Alex Demo"], by_name["Priya Natt"], by_name["Joe Okafor"]
    # Alex: a meeting held yesterday, with its notes.
    repo = o.nodes[alex].repo
    with repo.transaction():
        write_meeting(repo, "Alex Demo", 4, ids[alex][4], 1, 1, days, tpl, represent=False)
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
    days = Days(today or default_clock().today())
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
            ids[vnode.node_id] = write_history(vnode.repo, plan, days, tpl)
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
        callback=explicit_store_first,
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
        run_office: Callable[[Path, str], None] | None = None
        if not create_only:
            from ips_field.tui.office.app import run_office
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
