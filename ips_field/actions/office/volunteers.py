"""Volunteers by name or short code, and the list ``ips-office volunteers`` prints.

A supervisor names a volunteer the way the screens show them: the display name
(case-insensitive; it must be unique) or the short code from the list (the first six
characters of the id; any longer unique beginning of the id, or the whole id, works too).
Nothing here writes to the master record.
"""

from __future__ import annotations

from dataclasses import dataclass

from ips_field.actions import office as off
from ips_field.domain.records import Case
from ips_field.domain.references import CODE_LENGTH, short_code
from ips_field.errors import ValidationError
from sync.node import SyncNode

MIN_PREFIX = 4  # a shorter beginning of an id would too easily match by accident


@dataclass(frozen=True)
class VolunteerRow:
    id: str
    code: str
    name: str
    status: str  # active, revoked, pending (invited, reply not yet confirmed)
    cases_held: int  # open cases assigned to them
    last_bundle: str  # date (YYYY-MM-DD) of the last bundle received from them, or ""


def _codes(ids: list[str]) -> dict[str, str]:
    """Each id's short code: six characters, longer only where two ids begin alike."""
    out: dict[str, str] = {}
    for vid in ids:
        length = CODE_LENGTH
        while length < len(vid) and any(
            short_code(other, length) == short_code(vid, length) for other in ids if other != vid
        ):
            length += 1
        out[vid] = short_code(vid, length)
    return out


def _known(node: SyncNode) -> dict[str, str]:
    """Volunteer id -> status, the roster's and the pending invitations'."""
    roster = node.roster
    known = {vid: e.status for vid, e in (roster.volunteers.items() if roster else [])}
    for pending in node.store.table(off.PENDING).all():
        known.setdefault(str(pending["id"]), "pending")
    return known


def volunteer_rows(node: SyncNode) -> list[VolunteerRow]:
    """Everyone on the roster and everyone invited, in order of name."""
    known = _known(node)
    codes = _codes(list(known))
    held: dict[str, int] = {}
    for case in node.repo.all(Case):
        if case.status == "open" and case.assigned_to:
            held[case.assigned_to] = held.get(case.assigned_to, 0) + 1
    rows = []
    for vid, status in known.items():
        last = str(node.peer(vid).get("last_received_at", ""))[:10] if status != "pending" else ""
        rows.append(
            VolunteerRow(
                vid, codes[vid], off.volunteer_name(node, vid), status, held.get(vid, 0), last
            )
        )
    return sorted(rows, key=lambda r: (r.name.casefold(), r.code))


def find_volunteer(node: SyncNode, given: str, *, pending: bool = False) -> str:
    """The id of the one volunteer ``given`` names (name, short code or id).

    Unknown or ambiguous: ``ValidationError`` in one line that repeats nothing (neither what
    was typed nor anyone's name) and points to ``ips-office volunteers``. Invited volunteers
    whose reply is not yet confirmed count only with ``pending=True``."""
    text = " ".join(given.split())
    known = {vid: status for vid, status in _known(node).items() if pending or status != "pending"}
    if not text:
        raise ValidationError({"volunteer": "Give a volunteer's name or short code"})
    if text in known:
        return text
    folded = text.casefold()
    by_name = [
        vid for vid in known if " ".join(off.volunteer_name(node, vid).split()).casefold() == folded
    ]
    compact = "".join(ch for ch in folded if ch.isalnum())
    by_code: list[str] = []
    if len(compact) >= MIN_PREFIX and compact == folded.replace("-", ""):
        by_code = [
            vid for vid in known if "".join(c for c in vid if c.isalnum()).startswith(compact)
        ]
    found = list(dict.fromkeys(by_name + by_code))
    if len(found) == 1:
        return found[0]
    if not found:
        raise ValidationError(
            {"volunteer": "No volunteer has that name or code; `ips-office volunteers` lists them"}
        )
    raise ValidationError(
        {
            "volunteer": f"{len(found)} volunteers match that name or code; give the short "
            "code from `ips-office volunteers`"
        }
    )
